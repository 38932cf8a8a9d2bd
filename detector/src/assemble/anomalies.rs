//! The anomaly stages: each flagged entity with its features set against
//! the population and its explanation, most severe first; and the timeline
//! of anomalies by first appearance.

use crate::config::{EntityField, RuleThresholds};
use crate::features::FEATURE_NAMES;
use crate::report::{
    Anomaly, FeatureContext, FeatureContribution, Percentiles, Statistics, TimelineEntry,
};
use crate::scoring::{self, Rule};
use crate::text;
use crate::time::{format_rfc3339, Nanos};
use crate::vocab::FEATURE_RESOLUTION;

use super::evidence;
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

/// The `q` quantile of sorted `v`, with numpy's linear interpolation.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return 0.0;
    };
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    match sorted.get(lo + 1) {
        Some(&next) => sorted[lo] + (h - lo as f64) * (next - sorted[lo]),
        None => last,
    }
}

/// Per feature: the population's sorted values, median, typical range and
/// the deviations the robust z-score uses.
pub(crate) struct Spread {
    pub median: [f64; 5],
    pub ranges: [Percentiles; 5],
    mad: [f64; 5],
    mean_ad: [f64; 5],
    /// Equal to the median when every entity has the same value.
    constant: [bool; 5],
    sorted: [Vec<f64>; 5],
}

impl Spread {
    /// Over the whole population (allowlisted entities included).
    pub fn of(population: &[Assessment]) -> Self {
        let mut spread = Spread {
            median: [0.0; 5],
            ranges: [Percentiles {
                p10: 0.0,
                median: 0.0,
                p90: 0.0,
            }; 5],
            mad: [0.0; 5],
            mean_ad: [0.0; 5],
            constant: [false; 5],
            sorted: Default::default(),
        };
        for f in 0..5 {
            let mut col: Vec<f64> = population.iter().map(|s| s.features.vector()[f]).collect();
            let m = median(&mut col);
            let mut dev: Vec<f64> = col.iter().map(|v| (v - m).abs()).collect();
            spread.median[f] = m;
            spread.ranges[f] = Percentiles {
                p10: quantile(&col, 0.1),
                median: m,
                p90: quantile(&col, 0.9),
            };
            spread.mean_ad[f] = dev.iter().sum::<f64>() / dev.len().max(1) as f64;
            spread.mad[f] = median(&mut dev);
            spread.constant[f] = col.first() == col.last();
            spread.sorted[f] = col;
        }
        spread
    }

    /// (value − median) / scale, the scale at least the feature's
    /// [`FEATURE_RESOLUTION`]: integer and zero-heavy features otherwise fall
    /// back to a scale near 0 (2 requests against a median of 1 was z +31.9).
    fn robust_z(&self, f: usize, value: f64) -> Option<f64> {
        if self.constant[f] {
            return None;
        }
        let scale = if self.mad[f] > 0.0 {
            1.4826 * self.mad[f]
        } else {
            1.253314 * self.mean_ad[f]
        };
        Some((value - self.median[f]) / scale.max(FEATURE_RESOLUTION[f]))
    }

    /// Percentile rank, 0–100: below plus half the ties.
    fn percentile(&self, f: usize, value: f64) -> f64 {
        let col = &self.sorted[f];
        let below = col.partition_point(|x| *x < value);
        let equal = col.partition_point(|x| *x <= value) - below;
        if col.is_empty() {
            return 0.0;
        }
        100.0 * (below as f64 + 0.5 * equal as f64) / col.len() as f64
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
            // `+ 0.0` turns a -0.0 (a feature no tree split on, negated)
            // into 0: JSON readers such as JavaScript's JSON.stringify write
            // -0 as 0, so a -0.0 here would make the same report differ
            // between the CLI and the browser.
            score_contribution: v + 0.0,
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
                population_p10: spread.ranges[f].p10,
                population_p90: spread.ranges[f].p90,
                percentile: spread.percentile(f, values[f]),
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
                events: s.events,
                denied: s.detail().denied,
                off_hours: s.detail().off_hours,
                rules: &s.rules,
                thresholds,
                ranges: &spread.ranges,
                score: s.score,
                outlier: s.outlier,
                contamination_threshold: statistics.contamination_threshold,
                skipped_reason: statistics.reason.as_deref(),
                contributions: &contributions,
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
                evidence: evidence::evidence(s),
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
