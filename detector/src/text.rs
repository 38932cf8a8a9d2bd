//! Plain-language text: the report summary and each anomaly's explanation.
//! Deterministic: the same numbers always give the same words.

use crate::config::{EntityField, RuleThresholds};
use crate::features::Features;
use crate::report::{Anomaly, FeatureContext, FeatureContribution, Statistics, StatisticsStatus};
use crate::scoring::{RiskLevel, Rule, Severity};

pub fn entity_noun(field: EntityField, n: u64) -> &'static str {
    match (field, n == 1) {
        (EntityField::Clientip, true) => "client IP",
        (EntityField::Clientip, false) => "client IPs",
        (EntityField::User, true) => "user",
        (EntityField::User, false) => "users",
        (EntityField::Host, true) => "host",
        (EntityField::Host, false) => "hosts",
    }
}

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 0.9 → "90%", 0.6667 → "66.7%".
pub fn percent(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{}%", p.round() as i64)
    } else {
        format!("{p:.1}%")
    }
}

/// A number that may be fractional (a median): "12", "12.5".
pub fn plain(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 && x.abs() < 1e15 {
        thousands(x.round() as u64)
    } else {
        format!("{x:.1}")
    }
}

/// Decimal megabytes: 75000000 → "75.0 MB".
pub fn megabytes(b: f64) -> String {
    format!("{:.1} MB", b / 1e6)
}

/// A feature value in its natural unit.
fn value_text(rule: Rule, v: f64) -> String {
    match rule {
        Rule::HighDenyRate | Rule::HighOffHoursActivity => percent(v),
        Rule::ExtremeDataTransfer => megabytes(v),
        Rule::HighBurst | Rule::HighUniqueHosts => plain(v),
    }
}

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

pub struct ExplanationInput<'a> {
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
pub fn explanation(x: &ExplanationInput<'_>) -> String {
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
                .filter(|c| c.share > 0.0)
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
                            value_text(c.rule, c.value),
                            value_text(c.rule, c.population_median)
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

pub struct SummaryInput<'a> {
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
pub fn summary(x: &SummaryInput<'_>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(percent(0.9), "90%");
        assert_eq!(percent(2.0 / 3.0), "66.7%");
        assert_eq!(plain(12.5), "12.5");
        assert_eq!(megabytes(75_000_000.0), "75.0 MB");
    }
}
