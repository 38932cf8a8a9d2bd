//! Rules, severity, detection method, confidence and the file's risk level
//! (docs/DESIGN.md "Rules" and "Scoring"). Pure functions of features and
//! scores.

use serde::{Deserialize, Serialize};

use crate::config::RuleThresholds;
use crate::features::{Features, FEATURE_NAMES};
use crate::names::named;

/// A deterministic threshold rule. Declaration order is report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum Rule {
    #[serde(rename = "High Burst")]
    HighBurst,
    #[serde(rename = "High Deny Rate")]
    HighDenyRate,
    #[serde(rename = "Extreme Data Transfer")]
    ExtremeDataTransfer,
    #[serde(rename = "High Unique Hosts")]
    HighUniqueHosts,
    #[serde(rename = "High Off-Hours Activity")]
    HighOffHoursActivity,
}

named!(Rule, "rule", {
    HighBurst => "High Burst",
    HighDenyRate => "High Deny Rate",
    ExtremeDataTransfer => "Extreme Data Transfer",
    HighUniqueHosts => "High Unique Hosts",
    HighOffHoursActivity => "High Off-Hours Activity",
});

impl Rule {
    /// The rule's name as reported ("High Burst"); the same as `as_str`.
    pub fn name(self) -> &'static str {
        self.as_str()
    }

    /// Index of the feature the rule tests, in `FEATURE_NAMES` order.
    pub fn feature_index(self) -> usize {
        self as usize
    }

    /// The key of the feature the rule tests ("requests_per_minute_peak").
    pub fn feature(self) -> &'static str {
        FEATURE_NAMES[self.feature_index()]
    }

    /// The rule's threshold in the feature's unit.
    pub fn threshold(self, t: &RuleThresholds) -> f64 {
        match self {
            Rule::HighBurst => t.burst_requests_per_minute as f64,
            Rule::HighDenyRate => t.deny_rate,
            Rule::ExtremeDataTransfer => t.data_transfer_bytes as f64,
            Rule::HighUniqueHosts => t.unique_hosts as f64,
            Rule::HighOffHoursActivity => t.off_hours_ratio,
        }
    }

    /// Whether the rule tests a share of the entity's events (deny rate,
    /// off-hours share), which `rules.min_events` guards.
    pub fn is_ratio(self) -> bool {
        matches!(self, Rule::HighDenyRate | Rule::HighOffHoursActivity)
    }

    /// Whether the rule fires for an entity of `events` events with
    /// features `f`.
    pub fn fires(self, f: &Features, events: u64, t: &RuleThresholds) -> bool {
        if self.is_ratio() && events < t.min_events {
            return false;
        }
        match self {
            Rule::HighBurst => f.requests_per_minute_peak >= t.burst_requests_per_minute,
            Rule::HighDenyRate => f.deny_rate >= t.deny_rate,
            Rule::ExtremeDataTransfer => f.total_bytes_transferred >= t.data_transfer_bytes,
            Rule::HighUniqueHosts => f.unique_hosts_count >= t.unique_hosts,
            Rule::HighOffHoursActivity => f.off_hours_request_ratio >= t.off_hours_ratio,
        }
    }
}

