//! Per-entity accumulators and the five behavioural features.
//!
//! An [`EntityAccumulator`] holds what the features and an anomaly's
//! evidence need and nothing that depends on the order events arrived in, so
//! [`EntityAccumulator::merge`] of two halves equals the accumulator of the
//! whole: counts add, per-host tallies add, hour counters add, the largest
//! events are the top [`LARGEST_EVENTS`] of both halves, event times
//! concatenate (they are sorted once, at the end) or, in bounded mode, their
//! windows join ([`times`]). Apart from the times, memory is bounded by the
//! entity's distinct hosts and 24 hour counters.
//!
//! One thing depends on order: how many events came earlier in time than
//! the entity's previous event (`out_of_order`). For it, `merge` takes
//! `other` as the events that followed `self`'s in the input.

use std::cmp::Reverse;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::time::Nanos;

pub(crate) mod hosts;
pub(crate) mod times;

pub use hosts::Hosts;
pub use times::Times;

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

/// How many of an entity's largest events are kept (evidence of transfer).
pub const LARGEST_EVENTS: usize = 5;

crate::wire::wire_struct!(HostTally {
    requests,
    denied,
    bytes
});
crate::wire::wire_struct!(LargeEvent {
    bytes,
    time,
    input,
    line,
    host
});
crate::wire::wire_struct!(EntityAccumulator {
    events,
    denied,
    bytes,
    off_hours,
    hosts,
    hours,
    largest,
    large_floor,
    times,
    exact,
    first_seen,
    last_seen,
    order_first,
    order_last,
    out_of_order,
});

/// One entity's events towards one destination host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostTally {
    pub requests: u64,
    pub denied: u64,
    /// Saturating at 2^64 − 1, like the entity's total.
    pub bytes: u64,
}

/// One of an entity's largest events (by bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LargeEvent {
    pub bytes: u64,
    pub time: Nanos,
    /// Which input (0-based) and line (from 1) the event came from.
    pub input: u32,
    pub line: u64,
    /// Shared with the entity's host tally ([`Hosts::shared`]).
    pub host: Arc<str>,
}

/// Largest first; equal sizes in input and line order: a total order, so
/// the kept events do not depend on arrival order.
fn rank(bytes: u64, input: u32, line: u64) -> (Reverse<u64>, u32, u64) {
    (Reverse(bytes), input, line)
}

impl LargeEvent {
    fn rank(&self) -> (Reverse<u64>, u32, u64) {
        rank(self.bytes, self.input, self.line)
    }
}

/// One accepted event, as the accumulator sees it.
#[derive(Debug, Clone, Copy)]
pub struct EventFacts<'a> {
    pub time: Nanos,
    pub denied: bool,
    pub bytes: u64,
    pub off_hours: bool,
    /// Local hour of day, 0–23.
    pub hour: u8,
    /// The destination host (CSV: the resource), interned by the reader
    /// so that equal hosts are usually one allocation ([`Hosts::get_mut`]).
    pub host: &'a Arc<str>,
    pub input: u32,
    pub line: u64,
}

/// What one entity's events add up to so far.
#[derive(Debug, Clone, Default)]
pub struct EntityAccumulator {
    pub events: u64,
    pub denied: u64,
    pub bytes: u64,
    pub off_hours: u64,
    /// Per destination host: requests, denials, bytes.
    pub hosts: Hosts,
    /// Events per local hour of day (saturating at 2^32 − 1).
    pub hours: [u32; 24],
    /// The largest events with bytes > 0, largest first, at most
    /// [`LARGEST_EVENTS`].
    pub largest: Vec<LargeEvent>,
    /// Once `largest` is full, the size of its last event: an event
    /// smaller than this cannot enter, decided without touching `largest`.
    large_floor: u64,
    /// The event times: all of them, or a bounded window ([`times`]).
    pub times: Times,
    /// Keep every time even in bounded mode (read again exactly).
    pub exact: bool,
    pub first_seen: Nanos,
    pub last_seen: Nanos,
    /// The first and last event's time in input order.
    pub order_first: Nanos,
    pub order_last: Nanos,
    /// Events earlier in time than the entity's previous event.
    pub out_of_order: u64,
}

impl EntityAccumulator {
    /// Adds an event. `window_after`: `None` keeps every time, `Some(n)`
    /// (bounded mode) keeps a window once there are more than n.
    pub fn add(&mut self, e: &EventFacts<'_>, window_after: Option<usize>) {
        let EventFacts {
            time,
            denied,
            bytes,
            off_hours,
            hour,
            host,
            input,
            line,
        } = *e;
        if self.events == 0 {
            self.first_seen = time;
            self.last_seen = time;
            self.order_first = time;
        } else {
            self.first_seen = self.first_seen.min(time);
            self.last_seen = self.last_seen.max(time);
            self.out_of_order += u64::from(time < self.order_last);
        }
        self.order_last = time;
        self.events += 1;
        self.denied += u64::from(denied);
        self.bytes = self.bytes.saturating_add(bytes);
        self.off_hours += u64::from(off_hours);
        match self.hosts.get_mut(host) {
            Some(t) => {
                t.requests += 1;
                t.denied += u64::from(denied);
                t.bytes = t.bytes.saturating_add(bytes);
            }
            None => {
                let first = HostTally {
                    requests: 1,
                    denied: u64::from(denied),
                    bytes,
                };
                self.hosts.insert_new(host.clone(), first);
            }
        }
        if let Some(h) = self.hours.get_mut(usize::from(hour)) {
            *h = h.saturating_add(1);
        }
        if bytes > 0 && bytes >= self.large_floor {
            self.offer_large(bytes, time, input, line, host);
        }
        let window_after = if self.exact { None } else { window_after };
        self.times.add(time, window_after);
    }

