//! Bounded event times (docs/DESIGN.md "Memory") against the exact path:
//! for random logs, any permutation of the lines and any chunking give the
//! same features, and the bounded path (with its second pass for entities
//! far out of order) gives the report the exact path gives — boundary
//! cases included: events exactly 60 s apart, 100 events in a minute,
//! equal timestamps, several entities interleaved.

mod common;

use common::*;
use detector::internals::Times;
use detector::{Analyzer, Config, Finished, Report};
use proptest::prelude::*;

const MS: i64 = 1_000_000;

/// Gaps between one entity's consecutive events, in ms: equal times, 100
/// events in exactly 60 s (the 100th falls outside the first window), one
/// nanosecond-ish short of it, exactly 60 s, just under, and anything.
fn gap() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(0),
        Just(606),
        Just(600),
        Just(60_000),
        Just(59_999),
        Just(60_001),
        0i64..3_000,
        0i64..200_000,
    ]
}

/// Events (entity, ms after 10:00, host, denied, bytes) in time order,
/// several entities interleaved.
fn ordered_events() -> impl Strategy<Value = Vec<(u8, i64, u8, bool, u64)>> {
    let entity = (
        prop::collection::vec(gap(), 1..160),
        0i64..600_000,
        prop::collection::vec((0u8..6, prop::bool::ANY, 0u64..9_000), 160),
    );
    prop::collection::vec(entity, 1..5).prop_map(|entities| {
        let mut events = Vec::new();
        for (e, (gaps, start, extra)) in entities.into_iter().enumerate() {
            let mut t = start;
            for (g, (host, deny, bytes)) in gaps.into_iter().zip(extra) {
                t += g;
                events.push((e as u8, t, host, deny, bytes));
            }
        }
        events.sort_by_key(|e| e.1);
        events
    })
}

fn text(events: &[(u8, i64, u8, bool, u64)]) -> String {
    let mut lines = background();
    for &(e, ms, host, deny, bytes) in events {
        let action = if deny { "DENY" } else { "ALLOW" };
        lines.push(line(
            &at_ms(ms),
            &format!("10.9.0.{e}"),
            &format!("h{host}.example"),
            action,
            bytes,
        ));
    }
    lines.join("\n")
}

/// Nearby events swapped (within the one-minute tolerance, mostly) and a
/// few moved far: input that is out of order a little and a lot.
fn disorder(
    mut events: Vec<(u8, i64, u8, bool, u64)>,
    swaps: &[(prop::sample::Index, usize)],
) -> Vec<(u8, i64, u8, bool, u64)> {
    if events.is_empty() {
        return events;
    }
    for (at, by) in swaps {
        let i = at.index(events.len());
        let j = (i + by).min(events.len() - 1);
        events.swap(i, j);
    }
    events
}

fn run(text: &str, chunk: usize, threads: usize, exact: Option<Vec<String>>) -> Finished {
    let mut a = Analyzer::new(Config::default())
        .unwrap()
        .with_threads(threads);
    if let Some(exact) = exact {
        a = a.with_bounded_times(exact);
    }
    for piece in text.as_bytes().chunks(chunk) {
        a.push_owned(piece.to_vec()).unwrap();
    }
    a.finish_bounded().unwrap()
}

fn report(f: Finished) -> Report {
    match f {
        Finished::Report(r) => *r,
        Finished::ReadAgain(lost) => panic!("read again for {lost:?}"),
    }
}

