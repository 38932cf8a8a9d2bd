//! The [`Report`] and how a merged [`Partial`] becomes one.
//!
//! Field names follow the original signaltrace API (`total_logs`,
//! `anomalies[].clientip`, …) so its clients keep working; the additions
//! (`entities`, `statistics`, `config`, rejection details) let a client check
//! every number.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::config::{Config, EntityField, Format, LogsMode};
use crate::error::Error;
use crate::features::{Features, FEATURE_NAMES};
use crate::forest::{contamination_outliers, IsolationForest, Row};
use crate::ingest::{Action, RejectKind};
use crate::partial::Partial;
use crate::scoring::{self, DetectionMethod, RiskLevel, Rule, Severity};
use crate::text;
use crate::time::{format_rfc3339, Nanos, NANOS_PER_HOUR, NANOS_PER_MINUTE};

/// Bumped when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// Most buckets in the activity histogram.
const MAX_ACTIVITY_BUCKETS: i64 = 1440;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null, hashmap_as_object))]
pub struct Report {
    pub schema_version: u32,
    pub filename: Option<String>,
    pub format: Format,
    pub entity_field: EntityField,
    /// Accepted events.
    pub total_logs: u64,
    pub entity_count: u64,
    pub anomaly_count: u64,
    /// Entities matched by the allowlist (never flagged).
    pub allowlisted_count: u64,
    /// Whether identifiers were replaced by keyed hashes.
    pub pseudonymized: bool,
    pub risk_level: RiskLevel,
    pub summary: String,
    pub detection_breakdown: DetectionBreakdown,
    pub time_range: TimeRange,
    pub peak_activity: PeakActivity,
    pub activity: Activity,
    pub timeline: Vec<TimelineEntry>,
    pub anomalies: Vec<Anomaly>,
    /// Every entity, sorted by value: the population the forest saw.
    pub entities: Vec<EntityReport>,
    /// Per-feature median over all entities, in `FEATURE_NAMES` order.
    pub population_medians: FeatureValues,
    pub statistics: Statistics,
    pub lines: LineCounts,
    pub rejected_lines: u64,
    /// Rejections per kind (only kinds that occurred).
    pub rejection_counts: BTreeMap<String, u64>,
    /// The first rejections, by line number.
    pub parse_errors: Vec<ParseError>,
    /// The configuration in force, with the entity field resolved.
    pub config: Config,
    /// Raw rows; absent when `config.logs` is `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<Vec<LogRow>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct DetectionBreakdown {
    pub rule_based: u64,
    pub statistical: u64,
    pub hybrid: u64,
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct TimeRange {
    pub start: String,
    pub end: String,
    pub duration_hours: f64,
}

/// The local hour of day (per `config.off_hours.utc_offset_minutes`) with
/// the most events; ties go to the earliest hour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct PeakActivity {
    pub hour: u32,
    pub event_count: u64,
}

/// Events over time, for a chart: `counts[i]` events in
/// [start + i·bucket_seconds, start + (i+1)·bucket_seconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Activity {
    pub start: String,
    pub bucket_seconds: u64,
    pub counts: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
pub struct TimelineEntry {
    /// When the entity was first seen.
    pub timestamp: String,
    pub entity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clientip: Option<String>,
    pub detection_type: DetectionMethod,
    pub severity: Severity,
    pub triggered_rules: Vec<Rule>,
    /// Start of the entity's busiest minute.
    pub peak_window_start: String,
    pub last_seen: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct FeatureValues {
    pub requests_per_minute_peak: f64,
    pub deny_rate: f64,
    pub total_bytes_transferred: f64,
    pub unique_hosts_count: f64,
    pub off_hours_request_ratio: f64,
}

impl FeatureValues {
    fn from_array(v: [f64; 5]) -> Self {
        Self {
            requests_per_minute_peak: v[0],
            deny_rate: v[1],
            total_bytes_transferred: v[2],
            unique_hosts_count: v[3],
            off_hours_request_ratio: v[4],
        }
    }

