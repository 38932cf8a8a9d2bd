//! An entity's event times, for the peak-rate window (docs/DESIGN.md
//! "Memory").
//!
//! [`Times::All`] keeps every time (the exact path). In bounded mode an
//! entity with more than a few times switches to a [`Window`]: the events of
//! its first and last [`SPAN`] (one window width plus the reorder tolerance)
//! and the best window count so far — memory bounded by the entity's event
//! rate, not by its events. A window takes an event up to
//! [`REORDER_TOLERANCE`] older than the entity's newest exactly; an older one
//! makes the times [`Times::Lost`]: the peak then needs another pass that
//! keeps that entity's times whole (the CLI reads the file again).
//!
//! Every count a window folds into its peak is the count of a real window
//! [s, s + W) over *some* of the entity's events, so never above that
//! window's true count; and every event time s that left the kept tail had
//! its true, final count folded first. The maximum of such counts is the
//! exact peak, and the earliest start reaching it the exact start.

use std::collections::VecDeque;

use crate::time::{Nanos, NANOS_PER_MINUTE};

/// The peak window's width: [t, t + W).
const W: Nanos = NANOS_PER_MINUTE;
/// How much older than an entity's newest event an event may arrive and
/// still be placed exactly without every time.
pub const REORDER_TOLERANCE: Nanos = NANOS_PER_MINUTE;
/// A window keeps the events within this of its earliest and newest.
const SPAN: Nanos = W + REORDER_TOLERANCE;
/// In bounded mode, times are kept whole up to this many events (in any
/// order), then turned into a window.
pub const WINDOW_AFTER: usize = 32;

/// One entity's event times.
#[derive(Debug, Clone)]
pub enum Times {
    /// The one time of an entity seen once: most of a large population
    /// (a million client IPs), kept without an allocation.
    One(Nanos),
    /// Every time, unsorted.
    All(Vec<Nanos>),
    /// The bounded summary of time-ordered (or nearly) events.
    Window(Box<Window>),
    /// Bounded mode met an event too far out of order: the times kept
    /// cannot give the exact peak.
    Lost,
}

impl Default for Times {
    fn default() -> Self {
        Times::All(Vec::new())
    }
}

/// The bounded summary (module docs).
#[derive(Debug, Clone, Default)]
pub struct Window {
    /// Events summarized.
    n: u64,
    /// Earliest and newest time.
    lo: Nanos,
    hi: Nanos,
    /// Every event before `lo + SPAN`, sorted.
    head: Vec<Nanos>,
    /// Every event after `hi − SPAN`, sorted: the starts whose window may
    /// still grow.
    tail: VecDeque<Nanos>,
    /// The best (count, earliest start) folded so far.
    peak: u64,
    peak_start: Nanos,
}

crate::wire::wire_struct!(Window {
    n,
    lo,
    hi,
    head,
    tail,
    peak,
    peak_start
});

impl crate::wire::Wire for Times {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Times::All(v) => {
                out.push(0);
                v.encode(out);
            }
            Times::Window(w) => {
                out.push(1);
                w.encode(out);
            }
            Times::Lost => out.push(2),
            Times::One(t) => {
                out.push(3);
                t.encode(out);
            }
        }
    }

    fn decode(r: &mut crate::wire::Reader<'_>) -> Result<Self, String> {
        Ok(match u8::decode(r)? {
            0 => Times::All(Vec::decode(r)?),
            1 => Times::Window(Box::decode(r)?),
            2 => Times::Lost,
            3 => Times::One(Nanos::decode(r)?),
            _ => return Err("unknown event times".into()),
        })
    }
}

/// Largest number of `sorted` times inside [t, t + width) for t in
/// `sorted`, with the earliest t that reaches it. Linear (two pointers).
pub(crate) fn peak_in_window<'a, I>(sorted: I, width: Nanos) -> (u64, Nanos)
where
    I: IntoIterator<Item = &'a Nanos>,
    I::IntoIter: Clone,
{
    let starts = sorted.into_iter();
    let mut ends = starts.clone().peekable();
    let mut best = 0u64;
    let mut best_start = 0;
    let (mut lo, mut hi) = (0u64, 0u64);
    for &t in starts {
        let end = t.saturating_add(width);
        while ends.next_if(|&&e| e < end).is_some() {
            hi += 1;
        }
        if hi - lo > best {
            best = hi - lo;
            best_start = t;
        }
        lo += 1;
    }
    (best, best_start)
}

impl Window {
    fn single(t: Nanos) -> Self {
        Window {
            n: 1,
            lo: t,
            hi: t,
            head: vec![t],
            tail: VecDeque::from([t]),
            peak: 1,
            peak_start: t,
        }
    }

