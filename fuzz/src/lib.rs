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

/// `prefix` as line 1, then the fuzzed bytes from line 2 on: a valid first
/// line means the analysis never fails for lack of one.
pub fn after_valid_line(prefix: &str, data: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(prefix.len() + 1 + data.len());
    input.extend_from_slice(prefix.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(data);
    input
}

/// The first fuzzed line (line 2 after [`after_valid_line`]) as the
/// analyzer cleans it (without `\r\n`); `None` when it is not UTF-8 or is
/// blank, which the differential checks leave alone.
pub fn first_line_text(data: &[u8]) -> Option<&str> {
    let line = data.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line).ok()?;
    (!text.trim_ascii().is_empty() && !data.is_empty()).then_some(text)
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
