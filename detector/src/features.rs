//! Per-entity accumulators and the five behavioural features.
//!
//! An [`EntityAccumulator`] holds exactly what the features need and nothing
//! that depends on the order events arrived in, so [`EntityAccumulator::merge`]
//! of two halves equals the accumulator of the whole: counts add, host sets
//! unite, event times concatenate (they are sorted once, at the end).

use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::time::{Nanos, NANOS_PER_MINUTE};

/// The five features of one entity (docs/DESIGN.md "Entities and features").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Features {
    /// Most events inside any half-open window [t, t+60 s), t an event time.
    pub requests_per_minute_peak: u64,
    /// Denied events / events, in [0, 1].
    pub deny_rate: f64,
    /// Sum of response sizes (CSV: `bytes`), saturating at 2^64 − 1.
    pub total_bytes_transferred: u64,
    /// Distinct destination hosts (CSV: distinct resources).
    pub unique_hosts_count: u64,
    /// Share of events inside the off-hours window, in [0, 1].
    pub off_hours_request_ratio: f64,
}

/// Names of the features in the order the forest sees them.
pub const FEATURE_NAMES: [&str; 5] = [
    "requests_per_minute_peak",
    "deny_rate",
    "total_bytes_transferred",
    "unique_hosts_count",
    "off_hours_request_ratio",
];

impl Features {
    /// The feature vector in [`FEATURE_NAMES`] order.
    pub fn vector(&self) -> [f64; 5] {
        [
            self.requests_per_minute_peak as f64,
            self.deny_rate,
            self.total_bytes_transferred as f64,
            self.unique_hosts_count as f64,
            self.off_hours_request_ratio,
        ]
    }
}

/// What one entity's events add up to so far.
#[derive(Debug, Clone, Default)]
pub struct EntityAccumulator {
    pub events: u64,
    pub denied: u64,
    pub bytes: u64,
    pub off_hours: u64,
    pub hosts: FxHashSet<Box<str>>,
    /// Every event time, unsorted until [`EntityAccumulator::features`].
    pub times: Vec<Nanos>,
    pub first_seen: Nanos,
    pub last_seen: Nanos,
}

impl EntityAccumulator {
    pub fn add(&mut self, time: Nanos, denied: bool, bytes: u64, off_hours: bool, host: &str) {
        if self.events == 0 {
            self.first_seen = time;
            self.last_seen = time;
        } else {
            self.first_seen = self.first_seen.min(time);
            self.last_seen = self.last_seen.max(time);
        }
        self.events += 1;
        self.denied += u64::from(denied);
        self.bytes = self.bytes.saturating_add(bytes);
        self.off_hours += u64::from(off_hours);
        if !self.hosts.contains(host) {
            self.hosts.insert(host.into());
        }
        self.times.push(time);
    }

    /// Folds `other` into `self`; the result is independent of which half
    /// came first.
    pub fn merge(&mut self, other: EntityAccumulator) {
        if other.events == 0 {
            return;
        }
        if self.events == 0 {
            *self = other;
            return;
        }
        self.first_seen = self.first_seen.min(other.first_seen);
        self.last_seen = self.last_seen.max(other.last_seen);
        self.events += other.events;
        self.denied += other.denied;
        self.bytes = self.bytes.saturating_add(other.bytes);
        self.off_hours += other.off_hours;
        let mut hosts = other.hosts;
        if self.hosts.len() < hosts.len() {
            std::mem::swap(&mut self.hosts, &mut hosts);
        }
        self.hosts.extend(hosts);
        self.times.extend(other.times);
    }

    /// Computes the features; sorts the stored times. Also returns the start
    /// of the first window that reaches the peak.
    pub fn features(&mut self) -> (Features, Nanos) {
        self.times.sort_unstable();
        let (peak, peak_start) = peak_in_window(&self.times, NANOS_PER_MINUTE);
        let n = self.events.max(1) as f64;
        (
            Features {
                requests_per_minute_peak: peak,
                deny_rate: self.denied as f64 / n,
                total_bytes_transferred: self.bytes,
                unique_hosts_count: self.hosts.len() as u64,
                off_hours_request_ratio: self.off_hours as f64 / n,
            },
            peak_start,
        )
    }
}

/// Largest number of `sorted` times inside [t, t + width) for t in `sorted`,
/// with the earliest t that reaches it. Linear time (two pointers).
pub(crate) fn peak_in_window(sorted: &[Nanos], width: Nanos) -> (u64, Nanos) {
    let mut best = 0usize;
    let mut best_start = sorted.first().copied().unwrap_or(0);
    let mut hi = 0usize;
    for (lo, &t) in sorted.iter().enumerate() {
        let end = t.saturating_add(width);
        if hi < lo {
            hi = lo;
        }
        while hi < sorted.len() && sorted[hi] < end {
            hi += 1;
        }
        if hi - lo > best {
            best = hi - lo;
            best_start = t;
        }
    }
    (best as u64, best_start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::NANOS_PER_SEC;

    #[test]
    fn window_is_half_open() {
        // 100 events spread over exactly 60.000 s: the last one is at t0+60 s,
        // outside [t0, t0+60 s), so the peak is 99.
        let t: Vec<Nanos> = (0..100).map(|i| i * 60 * NANOS_PER_SEC / 99).collect();
        assert_eq!(*t.last().unwrap(), 60 * NANOS_PER_SEC);
        assert_eq!(peak_in_window(&t, NANOS_PER_MINUTE).0, 99);
        // One nanosecond less and all 100 fit.
        let mut t2 = t.clone();
        *t2.last_mut().unwrap() -= 1;
        assert_eq!(peak_in_window(&t2, NANOS_PER_MINUTE).0, 100);
    }

    #[test]
    fn duplicate_times_count_together() {
        let t = vec![5, 5, 5, 5 + NANOS_PER_MINUTE, 5 + NANOS_PER_MINUTE];
        assert_eq!(peak_in_window(&t, NANOS_PER_MINUTE), (3, 5));
        assert_eq!(peak_in_window(&[], NANOS_PER_MINUTE).0, 0);
    }

    #[test]
    fn merge_equals_whole() {
        let events = [
            (3, true, 10, false, "a"),
            (1, false, 20, true, "b"),
            (2, true, 5, false, "a"),
        ];
        let mut whole = EntityAccumulator::default();
        for e in events {
            whole.add(e.0, e.1, e.2, e.3, e.4);
        }
        let mut left = EntityAccumulator::default();
        left.add(
            events[0].0,
            events[0].1,
            events[0].2,
            events[0].3,
            events[0].4,
        );
        let mut right = EntityAccumulator::default();
        for e in &events[1..] {
            right.add(e.0, e.1, e.2, e.3, e.4);
        }
        right.merge(left);
        assert_eq!(right.features(), whole.features());
        assert_eq!((right.first_seen, right.last_seen), (1, 3));
    }
}
