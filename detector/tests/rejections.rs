//! Bad input is reported line by line and loses nothing: every line is
//! accepted, rejected or blank, and the totals add up.
// Tests change one option at a time on a default config, on purpose.
#![allow(clippy::field_reassign_with_default)]

mod common;

use common::*;
use detector::{Analyzer, Config, Error};

fn good(sec: u32) -> String {
    line(
        &format!("2026-02-10T10:00:{sec:02}Z"),
        "10.0.0.1",
        "a.example",
        "ALLOW",
        10,
    )
}

#[test]
fn each_rejection_reason_is_reported_with_its_line_number() {
    let g = good(1);
    let lines = [
        good(0),                                                      // 1 ok
        "{not json".to_string(),                                      // 2 invalid_json
        g.replace(r#""time":"2026-02-10T10:00:01Z","#, ""),           // 3 missing_field
        g.replace("2026-02-10T10:00:01Z", "yesterday"),               // 4 invalid_time
        g.replace("https://a.example/p", "/relative/path"),           // 5 invalid_url
        g.replace("ALLOW", "allow"),                                  // 6 invalid_action
        g.replace("10.0.0.1", "not-an-ip"),                           // 7 invalid_clientip
        g.replace(r#""responsesize":10"#, r#""responsesize":"10""#),  // 8 wrong_type
        g.replace(r#""responsesize":10"#, r#""responsesize":-10"#),   // 9 invalid_value
        g.replace(r#""user":"u@x.com""#, r#""user":"u","user":"v""#), // 10 duplicate_field
        "   ".to_string(),                                            // 11 blank
        String::new(),                                                // 12 blank
        good(2),                                                      // 13 ok
    ];
    let mut bytes = lines.join("\n").into_bytes();
    bytes.extend_from_slice(b"\n\xff\xfe{}\n"); // 14 not_utf8
    let r = detector::analyze(&bytes, &Config::default()).unwrap();
    let got: Vec<(u64, &str)> = r.parse_errors.iter().map(|e| (e.line, kind(e))).collect();
    assert_eq!(
        got,
        [
            (2, "invalid_json"),
            (3, "missing_field"),
            (4, "invalid_time"),
            (5, "invalid_url"),
            (6, "invalid_action"),
            (7, "invalid_clientip"),
            (8, "wrong_type"),
            (9, "invalid_value"),
            (10, "duplicate_field"),
            (14, "not_utf8"),
        ]
    );
    assert_eq!(r.lines.total, 14);
    assert_eq!(r.lines.accepted, 2);
    assert_eq!(r.lines.rejected, 10);
    assert_eq!(r.lines.blank, 2);
    assert_eq!(r.rejected_lines, 10);
    assert_eq!(r.total_logs, 2);
    assert_eq!(r.rejection_counts.values().sum::<u64>(), 10);
    assert!(
        r.parse_errors[2].reason.contains("yesterday"),
        "{}",
        r.parse_errors[2].reason
    );
    assert!(
        r.summary.contains("10 malformed lines were skipped"),
        "{}",
        r.summary
    );
}

fn kind(e: &detector::report::ParseError) -> &'static str {
    e.kind.as_str()
}

#[test]
fn only_the_first_hundred_reasons_are_kept_but_all_are_counted() {
    let mut lines = vec![good(0)];
    lines.extend((0..250).map(|_| "garbage".to_string()));
    let r = analyze(&lines.join("\n"));
    assert_eq!(r.rejected_lines, 250);
    assert_eq!(r.parse_errors.len(), 100);
    assert_eq!(r.parse_errors[0].line, 2);
    assert_eq!(r.parse_errors[99].line, 101);
    assert_eq!(r.rejection_counts["invalid_json"], 250);
}

#[test]
fn crlf_bom_and_missing_final_newline_are_handled() {
    let text = format!("\u{feff}{}\r\n\r\n{}", good(0), good(1));
    let r = analyze(&text);
    assert_eq!(
        (
            r.lines.total,
            r.lines.accepted,
            r.lines.blank,
            r.lines.rejected
        ),
        (3, 2, 1, 0)
    );
}

#[test]
fn an_over_long_line_is_rejected_without_losing_its_neighbours() {
    let mut config = Config::default();
    config.input.max_line_bytes = 1000;
    let long = format!(r#"{{"pad":"{}"}}"#, "x".repeat(5000));
    let text = format!("{}\n{long}\n{}\n", good(0), good(1));
    for chunk in [1usize, 7, 999, 1001, 100_000] {
        let mut a = Analyzer::new(config.clone()).unwrap();
        for piece in text.as_bytes().chunks(chunk) {
            a.push(piece).unwrap();
        }
        let r = a.finish().unwrap();
        assert_eq!(
            (r.lines.total, r.lines.accepted, r.lines.rejected),
            (3, 2, 1),
            "chunk {chunk}"
        );
        assert_eq!(r.parse_errors[0].line, 2);
        assert_eq!(r.parse_errors[0].kind.as_str(), "line_too_long");
    }
}

#[test]
fn empty_input_is_an_error() {
    for text in ["", "\n\n  \n"] {
        let e = detector::analyze(text.as_bytes(), &Config::default()).unwrap_err();
        assert_eq!(e, Error::EmptyInput);
    }
}

#[test]
fn a_csv_header_without_rows_says_so() {
    let e = detector::analyze(
        b"timestamp,user,host,action,resource,bytes,success\n\n",
        &Config::default(),
    )
    .unwrap_err();
    assert_eq!(e, Error::HeaderOnly);
}

#[test]
fn binary_input_is_not_mistaken_for_a_csv_header() {
    let e = detector::analyze(
        b"\x7fELF\x02\x01,\x00\x00\n\x00\x01,x\n",
        &Config::default(),
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("no valid log line: 2 of 2 lines rejected"),
        "{msg}"
    );
    assert!(
        msg.is_ascii() || !msg.chars().any(char::is_control),
        "{msg:?}"
    );
}

#[test]
fn only_over_long_lines_count_every_line_before_any_format_is_known() {
    // No line ever decides the format: the lines are blank or too long
    // (the last one without a newline, split across pushes).
    let mut config = Config::default();
    config.input.max_line_bytes = 64;
    let mut a = Analyzer::new(config).unwrap();
    a.push(&[b'x'; 100]).unwrap();
    a.push(b"\n\n").unwrap();
    a.push(&[b'y'; 100]).unwrap();
    let msg = a.finish().unwrap_err().to_string();
    assert_eq!(
        msg,
        "no valid log line: 2 of 3 lines rejected (first: line 1: line is longer than the limit of 64 bytes)"
    );
}

#[test]
fn no_valid_line_is_an_error_naming_the_first_reason() {
    let e = detector::analyze(b"{\"a\":1}\nnope\n", &Config::default()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("no valid log line: 2 of 2 lines rejected"),
        "{msg}"
    );
    assert!(
        msg.contains("line 1: missing required field `time`"),
        "{msg}"
    );
}

#[test]
fn strict_mode_turns_a_rejection_into_an_error() {
    let mut config = Config::default();
    config.input.strict = true;
    let text = format!("{}\nbad\n", good(0));
    let e = detector::analyze(text.as_bytes(), &config).unwrap_err();
    assert!(matches!(e, Error::Strict { line: 2, .. }), "{e}");
    assert!(detector::analyze(good(0).as_bytes(), &config).is_ok());
}

#[test]
fn csv_with_an_unusable_header_is_a_clear_error() {
    let e = detector::analyze(
        b"timestamp,user,host\n2025-03-11T09:15:43Z,a,b\n",
        &Config::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unusable CSV header: no `resource` column"),
        "{e}"
    );
}

#[test]
fn a_garbage_first_line_does_not_hide_a_jsonl_file() {
    let text = format!("this is not a log\n{}\n", good(0));
    let r = analyze(&text);
    assert_eq!((r.lines.accepted, r.lines.rejected), (1, 1));
}
