//! Reproducers of what the fuzz targets (fuzz/, scripts/fuzz.sh) found, one
//! test per finding. Public API only: the inputs go through `analyze` the way
//! the fuzz targets send them.

use detector::{Config, FormatChoice};

fn jsonl(times: &[&str]) -> Vec<u8> {
    times
        .iter()
        .map(|t| {
            format!(
                r#"{{"time":"{t}","clientip":"10.0.0.1","url":"http://a.example/","action":"ALLOW","responsesize":1}}"#
            ) + "\n"
        })
        .collect::<String>()
        .into_bytes()
}

/// Finding 1 (fuzz target `csv`): two events more than ~292 years apart (both
/// inside the supported 1678–2261 range) overflowed `i64` nanoseconds when
/// computing `time_range.duration_hours` — a panic in debug builds and a
/// negative duration in release builds.
#[test]
fn time_range_wider_than_i64_nanoseconds() {
    let r = detector::analyze(
        &jsonl(&["1717-03-10T08:02:44Z", "2025-06-10T08:00:15Z"]),
        &Config::default(),
    )
    .unwrap();
    assert_eq!(r.time_range.start, "1717-03-10T08:02:44Z");
    assert_eq!(r.time_range.end, "2025-06-10T08:00:15Z");
    let hours = r.time_range.duration_hours;
    assert!((hours - 2_702_087.958_6).abs() < 0.001, "{hours}");

    // The extremes of the range, and the same through CSV.
    let r = detector::analyze(
        &jsonl(&["1678-01-01T00:00:00Z", "2261-12-31T23:59:59.999999999Z"]),
        &Config::default(),
    )
    .unwrap();
    assert!(
        r.time_range.duration_hours > 5.1e6,
        "{}",
        r.time_range.duration_hours
    );
    let mut csv = Config::default();
    csv.input.format = FormatChoice::Csv;
    let r = detector::analyze(
        b"timestamp,user,host,resource,bytes,success\n\
          1717-03-10T08:02:44Z,a,h,r,1,true\n2025-06-10T08:00:15Z,a,h,r,1,false\n",
        &csv,
    )
    .unwrap();
    assert!(r.time_range.duration_hours > 2.7e6);
}

fn nested_line(levels: usize) -> String {
    // `levels` counts every container, the line's own object included.
    let inner = "[".repeat(levels - 1) + &"]".repeat(levels - 1);
    format!(
        r#"{{"time":"2026-02-14T10:02:15Z","clientip":"10.0.0.1","url":"http://a.example/","action":"ALLOW","responsesize":1,"x":{inner}}}"#
    )
}

/// Finding 2 (differential check of fuzz target `jsonl`): a line nested
/// exactly 128 containers deep was accepted by the detector's JSON scanner
/// but refused by serde_json ("recursion limit exceeded"), whose limit the
/// scanner means to match: serde_json allows 127 levels.
#[test]
fn nesting_limit_matches_serde_json() {
    for levels in [2, 127, 128, 129] {
        let line = nested_line(levels);
        let serde_ok = serde_json::from_str::<serde_json::Value>(&line).is_ok();
        let input = format!("{}\n{line}\n", nested_line(2));
        let r = detector::analyze(input.as_bytes(), &Config::default()).unwrap();
        let ours_ok = r.lines.accepted == 2;
        assert_eq!(
            ours_ok, serde_ok,
            "{levels} levels: detector {ours_ok}, serde_json {serde_ok}"
        );
        assert_eq!(ours_ok, levels <= 127, "{levels} levels");
        if !ours_ok {
            assert!(
                r.parse_errors[0].reason.contains("nesting too deep"),
                "{:?}",
                r.parse_errors
            );
        }
    }
}

/// Finding 3 (fuzz target `chunked`, confirmed on a hand-made input): a
/// first line that starts with a UTF-8 byte-order mark and is exactly
/// `max_line_bytes` long without it was accepted when pushed whole but
/// rejected as too long when it arrived split across chunks: the carry
/// buffer's length check counted the BOM, which the line check strips.
#[test]
fn bom_line_at_the_length_limit_is_the_same_in_chunks() {
    let line = r#"{"time":"2026-02-14T10:02:15Z","clientip":"10.0.0.1","url":"http://a.example/","action":"ALLOW","responsesize":1}"#;
    let mut input = b"\xef\xbb\xbf".to_vec();
    input.extend_from_slice(line.as_bytes());
    input.push(b'\n');
    let mut config = Config::default();
    config.input.max_line_bytes = line.len();
    let whole = detector::analyze(&input, &config).unwrap();
    assert_eq!(whole.lines.accepted, 1);
    for chunk in [1, 7, 10, 64] {
        let mut a = detector::Analyzer::new(config.clone()).unwrap();
        for c in input.chunks(chunk) {
            a.push(c).unwrap();
        }
        let chunked = a.finish().unwrap();
        assert!(
            chunked == whole,
            "chunks of {chunk}: {:?}",
            chunked.parse_errors
        );
    }
}

