//! Field mapping: fuzzed JSONL lines read with the `ecs` preset, whose paths
//! (`source.ip`, `url.full` else `url.original`, …) reach into nested
//! objects or match members literally named with dots. Differential: a
//! line is accepted only when a serde_json walk of the same line finds
//! `source.ip` by either route, and "missing `source.ip`" only when the walk
//! finds no non-null value there.
#![no_main]

use detector::{Config, Preset};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use signaltrace_fuzz::*;

const PREFIX: &str = r#"{"@timestamp":"2026-02-14T10:02:15Z","source":{"ip":"10.0.0.1"},"url":{"full":"https://a.example/"},"event":{"type":["denied"]},"http":{"response":{"bytes":10}}}"#;

/// Every value at `path` in `v`: a member literally named `path`, or a
/// member named by a prefix of it whose object holds the rest.
fn lookup<'v>(v: &'v Value, path: &str, out: &mut Vec<&'v Value>) {
    let Some(obj) = v.as_object() else {
        return;
    };
    for (key, value) in obj {
        if key == path {
            out.push(value);
        } else if let Some(rest) = path.strip_prefix(key.as_str()).and_then(|r| r.strip_prefix('.')) {
            lookup(value, rest, out);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut config: Config = jsonl_config();
    config.fields.preset = Some(Preset::Ecs);
    let input = after_valid_line(PREFIX, data);
    let report = detector::analyze(&input, &config).expect("line 1 is valid");
    check_report(&report, &input);

    // The first fuzzed line (line 2), as the analyzer cleans it.
    let Some(text) = first_line_text(data) else {
        return;
    };
    let reason = report
        .parse_errors
        .iter()
        .find(|e| e.line == 2)
        .map(|e| e.reason.as_str());
    // serde_json keeps the last of repeated keys; the detector refuses them.
    if reason.is_some_and(|r| r.starts_with("field `") || r.starts_with("invalid JSON")) {
        return;
    }
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let mut found = Vec::new();
    lookup(&v, "source.ip", &mut found);
    let present = found.iter().any(|v| !v.is_null());
    match reason {
        None => assert!(
            found.iter().any(|v| v.as_str().is_some_and(|s| s.parse::<std::net::IpAddr>().is_ok())),
            "accepted without an IP at source.ip: {text:?}"
        ),
        Some("missing required field `source.ip`") => {
            assert!(!present, "`source.ip` is there but reported missing: {text:?}")
        }
        Some(_) => {}
    }
});
