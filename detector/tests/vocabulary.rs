//! One vocabulary: every named enum spells its values as the report does,
//! parses them back, and lists them all, so front ends can use them instead
//! of mirroring variant lists.

use std::fmt::Debug;
use std::str::FromStr;

use detector::export::ExportFormat;
use detector::report::StatisticsStatus;
use detector::{
    Action, DetectionMethod, EntityField, Format, FormatChoice, LogsMode, Named, PopulationMode,
    RejectKind, RiskLevel, Rule, Severity,
};

fn names_round_trip<T>(expected: &[&str])
where
    T: Named + FromStr<Err = detector::UnknownName> + PartialEq + Debug + std::fmt::Display,
{
    let names: Vec<&str> = T::all().iter().map(|v| v.name()).collect();
    assert_eq!(names, expected, "{}", T::KIND);
    for &v in T::all() {
        assert_eq!(v.name().parse::<T>().unwrap(), v);
        assert_eq!(v.to_string(), v.name());
    }
    let e = "no such value".parse::<T>().unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "unknown {} \"no such value\" (expected one of: {})",
            T::KIND,
            expected.join(", ")
        )
    );
}

fn serde_matches<T: Named + serde::Serialize>() {
    for &v in T::all() {
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            format!("\"{}\"", v.name()),
            "{} {v:?}",
            T::KIND,
            v = v.name()
        );
    }
}

#[test]
fn every_named_enum_lists_parses_and_displays_its_report_spelling() {
    names_round_trip::<Format>(&["jsonl", "csv"]);
    names_round_trip::<FormatChoice>(&["auto", "jsonl", "csv"]);
    names_round_trip::<EntityField>(&["clientip", "user", "host"]);
    names_round_trip::<LogsMode>(&["all", "anomalous", "none"]);
    names_round_trip::<PopulationMode>(&["all", "anomalous", "none"]);
    names_round_trip::<Severity>(&["Low", "Medium", "High", "Critical"]);
    names_round_trip::<RiskLevel>(&["Low", "Medium", "High"]);
    names_round_trip::<DetectionMethod>(&["Rule-based", "Statistical", "Hybrid"]);
    names_round_trip::<Action>(&["ALLOW", "DENY"]);
    names_round_trip::<ExportFormat>(&["json", "csv", "markdown"]);
    names_round_trip::<StatisticsStatus>(&["ran", "skipped"]);
    names_round_trip::<Rule>(&[
        "High Burst",
        "High Deny Rate",
        "Extreme Data Transfer",
        "High Unique Hosts",
        "High Off-Hours Activity",
    ]);
    assert_eq!(RejectKind::ALL.len(), 12);
    assert_eq!("line_too_long".parse(), Ok(RejectKind::LineTooLong));
}

#[test]
fn names_are_the_serde_names_of_the_report() {
    serde_matches::<Format>();
    serde_matches::<FormatChoice>();
    serde_matches::<EntityField>();
    serde_matches::<LogsMode>();
    serde_matches::<Severity>();
    serde_matches::<RiskLevel>();
    serde_matches::<DetectionMethod>();
    serde_matches::<Action>();
    serde_matches::<Rule>();
    serde_matches::<RejectKind>();
    serde_matches::<StatisticsStatus>();
}

#[test]
fn a_rule_knows_its_feature_and_threshold() {
    let t = detector::config::RuleThresholds::default();
    let facts: Vec<(&str, f64)> = Rule::ALL
        .iter()
        .map(|r| (r.feature(), r.threshold(&t)))
        .collect();
    assert_eq!(
        facts,
        [
            ("requests_per_minute_peak", 100.0),
            ("deny_rate", 0.6),
            ("total_bytes_transferred", 50_000_000.0),
            ("unique_hosts_count", 20.0),
            ("off_hours_request_ratio", 0.7),
        ]
    );
}