/// Finding 4 (found while writing the `csv` target, by review and a
/// hand-made input; no crash, so the fuzzer cannot flag it): csv-core's
/// default terminator treats a lone `\r` as the end of a record, so a CSV line
/// with a `\r` inside lost everything after it — the row was accepted with
/// its remaining fields silently dropped, and a header was cut short.
#[test]
fn csv_carriage_return_inside_a_line_is_data() {
    let mut config = Config::default();
    config.input.format = FormatChoice::Csv;
    let header = "timestamp,user,host,resource,bytes,success\n";
    let row = "2026-02-14T10:02:15Z,a,h,r,1,true\n";
    // `true\rjunk` is one field, not a valid boolean: the line is rejected
    // with a reason instead of read as `true` with `junk,x,y` dropped.
    let input = format!("{header}{row}2026-02-14T10:02:15Z,a,h,r,1,true\rjunk,x,y\n");
    let r = detector::analyze(input.as_bytes(), &config).unwrap();
    assert_eq!(
        (r.lines.accepted, r.lines.rejected),
        (1, 1),
        "{:?}",
        r.parse_errors
    );
    assert_eq!(r.parse_errors[0].line, 3);
    // Trailing CRLF line endings are still fine.
    let crlf = format!("{header}{row}").replace('\n', "\r\n");
    let r = detector::analyze(crlf.as_bytes(), &config).unwrap();
    assert_eq!((r.lines.accepted, r.lines.rejected), (1, 0));
    // A `\r` inside a quoted field is data, as before.
    let quoted = format!("{header}2026-02-14T10:02:15Z,\"a\rb\",h,r,1,true\n");
    let r = detector::analyze(quoted.as_bytes(), &config).unwrap();
    assert_eq!(r.entities[0].entity, "a\rb");
    // A header with a `\r` inside names the whole line's columns.
    let e = detector::analyze(
        b"timestamp,user\rx,host,resource,bytes,success\nq\n",
        &config,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("user?x,host"), "{e}");
}

/// Finding 5 (fuzz target `time`, round-trip check): the supported year range
/// (1678–2261) was checked on the local date, before the offset was applied,
/// so `1678-01-01T00:02:15+02:00` was accepted as the instant
/// `1677-12-31T22:02:15Z` — which the report then printed and the detector
/// rejects when read back. The range now holds for the UTC instant.
#[test]
fn accepted_times_print_as_times_that_parse() {
    let accepted = |t: &str| {
        detector::analyze(&jsonl(&[t]), &Config::default())
            .map(|r| r.time_range.start)
            .ok()
    };
    assert_eq!(accepted("1678-01-01T00:02:15+02:00"), None);
    assert_eq!(accepted("2261-12-31T23:00:00-02:00"), None);
    assert_eq!(
        accepted("1678-01-01T02:00:00+02:00").as_deref(),
        Some("1678-01-01T00:00:00Z")
    );
    assert_eq!(
        accepted("2262-01-01T01:59:59.999999999+02:00").as_deref(),
        None,
        "2262 is out of range whatever the offset"
    );
    assert_eq!(
        accepted("2261-12-31T23:59:59.999999999Z").as_deref(),
        Some("2261-12-31T23:59:59.999999999Z")
    );
    for t in [
        "1678-01-01T00:00:00Z",
        "2261-12-31T23:59:59.999999999Z",
        "1999-12-31T23:59:59-14:00",
    ] {
        let printed = accepted(t).unwrap();
        assert_eq!(
            accepted(&printed),
            Some(printed.clone()),
            "{t} -> {printed}"
        );
    }
}

/// Finding 6 (fuzz target `compressed`): leaving an empty zstd skippable
/// frame did not count as progress, so after two of them in a row one push
/// stopped where pieces went on: the same bytes gave "the data ends inside a
/// frame" in one push and "unexpected bytes after a frame" in 29-byte
/// pieces; and a valid stream with two empty skippable frames between two
/// frames was refused as truncated.
#[test]
fn empty_zstd_skippable_frames_are_progress() {
    let config = Config::default();
    let error_of = |input: &[u8], step: usize| {
        let mut a = detector::Analyzer::new(config.clone()).unwrap();
        let pushed = input.chunks(step).try_for_each(|c| a.push(c));
        pushed.and_then(|()| a.finish()).unwrap_err().to_string()
    };
    // The fuzzer's input: a frame, two empty skippable frames, then junk.
    let found = base64_decode("KLUv/QAA2gAAAEAAAAEAAB0AAAAAKgAAAAAAAAAAAEAAABQKPC4A7wAloxUA71AqTRgAAAAAUCpNGAAAAACAAADaAAIAAADRAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHsAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAFCMxq0wAAAAAAQEAAAAACDE5Mi4xSzguMS4xMgAAAAAAAAAAAAAAAAmWAdU=");
    for step in [1, 29, found.len()] {
        assert_eq!(
            error_of(&found, step),
            "corrupt or truncated zstd data: unexpected bytes after a frame",
            "{step}-byte pieces"
        );
    }
    // A valid stream: frame, two empty skippable frames, frame.
    let line = jsonl(&["2026-02-14T10:02:15Z"]);
    let frame =
        ruzstd::encoding::compress_to_vec(&line[..], ruzstd::encoding::CompressionLevel::Fastest);
    let empty_skip = [0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0];
    let stream = [&frame[..], &empty_skip, &empty_skip, &frame[..]].concat();
    let r = detector::analyze(&stream, &config).unwrap();
    assert_eq!(r.total_logs, 2);
}

fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = s.bytes().filter(|&c| c != b'=').map(value).collect();
    digits
        .chunks(4)
        .flat_map(|q| {
            let n = q.iter().fold(0u32, |n, &d| n << 6 | u32::from(d)) << (6 * (4 - q.len()));
            n.to_be_bytes()[1..q.len()].to_vec()
        })
        .collect()
}
