//! The JSONL path: arbitrary bytes (many lines) read as JSONL, after one
//! valid line so the analysis itself succeeds and rejections are visible.
//! Differential: the first fuzzed line is rejected as `invalid_json` exactly
//! when serde_json does not parse it as a JSON object.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signaltrace_fuzz::*;

const PREFIX: &str = r#"{"time":"2026-02-14T10:02:15Z","clientip":"10.0.0.1","url":"https://a.example/","action":"DENY","responsesize":10}"#;

fuzz_target!(|data: &[u8]| {
    let input = after_valid_line(PREFIX, data);
    let report = detector::analyze(&input, &jsonl_config()).expect("line 1 is valid");
    check_report(&report, &input);

    // The first fuzzed line (line 2), as the analyzer cleans it.
    let Some(text) = first_line_text(data) else {
        return;
    };
    let ours_invalid = report
        .parse_errors
        .iter()
        .any(|e| e.line == 2 && e.reason.starts_with("invalid JSON"));
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    let theirs_invalid = match &theirs {
        Ok(v) => !v.is_object(),
        // serde_json refuses numbers beyond f64 (1e400); RFC 8259 allows
        // them and the scanner checks grammar only, so accept both answers.
        Err(e) if e.to_string().starts_with("number out of range") => return,
        Err(_) => true,
    };
    assert_eq!(
        ours_invalid, theirs_invalid,
        "scanner and serde_json disagree on {text:?}: serde_json says {theirs:?}"
    );
});
