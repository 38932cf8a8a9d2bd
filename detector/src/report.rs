//! The [`Report`]: the schema every front end reads. How a report is
//! assembled lives in `assemble`.
//!
//! Field names follow the original signaltrace API (`total_logs`,
//! `anomalies[].clientip`, …) so its clients keep working; the additions
//! (`entities`, `statistics`, `config`, rejection details) let a client check
//! every number.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{Config, EntityField, Format};
use crate::features::Features;
use crate::ingest::decompress::Compression;
use crate::ingest::event::{Action, RejectKind};
use crate::names::named;
use crate::scoring::{DetectionMethod, RiskLevel, Rule, Severity};

/// Bumped when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null, hashmap_as_object))]
pub struct Report {
    pub schema_version: u32,
    /// The first input's name (with one input, its name), as the front end
    /// gave it; `inputs` lists every input.
    pub filename: Option<String>,
    /// The inputs, in the order they were read (one for a single file).
    pub inputs: Vec<Input>,
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
    /// Per feature, the population's typical range: 10th percentile,
    /// median and 90th percentile over all entities.
    pub population_ranges: FeatureRanges,
    /// Events per local hour of day (24 counts, hour 0 first; local time as
    /// for off-hours): the population's hour profile, against which an
    /// anomaly's `evidence.events_by_hour` is read.
    pub events_by_hour: Vec<u64>,
    pub statistics: Statistics,
    pub lines: LineCounts,
    pub rejected_lines: u64,
    /// Rejections per kind (only kinds that occurred).
    pub rejection_counts: BTreeMap<String, u64>,
    /// The first rejections, by input and line number.
    pub parse_errors: Vec<ParseError>,
    /// The configuration in force, with the entity field resolved.
    pub config: Config,
    /// Raw rows; absent when `config.logs` is `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<Vec<LogRow>>,
}

/// One input of the analysis (a file, an upload part, standard input).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
pub struct Input {
    /// The name the front end gave (the CLI: the file's name, `-` for
    /// standard input); `null` if none.
    pub name: Option<String>,
    /// Bytes read, as given (for a compressed input, the compressed size).
    pub bytes: u64,
    /// The container the input arrived in.
    pub compression: Compression,
    /// Lines of the (decompressed) input, numbered from 1 in each input:
    /// accepted + rejected + blank + header + continuation.
    pub lines: u64,
    pub accepted: u64,
    pub rejected: u64,
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
    pub(crate) fn from_array(v: [f64; 5]) -> Self {
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

/// A feature's spread over the population: percentiles with numpy's linear
/// interpolation (the median is the 50th).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Percentiles {
    pub p10: f64,
    pub median: f64,
    pub p90: f64,
}

/// [`Percentiles`] of each feature; `p10`–`p90` is what texts call typical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct FeatureRanges {
    pub requests_per_minute_peak: Percentiles,
    pub deny_rate: Percentiles,
    pub total_bytes_transferred: Percentiles,
    pub unique_hosts_count: Percentiles,
    pub off_hours_request_ratio: Percentiles,
}

impl FeatureRanges {
    pub(crate) fn from_array(v: [Percentiles; 5]) -> Self {
        Self {
            requests_per_minute_peak: v[0],
            deny_rate: v[1],
            total_bytes_transferred: v[2],
            unique_hosts_count: v[3],
            off_hours_request_ratio: v[4],
        }
    }

    pub fn to_array(&self) -> [Percentiles; 5] {
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
    /// The population's 10th and 90th percentiles: the typical range.
    pub population_p10: f64,
    pub population_p90: f64,
    /// Percentile rank in the population, 0–100: the share of entities
    /// with a smaller value plus half of those with the same value (ties
    /// share the middle, so 2 among a population of 1s and 2s is not
    /// "100th"). Bounded, and sane on integer and zero-heavy features.
    pub percentile: f64,
    /// Modified z-score: (value − median) / scale, the scale 1.4826 · MAD,
    /// or 1.2533 · mean absolute deviation when the MAD is 0 (Iglewicz &
    /// Hoaglin), but never below the feature's resolution (1 request, 1
    /// host, 1 KB, 1 percentage point), so 2 requests against a median of 1
    /// is z 1, not 30; `null` when every entity has the same value.
    pub robust_z: Option<f64>,
    /// The rule on this feature, its threshold, and whether it fired.
    pub rule: Rule,
    pub threshold: f64,
    pub fired: bool,
}

/// One feature's part in an entity's isolation score: its exact TreeSHAP
/// value (Lundberg et al. 2020, path-dependent, as `shap.TreeExplainer`
/// computes for scikit-learn's `IsolationForest`) of the forest's mean path
/// length, in score units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct FeatureContribution {
    pub feature: String,
    /// |score_contribution| / Σ |score_contribution| over the features (sum
    /// to 1); 0.2 each when every contribution is 0.
    pub share: f64,
    /// Signed, in isolation-score units: positive raises the score (a
    /// shorter isolating path). The five sum to the isolation score minus
    /// the score of the forest's expected path length.
    pub score_contribution: f64,
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
    /// Every feature's contribution to `isolation_score`, largest share
    /// first (ties in feature order); empty when statistics were skipped.
    pub feature_contributions: Vec<FeatureContribution>,
    /// Each feature against the population, in `FEATURE_NAMES` order.
    pub feature_context: Vec<FeatureContext>,
    /// The events behind the findings, by kind; a kind is `null` when the
    /// entity has none of it. `request_count` is how many events every
    /// finding of the entity rests on (its support).
    pub evidence: Evidence,
}

