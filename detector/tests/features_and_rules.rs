//! The feature definitions and rule thresholds, end to end from JSONL text.
// Tests change one option at a time on a default config, on purpose.
#![allow(clippy::field_reassign_with_default)]

mod common;

use common::*;
use detector::{Config, Rule};

#[test]
fn hundred_events_over_exactly_sixty_seconds_is_not_a_burst() {
    // Events at 0, 60000/99, …, 60000 ms: the window [t, t+60 s) from the
    // first event excludes the last one.
    let lines: Vec<String> = (0..100)
        .map(|i| line(&at_ms(i * 60_000 / 99), "10.9.9.9", "a.example", "ALLOW", 1))
        .collect();
    assert!(lines[99].contains("10:01:00.000Z"));
    let r = analyze(&lines.join("\n"));
    let e = entity(&r, "10.9.9.9");
    assert_eq!(e.features.requests_per_minute_peak, 99);
    assert!(!e.triggered_rules.contains(&Rule::HighBurst));
}

#[test]
fn hundred_events_within_59_999_seconds_is_a_burst() {
    let lines: Vec<String> = (0..100)
        .map(|i| line(&at_ms(i * 59_999 / 99), "10.9.9.9", "a.example", "ALLOW", 1))
        .collect();
    let r = analyze(&lines.join("\n"));
    let e = entity(&r, "10.9.9.9");
    assert_eq!(e.features.requests_per_minute_peak, 100);
    assert_eq!(e.triggered_rules, vec![Rule::HighBurst]);
    assert_eq!(r.anomalies[0].severity, detector::Severity::Medium);
}

#[test]
fn fractional_seconds_are_kept_in_the_burst_window() {
    // 100 events within 59.5 s when fractions count; truncating to whole
    // seconds would not change it, but rounding up the last one would.
    let mut lines: Vec<String> = (0..99)
        .map(|i| line(&at_ms(i * 100), "10.9.9.9", "a.example", "ALLOW", 1))
        .collect();
    lines.push(line(
        "2026-02-10T10:00:59.999Z",
        "10.9.9.9",
        "a.example",
        "ALLOW",
        1,
    ));
    let r = analyze(&lines.join("\n"));
    assert_eq!(
        entity(&r, "10.9.9.9").features.requests_per_minute_peak,
        100
    );
}

#[test]
fn utc_and_offset_spellings_give_identical_features() {
    let z: Vec<String> = (0..10)
        .map(|i| {
            line(
                &format!("2026-02-10T0{i}:30:00Z"),
                "10.1.1.1",
                "a.example",
                "ALLOW",
                5,
            )
        })
        .collect();
    let plus2: Vec<String> = (0..10)
        .map(|i| {
            line(
                &format!("2026-02-10T{:02}:30:00+02:00", i + 2),
                "10.1.1.1",
                "a.example",
                "ALLOW",
                5,
            )
        })
        .collect();
    let a = analyze(&z.join("\n"));
    let b = analyze(&plus2.join("\n"));
    assert_eq!(a.entities[0].features, b.entities[0].features);
    assert_eq!(a.time_range, b.time_range);
    // 00:30–04:30 are off-hours (5 of 10 events).
    assert_eq!(a.entities[0].features.off_hours_request_ratio, 0.5);
}

#[test]
fn hosts_are_lower_cased_and_ports_dropped() {
    let text = [
        line(T0.to_owned().as_str(), "10.1.1.1", "A.Example", "ALLOW", 1),
        line(
            "2026-02-10T10:00:01Z",
            "10.1.1.1",
            "a.example:8443",
            "ALLOW",
            1,
        ),
        line(
            "2026-02-10T10:00:02Z",
            "10.1.1.1",
            "user@a.example:80",
            "ALLOW",
            1,
        ),
        line("2026-02-10T10:00:03Z", "10.1.1.1", "b.example", "ALLOW", 1),
    ]
    .join("\n")
    .replace(T0, "2026-02-10T10:00:00Z");
    let r = analyze(&text);
    assert_eq!(r.entities[0].features.unique_hosts_count, 2);
}

