//! Properties over generated inputs: chunking and merging never change the
//! report, arbitrary bytes never panic, and the JSON scanner accepts exactly
//! what serde_json accepts.

mod common;

use common::*;
use detector::internals::{EntityAccumulator, EventFacts};
use detector::{Analyzer, Config};
use proptest::prelude::*;

/// A small log: background IPs plus noisy entities, with malformed lines,
/// blank lines and CRLF endings mixed in.
fn messy_log() -> impl Strategy<Value = String> {
    let event = (
        0u32..4,
        0i64..7_200_000,
        0u32..30,
        0u64..5_000_000,
        prop::bool::ANY,
        0u8..12,
    );
    prop::collection::vec(event, 1..120).prop_map(|events| {
        let mut lines = background();
        for (ip, ms, host, bytes, deny, kind) in events {
            let t = at_ms(ms);
            let l = line(
                &t,
                &format!("10.8.0.{ip}"),
                &format!("h{host}.example"),
                if deny { "DENY" } else { "ALLOW" },
                bytes,
            );
            lines.push(match kind {
                0 => "not json at all".to_string(),
                1 => String::new(),
                2 => format!("{l}\r"),
                3 => l.replace("ALLOW", "allow"),
                _ => l,
            });
        }
        lines.join("\n")
    })
}

fn strip_volatile(mut r: detector::Report) -> detector::Report {
    r.filename = None;
    r
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_chunking_gives_the_identical_report(text in messy_log(), cuts in prop::collection::vec(1usize..400, 1..40)) {
        let whole = strip_volatile(detector::analyze(text.as_bytes(), &Config::default()).unwrap());
        let mut a = Analyzer::new(Config::default()).unwrap();
        let bytes = text.as_bytes();
        let mut at = 0;
        for c in cuts.iter().cycle() {
            if at >= bytes.len() { break; }
            let end = (at + c).min(bytes.len());
            a.push(&bytes[at..end]).unwrap();
            at = end;
        }
        prop_assert_eq!(strip_volatile(a.finish().unwrap()), whole);
    }

    #[test]
    fn worker_threads_merge_to_the_identical_report(text in messy_log(), chunk in 1usize..2000, threads in 2usize..5) {
        let whole = detector::analyze(text.as_bytes(), &Config::default()).unwrap();
        let mut a = Analyzer::new(Config::default()).unwrap().with_threads(threads);
        for piece in text.as_bytes().chunks(chunk) {
            a.push_owned(piece.to_vec()).unwrap();
        }
        prop_assert_eq!(a.finish().unwrap(), whole);
    }

    #[test]
    fn two_halves_of_an_entity_merge_to_the_whole(
        events in prop::collection::vec((0i64..1_000_000_000_000, prop::bool::ANY, 0u64..1_000_000, prop::bool::ANY, 0u8..20), 0..200),
        split in 0usize..200,
    ) {
        let add = |acc: &mut EntityAccumulator, (i, e): (usize, &(i64, bool, u64, bool, u8))| {
            acc.add(&EventFacts {
                time: e.0,
                denied: e.1,
                bytes: e.2 % 7,
                off_hours: e.3,
                hour: e.4,
                host: &std::sync::Arc::from(format!("h{}", e.4)),
                input: (i % 2) as u32,
                line: i as u64,
            }, None);
        };
        let mut whole = EntityAccumulator::default();
        events.iter().enumerate().for_each(|e| add(&mut whole, e));
        let split = split.min(events.len());
        let (mut left, mut right) = (EntityAccumulator::default(), EntityAccumulator::default());
        events.iter().enumerate().take(split).for_each(|e| add(&mut left, e));
        events.iter().enumerate().skip(split).for_each(|e| add(&mut right, e));
        // Merge in the "wrong" order: right half first.
        right.merge(left, None);
        prop_assert_eq!(right.features(), whole.features());
        prop_assert_eq!((right.first_seen, right.last_seen, right.events), (whole.first_seen, whole.last_seen, whole.events));
        prop_assert_eq!(&right.hosts, &whole.hosts);
        prop_assert_eq!(right.hours, whole.hours);
        prop_assert_eq!(&right.largest, &whole.largest);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_lines_add_up(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        match detector::analyze(&bytes, &Config::default()) {
            Ok(r) => prop_assert_eq!(r.lines.accepted + r.lines.rejected + r.lines.blank + r.lines.header, r.lines.total),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn mutated_log_lines_never_panic(text in messy_log(), edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..30)) {
        let mut bytes = text.into_bytes();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        for chunk in [3usize, 64, 1 << 20] {
            let mut a = Analyzer::new(Config::default()).unwrap();
            let mut failed = false;
            for piece in bytes.chunks(chunk) {
                failed |= a.push(piece).is_err();
            }
            if !failed {
                if let Ok(r) = a.finish() {
                    prop_assert_eq!(r.lines.accepted + r.lines.rejected + r.lines.blank + r.lines.header, r.lines.total);
                }
            }
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn json_scanner_accepts_exactly_what_serde_json_accepts(
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec![
            "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud83d", "\\ude00", "0", "-", "1.5", "e5", ".", "true", "nul", " ", "\t", "é", "\u{1}", "x",
        ]), 0u8..3), 0..6)
    ) {
        // Long strings exercise the 8-bytes-at-a-time path of the scanner.
        let mut s = r#"{"a":"b\"c\u00e9 and a longer run of plain text","url":"https://www.example.com/some/long/path?q=1","n":-12.5e3,"t":[true,false,null,{"x":[]}],"o":{}}"#.to_string();
        for (at, piece, op) in edits {
            let mut i = at.index(s.len() + 1);
            while !s.is_char_boundary(i) { i -= 1; }
            match op {
                0 => s.insert_str(i, piece),
                1 => { let end = (i + piece.len()).min(s.len()); let mut e = end; while !s.is_char_boundary(e) { e += 1; } s.replace_range(i..e, piece) }
                _ => { let mut e = (i + 1).min(s.len()); while !s.is_char_boundary(e) { e += 1; } s.replace_range(i..e, "") }
            }
        }
        let ours = detector::internals::for_each_member(&s, |_, _| {}).is_ok();
        let theirs = matches!(serde_json::from_str::<serde_json::Value>(&s), Ok(serde_json::Value::Object(_)));
        prop_assert_eq!(ours, theirs, "input: {:?}", s);
    }
}
