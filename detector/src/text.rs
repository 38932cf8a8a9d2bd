//! Plain-language text: the report summary and each anomaly's explanation.
//! Deterministic: the same numbers always give the same words.

use crate::config::{EntityField, RuleThresholds};
use crate::features::Features;
use crate::features::FEATURE_NAMES;
use crate::report::{Anomaly, FeatureContribution, Percentiles, Statistics, StatisticsStatus};
use crate::scoring::{RiskLevel, Rule, Severity};
use crate::vocab::{
    counted, entity_noun, feature_against_range, feature_range, megabytes, percent, thousands,
};

/// The typical range of the rule's feature: "typical 8–12".
fn typical(rule: Rule, ranges: &[Percentiles; 5]) -> String {
    let f = rule.feature_index();
    format!("typical {}", feature_range(f, ranges[f].p10, ranges[f].p90))
}

/// What a fired rule found, with the events it rests on, its threshold and
/// the population's typical range.
fn rule_phrase(rule: Rule, x: &ExplanationInput<'_>) -> String {
    let (f, t) = (x.features, x.thresholds);
    let typical = typical(rule, x.ranges);
    let of_events = |k: u64| {
        format!(
            "{} of {}",
            thousands(k),
            counted(x.events, "event", "events")
        )
    };
    match rule {
        Rule::HighBurst => format!(
            "{} in one minute (threshold {}; {typical})",
            counted(f.requests_per_minute_peak, "request", "requests"),
            thousands(t.burst_requests_per_minute),
        ),
        Rule::HighDenyRate => format!(
            "{} denied, {} (threshold {}; {typical})",
            of_events(x.denied),
            percent(f.deny_rate),
            percent(t.deny_rate),
        ),
        Rule::ExtremeDataTransfer => format!(
            "{} transferred (threshold {}; {typical})",
            megabytes(f.total_bytes_transferred as f64),
            megabytes(t.data_transfer_bytes as f64),
        ),
        Rule::HighUniqueHosts => format!(
            "{} (threshold {}; {typical})",
            counted(f.unique_hosts_count, "distinct host", "distinct hosts"),
            thousands(t.unique_hosts),
        ),
        Rule::HighOffHoursActivity => format!(
            "{} off-hours, {} (threshold {}; {typical})",
            of_events(x.off_hours),
            percent(f.off_hours_request_ratio),
            percent(t.off_hours_ratio),
        ),
    }
}

pub(crate) struct ExplanationInput<'a> {
    pub features: &'a Features,
    /// The entity's events, denied events and off-hours events.
    pub events: u64,
    pub denied: u64,
    pub off_hours: u64,
    pub rules: &'a [Rule],
    pub thresholds: &'a RuleThresholds,
    pub ranges: &'a [Percentiles; 5],
    pub score: Option<f64>,
    pub outlier: bool,
    pub contamination_threshold: Option<f64>,
    pub skipped_reason: Option<&'a str>,
    pub contributions: &'a [FeatureContribution],
}

/// ", isolated mostly by unusually many distinct hosts (22, typical 8–12)
/// and …": the top two attributed features as `contributions` ranks them.
fn drivers(x: &ExplanationInput<'_>) -> String {
    let values = x.features.vector();
    let named: Vec<String> = x
        .contributions
        .iter()
        .filter(|c| c.score_contribution > 0.0)
        .filter_map(|c| FEATURE_NAMES.iter().position(|n| *n == c.feature))
        .take(2)
        .map(|f| feature_against_range(f, values[f], x.ranges[f].p10, x.ranges[f].p90))
        .collect();
    if named.is_empty() {
        String::new()
    } else {
        format!(", isolated mostly by {}", named.join(" and "))
    }
}

/// "High Burst: 150 requests in one minute (threshold 100; typical 2–12).
/// … Statistical outlier: isolation score 0.78 (population cut-off 0.45),
/// isolated mostly by unusually high peak requests per minute (150,
/// typical 2–12) and …"
pub(crate) fn explanation(x: &ExplanationInput<'_>) -> String {
    let mut parts: Vec<String> = x
        .rules
        .iter()
        .map(|r| format!("{}: {}.", r.name(), rule_phrase(*r, x)))
        .collect();
    match (x.score, x.skipped_reason) {
        (Some(score), _) => {
            let driven = drivers(x);
            if x.outlier {
                parts.push(format!(
                    "Statistical outlier: isolation score {score:.2} (population cut-off {:.2}){driven}.",
                    x.contamination_threshold.unwrap_or(0.0)
                ));
            } else {
                parts.push(format!(
                    "Isolation score {score:.2}: not a statistical outlier{driven}."
                ));
            }
        }
        (None, Some(reason)) => parts.push(format!("Statistics skipped: {reason}.")),
        (None, None) => {}
    }
    parts.join(" ")
}

