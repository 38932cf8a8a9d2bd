//! The shape of the code, checked (issue 9; docs/ARCHITECTURE.md):
//!
//! - the modules of `detector/src` import each other without a cycle, so the
//!   pipeline reads one way;
//! - no non-test function in `detector/src`, `server/src`, `app/src` or `engine/src` is
//!   longer than [`MAX_FN_LINES`] lines.
//!
//! Both read the source text with a small lexer (strings, chars and comments
//! skipped; `#[cfg(test)]` modules left out); no dependency needed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Longest function allowed, counted from its `fn` line to its closing brace.
const MAX_FN_LINES: usize = 120;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The source with comments, string and char literals blanked to spaces
/// (line breaks kept, so line numbers stay right).
fn code_only(src: &str) -> Vec<u8> {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |k| i + k);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = src[i + 2..].find("*/").map_or(b.len(), |k| i + 2 + k + 2);
                blank(&mut out, i, end);
                i = end;
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0
                    || !is_ident(b[i - 1])
                    || (b[i - 1] == b'b' && (i < 2 || !is_ident(b[i - 2])))) =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                let end = src[body..]
                    .find(&close)
                    .map_or(b.len(), |k| body + k + close.len());
                blank(&mut out, i, end);
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i, j + 1);
                i = j + 1;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{7f}'), not a lifetime ('a).
                let end = if b.get(i + 1) == Some(&b'\\') {
                    // Past the escaped character: '\'' and '\\' are whole.
                    b.get(i + 3..)
                        .and_then(|rest| rest.iter().position(|&c| c == b'\''))
                        .map(|k| i + 3 + k + 1)
                } else {
                    let ch_len = src[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (b.get(i + 1 + ch_len) == Some(&b'\'')).then_some(i + 2 + ch_len)
                };
                match end {
                    Some(end) => {
                        blank(&mut out, i, end);
                        i = end;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Index of the brace closing the one at `open`.
fn matching_brace(code: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, &c) in code.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    code.len()
}

/// The code with every `#[cfg(test)]` item (test modules) blanked.
fn without_tests(code: &[u8]) -> Vec<u8> {
    let mut out = code.to_vec();
    let text = String::from_utf8_lossy(code).into_owned();
    let mut from = 0;
    while let Some(k) = text[from..].find("#[cfg(test)]") {
        let at = from + k;
        let Some(open) = text[at..].find(['{', ';']).map(|o| at + o) else {
            break;
        };
        let end = if code[open] == b'{' {
            matching_brace(code, open)
        } else {
            open
        };
        for c in &mut out[at..=end.min(code.len() - 1)] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
        from = end.min(text.len() - 1) + 1;
    }
    out
}

fn line_of(code: &[u8], at: usize) -> usize {
    code[..at].iter().filter(|&&c| c == b'\n').count() + 1
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `(name, lines)` of every function with a body.
fn functions(code: &[u8]) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + 3 < code.len() {
        let word = &code[i..i + 3] == b"fn " && (i == 0 || !is_ident(code[i - 1]));
        if !word {
            i += 1;
            continue;
        }
        let name_start = i + 3;
        let name_end = name_start
            + code[name_start..]
                .iter()
                .take_while(|&&c| is_ident(c))
                .count();
        let name = String::from_utf8_lossy(&code[name_start..name_end]).into_owned();
        // The body opens at the first `{` outside the signature's brackets;
        // a `;` first means a declaration without a body.
        let mut depth = 0i32;
        let mut open = None;
        for (k, &c) in code.iter().enumerate().skip(name_end) {
            match c {
                b'(' | b'[' | b'<' => depth += 1,
                b')' | b']' => depth -= 1,
                b'>' if code[k - 1] != b'-' && code[k - 1] != b'=' => depth -= 1,
                b';' if depth <= 0 => break,
                b'{' if depth <= 0 => {
                    open = Some(k);
                    break;
                }
                _ => {}
            }
        }
        match open {
            Some(open) if !name.is_empty() => {
                let close = matching_brace(code, open);
                found.push((name, line_of(code, close) - line_of(code, i) + 1));
                i = name_end;
            }
            _ => i = name_end,
        }
    }
    found
}

#[test]
fn no_non_test_function_is_longer_than_120_lines() {
    let root = root();
    let mut files = Vec::new();
    for dir in ["detector/src", "server/src", "app/src", "engine/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut too_long = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let code = without_tests(&code_only(&std::fs::read_to_string(file).unwrap()));
        for (name, lines) in functions(&code) {
            if lines <= MAX_FN_LINES {
                continue;
            }
            too_long.push(format!("{rel}:{name} has {lines} lines"));
        }
    }
    assert!(
        too_long.is_empty(),
        "functions longer than {MAX_FN_LINES} lines:\n{}",
        too_long.join("\n")
    );
}

#[test]
fn the_length_check_sees_long_functions_and_skips_tests() {
    let body = "    let x = 1;\n".repeat(MAX_FN_LINES);
    let src = format!(
        "fn long() {{\n{body}}}\nfn short() -> Vec<u8> {{ let s = \"}}\"; let c = '{{'; let q = '\\''; vec![] }}\n\
         #[cfg(test)]\nmod tests {{\n    fn long_test() {{\n{body}    }}\n}}\n"
    );
    let code = without_tests(&code_only(&src));
    let found = functions(&code);
    assert_eq!(
        found,
        [
            ("long".to_string(), MAX_FN_LINES + 2),
            ("short".to_string(), 1)
        ]
    );
}

/// Module name of a file under `src`: `ingest/csv.rs` → `ingest::csv`,
/// `ingest/mod.rs` → `ingest`, `lib.rs` → ``.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|p| p != "mod" && p != "lib")
        .collect();
    parts.join("::")
}

/// Every path that follows `crate::` or `super::` in `code`, with `use`
/// groups (`crate::a::{b, c::d}`) expanded, as module-path segments.
fn crate_paths(code: &str, module: &str) -> Vec<Vec<String>> {
    fn tree(s: &[u8], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut path = prefix;
        loop {
            while *i < s.len() && s[*i].is_ascii_whitespace() {
                *i += 1;
            }
            if s.get(*i) == Some(&b'{') {
                *i += 1;
                loop {
                    tree(s, i, path.clone(), out);
                    while *i < s.len() && s[*i].is_ascii_whitespace() {
                        *i += 1;
                    }
                    match s.get(*i) {
                        Some(b',') => *i += 1,
                        _ => break,
                    }
                    while *i < s.len() && s[*i].is_ascii_whitespace() {
                        *i += 1;
                    }
                    if s.get(*i) == Some(&b'}') {
                        break;
                    }
                }
                if s.get(*i) == Some(&b'}') {
                    *i += 1;
                }
                return;
            }
            let start = *i;
            while *i < s.len() && is_ident(s[*i]) {
                *i += 1;
            }
            if start == *i {
                out.push(path);
                return;
            }
            path.push(String::from_utf8_lossy(&s[start..*i]).into_owned());
            if s[*i..].starts_with(b"::") {
                *i += 2;
            } else {
                out.push(path);
                return;
            }
        }
    }
    let s = code.as_bytes();
    let mut out = Vec::new();
    for (keyword, base) in [
        ("crate::", Vec::new()),
        ("super::", {
            let mut m: Vec<String> = module.split("::").map(String::from).collect();
            m.pop();
            m
        }),
    ] {
        let mut from = 0;
        while let Some(k) = code[from..].find(keyword) {
            let at = from + k;
            from = at + keyword.len();
            if at > 0 && (is_ident(s[at - 1]) || s[at - 1] == b':') {
                continue;
            }
            let mut i = from;
            tree(s, &mut i, base.clone(), &mut out);
        }
    }
    out
}

/// The import graph of `detector/src`: module → modules it names.
fn detector_imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("detector/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut graph = BTreeMap::new();
    for file in &files {
        let module = module_of(&src, file);
        let code = without_tests(&code_only(&std::fs::read_to_string(file).unwrap()));
        let code = String::from_utf8_lossy(&code).into_owned();
        let mut deps = BTreeSet::new();
        for path in crate_paths(&code, &module) {
            // The deepest module the path names.
            let target = (1..=path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|m| modules.contains(m));
            if let Some(target) = target {
                if target != module && !target.is_empty() {
                    deps.insert(target);
                }
            }
        }
        graph.insert(module, deps);
    }
    graph
}

/// One cycle in `graph`, if any, as the list of modules around it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let from = stack.iter().position(|m| m == next).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node) {
            if let Some(c) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn detector_modules_import_each_other_without_cycles() {
    let graph = detector_imports();
    // A module that is not in `lib.rs`'s graph means the scan is broken.
    assert!(graph.contains_key("analyzer") && graph.contains_key("config"));
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle among detector modules: {}", cycle.join(" → "));
    }
}

#[test]
fn the_cycle_check_finds_a_cycle_through_use_groups_and_super() {
    let paths = crate_paths(
        "use crate::{config::{Config, EntityField}, ingest::event::Event};\nuse super::json::Value;\nlet x = crate::time::parse(y);",
        "ingest::jsonl",
    );
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        joined,
        [
            "config::Config",
            "config::EntityField",
            "ingest::event::Event",
            "time::parse",
            "ingest::json::Value"
        ]
    );
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(find_cycle(&g).unwrap(), ["a", "b", "c", "a"]);
    g.insert("c".to_string(), BTreeSet::new());
    assert_eq!(find_cycle(&g), None);
}