    /// Keeps the event if it is among the [`LARGEST_EVENTS`] largest so far.
    #[inline(never)]
    fn offer_large(&mut self, bytes: u64, time: Nanos, input: u32, line: u64, host: &str) {
        let new = rank(bytes, input, line);
        if self.largest.len() >= LARGEST_EVENTS
            && self.largest.last().is_some_and(|l| l.rank() < new)
        {
            return;
        }
        let event = LargeEvent {
            bytes,
            time,
            input,
            line,
            host: self.hosts.shared(host).unwrap_or_else(|| host.into()),
        };
        let at = self.largest.partition_point(|l| l.rank() < new);
        if self.largest.len() == self.largest.capacity() {
            // One at a time (at most five): a doubling Vec would hold room
            // for four from the first event on, in every entity.
            self.largest.reserve_exact(1);
        }
        self.largest.insert(at, event);
        self.largest.truncate(LARGEST_EVENTS);
        self.update_floor();
    }

    fn update_floor(&mut self) {
        self.large_floor = match self.largest.get(LARGEST_EVENTS - 1) {
            Some(last) => last.bytes,
            None => 0,
        };
    }

    /// Folds `other` into `self`: `other`'s events followed `self`'s in the
    /// input. Every result but `out_of_order` is independent of which half
    /// came first.
    pub fn merge(&mut self, other: EntityAccumulator, window_after: Option<usize>) {
        if other.events == 0 {
            return;
        }
        if self.events == 0 {
            *self = other;
            return;
        }
        self.out_of_order += other.out_of_order + u64::from(other.order_first < self.order_last);
        self.order_last = other.order_last;
        self.exact |= other.exact;
        let window_after = if self.exact { None } else { window_after };
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
        for (host, t) in hosts.into_vec() {
            self.hosts.add(host, t);
        }
        for (a, b) in self.hours.iter_mut().zip(other.hours) {
            *a = a.saturating_add(b);
        }
        self.largest.extend(other.largest);
        self.largest.sort_unstable_by_key(LargeEvent::rank);
        self.largest.truncate(LARGEST_EVENTS);
        self.update_floor();
        self.times.merge(other.times, window_after);
    }

    /// Computes the features; sorts the stored times. Also returns the start
    /// of the first window that reaches the peak. `None` when bounded mode
    /// lost the times (an event far out of order).
    pub fn features(&mut self) -> Option<(Features, Nanos)> {
        let (peak, peak_start) = self.times.peak()?;
        let n = self.events.max(1) as f64;
        Some((
            Features {
                requests_per_minute_peak: peak,
                deny_rate: self.denied as f64 / n,
                total_bytes_transferred: self.bytes,
                unique_hosts_count: self.hosts.len() as u64,
                off_hours_request_ratio: self.off_hours as f64 / n,
            },
            peak_start,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_equals_whole() {
        let events = [
            (3, true, 10, false, "a"),
            (1, false, 20, true, "b"),
            (2, true, 5, false, "a"),
        ];
        let hosts: Vec<Arc<str>> = events.iter().map(|e| Arc::from(e.4)).collect();
        let fact = |(i, e): (usize, &(i64, bool, u64, bool, &'static str))| EventFacts {
            time: e.0,
            denied: e.1,
            bytes: e.2,
            off_hours: e.3,
            hour: e.0 as u8,
            host: &hosts[i],
            input: 0,
            line: i as u64 + 1,
        };
        let mut whole = EntityAccumulator::default();
        for e in events.iter().enumerate() {
            whole.add(&fact(e), None);
        }
        let mut left = EntityAccumulator::default();
        left.add(&fact((0, &events[0])), None);
        let mut right = EntityAccumulator::default();
        for e in events.iter().enumerate().skip(1) {
            right.add(&fact(e), None);
        }
        right.merge(left, None);
        assert_eq!(right.features(), whole.features());
        assert_eq!((right.first_seen, right.last_seen), (1, 3));
        assert_eq!(right.hosts, whole.hosts);
        assert_eq!(right.hours, whole.hours);
        assert_eq!(right.largest, whole.largest);
        assert_eq!(right.hosts["a"].denied, 2);
        let sizes: Vec<u64> = whole.largest.iter().map(|l| l.bytes).collect();
        assert_eq!(sizes, [20, 10, 5]);
        // A largest event names its host with the tally's string, not a copy.
        for l in &whole.largest {
            assert!(Arc::ptr_eq(&l.host, &whole.hosts.shared(&l.host).unwrap()));
        }
    }

    #[test]
    fn largest_events_keep_the_top_five_with_ties_by_line() {
        let mut acc = EntityAccumulator::default();
        for (line, bytes) in [
            (1, 5),
            (2, 9),
            (3, 5),
            (4, 1),
            (5, 7),
            (6, 5),
            (7, 8),
            (8, 5),
        ] {
            acc.add(
                &EventFacts {
                    time: line,
                    denied: false,
                    bytes,
                    off_hours: false,
                    hour: 0,
                    host: &Arc::from("h"),
                    input: 0,
                    line: line as u64,
                },
                None,
            );
        }
        let kept: Vec<(u64, u64)> = acc.largest.iter().map(|l| (l.bytes, l.line)).collect();
        assert_eq!(kept, [(9, 2), (8, 7), (7, 5), (5, 1), (5, 3)]);
    }
}