/// The bounded path as the CLI runs it: bounded, then once more keeping
/// the named entities whole.
fn bounded(text: &str, chunk: usize, threads: usize) -> (Report, usize) {
    match run(text, chunk, threads, Some(Vec::new())) {
        Finished::Report(r) => (*r, 0),
        Finished::ReadAgain(lost) => {
            let n = lost.len();
            (report(run(text, chunk, threads, Some(lost))), n)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_permutation_and_chunking_give_the_same_features(
        events in ordered_events(),
        seed in any::<u64>(),
        chunk in 1usize..5000,
        threads in 1usize..4,
    ) {
        let ordered = text(&events);
        let want = detector::analyze(ordered.as_bytes(), &Config::default()).unwrap();
        // A permutation from the seed (Fisher–Yates with a small LCG).
        let mut shuffled = events.clone();
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let shuffled = text(&shuffled);
        let exact = report(run(&shuffled, chunk, threads, None));
        prop_assert_eq!(&exact.entities, &want.entities);
        let (b, _) = bounded(&shuffled, chunk, threads);
        prop_assert_eq!(&b.entities, &want.entities);
    }

    #[test]
    fn the_bounded_path_gives_the_exact_report(
        events in ordered_events(),
        swaps in prop::collection::vec((any::<prop::sample::Index>(), prop_oneof![1usize..4, 1usize..400]), 0..12),
        chunk in prop_oneof![1usize..300, 300usize..20_000],
        threads in 1usize..4,
    ) {
        let ordered = text(&events);
        // In time order nothing is read again.
        let exact = report(run(&ordered, chunk, threads, None));
        let (b, again) = bounded(&ordered, chunk, threads);
        prop_assert_eq!(again, 0);
        prop_assert_eq!(&b, &exact);
        prop_assert_eq!(b.lines.out_of_order, 0);
        // Out of order: the same report as the exact path, with the
        // second pass for whatever was too late.
        let messy = text(&disorder(events, &swaps));
        let exact = report(run(&messy, chunk, threads, None));
        let (b, _) = bounded(&messy, chunk, threads);
        prop_assert_eq!(&b, &exact);
        let single = report(run(&messy, 1 << 20, 1, None));
        prop_assert_eq!(b.lines.out_of_order, single.lines.out_of_order);
    }

    #[test]
    fn windows_of_consecutive_stretches_merge_exactly(
        gaps in prop::collection::vec(gap(), 1..300),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        after in 1usize..40,
        jitter in prop::collection::vec((any::<prop::sample::Index>(), 0i64..60_000), 0..6),
    ) {
        let mut t = 0;
        let mut times: Vec<i64> = gaps.iter().map(|g| { t += g * MS; t }).collect();
        // A little lateness (within the tolerance) moves no answer.
        for (at, late) in &jitter {
            let i = at.index(times.len());
            times[i] -= late * MS;
        }
        let mut all = Times::default();
        for &x in &times {
            all.add(x, None);
        }
        let want = all.peak();
        // Consecutive stretches, merged left to right and right to left.
        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(times.len() + 1)).collect();
        at.push(0);
        at.push(times.len());
        at.sort_unstable();
        at.dedup();
        let parts: Vec<Times> = at
            .windows(2)
            .map(|w| {
                let mut p = Times::default();
                for &x in &times[w[0]..w[1]] {
                    p.add(x, Some(after));
                }
                p
            })
            .collect();
        let mut left = Times::default();
        for p in parts.iter().cloned() {
            left.merge(p, Some(after));
        }
        let mut right = Times::default();
        for p in parts.into_iter().rev() {
            let mut p = p;
            p.merge(right, Some(after));
            right = p;
        }
        for mut got in [left, right] {
            // Lost only when the jitter moved an event beyond a stretch's
            // reach; never a wrong number.
            if !got.is_lost() {
                prop_assert_eq!(got.peak(), want);
            } else {
                prop_assert!(!jitter.is_empty());
            }
        }
    }
}

#[test]
fn reverse_ordered_inputs_are_read_again_and_still_exact() {
    // Two rotated files given newest first: every entity's second file is
    // hours older than its first.
    let day = |hour: i64| -> String {
        let events: Vec<(u8, i64, u8, bool, u64)> = (0..400)
            .map(|i| {
                (
                    (i % 3) as u8,
                    hour * 3_600_000 + i * 450,
                    (i % 5) as u8,
                    i % 7 == 0,
                    100,
                )
            })
            .collect();
        text(&events)
    };
    let (newer, older) = (day(2), day(0));
    let read = |exact: Option<Vec<String>>, threads: usize| {
        let mut a = Analyzer::new(Config::default())
            .unwrap()
            .with_threads(threads);
        if let Some(exact) = exact {
            a = a.with_bounded_times(exact);
        }
        a.push(newer.as_bytes()).unwrap();
        a.next_input(None).unwrap();
        a.push(older.as_bytes()).unwrap();
        a.finish_bounded().unwrap()
    };
    for threads in [1, 2] {
        let exact = report(read(None, threads));
        assert!(exact.lines.out_of_order > 0);
        let lost = match read(Some(Vec::new()), threads) {
            Finished::ReadAgain(lost) => lost,
            Finished::Report(_) => panic!("expected a second pass"),
        };
        // One thread adds every older event to the newer window: all
        // three are lost. With two, whole blocks join in either time
        // order; only the entity whose last line was carried across the
        // inputs' end (and so came after its older block) is.
        let want: &[&str] = if threads == 1 {
            &["10.9.0.0", "10.9.0.1", "10.9.0.2"]
        } else {
            &["10.9.0.0"]
        };
        assert_eq!(lost, want);
        assert_eq!(report(read(Some(lost), threads)), exact);
    }
}

#[test]
fn a_hundred_events_in_exactly_sixty_seconds_peak_at_ninety_nine() {
    let mut events: Vec<(u8, i64, u8, bool, u64)> = (0..100)
        .map(|i| (0, (i * 60_000) / 99, 0, false, 10))
        .collect();
    events.extend((0..40).map(|i| (0u8, 3_600_000 + i * 1000, 0u8, false, 10u64)));
    let t = text(&events);
    let (b, again) = bounded(&t, 777, 2);
    assert_eq!(again, 0);
    assert_eq!(entity(&b, "10.9.0.0").features.requests_per_minute_peak, 99);
    assert_eq!(b, report(run(&t, 777, 2, None)));
}
