//! Real time formats and time zones: epoch numbers and strftime patterns
//! name the same instants as RFC 3339, and an IANA zone moves the off-hours
//! window with daylight-saving time.

mod common;

use std::path::Path;

use detector::{Config, Report};

fn sample(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../data")
            .join(name),
    )
    .unwrap()
}

/// Everything but the echoed config: what the detector found.
fn findings(mut r: Report) -> serde_json::Value {
    r.config = Config::default();
    r.filename = None;
    r.inputs.clear();
    serde_json::to_value(r).unwrap()
}

fn analyze(text: &str, config: &Config) -> Report {
    detector::analyze(text.as_bytes(), config).unwrap()
}

/// Rewrites every `"time":"…"` of a JSONL log with `f(instant in ns)`.
fn retime_jsonl(text: &str, f: impl Fn(i64) -> String) -> String {
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let t = v["time"].as_str().unwrap();
            let ns = chrono::DateTime::parse_from_rfc3339(t)
                .unwrap()
                .timestamp_nanos_opt()
                .unwrap();
            l.replacen(&format!("\"{t}\""), &f(ns), 1)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn epoch_milliseconds_give_the_rfc3339_report() {
    let text = sample("anomalous_credential_stuffing.jsonl");
    let expected = findings(analyze(&text, &Config::default()));
    let mut config = Config::default();
    config.input.time_format = "epoch_ms".into();
    // As a JSON number and as a string; the samples have sub-millisecond
    // times, kept as a fraction.
    let ms = |ns: i64| format!("{}.{:06}", ns / 1_000_000, ns % 1_000_000);
    let numbers = retime_jsonl(&text, ms);
    assert!(findings(analyze(&numbers, &config)) == expected);
    let strings = retime_jsonl(&text, |ns| format!("\"{}\"", ms(ns)));
    assert!(findings(analyze(&strings, &config)) == expected);
    config.input.time_format = "epoch_s".into();
    let seconds = retime_jsonl(&text, |ns| {
        format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000)
    });
    assert!(findings(analyze(&seconds, &config)) == expected);
}

#[test]
fn a_strftime_pattern_gives_the_rfc3339_report() {
    let text = sample("insider_sample.csv");
    let expected = findings(analyze(&text, &Config::default()));
    let mut lines = text.lines();
    let mut out = vec![lines.next().unwrap().to_owned()];
    for l in lines {
        let (ts, rest) = l.split_once(',').unwrap();
        let t = chrono::DateTime::parse_from_rfc3339(ts)
            .unwrap()
            .naive_utc();
        out.push(format!("{},{rest}", t.format("%m/%d/%Y %H:%M:%S")));
    }
    let mut config = Config::default();
    config.input.time_format = "%m/%d/%Y %H:%M:%S".into();
    let report = analyze(&out.join("\n"), &config);
    assert_eq!(report.config.input.time_format, "%m/%d/%Y %H:%M:%S");
    assert!(findings(report) == expected);
}

/// One event a day at 03:30 UTC for seven days from `first_day`.
fn daily_at_0330(first_day: &str) -> String {
    let d0 = chrono::NaiveDate::parse_from_str(first_day, "%Y-%m-%d").unwrap();
    (0..7)
        .map(|d| {
            let t = (d0 + chrono::Duration::days(d)).format("%Y-%m-%dT03:30:00Z");
            format!(r#"{{"time":"{t}","clientip":"10.0.0.1","url":"https://a.example/","action":"ALLOW","responsesize":1}}"#)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn off_hours_share(log: &str, config: &Config) -> f64 {
    analyze(log, config).entities[0]
        .features
        .off_hours_request_ratio
}

#[test]
fn berlin_off_hours_follow_both_clock_changes_of_2026() {
    let mut berlin = Config::default();
    berlin.off_hours.timezone = Some("Europe/Berlin".into());
    let mut plus_one = Config::default();
    plus_one.off_hours.utc_offset_minutes = 60;
    // 03:30 UTC is 04:30 in Berlin's winter (off-hours, before 05:00) and
    // 05:30 in its summer (not). Summer time starts 2026-03-29 01:00 UTC.
    let spring = daily_at_0330("2026-03-26");
    assert_eq!(off_hours_share(&spring, &berlin), 3.0 / 7.0);
    assert_eq!(off_hours_share(&spring, &plus_one), 1.0);
    // It ends 2026-10-25 01:00 UTC.
    let autumn = daily_at_0330("2026-10-22");
    assert_eq!(off_hours_share(&autumn, &berlin), 4.0 / 7.0);
    assert_eq!(off_hours_share(&autumn, &plus_one), 1.0);
    let r = analyze(&autumn, &berlin);
    assert_eq!(
        r.config.off_hours.timezone.as_deref(),
        Some("Europe/Berlin")
    );
    // The busiest hour of day is local too: 05 in summer, 04 in winter.
    assert_eq!(
        analyze(&daily_at_0330("2026-07-01"), &berlin)
            .peak_activity
            .hour,
        5
    );
    assert_eq!(
        analyze(&daily_at_0330("2026-12-01"), &berlin)
            .peak_activity
            .hour,
        4
    );
}

#[test]
fn unknown_zones_and_formats_are_config_errors_listing_choices() {
    let mut config = Config::default();
    config.off_hours.timezone = Some("Europe/Berln".into());
    let err = config.validate().unwrap_err().to_string();
    assert!(
        err.contains("`off_hours.timezone`") && err.contains("`Europe/Berlin`"),
        "{err}"
    );
    let mut config = Config::default();
    config.input.time_format = "epoch_ns".into();
    let err = config.validate().unwrap_err().to_string();
    assert!(
        err.contains("rfc3339, epoch_s, epoch_ms, epoch_us"),
        "{err}"
    );
    let mut config = Config::default();
    config.off_hours.timezone = Some("+01:00".into());
    let err = config.validate().unwrap_err().to_string();
    assert!(err.contains("utc_offset_minutes"), "{err}");
}

#[test]
fn a_local_time_the_clocks_skipped_is_rejected_with_its_reason() {
    let mut config = Config::default();
    config.input.time_format = "%Y-%m-%d %H:%M:%S".into();
    config.off_hours.timezone = Some("Europe/Berlin".into());
    let log = r#"{"time":"2026-03-29 02:30:00","clientip":"10.0.0.1","url":"https://a.example/","action":"ALLOW","responsesize":1}
{"time":"2026-03-29 03:30:00","clientip":"10.0.0.1","url":"https://a.example/","action":"ALLOW","responsesize":1}"#;
    let r = analyze(log, &config);
    assert_eq!(r.total_logs, 1);
    assert_eq!(r.parse_errors[0].line, 1);
    assert!(
        r.parse_errors[0]
            .reason
            .contains("does not exist in Europe/Berlin"),
        "{}",
        r.parse_errors[0].reason
    );
    assert_eq!(r.time_range.start, "2026-03-29T01:30:00Z");
}
