//! CSV access logs, entity choice, allowlists, pseudonymization, feature
//! context and exports.
// Tests change one option at a time on a default config, on purpose.
#![allow(clippy::field_reassign_with_default)]

mod common;

use common::*;
use detector::{Config, EntityField, Format, Severity};

const HEADER: &str = "timestamp,user,host,action,resource,bytes,success";

fn csv_report(text: &str, config: &Config) -> detector::Report {
    detector::analyze(text.as_bytes(), config).unwrap()
}

#[test]
fn csv_quoting_crlf_bom_and_extra_columns() {
    let text = "\u{feff}Timestamp,User,Host,Action,Resource,Bytes,Success,Note\r\n\
        2025-03-11T09:15:43Z,alice,laptop-01,LOGIN,\"Okta, SSO\",10,TRUE,\"said \"\"hi\"\"\"\r\n\
        2025-03-11T09:16:43Z,alice,laptop-01,READ,Okta,20,false,\r\n\
        \r\n\
        2025-03-11T09:17:43Z,bob,laptop-02,READ,Wiki,5,true,x\r\n";
    let r = csv_report(text, &Config::default());
    assert_eq!(r.format, Format::Csv);
    assert_eq!(r.entity_field, EntityField::User);
    assert_eq!(
        (
            r.lines.total,
            r.lines.header,
            r.lines.accepted,
            r.lines.blank,
            r.lines.rejected
        ),
        (5, 1, 3, 1, 0)
    );
    let alice = entity(&r, "alice");
    // "Okta, SSO" and "Okta" are different resources, compared as written.
    assert_eq!(alice.features.unique_hosts_count, 2);
    assert_eq!(alice.features.deny_rate, 0.5);
    assert_eq!(alice.features.total_bytes_transferred, 30);
    let rows = r.logs.as_ref().unwrap();
    assert_eq!(rows[0].resource.as_deref(), Some("Okta, SSO"));
    assert_eq!(rows[0].host.as_deref(), Some("laptop-01"));
}

#[test]
fn csv_rows_with_problems_are_rejected_with_reasons() {
    let text = format!(
        "{HEADER}\n2025-03-11T09:15:43Z,alice,h,LOGIN,Okta,10,true\n2025-03-11T09:15:43Z,alice,h,LOGIN,Okta,10\n\
         not-a-time,alice,h,LOGIN,Okta,10,true\n2025-03-11T09:15:43Z,,h,LOGIN,Okta,10,true\n\
         2025-03-11T09:15:43Z,alice,h,LOGIN,,10,true\n2025-03-11T09:15:43Z,alice,h,LOGIN,Okta,ten,true\n\
         2025-03-11T09:15:43Z,alice,h,LOGIN,Okta,10,maybe\n"
    );
    let r = csv_report(&text, &Config::default());
    let kinds: Vec<(u64, &str)> = r
        .parse_errors
        .iter()
        .map(|e| (e.line, e.kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (3, "wrong_field_count"),
            (4, "invalid_time"),
            (5, "missing_field"),
            (6, "missing_field"),
            (7, "wrong_type"),
            (8, "invalid_value"),
        ]
    );
    assert_eq!(
        r.lines.accepted + r.lines.rejected + r.lines.header,
        r.lines.total
    );
}

#[test]
fn csv_columns_can_be_remapped_and_format_forced() {
    let text = "when,who,machine,verb,target,size,ok\n2025-03-11T09:15:43+02:00,alice,pc1,GET,Wiki,7,true\n";
    let mut config = Config::default();
    config.fields.time = vec!["when".into()];
    config.fields.user = vec!["who".into()];
    config.fields.host = vec!["machine".into()];
    config.fields.resource = vec!["target".into()];
    config.fields.bytes = vec!["size".into()];
    config.fields.action = vec!["ok".into()];
    config.input.format = detector::FormatChoice::Csv;
    let r = csv_report(text, &config);
    assert_eq!(r.time_range.start, "2025-03-11T07:15:43Z");
    config.entity = Some(EntityField::Host);
    assert_eq!(csv_report(text, &config).entities[0].entity, "pc1");
}

#[test]
fn same_events_with_z_and_offset_give_identical_csv_features() {
    let z = format!(
        "{HEADER}\n2025-03-11T01:00:00Z,a,h,R,x,1,true\n2025-03-11T09:00:00Z,a,h,R,y,1,false\n"
    );
    let local = format!("{HEADER}\n2025-03-11T03:00:00+02:00,a,h,R,x,1,true\n2025-03-11T11:00:00+02:00,a,h,R,y,1,false\n");
    let a = csv_report(&z, &Config::default());
    let b = csv_report(&local, &Config::default());
    assert_eq!(a.entities, b.entities);
}

#[test]
fn entity_choice_groups_jsonl_by_user_or_host() {
    let lines = [
        line("2026-02-10T10:00:00Z", "10.0.0.1", "a.example", "ALLOW", 1),
        line("2026-02-10T10:00:01Z", "10.0.0.2", "b.example", "ALLOW", 1),
    ];
    let mut config = Config::default();
    config.entity = Some(EntityField::User);
    let r = detector::analyze(lines.join("\n").as_bytes(), &config).unwrap();
    assert_eq!(r.entity_field, EntityField::User);
    assert_eq!(r.entities.len(), 1);
    assert_eq!(r.entities[0].entity, "u@x.com");
    assert_eq!(r.entities[0].clientip, None);
    config.entity = Some(EntityField::Host);
    let r = detector::analyze(lines.join("\n").as_bytes(), &config).unwrap();
    let names: Vec<&str> = r.entities.iter().map(|e| e.entity.as_str()).collect();
    assert_eq!(names, ["a.example", "b.example"]);
}

