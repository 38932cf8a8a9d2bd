//! URL host extraction, reached through a JSONL line's `url` field and
//! `entity = host`, so the extracted host is the report's entity.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signaltrace_fuzz::*;

fuzz_target!(|data: &[u8]| {
    let url = String::from_utf8_lossy(data);
    let line = jsonl_line(r#""2026-02-14T10:02:15Z""#, &json_string(&url));
    let mut config = jsonl_config();
    config.entity = Some(detector::EntityField::Host);
    let Ok(report) = detector::analyze(line.as_bytes(), &config) else {
        return;
    };
    check_report(&report, line.as_bytes());
    let host = &report.entities[0].entity;
    assert!(!host.is_empty(), "empty host from {url:?}");
    assert!(
        !host
            .chars()
            .any(|c| c.is_ascii_uppercase() || c.is_ascii_whitespace() || c.is_ascii_control()),
        "host {host:?} from {url:?} is not lower-cased or has spaces/controls"
    );
    assert!(url.contains("://"), "relative url {url:?} accepted");
});