/// Below this many events a share (deny rate, off-hours share) says little.
pub const FEW_EVENTS: u64 = 5;

/// Anomalies whose ratio rule (deny rate, off-hours share) fired on fewer
/// than [`FEW_EVENTS`] events.
pub fn few_event_findings(anomalies: &[Anomaly]) -> u64 {
    anomalies
        .iter()
        .filter(|a| a.request_count < FEW_EVENTS && a.triggered_rules.iter().any(|r| r.is_ratio()))
        .count() as u64
}

pub(crate) struct SummaryInput<'a> {
    pub entity_field: EntityField,
    pub events: u64,
    pub entities: u64,
    pub anomalies: &'a [Anomaly],
    pub risk: RiskLevel,
    pub rejected: u64,
    pub allowlisted: u64,
    /// Allowlisted entities that rules or statistics would have flagged.
    pub allowlisted_hidden: u64,
    pub start: &'a str,
    pub end: &'a str,
    pub statistics: &'a Statistics,
}

/// Two to four sentences: what was analyzed, what was found, the risk.
pub(crate) fn summary(x: &SummaryInput<'_>) -> String {
    let mut s = format!(
        "Analyzed {} from {} {} between {} and {}.",
        counted(x.events, "event", "events"),
        thousands(x.entities),
        entity_noun(x.entity_field, x.entities),
        x.start,
        x.end
    );
    let n = x.anomalies.len() as u64;
    if n == 0 {
        s.push_str(&format!(
            " No anomalous {} found.",
            entity_noun(x.entity_field, 2)
        ));
    } else {
        let by_severity: Vec<String> = [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
        ]
        .iter()
        .filter_map(|sev| {
            let c = x.anomalies.iter().filter(|a| a.severity == *sev).count();
            (c > 0).then(|| format!("{c} {}", sev.as_str()))
        })
        .collect();
        s.push_str(&format!(
            " Found {} anomalous {} ({}).",
            thousands(n),
            entity_noun(x.entity_field, n),
            by_severity.join(", ")
        ));
        let top = &x.anomalies[0];
        let why = if top.triggered_rules.is_empty() {
            "statistical outlier".to_string()
        } else {
            top.triggered_rules
                .iter()
                .map(|r| r.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        s.push_str(&format!(
            " Most severe: {} ({}, {}).",
            top.entity,
            top.severity.as_str(),
            why
        ));
    }
    s.push_str(&format!(" Overall risk: {}.", x.risk.as_str()));
    if x.allowlisted > 0 {
        s.push_str(&format!(
            " {} allowlisted {} never flagged ({} would otherwise have been).",
            thousands(x.allowlisted),
            if x.allowlisted == 1 {
                format!("{} was", entity_noun(x.entity_field, 1))
            } else {
                format!("{} were", entity_noun(x.entity_field, 2))
            },
            thousands(x.allowlisted_hidden)
        ));
    }
    let few = few_event_findings(x.anomalies);
    if few >= 10 && few * 4 >= n {
        s.push_str(&format!(
            " {} of the {} anomalous {} rest on fewer than {FEW_EVENTS} events each, where a deny rate or off-hours share says little; rules.min_events can require more.",
            thousands(few),
            thousands(n),
            entity_noun(x.entity_field, n)
        ));
    }
    if x.statistics.status == StatisticsStatus::Skipped {
        if let Some(reason) = &x.statistics.reason {
            s.push_str(&format!(" Statistical detection skipped: {reason}."));
        }
    }
    if x.rejected > 0 {
        s.push_str(&format!(
            " {} malformed {} skipped.",
            thousands(x.rejected),
            if x.rejected == 1 {
                "line was"
            } else {
                "lines were"
            }
        ));
    }
    s
}