    /// Folds a lower bound of a real window's count.
    fn offer(&mut self, (count, start): (u64, Nanos)) {
        if count > self.peak || (count == self.peak && start < self.peak_start) {
            self.peak = count;
            self.peak_start = start;
        }
    }

    /// Adds one event; `false` (nothing changed) when it is more than
    /// [`REORDER_TOLERANCE`] older than the newest.
    fn add(&mut self, t: Nanos) -> bool {
        if t < self.hi.saturating_sub(REORDER_TOLERANCE) {
            return false;
        }
        self.n += 1;
        if t >= self.hi {
            self.tail.push_back(t);
            self.hi = t;
            self.evict();
        } else {
            let at = self.tail.partition_point(|&x| x <= t);
            self.tail.insert(at, t);
        }
        if t < self.lo {
            self.lo = t;
            let end = t.saturating_add(SPAN);
            self.head.retain(|&x| x < end);
        }
        if t < self.lo.saturating_add(SPAN) {
            let at = self.head.partition_point(|&x| x <= t);
            self.head.insert(at, t);
        }
        true
    }

    /// Final counts of the starts no later event can reach any more.
    fn evict(&mut self) {
        let limit = self.hi.saturating_sub(SPAN);
        while let Some(&s) = self.tail.front() {
            if s > limit {
                break;
            }
            let end = s.saturating_add(W);
            let count = self.tail.partition_point(|&x| x < end) as u64;
            self.offer((count, s));
            self.tail.pop_front();
        }
    }

    /// `a` then `b`, where `b` starts no more than the tolerance before
    /// `a`'s newest event.
    fn join(mut a: Window, b: Window) -> Window {
        let cross = merge_sorted(a.tail.iter().copied(), b.head.iter().copied());
        a.offer(peak_in_window(&cross, W));
        a.offer((b.peak, b.peak_start));
        a.offer(peak_in_window(&b.tail, W));
        let lo = a.lo.min(b.lo);
        let hi = a.hi.max(b.hi);
        let head_end = lo.saturating_add(SPAN);
        let tail_start = hi.saturating_sub(SPAN);
        a.head = merge_sorted(a.head.into_iter(), b.head.into_iter());
        a.head.retain(|&x| x < head_end);
        let tail = merge_sorted(a.tail.into_iter(), b.tail.into_iter());
        a.tail = tail.into_iter().filter(|&x| x > tail_start).collect();
        a.n += b.n;
        a.lo = lo;
        a.hi = hi;
        a
    }

    /// Whether the tail still holds every event.
    fn whole(&self) -> bool {
        self.tail.len() as u64 == self.n
    }

    fn finish(&mut self) -> (u64, Nanos) {
        let own = peak_in_window(&self.tail, W);
        self.offer(own);
        (self.peak, self.peak_start)
    }

    /// Bytes on the heap beyond the struct.
    fn heap_bytes(&self) -> usize {
        (self.head.capacity() + self.tail.capacity()) * std::mem::size_of::<Nanos>()
    }
}

fn merge_sorted(a: impl Iterator<Item = Nanos>, b: impl Iterator<Item = Nanos>) -> Vec<Nanos> {
    let mut out = Vec::with_capacity(a.size_hint().0 + b.size_hint().0);
    let (mut a, mut b) = (a.peekable(), b.peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => break,
        };
        out.extend(next);
    }
    out
}

/// A window of `sorted` (ascending) times, or `None` if there are none.
fn window_of(sorted: &[Nanos]) -> Option<Window> {
    let (&first, rest) = sorted.split_first()?;
    let mut w = Window::single(first);
    for &t in rest {
        // Ascending: never beyond the tolerance.
        w.add(t);
    }
    Some(w)
}

impl Times {
    /// Adds one event time. `window_after`: `None` keeps every time;
    /// `Some(n)` turns more than n times into a window.
    #[inline]
    pub fn add(&mut self, t: Nanos, window_after: Option<usize>) {
        match self {
            Times::All(v) if v.is_empty() && window_after != Some(0) => *self = Times::One(t),
            Times::One(first) => *self = all_of(vec![*first, t], window_after),
            Times::All(v) => {
                v.push(t);
                if window_after.is_some_and(|n| v.len() > n) {
                    self.make_window();
                }
            }
            Times::Window(w) => {
                if !w.add(t) {
                    *self = Times::Lost;
                }
            }
            Times::Lost => {}
        }
    }

    fn make_window(&mut self) {
        if let Times::All(v) = self {
            v.sort_unstable();
            *self = match window_of(v) {
                Some(w) => Times::Window(Box::new(w)),
                None => Times::All(Vec::new()),
            };
        }
    }