    pub fn to_array(&self) -> [f64; 5] {
        [
            self.requests_per_minute_peak,
            self.deny_rate,
            self.total_bytes_transferred,
            self.unique_hosts_count,
            self.off_hours_request_ratio,
        ]
    }
}

/// One feature of an anomaly set against the population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
pub struct FeatureContext {
    pub feature: String,
    pub value: f64,
    pub population_median: f64,
    /// Modified z-score: (value − median) / (1.4826 · MAD), falling back to
    /// 1.2533 · mean absolute deviation when the MAD is 0 (Iglewicz &
    /// Hoaglin); `null` when every entity has the same value.
    pub robust_z: Option<f64>,
    /// The rule on this feature, its threshold, and whether it fired.
    pub rule: Rule,
    pub threshold: f64,
    pub fired: bool,
}

/// One feature's share of the splits on an entity's isolating paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct FeatureContribution {
    pub feature: String,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
pub struct Anomaly {
    pub entity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clientip: Option<String>,
    pub severity: Severity,
    pub confidence: f64,
    pub detection_method: DetectionMethod,
    pub triggered_rules: Vec<Rule>,
    pub features: Features,
    /// `null` when statistics were skipped.
    pub isolation_score: Option<f64>,
    pub is_outlier: bool,
    pub explanation: String,
    pub first_seen: String,
    pub last_seen: String,
    pub request_count: u64,
    pub peak_window_start: String,
    /// Features ordered by their share of the splits isolating this entity;
    /// empty when statistics were skipped.
    pub feature_contributions: Vec<FeatureContribution>,
    /// Each feature against the population, in `FEATURE_NAMES` order.
    pub feature_context: Vec<FeatureContext>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
pub struct EntityReport {
    pub entity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clientip: Option<String>,
    pub request_count: u64,
    pub features: Features,
    pub isolation_score: Option<f64>,
    pub is_outlier: bool,
    pub triggered_rules: Vec<Rule>,
    /// Matched by the allowlist: never flagged, whatever its rules and score.
    pub allowlisted: bool,
    /// `null` for a normal (or allowlisted) entity.
    pub severity: Option<Severity>,
    pub confidence: f64,
    pub first_seen: String,
    pub last_seen: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum StatisticsStatus {
    Ran,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
pub struct Statistics {
    pub status: StatisticsStatus,
    /// Why the forest did not run.
    pub reason: Option<String>,
    pub method: String,
    pub trees: usize,
    /// Entities per tree actually used (capped at the population).
    pub sample_size: usize,
    pub seed: u64,
    pub contamination: f64,
    pub score_threshold: f64,
    /// The isolation score an entity must exceed to lie within the
    /// contamination share (the 90th percentile for 0.1); `null` if skipped.
    pub contamination_threshold: Option<f64>,
    pub outliers: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct LineCounts {
    /// Every line of the input: accepted + rejected + blank + header.
    pub total: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub blank: u64,
    /// 1 for a CSV header, else 0.
    pub header: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct ParseError {
    pub line: u64,
    pub kind: RejectKind,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
pub struct LogRow {
    pub line: u64,
    pub time: String,
    pub entity: String,
    pub clientip: Option<String>,
    pub user: Option<String>,
    /// JSONL: the URL's host. CSV: the `host` column.
    pub host: Option<String>,
    /// CSV only: the resource accessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub action: Action,
    pub responsecode: Option<u16>,
    pub bytes: u64,
    pub is_anomalous: bool,
}

/// Median of `v` (mean of the middle two for an even count).
pub fn median(v: &mut [f64]) -> f64 {
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

/// Everything known about one entity before it is written out.
struct Scored {
    entity: String,
    features: Features,
    peak_start: Nanos,
    first_seen: Nanos,
    last_seen: Nanos,
    events: u64,
    rules: Vec<Rule>,
    score: Option<f64>,
    split_counts: [u32; 5],
    outlier: bool,
    allowlisted: bool,
    severity: Option<Severity>,
    confidence: f64,
}

/// Per-feature median and the deviations the robust z-score uses.
struct Spread {
    median: [f64; 5],
    mad: [f64; 5],
    mean_ad: [f64; 5],
}

impl Spread {
    fn of(rows: &[[f64; 5]]) -> Self {
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

fn threshold_of(rule: Rule, t: &crate::config::RuleThresholds) -> f64 {
    match rule {
        Rule::HighBurst => t.burst_requests_per_minute as f64,
        Rule::HighDenyRate => t.deny_rate,
        Rule::ExtremeDataTransfer => t.data_transfer_bytes as f64,
        Rule::HighUniqueHosts => t.unique_hosts as f64,
        Rule::HighOffHoursActivity => t.off_hours_ratio,
    }
}

fn activity(p: &Partial, span: (Nanos, Nanos)) -> Activity {
    let first_minute = span.0.div_euclid(NANOS_PER_MINUTE);
    let last_minute = span.1.div_euclid(NANOS_PER_MINUTE);
    let minutes = last_minute - first_minute + 1;
    let steps = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
    let bucket = steps
        .iter()
        .copied()
        .find(|b| (minutes + b - 1) / b <= MAX_ACTIVITY_BUCKETS)
        .unwrap_or_else(|| {
            let days = (minutes + 1440 * MAX_ACTIVITY_BUCKETS - 1) / (1440 * MAX_ACTIVITY_BUCKETS);
            days * 1440
        });
    let start_minute = first_minute - first_minute.rem_euclid(bucket);
    let n = ((last_minute - start_minute) / bucket + 1) as usize;
    let mut counts = vec![0u64; n];
    for (&m, &c) in &p.per_minute {
        counts[((m - start_minute) / bucket) as usize] += c;
    }
    Activity {
        start: format_rfc3339(start_minute * NANOS_PER_MINUTE),
        bucket_seconds: (bucket * 60) as u64,
        counts,
    }
}

/// Turns the merged accumulators into the report.
pub(crate) fn build(
    mut p: Partial,
    config: &Config,
    format: Format,
    entity_field: EntityField,
    filename: Option<String>,
) -> Result<Report, Error> {
    let total_lines = p.accepted + p.rejected + p.blank + p.header;
    if config.input.strict {
        if let Some(e) = p.errors.first() {
            return Err(Error::Strict {
                line: e.line,
                reason: e.reason.clone(),
            });
        }
    }
    let Some(span) = p.span else {
        return Err(if p.rejected == 0 && p.header > 0 {
            Error::HeaderOnly
        } else if p.rejected == 0 {
            Error::EmptyInput
        } else {
            Error::NoValidLines {
                lines: total_lines,
                rejected: p.rejected,
                first: p
                    .errors
                    .first()
                    .map(|e| format!("line {}: {}", e.line, e.reason)),
            }
        });
    };

    // Entities in a fixed order, never hash order.
    let mut accs: Vec<_> = std::mem::take(&mut p.entities).into_iter().collect();
    accs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut scored: Vec<Scored> = accs
        .into_iter()
        .map(|(name, mut acc)| {
            let (features, peak_start) = acc.features();
            let rules = scoring::fired_rules(&features, &config.rules);
            Scored {
                entity: name.into_string(),
                features,
                peak_start,
                first_seen: acc.first_seen,
                last_seen: acc.last_seen,
                events: acc.events,
                rules,
                score: None,
                split_counts: [0; 5],
                outlier: false,
                allowlisted: false,
                severity: None,
                confidence: 0.0,
            }
        })
        .collect();

    // Isolation forest.
    let fc = &config.forest;
    let rows: Vec<Row> = scored
        .iter()
        .map(|s| s.features.vector().map(|x| x as f32))
        .collect();
    let mut statistics = Statistics {
        status: StatisticsStatus::Skipped,
        reason: None,
        method: "isolation_forest".into(),
        trees: fc.trees,
        sample_size: fc.sample_size.min(rows.len()),
        seed: fc.seed,
        contamination: fc.contamination,
        score_threshold: fc.score_threshold,
        contamination_threshold: None,
        outliers: 0,
    };
    if rows.len() < fc.min_entities {
        statistics.reason = Some(format!(
            "only {} {}; the isolation forest needs at least {}",
            rows.len(),
            text::entity_noun(entity_field, rows.len() as u64),
            fc.min_entities
        ));
    } else if rows.iter().all(|r| r == &rows[0]) {
        statistics.reason = Some(format!(
            "all {} {} have identical features; there is nothing to isolate",
            rows.len(),
            text::entity_noun(entity_field, rows.len() as u64)
        ));
    } else {
        let forest = IsolationForest::fit(&rows, fc.trees, fc.sample_size, fc.seed);
        let results: Vec<_> = rows.iter().map(|r| forest.score(r)).collect();
        let scores: Vec<f64> = results.iter().map(|r| r.score).collect();
        let (within, cut) = contamination_outliers(&scores, fc.contamination);
        for ((s, r), w) in scored.iter_mut().zip(&results).zip(within) {
            s.score = Some(r.score);
            s.split_counts = r.split_counts;
            s.outlier = w && r.score >= fc.score_threshold;
        }
        statistics.status = StatisticsStatus::Ran;
        statistics.sample_size = forest.sample_size();
        statistics.contamination_threshold = Some(cut);
        statistics.outliers = scored.iter().filter(|s| s.outlier).count() as u64;
    }
    let allowlist = crate::allowlist::Allowlist::new(&config.allowlist)?;
    for s in &mut scored {
        s.allowlisted = !allowlist.is_empty() && allowlist.contains(&s.entity);
        s.severity = scoring::severity(
            &s.rules,
            s.outlier.then_some(s.score.unwrap_or(0.0)),
            fc.high_score_threshold,
        )
        .filter(|_| !s.allowlisted);
        s.confidence = scoring::confidence(s.rules.len(), s.score);
    }
    let allowlisted_count = scored.iter().filter(|s| s.allowlisted).count() as u64;
    let allowlisted_hidden = scored
        .iter()
        .filter(|s| s.allowlisted && (!s.rules.is_empty() || s.outlier))
        .count() as u64;

    // Pseudonyms replace identifiers before any text is written.
    let pseudonymizer = config
        .pseudonymize
        .as_deref()
        .map(crate::privacy::Pseudonymizer::new);
    let entity_kind = match entity_field {
        EntityField::Clientip => "ip",
        EntityField::User => "user",
        EntityField::Host => "host",
    };
    if let Some(p) = &pseudonymizer {
        for s in &mut scored {
            s.entity = p.pseudonym(entity_kind, &s.entity);
        }
        scored.sort_by(|a, b| a.entity.cmp(&b.entity));
    }

    let spread = Spread::of(
        &scored
            .iter()
            .map(|s| s.features.vector())
            .collect::<Vec<_>>(),
    );
    let medians = spread.median;

    let is_ip = entity_field == EntityField::Clientip;
    let ip = |e: &str| is_ip.then(|| e.to_string());

    let mut anomalies: Vec<Anomaly> = scored
        .iter()
        .filter_map(|s| {
            let severity = s.severity?;
            let method = scoring::detection_method(&s.rules, s.outlier)?;
            let total: u32 = s.split_counts.iter().sum();
            let mut contributions: Vec<FeatureContribution> = if total == 0 {
                Vec::new()
            } else {
                FEATURE_NAMES
                    .iter()
                    .zip(s.split_counts)
                    .map(|(name, c)| FeatureContribution {
                        feature: (*name).to_string(),
                        share: f64::from(c) / f64::from(total),
                    })
                    .collect()
            };
            contributions.sort_by(|a, b| b.share.total_cmp(&a.share));
            let values = s.features.vector();
            let context: Vec<FeatureContext> = Rule::ALL
                .iter()
                .map(|&rule| {
                    let f = rule.feature_index();
                    FeatureContext {
                        feature: FEATURE_NAMES[f].to_string(),
                        value: values[f],
                        population_median: medians[f],
                        robust_z: spread.robust_z(f, values[f]),
                        rule,
                        threshold: threshold_of(rule, &config.rules),
                        fired: s.rules.contains(&rule),
                    }
                })
                .collect();
            let explanation = text::explanation(&text::ExplanationInput {
                features: &s.features,
                rules: &s.rules,
                thresholds: &config.rules,
                medians: &medians,
                score: s.score,
                outlier: s.outlier,
                contamination_threshold: statistics.contamination_threshold,
                skipped_reason: statistics.reason.as_deref(),
                contributions: &contributions,
                context: &context,
            });
            Some(Anomaly {
                entity: s.entity.clone(),
                clientip: ip(&s.entity),
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

    let mut timeline: Vec<(Nanos, TimelineEntry)> = scored
        .iter()
        .filter_map(|s| {
            Some((
                s.first_seen,
                TimelineEntry {
                    timestamp: format_rfc3339(s.first_seen),
                    entity: s.entity.clone(),
                    clientip: ip(&s.entity),
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

    let severities: Vec<Severity> = anomalies.iter().map(|a| a.severity).collect();
    let risk_level = scoring::risk_level(&severities);
    let count_method = |m| anomalies.iter().filter(|a| a.detection_method == m).count() as u64;
    let detection_breakdown = DetectionBreakdown {
        rule_based: count_method(DetectionMethod::RuleBased),
        statistical: count_method(DetectionMethod::Statistical),
        hybrid: count_method(DetectionMethod::Hybrid),
        total: anomalies.len() as u64,
    };

    let (peak_hour, peak_count) = p.per_hour.iter().enumerate().fold(
        (0usize, 0u64),
        |best, (h, &c)| if c > best.1 { (h, c) } else { best },
    );

    let time_range = TimeRange {
        start: format_rfc3339(span.0),
        end: format_rfc3339(span.1),
        // abs_diff: the span of the supported years exceeds i64 nanoseconds.
        duration_hours: span.1.abs_diff(span.0) as f64 / NANOS_PER_HOUR as f64,
    };

    let logs = match config.logs {
        LogsMode::None => None,
        mode => {
            let anomalous: FxHashSet<&str> = anomalies.iter().map(|a| a.entity.as_str()).collect();
            let mut rows = std::mem::take(&mut p.rows);
            rows.sort_unstable_by_key(|r| r.line);
            Some(
                rows.into_iter()
                    .filter_map(|r| {
                        let entity = match &pseudonymizer {
                            Some(p) => p.pseudonym(entity_kind, &r.entity),
                            None => r.entity.into_string(),
                        };
                        let is_anomalous = anomalous.contains(entity.as_str());
                        if mode == LogsMode::Anomalous && !is_anomalous {
                            return None;
                        }
                        let hide = |kind: &str, v: Option<Box<str>>| {
                            v.map(|v| match &pseudonymizer {
                                Some(p) => p.pseudonym(kind, &v),
                                None => v.into_string(),
                            })
                        };
                        let (host, resource) = match format {
                            Format::Jsonl => (Some(r.destination.into_string()), None),
                            Format::Csv => (
                                hide("host", r.source_host),
                                Some(r.destination.into_string()),
                            ),
                        };
                        Some(LogRow {
                            line: r.line,
                            time: format_rfc3339(r.time),
                            entity,
                            clientip: hide("ip", r.clientip),
                            user: hide("user", r.user),
                            host,
                            resource,
                            action: r.action,
                            responsecode: r.responsecode,
                            bytes: r.bytes,
                            is_anomalous,
                        })
                    })
                    .collect(),
            )
        }
    };

    let entities: Vec<EntityReport> = scored
        .iter()
        .map(|s| EntityReport {
            entity: s.entity.clone(),
            clientip: ip(&s.entity),
            request_count: s.events,
            features: s.features.clone(),
            isolation_score: s.score,
            is_outlier: s.outlier,
            triggered_rules: s.rules.clone(),
            allowlisted: s.allowlisted,
            severity: s.severity,
            confidence: s.confidence,
            first_seen: format_rfc3339(s.first_seen),
            last_seen: format_rfc3339(s.last_seen),
        })
        .collect();

    let rejection_counts = RejectKind::ALL
        .iter()
        .zip(p.reject_counts)
        .filter(|(_, c)| *c > 0)
        .map(|(k, c)| (k.as_str().to_string(), c))
        .collect();

    let mut effective = config.clone();
    effective.entity = Some(entity_field);

    let summary = text::summary(&text::SummaryInput {
        entity_field,
        events: p.accepted,
        entities: scored.len() as u64,
        anomalies: &anomalies,
        risk: risk_level,
        rejected: p.rejected,
        allowlisted: allowlisted_count,
        allowlisted_hidden,
        start: &time_range.start,
        end: &time_range.end,
        statistics: &statistics,
    });

    Ok(Report {
        schema_version: SCHEMA_VERSION,
        filename,
        format,
        entity_field,
        total_logs: p.accepted,
        entity_count: scored.len() as u64,
        anomaly_count: anomalies.len() as u64,
        allowlisted_count,
        pseudonymized: pseudonymizer.is_some(),
        risk_level,
        summary,
        detection_breakdown,
        activity: activity(&p, span),
        time_range,
        peak_activity: PeakActivity {
            hour: peak_hour as u32,
            event_count: peak_count,
        },
        timeline: timeline.into_iter().map(|t| t.1).collect(),
        anomalies,
        entities,
        population_medians: FeatureValues::from_array(medians),
        statistics,
        lines: LineCounts {
            total: total_lines,
            accepted: p.accepted,
            rejected: p.rejected,
            blank: p.blank,
            header: p.header,
        },
        rejected_lines: p.rejected,
        rejection_counts,
        parse_errors: p
            .errors
            .into_iter()
            .map(|e| ParseError {
                line: e.line,
                kind: e.kind,
                reason: if pseudonymizer.is_some() {
                    crate::privacy::redact_quoted(&e.reason)
                } else {
                    e.reason
                },
            })
            .collect(),
        config: effective,
        logs,
    })
}
