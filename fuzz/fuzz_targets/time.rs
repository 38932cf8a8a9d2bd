//! Time parsing, reached through a JSONL line's `time` field. An accepted
//! time is printed back (the report's time range) and that text must parse
//! to the same instant.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signaltrace_fuzz::*;

fn analyze_time(time: &str) -> Result<detector::Report, detector::Error> {
    let line = jsonl_line(&json_string(time), r#""http://a.example/""#);
    let report = detector::analyze(line.as_bytes(), &jsonl_config());
    if let Ok(r) = &report {
        check_report(r, line.as_bytes());
    }
    report
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(report) = analyze_time(&text) else {
        return;
    };
    assert_eq!(report.lines.accepted, 1);
    let start = &report.time_range.start;
    assert_eq!(start, &report.time_range.end);
    let again = analyze_time(start)
        .unwrap_or_else(|e| panic!("{text:?} was accepted as {start:?}, which is rejected: {e}"));
    assert_eq!(
        &again.time_range.start, start,
        "{text:?} does not round-trip"
    );
});
