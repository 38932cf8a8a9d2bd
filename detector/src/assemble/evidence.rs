//! The evidence stage: for each anomaly, the events behind its findings
//! (docs/DESIGN.md "Evidence"), drawn from what its accumulator kept —
//! per-host tallies, hour counters, the largest events — after scoring, so
//! only anomalous entities pay for it; and which raw rows belong to which
//! evidence.

use rustc_hash::FxHashMap;

use crate::features::{EntityAccumulator, HostTally};
use crate::report::{
    BurstEvidence, DenialEvidence, EventRef, Evidence, EvidenceKind, HostBytes, HostCount,
    HostEvidence, OffHoursEvidence, TransferEvidence, EVIDENCE_TOP,
};
use crate::time::{format_rfc3339, Nanos, NANOS_PER_MINUTE};

use super::population::Assessment;

/// The [`EVIDENCE_TOP`] hosts with the largest non-zero `key`, largest
/// first, ties by host name. A linear pass with a short insertion list (no
/// sort: each sort instantiation costs the .wasm kilobytes).
fn top_hosts(d: &EntityAccumulator, key: fn(&HostTally) -> u64) -> Vec<(String, u64)> {
    let mut top: Vec<(&str, u64)> = Vec::with_capacity(EVIDENCE_TOP + 1);
    for (host, tally) in d.hosts.iter() {
        let n = key(tally);
        let host: &str = host;
        if n == 0 {
            continue;
        }
        let at = top
            .iter()
            .position(|&(h, m)| n > m || (n == m && host < h))
            .unwrap_or(top.len());
        if at < EVIDENCE_TOP {
            top.insert(at, (host, n));
            top.truncate(EVIDENCE_TOP);
        }
    }
    top.into_iter().map(|(h, n)| (h.to_string(), n)).collect()
}

/// End of the busiest minute, [start, end).
fn burst_end(start: Nanos) -> Nanos {
    start.saturating_add(NANOS_PER_MINUTE)
}

/// An anomaly's evidence.
pub(crate) fn evidence(s: &Assessment) -> Evidence {
    let d = s.detail();
    let counts = |key: fn(&HostTally) -> u64| {
        top_hosts(d, key)
            .into_iter()
            .map(|(host, count)| HostCount { host, count })
            .collect()
    };
    Evidence {
        burst: (s.features.requests_per_minute_peak > 1).then(|| BurstEvidence {
            start: format_rfc3339(s.peak_start),
            end: format_rfc3339(burst_end(s.peak_start)),
            count: s.features.requests_per_minute_peak,
        }),
        denials: (d.denied > 0).then(|| DenialEvidence {
            count: d.denied,
            top_hosts: counts(|t| t.denied),
        }),
        transfer: (d.bytes > 0).then(|| TransferEvidence {
            bytes: d.bytes,
            top_hosts: top_hosts(d, |t| t.bytes)
                .into_iter()
                .map(|(host, bytes)| HostBytes { host, bytes })
                .collect(),
            largest_events: d
                .largest
                .iter()
                .map(|e| EventRef {
                    input: e.input as usize,
                    line: e.line,
                    time: format_rfc3339(e.time),
                    host: e.host.to_string(),
                    bytes: e.bytes,
                })
                .collect(),
        }),
        hosts: HostEvidence {
            count: d.hosts.len() as u64,
            top: counts(|t| t.requests),
        },
        off_hours: (d.off_hours > 0).then_some(OffHoursEvidence { count: d.off_hours }),
        events_by_hour: d.hours.iter().map(|&h| u64::from(h)).collect(),
    }
}

/// Which of an anomalous entity's raw rows belong to which evidence.
pub(crate) struct RowMarks {
    /// The busiest minute, [start, end), when it is evidence.
    burst: Option<(Nanos, Nanos)>,
    denials: bool,
    off_hours: bool,
    /// (input, line) of the largest events.
    largest: Vec<(u32, u64)>,
}

impl RowMarks {
    /// The evidence kinds of a row at `time` of (`input`, `line`).
    pub fn kinds(
        &self,
        time: Nanos,
        denied: bool,
        off_hours: bool,
        input: u32,
        line: u64,
    ) -> Vec<EvidenceKind> {
        let mut kinds = Vec::new();
        if self.burst.is_some_and(|(a, b)| a <= time && time < b) {
            kinds.push(EvidenceKind::Burst);
        }
        if self.denials && denied {
            kinds.push(EvidenceKind::Denials);
        }
        if self.largest.contains(&(input, line)) {
            kinds.push(EvidenceKind::Transfer);
        }
        if self.off_hours && off_hours {
            kinds.push(EvidenceKind::OffHours);
        }
        kinds
    }
}

/// Row marks of every flagged entity, by its (final) name.
pub(crate) fn row_marks(population: &[Assessment]) -> FxHashMap<&str, RowMarks> {
    population
        .iter()
        .filter(|s| s.severity.is_some())
        .map(|s| {
            let d = s.detail();
            let marks = RowMarks {
                burst: (s.features.requests_per_minute_peak > 1)
                    .then(|| (s.peak_start, burst_end(s.peak_start))),
                denials: d.denied > 0,
                off_hours: d.off_hours > 0,
                largest: d.largest.iter().map(|e| (e.input, e.line)).collect(),
            };
            (s.entity.as_str(), marks)
        })
        .collect()
}
