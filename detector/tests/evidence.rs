//! Issue 11: evidence per anomaly (and the raw rows that belong to it),
//! typical ranges and a sane deviation measure, support (`rules.min_events`
//! and the summary's warning), and texts in the shared vocabulary.

mod common;

use common::{line, T0};
use detector::report::EvidenceKind;
use detector::{Config, LogsMode, Report};

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn report(bytes: &[u8], config: &Config) -> Report {
    detector::analyze(bytes, config).unwrap()
}

/// The raw rows of `entity` that carry evidence `kind`.
fn rows_with<'r>(
    r: &'r Report,
    entity: &str,
    kind: EvidenceKind,
) -> Vec<&'r detector::report::LogRow> {
    r.logs
        .as_ref()
        .unwrap()
        .iter()
        .filter(|row| row.entity == entity && row.evidence.contains(&kind))
        .collect()
}

#[test]
fn credential_stuffing_evidence_matches_its_rows() {
    let r = report(
        &data("anomalous_credential_stuffing.jsonl"),
        &Config::default(),
    );
    let a = &r.anomalies[0];
    assert_eq!(a.entity, "203.0.113.45");
    let burst = a.evidence.burst.as_ref().unwrap();
    assert_eq!(burst.count, a.features.requests_per_minute_peak);
    assert_eq!(burst.start, a.peak_window_start);
    let in_burst = rows_with(&r, &a.entity, EvidenceKind::Burst);
    assert_eq!(in_burst.len() as u64, burst.count);
    assert!(in_burst
        .iter()
        .all(|row| burst.start <= row.time && row.time < burst.end));
    let denials = a.evidence.denials.as_ref().unwrap();
    assert_eq!(denials.count, 135);
    assert_eq!(
        rows_with(&r, &a.entity, EvidenceKind::Denials).len() as u64,
        denials.count
    );
    let top: u64 = denials.top_hosts.iter().map(|h| h.count).sum();
    assert!(top <= denials.count && !denials.top_hosts.is_empty());
    assert_eq!(a.evidence.hosts.count, a.features.unique_hosts_count);
    // Rows of normal entities carry no evidence.
    assert!(r
        .logs
        .as_ref()
        .unwrap()
        .iter()
        .filter(|row| !row.is_anomalous)
        .all(|row| row.evidence.is_empty()));
}

#[test]
fn exfiltration_evidence_names_the_largest_events_and_the_hours() {
    let r = report(&data("anomalous_exfiltration.jsonl"), &Config::default());
    let a = &r.anomalies[0];
    let transfer = a.evidence.transfer.as_ref().unwrap();
    assert_eq!(transfer.bytes, a.features.total_bytes_transferred);
    assert_eq!(transfer.largest_events.len(), 5);
    let rows = r.logs.as_ref().unwrap();
    for e in &transfer.largest_events {
        let row = rows
            .iter()
            .find(|row| row.input == e.input && row.line == e.line)
            .unwrap();
        assert_eq!((row.bytes, &row.time), (e.bytes, &e.time));
        assert_eq!(row.host.as_deref(), Some(e.host.as_str()));
        assert!(row.evidence.contains(&EvidenceKind::Transfer));
    }
    assert!(transfer
        .largest_events
        .windows(2)
        .all(|w| w[0].bytes >= w[1].bytes));
    let off = a.evidence.off_hours.as_ref().unwrap();
    assert_eq!(a.evidence.events_by_hour.len(), 24);
    assert_eq!(
        a.evidence.events_by_hour.iter().sum::<u64>(),
        a.request_count
    );
    assert_eq!(off.count, a.request_count);
    assert_eq!(
        rows_with(&r, &a.entity, EvidenceKind::OffHours).len() as u64,
        off.count
    );
    assert_eq!(r.events_by_hour.iter().sum::<u64>(), r.total_logs);
}