/// `n` events of one IP, `deny` of them denied, each moving `bytes`, spread
/// one per minute from `start_hour`, to `hosts` distinct hosts (cycled).
fn entity_lines(
    ip: &str,
    n: usize,
    deny: usize,
    bytes: u64,
    hosts: usize,
    start_hour: u32,
) -> Vec<String> {
    (0..n)
        .map(|i| {
            let t = format!(
                "2026-02-10T{:02}:{:02}:00Z",
                start_hour as usize + i / 60,
                i % 60
            );
            let action = if i < deny { "DENY" } else { "ALLOW" };
            line(
                &t,
                ip,
                &format!("h{}.example", i % hosts.max(1)),
                action,
                bytes,
            )
        })
        .collect()
}

fn rules_of(lines: Vec<String>, ip: &str) -> Vec<Rule> {
    entity(&analyze(&lines.join("\n")), ip)
        .triggered_rules
        .clone()
}

#[test]
fn deny_rate_exactly_at_threshold_fires_and_just_below_does_not() {
    assert_eq!(
        rules_of(entity_lines("10.2.2.2", 5, 3, 1, 1, 10), "10.2.2.2"),
        [Rule::HighDenyRate]
    );
    assert!(rules_of(entity_lines("10.2.2.2", 100, 59, 1, 1, 10), "10.2.2.2").is_empty());
}

#[test]
fn data_transfer_exactly_at_threshold_fires_and_just_below_does_not() {
    let mut at = entity_lines("10.2.2.2", 2, 0, 25_000_000, 1, 10);
    assert_eq!(
        rules_of(at.clone(), "10.2.2.2"),
        [Rule::ExtremeDataTransfer]
    );
    at[1] = at[1].replace("25000000", "24999999");
    assert!(rules_of(at, "10.2.2.2").is_empty());
}

#[test]
fn unique_hosts_exactly_at_threshold_fires_and_just_below_does_not() {
    assert_eq!(
        rules_of(entity_lines("10.2.2.2", 20, 0, 1, 20, 10), "10.2.2.2"),
        [Rule::HighUniqueHosts]
    );
    assert!(rules_of(entity_lines("10.2.2.2", 20, 0, 1, 19, 10), "10.2.2.2").is_empty());
}

#[test]
fn off_hours_ratio_exactly_at_threshold_fires_and_just_below_does_not() {
    // 7 of 10 events between 00:00 and 05:00 UTC.
    let mut lines = entity_lines("10.2.2.2", 7, 0, 1, 1, 3);
    lines.extend(entity_lines("10.2.2.2", 3, 0, 1, 1, 12));
    assert_eq!(
        rules_of(lines.clone(), "10.2.2.2"),
        [Rule::HighOffHoursActivity]
    );
    // 69 of 100.
    let mut lines = entity_lines("10.2.2.2", 69, 0, 1, 1, 2);
    lines.extend(entity_lines("10.2.2.2", 31, 0, 1, 1, 12));
    assert!(rules_of(lines, "10.2.2.2").is_empty());
}

#[test]
fn off_hours_boundary_is_half_open() {
    let lines = [
        line(
            "2026-02-10T04:59:59.999Z",
            "10.3.3.3",
            "a.example",
            "ALLOW",
            1,
        ),
        line("2026-02-10T05:00:00Z", "10.3.3.3", "a.example", "ALLOW", 1),
        line("2026-02-10T00:00:00Z", "10.3.3.3", "a.example", "ALLOW", 1),
        line("2026-02-09T23:59:59Z", "10.3.3.3", "a.example", "ALLOW", 1),
    ];
    let r = analyze(&lines.join("\n"));
    assert_eq!(r.entities[0].features.off_hours_request_ratio, 0.5);
}

#[test]
fn off_hours_window_can_be_shifted_to_local_time() {
    // 23:30Z is 01:30 in UTC+2: off-hours there, not in UTC.
    let text = line("2026-02-10T23:30:00Z", "10.3.3.3", "a.example", "ALLOW", 1);
    let mut config = Config::default();
    assert_eq!(
        detector::analyze(text.as_bytes(), &config)
            .unwrap()
            .entities[0]
            .features
            .off_hours_request_ratio,
        0.0
    );
    config.off_hours.utc_offset_minutes = 120;
    assert_eq!(
        detector::analyze(text.as_bytes(), &config)
            .unwrap()
            .entities[0]
            .features
            .off_hours_request_ratio,
        1.0
    );
}

