//! Helpers shared by the fuzz targets. Only the detector's public API is
//! used (`analyze`, `Analyzer`, `Config` and the `Report` fields), so the
//! targets keep working when the detector's internals move.

use detector::{Config, FormatChoice, LogsMode, Report};

/// A JSONL config: format fixed, no raw rows kept (less work per run).
pub fn jsonl_config() -> Config {
    let mut c = Config::default();
    c.input.format = FormatChoice::Jsonl;
    c.logs = LogsMode::None;
    c
}

/// The same for CSV (`--format csv`).
pub fn csv_config() -> Config {
    let mut c = Config::default();
    c.input.format = FormatChoice::Csv;
    c.logs = LogsMode::None;
    c
}

/// A valid JSONL line with `time` and `url` given as JSON string contents.
pub fn jsonl_line(time_json: &str, url_json: &str) -> String {
    format!(
        r#"{{"time":{time_json},"clientip":"10.0.0.1","url":{url_json},"action":"ALLOW","responsesize":1}}"#
    )
}

/// A string as a JSON string literal (quotes and escapes included).
pub fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a str always serializes")
}

/// Lines the analyzer frames in `input`: one per `\n`, plus a last
/// unterminated one.
pub fn count_lines(input: &[u8]) -> u64 {
    let newlines = input.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!input.is_empty() && input.last() != Some(&b'\n'))
}

/// Invariants every report keeps, whatever the input: every line is
/// accounted for, and the rejection counts add up.
pub fn check_report(report: &Report, input: &[u8]) {
    let l = &report.lines;
    assert_eq!(
        l.total,
        l.accepted + l.rejected + l.blank + l.header + l.continuation,
        "line counts do not add up: {l:?}"
    );
    assert_eq!(l.total, count_lines(input), "total lines != framed lines");
    assert_eq!(report.rejected_lines, l.rejected);
    assert_eq!(
        report.rejection_counts.values().sum::<u64>(),
        l.rejected,
        "rejection_counts do not sum to rejected"
    );
    assert_eq!(report.total_logs, l.accepted);
    assert!(report.parse_errors.len() as u64 <= l.rejected);
    // (Serializing the report here would triple the cost of a run and
    // exercise serde_json, not the detector.)
}