    /// Folds `other` in: every time of both, exactly, or [`Times::Lost`]
    /// when two windows overlap by more than the tolerance and neither
    /// still holds all its events.
    pub fn merge(&mut self, other: Times, window_after: Option<usize>) {
        let mine = std::mem::replace(self, Times::Lost);
        *self = match (mine, other) {
            (Times::Lost, _) | (_, Times::Lost) => Times::Lost,
            (Times::One(a), Times::One(b)) => all_of(vec![a, b], window_after),
            (Times::All(mut v), Times::One(t)) | (Times::One(t), Times::All(mut v)) => {
                v.push(t);
                all_of(v, window_after)
            }
            (Times::All(mut a), Times::All(b)) => {
                a.extend(b);
                all_of(a, window_after)
            }
            (Times::Window(w), Times::One(t)) | (Times::One(t), Times::Window(w)) => {
                merge_window_all(*w, vec![t])
            }
            (Times::Window(w), Times::All(v)) | (Times::All(v), Times::Window(w)) => {
                merge_window_all(*w, v)
            }
            (Times::Window(a), Times::Window(b)) => merge_windows(*a, *b),
        };
    }

    /// The peak and the earliest start reaching it; sorts kept times.
    /// `None` when the times were lost.
    pub fn peak(&mut self) -> Option<(u64, Nanos)> {
        match self {
            Times::One(t) => Some((1, *t)),
            Times::All(v) => {
                v.sort_unstable();
                Some(peak_in_window(v.iter(), W))
            }
            Times::Window(w) => Some(w.finish()),
            Times::Lost => None,
        }
    }

    pub fn is_lost(&self) -> bool {
        matches!(self, Times::Lost)
    }

    /// Bytes on the heap (for the per-entity measurement).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Times::One(_) => 0,
            Times::All(v) => v.capacity() * std::mem::size_of::<Nanos>(),
            Times::Window(w) => std::mem::size_of::<Window>() + w.heap_bytes(),
            Times::Lost => 0,
        }
    }
}

/// Loose times, as a window once there are more than `window_after`.
fn all_of(v: Vec<Nanos>, window_after: Option<usize>) -> Times {
    let many = window_after.is_some_and(|n| v.len() > n);
    let mut all = Times::All(v);
    if many {
        all.make_window();
    }
    all
}

fn add_all(mut w: Window, sorted: impl Iterator<Item = Nanos>) -> Times {
    for t in sorted {
        if !w.add(t) {
            return Times::Lost;
        }
    }
    Times::Window(Box::new(w))
}

fn merge_windows(a: Window, b: Window) -> Times {
    if b.lo >= a.hi.saturating_sub(REORDER_TOLERANCE) {
        return Times::Window(Box::new(Window::join(a, b)));
    }
    if a.lo >= b.hi.saturating_sub(REORDER_TOLERANCE) {
        return Times::Window(Box::new(Window::join(b, a)));
    }
    // Overlapping by more than the tolerance: exact only if one side
    // still holds all its events.
    match (a.whole(), b.whole()) {
        (true, true) => {
            let mut v: Vec<Nanos> = a.tail.into();
            v.extend(b.tail);
            v.sort_unstable();
            window_of(&v).map_or(Times::Lost, |w| Times::Window(Box::new(w)))
        }
        (false, true) => add_all(a, b.tail.into_iter()),
        (true, false) => add_all(b, a.tail.into_iter()),
        (false, false) => Times::Lost,
    }
}

