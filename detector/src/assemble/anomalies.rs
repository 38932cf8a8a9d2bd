//! The anomaly stages: each flagged entity with its features set against
//! the population and its explanation, most severe first; and the timeline
//! of anomalies by first appearance.

use crate::config::{EntityField, RuleThresholds};
use crate::features::FEATURE_NAMES;
use crate::report::{Anomaly, FeatureContext, FeatureContribution, Statistics, TimelineEntry};
use crate::scoring::{self, Rule};
use crate::text;
use crate::time::{format_rfc3339, Nanos};

use super::population::{clientip_of, Assessment};

/// Median of `v` (mean of the middle two for an even count).
pub(crate) fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Per-feature median and the deviations the robust z-score uses.
pub(crate) struct Spread {
    pub median: [f64; 5],
    mad: [f64; 5],
    mean_ad: [f64; 5],
}

impl Spread {
    /// Over the whole population (allowlisted entities included).
    pub fn of(population: &[Assessment]) -> Self {
        let rows: Vec<[f64; 5]> = population.iter().map(|s| s.features.vector()).collect();
        let mut spread = Spread {
            median: [0.0; 5],
            mad: [0.0; 5],
            mean_ad: [0.0; 5],
        };
        for f in 0..5 {
            let mut col: Vec<f64> = rows.iter().map(|r| r[f]).collect();
            let m = median(&mut col);
            let mut dev: Vec<f64> = col.iter().map(|v| (v - m).abs()).collect();
            spread.median[f] = m;
            spread.mean_ad[f] = dev.iter().sum::<f64>() / dev.len().max(1) as f64;
            spread.mad[f] = median(&mut dev);
        }
        spread
    }

    fn robust_z(&self, f: usize, value: f64) -> Option<f64> {
        let d = value - self.median[f];
        if self.mad[f] > 0.0 {
            Some(d / (1.4826 * self.mad[f]))
        } else if self.mean_ad[f] > 0.0 {
            Some(d / (1.253314 * self.mean_ad[f]))
        } else {
            None
        }
    }
}

/// Each feature's TreeSHAP contribution to the entity's isolation score
/// (signed, score units) and its share of their absolute sum, largest share
/// first, ties in feature order; equal shares when every contribution is 0;
/// empty when the forest did not run.
fn contributions(s: &Assessment) -> Vec<FeatureContribution> {
    let Some(values) = s.score.and(s.attribution) else {
        return Vec::new();
    };
    let total: f64 = values.iter().map(|v| v.abs()).sum();
    let mut contributions: Vec<FeatureContribution> = FEATURE_NAMES
        .iter()
        .zip(values)
        .map(|(name, v)| FeatureContribution {
            feature: (*name).to_string(),
            share: if total > 0.0 {
                v.abs() / total
            } else {
                1.0 / values.len() as f64
            },
            score_contribution: v,
        })
        .collect();
    // Stable: equal shares keep FEATURE_NAMES order.
    contributions.sort_by(|a, b| b.share.total_cmp(&a.share));
    contributions
}

/// Each feature against the population, with the rule on it.
fn context(s: &Assessment, spread: &Spread, thresholds: &RuleThresholds) -> Vec<FeatureContext> {
    let values = s.features.vector();
    Rule::ALL
        .iter()
        .map(|&rule| {
            let f = rule.feature_index();
            FeatureContext {
                feature: rule.feature().to_string(),
                value: values[f],
                population_median: spread.median[f],
                robust_z: spread.robust_z(f, values[f]),
                rule,
                threshold: rule.threshold(thresholds),
                fired: s.rules.contains(&rule),
            }
        })
        .collect()
}

/// Stage 5: the anomalies, most severe first (then by confidence, then name).
pub(crate) fn anomalies(
    population: &[Assessment],
    spread: &Spread,
    thresholds: &RuleThresholds,
    statistics: &Statistics,
    entity_field: EntityField,
) -> Vec<Anomaly> {
    let mut anomalies: Vec<Anomaly> = population
        .iter()
        .filter_map(|s| {
            let severity = s.severity?;
            let method = scoring::detection_method(&s.rules, s.outlier)?;
            let contributions = contributions(s);
            let context = context(s, spread, thresholds);
            let explanation = text::explanation(&text::ExplanationInput {
                features: &s.features,
                rules: &s.rules,
                thresholds,
                medians: &spread.median,
                score: s.score,
                outlier: s.outlier,
                contamination_threshold: statistics.contamination_threshold,
                skipped_reason: statistics.reason.as_deref(),
                contributions: &contributions,
                context: &context,
            });
            Some(Anomaly {
                entity: s.entity.clone(),
                clientip: clientip_of(&s.entity, entity_field),
                severity,
                confidence: s.confidence,
                detection_method: method,
                triggered_rules: s.rules.clone(),
                features: s.features.clone(),
                isolation_score: s.score,
                is_outlier: s.outlier,
                explanation,
                first_seen: format_rfc3339(s.first_seen),
                last_seen: format_rfc3339(s.last_seen),
                request_count: s.events,
                peak_window_start: format_rfc3339(s.peak_start),
                feature_contributions: contributions,
                feature_context: context,
            })
        })
        .collect();
    anomalies.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.entity.cmp(&b.entity))
    });
    anomalies
}

/// Stage 6: the timeline, anomalies by first appearance (then name).
pub(crate) fn timeline(population: &[Assessment], entity_field: EntityField) -> Vec<TimelineEntry> {
    let mut timeline: Vec<(Nanos, TimelineEntry)> = population
        .iter()
        .filter_map(|s| {
            Some((
                s.first_seen,
                TimelineEntry {
                    timestamp: format_rfc3339(s.first_seen),
                    entity: s.entity.clone(),
                    clientip: clientip_of(&s.entity, entity_field),
                    detection_type: scoring::detection_method(&s.rules, s.outlier)?,
                    severity: s.severity?,
                    triggered_rules: s.rules.clone(),
                    peak_window_start: format_rfc3339(s.peak_start),
                    last_seen: format_rfc3339(s.last_seen),
                },
            ))
        })
        .collect();
    timeline.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.entity.cmp(&b.1.entity)));
    timeline.into_iter().map(|t| t.1).collect()
}
