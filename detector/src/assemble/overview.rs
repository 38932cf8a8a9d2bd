//! The overview stage: the file-level parts of the report — risk and
//! detection breakdown, time range, busiest hour, activity chart, line
//! counts, rejections — and the summary sentences.

use std::collections::BTreeMap;

use crate::ingest::event::RejectKind;
use crate::partial::Partial;
use crate::privacy::{self, Pseudonymizer};
use crate::report::{
    Activity, Anomaly, DetectionBreakdown, Input, LineCounts, ParseError, PeakActivity, TimeRange,
};
use crate::scoring::{self, DetectionMethod, RiskLevel, Severity};
use crate::time::{format_rfc3339, Nanos, NANOS_PER_HOUR, NANOS_PER_MINUTE};

/// Most buckets in the activity histogram.
const MAX_ACTIVITY_BUCKETS: i64 = 1440;

/// The file's risk from its anomalies' severities.
pub(crate) fn risk(anomalies: &[Anomaly]) -> RiskLevel {
    let severities: Vec<Severity> = anomalies.iter().map(|a| a.severity).collect();
    scoring::risk_level(&severities)
}

/// Anomalies per detection method.
pub(crate) fn breakdown(anomalies: &[Anomaly]) -> DetectionBreakdown {
    let count_method = |m| anomalies.iter().filter(|a| a.detection_method == m).count() as u64;
    DetectionBreakdown {
        rule_based: count_method(DetectionMethod::RuleBased),
        statistical: count_method(DetectionMethod::Statistical),
        hybrid: count_method(DetectionMethod::Hybrid),
        total: anomalies.len() as u64,
    }
}

/// The busiest local hour of day; ties go to the earliest hour.
pub(crate) fn peak_activity(p: &Partial) -> PeakActivity {
    let (hour, event_count) = p.per_hour.iter().enumerate().fold(
        (0usize, 0u64),
        |best, (h, &c)| if c > best.1 { (h, c) } else { best },
    );
    PeakActivity {
        hour: hour as u32,
        event_count,
    }
}

/// First and last event, and the hours between.
pub(crate) fn time_range(span: (Nanos, Nanos)) -> TimeRange {
    TimeRange {
        start: format_rfc3339(span.0),
        end: format_rfc3339(span.1),
        // abs_diff: the span of the supported years exceeds i64 nanoseconds.
        duration_hours: span.1.abs_diff(span.0) as f64 / NANOS_PER_HOUR as f64,
    }
}

/// Events over time for a chart, in at most [`MAX_ACTIVITY_BUCKETS`]
/// buckets of a round number of minutes.
pub(crate) fn activity(p: &Partial, span: (Nanos, Nanos)) -> Activity {
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

/// Every line of the input, by what became of it.
pub(crate) fn line_counts(p: &Partial, out_of_order: u64) -> LineCounts {
    LineCounts {
        out_of_order,
        total: p.total_lines(),
        accepted: p.accepted,
        rejected: p.rejected,
        blank: p.blank,
        header: p.header,
        continuation: p.continuation,
    }
}

/// Rejections per kind (only kinds that occurred).
pub(crate) fn rejection_counts(p: &Partial) -> BTreeMap<String, u64> {
    RejectKind::ALL
        .iter()
        .zip(p.reject_counts)
        .filter(|(_, c)| *c > 0)
        .map(|(k, c)| (k.as_str().to_string(), c))
        .collect()
}

/// The first rejections, each with its input; quoted values are redacted
/// under pseudonyms.
pub(crate) fn parse_errors(
    p: Partial,
    inputs: &[Input],
    pseudonymizer: Option<&Pseudonymizer>,
) -> Vec<ParseError> {
    p.errors
        .into_iter()
        .map(|e| ParseError {
            input: e.input as usize,
            file: inputs.get(e.input as usize).and_then(|i| i.name.clone()),
            line: e.line,
            kind: e.kind,
            reason: if pseudonymizer.is_some() {
                privacy::redact_quoted(&e.reason)
            } else {
                e.reason
            },
        })
        .collect()
}