/// A window and some loose times, as two windows.
fn merge_window_all(w: Window, mut v: Vec<Nanos>) -> Times {
    v.sort_unstable();
    match window_of(&v) {
        Some(other) => merge_windows(w, other),
        None => Times::Window(Box::new(w)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::NANOS_PER_SEC;

    fn exact(times: &[Nanos]) -> (u64, Nanos) {
        let mut v = times.to_vec();
        v.sort_unstable();
        peak_in_window(&v, W)
    }

    fn bounded(times: &[Nanos]) -> Option<(u64, Nanos)> {
        let mut t = Times::default();
        for &x in times {
            t.add(x, Some(2));
        }
        t.peak()
    }

    #[test]
    fn one_time_is_kept_inline_and_merges_with_every_kind() {
        let s = NANOS_PER_SEC;
        let mut one = Times::default();
        one.add(7 * s, Some(4));
        assert!(matches!(one, Times::One(_)));
        assert_eq!(one.heap_bytes(), 0);
        assert_eq!(one.clone().peak(), Some((1, 7 * s)));
        // Through the wire and back.
        let mut bytes = Vec::new();
        crate::wire::Wire::encode(&one, &mut bytes);
        let back: Times = crate::wire::Wire::decode(&mut crate::wire::Reader::new(&bytes)).unwrap();
        assert!(matches!(back, Times::One(t) if t == 7 * s));
        // Merged with one time, loose times and a window, either side first.
        for others in [
            vec![3 * s],
            vec![s, 9 * s],
            (0..40).map(|i| i * s).collect::<Vec<_>>(),
        ] {
            let mut b = Times::default();
            for &t in &others {
                b.add(t, Some(4));
            }
            let mut want = others.clone();
            want.push(7 * s);
            let mut ab = one.clone();
            ab.merge(b.clone(), Some(4));
            assert_eq!(ab.peak(), Some(exact(&want)), "{others:?} after");
            b.merge(one.clone(), Some(4));
            assert_eq!(b.peak(), Some(exact(&want)), "{others:?} before");
        }
        // With no window (exact mode) a second time makes every time kept.
        let mut two = one.clone();
        two.add(8 * s, None);
        assert!(matches!(&two, Times::All(v) if v.len() == 2));
    }

    #[test]
    fn window_is_half_open() {
        // 100 events spread over exactly 60.000 s: the last one is at t0+60 s,
        // outside [t0, t0+60 s), so the peak is 99.
        let t: Vec<Nanos> = (0..100).map(|i| i * 60 * NANOS_PER_SEC / 99).collect();
        assert_eq!(*t.last().unwrap(), 60 * NANOS_PER_SEC);
        assert_eq!(exact(&t).0, 99);
        assert_eq!(bounded(&t), Some((99, 0)));
        // One nanosecond less and all 100 fit.
        let mut t2 = t.clone();
        *t2.last_mut().unwrap() -= 1;
        assert_eq!(exact(&t2).0, 100);
        assert_eq!(bounded(&t2), Some((100, 0)));
    }

    #[test]
    fn duplicate_times_count_together() {
        let t = vec![5, 5, 5, 5 + W, 5 + W];
        assert_eq!(exact(&t), (3, 5));
        assert_eq!(bounded(&t), Some((3, 5)));
        assert_eq!(peak_in_window(&[], W).0, 0);
    }

    #[test]
    fn late_events_within_the_tolerance_are_exact_beyond_it_lost() {
        let s = NANOS_PER_SEC;
        let mut t: Vec<Nanos> = (0..400).map(|i| i * 7 * s).collect();
        // Swap neighbours: 7 s late, within the tolerance.
        for i in (0..398).step_by(3) {
            t.swap(i, i + 1);
        }
        assert_eq!(bounded(&t), Some(exact(&t)));
        // One event an hour late.
        t.push(100 * s);
        assert_eq!(bounded(&t), None);
    }

    #[test]
    fn windows_merge_exactly_when_ordered_or_one_is_whole() {
        let s = NANOS_PER_SEC;
        // A busy minute straddling the split.
        let times: Vec<Nanos> = (0..300)
            .map(|i| {
                if (140..200).contains(&i) {
                    1000 * s + i * s / 10
                } else {
                    i * 9 * s
                }
            })
            .collect();
        let mut sorted = times.clone();
        sorted.sort_unstable();
        let want = exact(&times);
        for cut in [1, 50, 145, 170, 299] {
            let mut a = Times::default();
            let mut b = Times::default();
            for &x in &sorted[..cut] {
                a.add(x, Some(4));
            }
            for &x in &sorted[cut..] {
                b.add(x, Some(4));
            }
            let mut ab = a.clone();
            ab.merge(b.clone(), Some(4));
            assert_eq!(ab.peak(), Some(want), "a then b, cut {cut}");
            b.merge(a, Some(4));
            assert_eq!(b.peak(), Some(want), "b then a, cut {cut}");
        }
        // Interleaved halves overlap: exact while both are whole (or the
        // later events are within the tolerance), else lost.
        let even: Vec<Nanos> = sorted.iter().copied().step_by(2).collect();
        let odd: Vec<Nanos> = sorted.iter().copied().skip(1).step_by(2).collect();
        let build = |v: &[Nanos], after| {
            let mut t = Times::default();
            for &x in v {
                t.add(x, Some(after));
            }
            t
        };
        let mut a = build(&even[..6], 4);
        a.merge(build(&odd[..6], 4), Some(4));
        let mut want_times = even[..6].to_vec();
        want_times.extend(&odd[..6]);
        assert_eq!(a.peak(), Some(exact(&want_times)));
        let mut a = build(&even, 4);
        a.merge(build(&odd, 4), Some(4));
        assert!(a.is_lost());
    }
}
