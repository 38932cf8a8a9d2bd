//! Plain-language text: the report summary and each anomaly's explanation.
//! Deterministic: the same numbers always give the same words.

use crate::config::{EntityField, RuleThresholds};
use crate::features::Features;
use crate::report::{Anomaly, FeatureContext, FeatureContribution, Statistics, StatisticsStatus};
use crate::scoring::{RiskLevel, Rule, Severity};
use crate::vocab::{entity_noun, feature_value, megabytes, percent, plain, thousands};

fn feature_phrase(rule: Rule, f: &Features, t: &RuleThresholds, medians: &[f64; 5]) -> String {
    let median = medians[rule.feature_index()];
    match rule {
        Rule::HighBurst => format!(
            "{} requests within one minute (threshold {}, population median {})",
            thousands(f.requests_per_minute_peak),
            thousands(t.burst_requests_per_minute),
            plain(median)
        ),
        Rule::HighDenyRate => format!(
            "deny rate {} (threshold {}, population median {})",
            percent(f.deny_rate),
            percent(t.deny_rate),
            percent(median)
        ),
        Rule::ExtremeDataTransfer => format!(
            "{} transferred (threshold {}, population median {})",
            megabytes(f.total_bytes_transferred as f64),
            megabytes(t.data_transfer_bytes as f64),
            megabytes(median)
        ),
        Rule::HighUniqueHosts => format!(
            "{} distinct hosts (threshold {}, population median {})",
            thousands(f.unique_hosts_count),
            thousands(t.unique_hosts),
            plain(median)
        ),
        Rule::HighOffHoursActivity => format!(
            "{} of requests off-hours (threshold {}, population median {})",
            percent(f.off_hours_request_ratio),
            percent(t.off_hours_ratio),
            percent(median)
        ),
    }
}

pub(crate) struct ExplanationInput<'a> {
    pub features: &'a Features,
    pub rules: &'a [Rule],
    pub thresholds: &'a RuleThresholds,
    pub medians: &'a [f64; 5],
    pub score: Option<f64>,
    pub outlier: bool,
    pub contamination_threshold: Option<f64>,
    pub skipped_reason: Option<&'a str>,
    pub contributions: &'a [FeatureContribution],
    pub context: &'a [FeatureContext],
}

/// "High Burst: 150 requests within one minute (threshold 100, population
/// median 12). … Statistical outlier: isolation score 0.78 …"
pub(crate) fn explanation(x: &ExplanationInput<'_>) -> String {
    let mut parts: Vec<String> = x
        .rules
        .iter()
        .map(|r| {
            format!(
                "{}: {}.",
                r.name(),
                feature_phrase(*r, x.features, x.thresholds, x.medians)
            )
        })
        .collect();
    match (x.score, x.skipped_reason) {
        (Some(score), _) => {
            let drivers: Vec<String> = x
                .contributions
                .iter()
                .take(2)
                .filter(|c| c.score_contribution > 0.0)
                .map(|c| format!("{} ({})", c.feature, percent(c.share)))
                .collect();
            let driven = if drivers.is_empty() {
                String::new()
            } else {
                format!(", isolated mostly by {}", drivers.join(" and "))
            };
            if x.outlier {
                // The most deviant feature, in robust z units, makes the
                // statistical finding concrete.
                let extreme = x
                    .context
                    .iter()
                    .filter_map(|c| c.robust_z.map(|z| (c, z)))
                    .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                    .filter(|(_, z)| z.abs() >= 3.0)
                    .map(|(c, z)| {
                        format!(
                            "; {} is {} vs population median {} (robust z {z:+.1})",
                            c.feature,
                            feature_value(c.rule.feature_index(), c.value),
                            feature_value(c.rule.feature_index(), c.population_median)
                        )
                    })
                    .unwrap_or_default();
                parts.push(format!(
                    "Statistical outlier: isolation score {score:.2} (population cut-off {:.2}){driven}{extreme}.",
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
        "Analyzed {} events from {} {} between {} and {}.",
        thousands(x.events),
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
