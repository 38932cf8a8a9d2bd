//! The README's sample-data table, as tests: each committed `data/` file
//! gives exactly the documented anomalies, and `generate` reproduces it.

use detector::generate::{sample, DEFAULT_SEED, SAMPLE_FILES};
use detector::{Config, RiskLevel, Rule, Severity};

fn data(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One anomaly as the table states it: entity, severity, rules.
type Finding = (String, Severity, Vec<Rule>);

/// Every anomaly (sorted), the risk level and the whole report.
fn findings(name: &str) -> (Vec<Finding>, RiskLevel, detector::Report) {
    let r = detector::analyze(&data(name), &Config::default()).unwrap();
    let mut a: Vec<_> = r
        .anomalies
        .iter()
        .map(|a| (a.entity.clone(), a.severity, a.triggered_rules.clone()))
        .collect();
    a.sort();
    (a, r.risk_level, r)
}

#[test]
fn generate_reproduces_the_committed_files_byte_for_byte() {
    for name in SAMPLE_FILES {
        assert!(
            sample(name, DEFAULT_SEED).unwrap() == data(name),
            "{name} differs from generate"
        );
    }
}

#[test]
fn baselines_have_no_anomalies_and_low_risk() {
    for (name, events) in [
        ("baseline_small.jsonl", 1000),
        ("baseline_medium.jsonl", 3000),
        ("baseline_large.jsonl", 5000),
    ] {
        let (a, risk, r) = findings(name);
        assert_eq!(r.total_logs, events, "{name}");
        assert!(r.entity_count >= 20, "{name}: the forest must run");
        assert_eq!(
            r.statistics.status,
            detector::report::StatisticsStatus::Ran,
            "{name}"
        );
        assert!(a.is_empty(), "{name}: {a:?}");
        assert_eq!(risk, RiskLevel::Low, "{name}");
        assert_eq!(r.rejected_lines, 0);
    }
}

#[test]
fn credential_stuffing_is_one_critical_ip_with_burst_and_deny() {
    let (a, risk, r) = findings("anomalous_credential_stuffing.jsonl");
    assert_eq!(
        a,
        [(
            "203.0.113.45".into(),
            Severity::Critical,
            vec![Rule::HighBurst, Rule::HighDenyRate]
        )]
    );
    assert_eq!(risk, RiskLevel::High);
    let f = &r.anomalies[0].features;
    assert_eq!(f.requests_per_minute_peak, 150);
    assert_eq!(f.deny_rate, 0.9);
    assert_eq!(r.anomalies[0].clientip.as_deref(), Some("203.0.113.45"));
    assert_eq!(r.timeline.len(), 1);
}

#[test]
fn exfiltration_is_one_critical_ip_with_transfer_and_off_hours() {
    let (a, risk, r) = findings("anomalous_exfiltration.jsonl");
    assert_eq!(
        a,
        [(
            "192.168.1.150".into(),
            Severity::Critical,
            vec![Rule::ExtremeDataTransfer, Rule::HighOffHoursActivity]
        )]
    );
    assert_eq!(risk, RiskLevel::High);
    let f = &r.anomalies[0].features;
    assert_eq!(f.total_bytes_transferred, 75_000_000);
    assert_eq!(f.off_hours_request_ratio, 1.0);
}

#[test]
fn scanning_is_one_high_ip_with_hosts_and_deny() {
    let (a, risk, r) = findings("anomalous_scanning.jsonl");
    assert_eq!(
        a,
        [(
            "198.51.100.89".into(),
            Severity::High,
            vec![Rule::HighDenyRate, Rule::HighUniqueHosts]
        )]
    );
    assert_eq!(risk, RiskLevel::Medium);
    let f = &r.anomalies[0].features;
    assert_eq!(f.unique_hosts_count, 30);
    assert_eq!(f.deny_rate, 0.66);
}

#[test]
fn insider_csv_finds_the_planted_insiders() {
    let (a, risk, r) = findings("insider_sample.csv");
    assert_eq!(r.format, detector::Format::Csv);
    assert_eq!(r.entity_field, detector::EntityField::User);
    assert_eq!(risk, RiskLevel::High);
    assert_eq!(
        a,
        [
            (
                "mallory.chen".into(),
                Severity::Medium,
                vec![Rule::HighDenyRate]
            ),
            (
                "oscar.novak".into(),
                Severity::Critical,
                vec![Rule::ExtremeDataTransfer, Rule::HighOffHoursActivity]
            ),
        ]
    );
    assert!(r.entity_count >= 30);
}

#[test]
fn every_report_accounts_for_every_line() {
    for name in SAMPLE_FILES {
        let bytes = data(name);
        let r = detector::analyze(&bytes, &Config::default()).unwrap();
        let newlines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
        assert_eq!(r.lines.total, newlines, "{name}");
        assert_eq!(
            r.lines.accepted + r.lines.rejected + r.lines.blank + r.lines.header,
            r.lines.total
        );
        assert_eq!(r.logs.as_ref().map(Vec::len), Some(r.total_logs as usize));
    }
}