/// How many host entries and largest events evidence lists.
pub const EVIDENCE_TOP: usize = 5;

/// The events behind an anomaly's findings (docs/DESIGN.md "Evidence").
/// Hosts are destinations (CSV: resources); lists are at most
/// [`EVIDENCE_TOP`] long, largest first, ties by host name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
pub struct Evidence {
    /// The busiest minute (`requests_per_minute_peak`); `null` when no
    /// minute has more than one event.
    pub burst: Option<BurstEvidence>,
    /// Denied events; `null` when none was denied.
    pub denials: Option<DenialEvidence>,
    /// Bytes transferred; `null` when the entity transferred none.
    pub transfer: Option<TransferEvidence>,
    /// The destination hosts (every entity has at least one).
    pub hosts: HostEvidence,
    /// Events in the off-hours window; `null` when there were none.
    pub off_hours: Option<OffHoursEvidence>,
    /// The entity's events per local hour of day (24 counts, hour 0 first);
    /// compare with the report's `events_by_hour`.
    pub events_by_hour: Vec<u64>,
}

/// The window of `requests_per_minute_peak`: [start, end), end = start + 60 s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct BurstEvidence {
    pub start: String,
    pub end: String,
    /// Events in the window (the feature's value).
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct DenialEvidence {
    /// Denied events (deny rate = count / request_count).
    pub count: u64,
    /// The most denied hosts, with their denied events.
    pub top_hosts: Vec<HostCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct TransferEvidence {
    /// Total bytes (the feature's value).
    pub bytes: u64,
    /// The hosts with the most bytes.
    pub top_hosts: Vec<HostBytes>,
    /// The largest single events, largest first (ties by input and line).
    pub largest_events: Vec<EventRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct HostEvidence {
    /// Distinct hosts (the feature's value).
    pub count: u64,
    /// The most requested hosts, with their events.
    pub top: Vec<HostCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct OffHoursEvidence {
    /// Events in the off-hours window (share = count / request_count).
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct HostCount {
    pub host: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct HostBytes {
    pub host: String,
    pub bytes: u64,
}

/// One event, found in the raw rows (`logs`) by `input` and `line`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct EventRef {
    pub input: usize,
    pub line: u64,
    pub time: String,
    pub host: String,
    pub bytes: u64,
}

/// Which evidence of its anomaly a raw row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// Inside the busiest minute.
    Burst,
    /// A denied event.
    Denials,
    /// One of the largest events.
    Transfer,
    /// Inside the off-hours window.
    OffHours,
}

named!(EvidenceKind, "evidence kind", {
    Burst => "burst",
    Denials => "denials",
    Transfer => "transfer",
    OffHours => "off_hours",
});

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

named!(StatisticsStatus, "statistics status", { Ran => "ran", Skipped => "skipped" });

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
    /// Every line of every input: accepted + rejected + blank + header
    /// (+ continuation).
    pub total: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub blank: u64,
    /// CSV header lines: one per CSV input (1 for a CSV file), else 0.
    pub header: u64,
    /// Lines that continue a CSV record inside a quoted field (RFC 4180);
    /// absent when there are none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub continuation: u64,
    /// Accepted events earlier in time than their entity's previous event
    /// (input order; several inputs in the order given); absent when there
    /// are none. Not part of `total`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub out_of_order: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
pub struct ParseError {
    /// Index of the rejected line's input in `inputs`.
    pub input: usize,
    /// That input's name (`inputs[input].name`).
    pub file: Option<String>,
    /// Line number within that input, from 1.
    pub line: u64,
    pub kind: RejectKind,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
pub struct LogRow {
    /// Index of the row's input in `inputs`.
    pub input: usize,
    /// Line number within that input, from 1.
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
    /// For an anomalous entity's row: the kinds of its evidence the row
    /// belongs to (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub evidence: Vec<EvidenceKind>,
}