#[test]
fn rules_are_listed_in_table_order_and_thresholds_are_options() {
    let mut lines = entity_lines("10.4.4.4", 30, 30, 2_000_000, 25, 1);
    lines.extend(background());
    let r = analyze(&lines.join("\n"));
    assert_eq!(
        entity(&r, "10.4.4.4").triggered_rules,
        [
            Rule::HighDenyRate,
            Rule::ExtremeDataTransfer,
            Rule::HighUniqueHosts,
            Rule::HighOffHoursActivity
        ]
    );
    let a = &r.anomalies[0];
    assert_eq!(a.severity, detector::Severity::Critical);
    assert!(
        a.explanation
            .contains("High Deny Rate: 30 of 30 events denied, 100% (threshold 60%; typical 0%)."),
        "{}",
        a.explanation
    );
    let mut config = Config::default();
    config.rules.deny_rate = 1.01;
    assert!(config.validate().is_err());
    config.rules.deny_rate = 1.0;
    config.rules.unique_hosts = 26;
    let r = detector::analyze(lines.join("\n").as_bytes(), &config).unwrap();
    assert_eq!(
        entity(&r, "10.4.4.4").triggered_rules,
        [
            Rule::HighDenyRate,
            Rule::ExtremeDataTransfer,
            Rule::HighOffHoursActivity
        ]
    );
}

#[test]
fn forest_is_skipped_below_the_minimum_population_with_a_reason() {
    let r = analyze(&entity_lines("10.5.5.5", 10, 10, 1, 1, 10).join("\n"));
    assert_eq!(
        r.statistics.status,
        detector::report::StatisticsStatus::Skipped
    );
    assert!(r
        .statistics
        .reason
        .as_deref()
        .unwrap()
        .contains("at least 20"));
    assert_eq!(r.entities[0].isolation_score, None);
    // Confidence falls back to the rule share.
    assert_eq!(r.anomalies[0].confidence, 1.0 / 3.0);
}

#[test]
fn forest_is_skipped_when_every_entity_is_identical() {
    let lines: Vec<String> = (0..30)
        .map(|i| {
            line(
                "2026-02-10T10:00:00Z",
                &format!("10.6.0.{i}"),
                "a.example",
                "ALLOW",
                7,
            )
        })
        .collect();
    let r = analyze(&lines.join("\n"));
    assert_eq!(
        r.statistics.status,
        detector::report::StatisticsStatus::Skipped
    );
    assert!(r
        .statistics
        .reason
        .as_deref()
        .unwrap()
        .contains("identical"));
    assert_eq!(r.anomaly_count, 0);
}

#[test]
fn an_obvious_outlier_is_flagged_statistically() {
    let mut lines = background();
    // Different in every dimension but below every rule threshold.
    lines.extend(entity_lines("10.7.7.7", 50, 25, 800_000, 15, 6));
    let r = analyze(&lines.join("\n"));
    let e = entity(&r, "10.7.7.7");
    assert!(e.triggered_rules.is_empty());
    assert!(e.is_outlier, "score {:?}", e.isolation_score);
    let top = r
        .entities
        .iter()
        .map(|e| e.isolation_score.unwrap())
        .fold(0.0, f64::max);
    assert_eq!(e.isolation_score, Some(top));
    assert_eq!(r.anomalies.len(), 1);
    assert_eq!(
        r.anomalies[0].detection_method,
        detector::DetectionMethod::Statistical
    );
    assert!(r.anomalies[0].explanation.contains("Statistical outlier"));
}

#[test]
fn entity_order_never_changes_the_report() {
    let mut lines = background();
    lines.extend(entity_lines("10.7.7.7", 50, 25, 800_000, 15, 6));
    let forward = analyze(&lines.join("\n"));
    lines.reverse();
    let backward = analyze(&lines.join("\n"));
    assert_eq!(forward.entities, backward.entities);
    // Reversing renumbers the lines, and equal-sized largest events are
    // ranked by line: only those may differ.
    let without_lines = |r: &detector::Report| {
        let mut anomalies = r.anomalies.clone();
        for a in &mut anomalies {
            if let Some(t) = &mut a.evidence.transfer {
                t.largest_events.clear();
            }
        }
        anomalies
    };
    assert_eq!(without_lines(&forward), without_lines(&backward));
}