fn attack_file() -> String {
    String::from_utf8(
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../data/anomalous_credential_stuffing.jsonl"
        ))
        .unwrap(),
    )
    .unwrap()
}

#[test]
fn an_allowlisted_attacker_is_not_flagged_but_reported() {
    for entry in ["203.0.113.45", "203.0.113.0/24"] {
        let mut config = Config::default();
        config.allowlist = vec![entry.into()];
        let r = csv_report(&attack_file(), &config);
        assert_eq!(r.anomaly_count, 0, "{entry}");
        assert_eq!(r.risk_level, detector::RiskLevel::Low);
        assert_eq!(r.allowlisted_count, 1);
        let e = entity(&r, "203.0.113.45");
        assert!(e.allowlisted);
        assert_eq!(e.severity, None);
        assert_eq!(e.triggered_rules.len(), 2, "rules stay visible");
        assert!(
            r.summary.contains(
                "1 allowlisted client IP was never flagged (1 would otherwise have been)"
            ),
            "{}",
            r.summary
        );
        assert!(r.timeline.is_empty());
    }
    let mut config = Config::default();
    config.allowlist = vec!["203.0.113.0/33".into()];
    assert!(detector::analyze(b"x", &config)
        .unwrap_err()
        .to_string()
        .contains("203.0.113.0/33"));
}

#[test]
fn pseudonymized_reports_contain_no_original_identifier() {
    for name in detector::generate::SAMPLE_FILES {
        let path = format!("{}/../data/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap();
        let plain = detector::analyze(&bytes, &Config::default()).unwrap();
        let mut config = Config::default();
        config.pseudonymize = Some("correct horse battery".into());
        let hidden = detector::analyze(&bytes, &config).unwrap();
        let text = serde_json::to_string(&hidden).unwrap();
        assert!(!text.contains("correct horse"), "{name}: the key leaked");
        let mut identifiers: Vec<String> =
            plain.entities.iter().map(|e| e.entity.clone()).collect();
        for row in plain.logs.as_ref().unwrap() {
            identifiers.extend(row.clientip.clone());
            identifiers.extend(row.user.clone());
            if plain.format == Format::Csv {
                identifiers.extend(row.host.clone());
            }
        }
        identifiers.sort();
        identifiers.dedup();
        for id in &identifiers {
            assert!(
                !text.contains(&format!("\"{id}\"")) && !text.contains(&format!(" {id} ")),
                "{name}: {id} leaked"
            );
        }
        // Same findings, under consistent pseudonyms.
        assert_eq!(hidden.anomaly_count, plain.anomaly_count);
        assert_eq!(hidden.risk_level, plain.risk_level);
        assert!(hidden.pseudonymized);
        for a in &hidden.anomalies {
            assert!(hidden
                .logs
                .as_ref()
                .unwrap()
                .iter()
                .any(|r| r.entity == a.entity && r.is_anomalous));
        }
    }
}

#[test]
fn anomalies_carry_feature_context_with_robust_z() {
    let r = csv_report(&attack_file(), &Config::default());
    let a = &r.anomalies[0];
    assert_eq!(a.feature_context.len(), 5);
    let deny = a
        .feature_context
        .iter()
        .find(|c| c.feature == "deny_rate")
        .unwrap();
    assert_eq!(deny.value, 0.9);
    assert!(deny.fired);
    assert_eq!(deny.threshold, 0.6);
    assert_eq!(deny.population_median, r.population_medians.deny_rate);
    assert!(deny.robust_z.unwrap() > 10.0);
    let range = &r.population_ranges.deny_rate;
    assert_eq!(
        (deny.population_p10, deny.population_p90),
        (range.p10, range.p90)
    );
    assert_eq!(range.median, deny.population_median);
    assert!(deny.percentile > 95.0 && deny.percentile <= 100.0);
    let shares: f64 = a.feature_contributions.iter().map(|c| c.share).sum();
    assert!((shares - 1.0).abs() < 1e-9);
    assert!(
        a.explanation
            .contains("135 of 150 events denied, 90% (threshold 60%; typical "),
        "{}",
        a.explanation
    );
}

#[test]
fn exports_csv_and_markdown() {
    let r = csv_report(&attack_file(), &Config::default());
    let csv = detector::export::anomalies_csv(&r);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0]
        .starts_with("entity,entity_field,severity,confidence,detection_method,triggered_rules,"));
    let fields = detector::internals::split_fields(lines[1]);
    assert_eq!(fields.len(), detector::export::CSV_COLUMNS.len());
    assert_eq!(fields[0], "203.0.113.45");
    assert_eq!(fields[1], "clientip");
    assert_eq!(fields[2], "Critical");
    assert_eq!(fields[5], "High Burst; High Deny Rate");
    let md = detector::export::markdown(&r);
    assert!(md.contains("**Risk level: High**"));
    assert!(md.contains("| 203.0.113.45 | Critical |"), "{md}");
    assert_eq!(r.anomalies[0].severity, Severity::Critical);
}