/// Every rule that fires for an entity of `events` events, in table order.
pub fn fired_rules(f: &Features, events: u64, t: &RuleThresholds) -> Vec<Rule> {
    Rule::ALL
        .into_iter()
        .filter(|r| r.fires(f, events, t))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

named!(Severity, "severity", {
    Low => "Low",
    Medium => "Medium",
    High => "High",
    Critical => "Critical",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum DetectionMethod {
    #[serde(rename = "Rule-based")]
    RuleBased,
    Statistical,
    Hybrid,
}

named!(DetectionMethod, "detection method", {
    RuleBased => "Rule-based",
    Statistical => "Statistical",
    Hybrid => "Hybrid",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

named!(RiskLevel, "risk level", {
    Low => "Low",
    Medium => "Medium",
    High => "High",
});

/// Severity from the fired rules and, when the entity is a statistical
/// outlier, its isolation score. `None` means the entity is normal.
pub fn severity(rules: &[Rule], outlier_score: Option<f64>, high_score: f64) -> Option<Severity> {
    let has = |r| rules.contains(&r);
    if (has(Rule::HighBurst) && has(Rule::HighDenyRate))
        || (has(Rule::ExtremeDataTransfer) && has(Rule::HighOffHoursActivity))
    {
        Some(Severity::Critical)
    } else if rules.len() >= 2 {
        Some(Severity::High)
    } else if rules.len() == 1 || outlier_score.is_some_and(|s| s >= high_score) {
        Some(Severity::Medium)
    } else if outlier_score.is_some() {
        Some(Severity::Low)
    } else {
        None
    }
}

pub fn detection_method(rules: &[Rule], outlier: bool) -> Option<DetectionMethod> {
    match (rules.is_empty(), outlier) {
        (false, true) => Some(DetectionMethod::Hybrid),
        (false, false) => Some(DetectionMethod::RuleBased),
        (true, true) => Some(DetectionMethod::Statistical),
        (true, false) => None,
    }
}

/// Signal strength in [0, 1]: 0.7·min(rules/3, 1) + 0.3·score, or
/// min(rules/3, 1) when statistics were skipped.
pub fn confidence(rule_count: usize, isolation_score: Option<f64>) -> f64 {
    let rule_part = (rule_count as f64 / 3.0).min(1.0);
    match isolation_score {
        Some(s) => 0.7 * rule_part + 0.3 * s,
        None => rule_part,
    }
}

/// The file's risk from its anomalies' severities.
pub fn risk_level(severities: &[Severity]) -> RiskLevel {
    let count = |s| severities.iter().filter(|x| **x == s).count();
    let (critical, high, medium) = (
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
    );
    if critical >= 1 || high >= 3 {
        RiskLevel::High
    } else if high >= 1 || medium >= 2 {
        RiskLevel::Medium
    } else {
        RiskLevel::Low
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rpm: u64, deny: f64, bytes: u64, hosts: u64, off: f64) -> Features {
        Features {
            requests_per_minute_peak: rpm,
            deny_rate: deny,
            total_bytes_transferred: bytes,
            unique_hosts_count: hosts,
            off_hours_request_ratio: off,
        }
    }

    #[test]
    fn each_rule_fires_at_its_threshold_and_not_below() {
        let t = RuleThresholds::default();
        let quiet = at(99, 0.59, 49_999_999, 19, 0.69);
        assert!(fired_rules(&quiet, 10, &t).is_empty());
        assert_eq!(
            fired_rules(&at(100, 0.0, 0, 0, 0.0), 10, &t),
            [Rule::HighBurst]
        );
        assert_eq!(
            fired_rules(&at(0, 3.0 / 5.0, 0, 0, 0.0), 10, &t),
            [Rule::HighDenyRate]
        );
        assert_eq!(
            fired_rules(&at(0, 0.0, 50_000_000, 0, 0.0), 10, &t),
            [Rule::ExtremeDataTransfer]
        );
        assert_eq!(
            fired_rules(&at(0, 0.0, 0, 20, 0.0), 10, &t),
            [Rule::HighUniqueHosts]
        );
        assert_eq!(
            fired_rules(&at(0, 0.0, 0, 0, 7.0 / 10.0), 10, &t),
            [Rule::HighOffHoursActivity]
        );
        assert_eq!(
            fired_rules(&at(100, 1.0, 50_000_000, 20, 1.0), 10, &t),
            Rule::ALL
        );
    }

    #[test]
    fn ratio_rules_need_min_events() {
        let t = RuleThresholds {
            min_events: 5,
            ..RuleThresholds::default()
        };
        let all = at(100, 1.0, 50_000_000, 20, 1.0);
        assert_eq!(
            fired_rules(&all, 4, &t),
            [
                Rule::HighBurst,
                Rule::ExtremeDataTransfer,
                Rule::HighUniqueHosts
            ]
        );
        assert_eq!(fired_rules(&all, 5, &t), Rule::ALL);
        assert_eq!(fired_rules(&all, 1, &RuleThresholds::default()), Rule::ALL);
    }

    #[test]
    fn severity_table() {
        use Rule::*;
        assert_eq!(
            severity(&[HighBurst, HighDenyRate], None, 0.75),
            Some(Severity::Critical)
        );
        assert_eq!(
            severity(&[ExtremeDataTransfer, HighOffHoursActivity], None, 0.75),
            Some(Severity::Critical)
        );
        assert_eq!(
            severity(&[HighUniqueHosts, HighDenyRate], None, 0.75),
            Some(Severity::High)
        );
        assert_eq!(
            severity(&[HighBurst, ExtremeDataTransfer], Some(0.9), 0.75),
            Some(Severity::High)
        );
        assert_eq!(severity(&[HighBurst], None, 0.75), Some(Severity::Medium));
        assert_eq!(severity(&[], Some(0.75), 0.75), Some(Severity::Medium));
        assert_eq!(severity(&[], Some(0.7499), 0.75), Some(Severity::Low));
        assert_eq!(severity(&[], None, 0.75), None);
    }

    #[test]
    fn confidence_formula() {
        assert_eq!(confidence(2, Some(0.8)), 0.7 * (2.0 / 3.0) + 0.3 * 0.8);
        assert_eq!(confidence(5, Some(0.5)), 0.7 + 0.15);
        assert_eq!(confidence(1, None), 1.0 / 3.0);
    }

    #[test]
    fn risk_level_table() {
        use Severity::*;
        assert_eq!(risk_level(&[Critical]), RiskLevel::High);
        assert_eq!(risk_level(&[High, High, High]), RiskLevel::High);
        assert_eq!(risk_level(&[High, High]), RiskLevel::Medium);
        assert_eq!(risk_level(&[Medium, Medium]), RiskLevel::Medium);
        assert_eq!(risk_level(&[Medium, Low, Low]), RiskLevel::Low);
        assert_eq!(risk_level(&[]), RiskLevel::Low);
    }
}