#[test]
fn evidence_is_the_same_with_anomalous_rows_only_and_without_rows() {
    let all = report(&data("anomalous_scanning.jsonl"), &Config::default());
    for logs in [LogsMode::Anomalous, LogsMode::None] {
        let config = Config {
            logs,
            ..Config::default()
        };
        let r = report(&data("anomalous_scanning.jsonl"), &config);
        assert_eq!(r.anomalies, all.anomalies);
    }
}

#[test]
fn integer_features_get_a_sane_deviation_and_readable_texts() {
    let r = report(&data("insider_sample.csv"), &Config::default());
    let mallory = r
        .anomalies
        .iter()
        .find(|a| a.entity == "mallory.chen")
        .unwrap();
    let peak = &mallory.feature_context[0];
    assert_eq!(peak.feature, "requests_per_minute_peak");
    assert_eq!((peak.value, peak.population_median), (2.0, 1.0));
    // Was +31.9 before the scale floor of one request.
    assert_eq!(peak.robust_z, Some(1.0));
    assert!(peak.percentile > 50.0 && peak.percentile <= 100.0);
    let x = &mallory.explanation;
    assert!(x.contains("52 of 60 events denied, 86.7%"), "{x}");
    for code in detector::FEATURE_NAMES {
        assert!(!x.contains(code), "code name {code} in: {x}");
    }
    assert!(!x.contains("robust z"), "{x}");
}

/// `n` one-event client IPs, the first `denied` of them denied, plus the
/// quiet background.
fn one_event_ips(n: usize, denied: usize) -> String {
    let mut lines = common::background();
    for i in 0..n {
        let action = if i < denied { "DENY" } else { "ALLOW" };
        lines.push(line(
            &format!("{T0}Z"),
            &format!("172.16.0.{i}"),
            "a.example",
            action,
            100,
        ));
    }
    lines.join("\n") + "\n"
}

#[test]
fn min_events_guards_the_ratio_rules_and_the_summary_suggests_it() {
    let text = one_event_ips(30, 15);
    let r = report(text.as_bytes(), &Config::default());
    let denied: Vec<_> = r
        .anomalies
        .iter()
        .filter(|a| a.triggered_rules == [detector::Rule::HighDenyRate])
        .collect();
    assert_eq!(denied.len(), 15);
    assert!(denied[0]
        .explanation
        .starts_with("High Deny Rate: 1 of 1 event denied, 100%"));
    assert!(
        r.summary.contains(&format!(
            " 15 of the {} anomalous client IPs rest on fewer than 5 events each, where a deny rate or off-hours share says little; rules.min_events can require more."
            , r.anomalies.len()
        )),
        "{}",
        r.summary
    );
    assert_eq!(r.config.rules.min_events, 1);

    let strict = Config::from_json(r#"{"rules": {"min_events": 2}}"#).unwrap();
    let r = report(text.as_bytes(), &strict);
    assert!(r.anomalies.iter().all(|a| a.triggered_rules.is_empty()));
    assert!(!r.summary.contains("rules.min_events"), "{}", r.summary);
    assert_eq!(r.config.rules.min_events, 2);

    let e = Config::from_json(r#"{"rules": {"min_events": 0}}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid config: `rules.min_events` must be at least 1"
    );
}

#[test]
fn exports_show_evidence_and_top_features() {
    let r = report(
        &data("anomalous_credential_stuffing.jsonl"),
        &Config::default(),
    );
    let text = detector::export::text(&r);
    assert!(
        text.contains("  - Busiest minute: 150 events from "),
        "{text}"
    );
    assert!(text.contains("  - Denied: 135 of 150 events; most denied: "));
    let md = detector::export::markdown(&r);
    assert!(
        md.contains("Evidence:\n\n- Busiest minute: 150 events"),
        "{md}"
    );
    let csv = detector::export::anomalies_csv(&r);
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with(",explanation,top_features"));
    let a = &r.anomalies[0];
    let first = &a.feature_contributions[0];
    assert!(csv.contains(&format!("{}={:.4}", first.feature, first.share)));
}
