//! Several inputs, one analysis (`Analyzer::next_input`): rotated parts in
//! any order, each plain or compressed, give the entities, features and
//! anomalies of the concatenated file; each input is framed on its own
//! (line numbers, last line, compression, CSV header), and what goes wrong
//! names the input.

mod common;

use std::io::Write;
use std::path::Path;

use detector::{Analyzer, Compression, Config, Error, Report};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../data")
            .join(name),
    )
    .unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

/// Analyzes `inputs` (name, bytes) in order, pushing `chunk`-byte pieces.
fn analyze_parts(
    inputs: &[(&str, &[u8])],
    chunk: usize,
    threads: usize,
    config: &Config,
) -> Result<Report, Error> {
    let mut a = Analyzer::new(config.clone())?.with_threads(threads);
    for (i, (name, bytes)) in inputs.iter().enumerate() {
        if i == 0 {
            a = a.with_filename(*name);
        } else {
            a.next_input(Some(name))?;
        }
        for piece in bytes.chunks(chunk) {
            a.push_owned(piece.to_vec())?;
        }
    }
    a.finish()
}

/// What does not depend on how the log was cut: entities with features
/// and scores, anomalies, timeline, statistics, totals, activity.
fn findings(r: &Report) -> serde_json::Value {
    let v = serde_json::to_value(r).unwrap();
    let keys = [
        "entities",
        "anomalies",
        "timeline",
        "total_logs",
        "entity_count",
        "anomaly_count",
        "risk_level",
        "summary",
        "statistics",
        "population_medians",
        "time_range",
        "peak_activity",
        "activity",
        "rejected_lines",
        "rejection_counts",
    ];
    let mut found: serde_json::Map<String, serde_json::Value> =
        keys.iter().map(|k| (k.to_string(), v[k].clone())).collect();
    // The largest events point at (input, line), which the cut changes, and
    // equal sizes are ranked by that place: compare their sizes only.
    for a in found["anomalies"].as_array_mut().unwrap() {
        let transfer = &mut a["evidence"]["transfer"];
        if transfer.is_object() {
            let sizes: Vec<serde_json::Value> = transfer["largest_events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["bytes"].clone())
                .collect();
            transfer["largest_events"] = sizes.into();
        }
    }
    found.into()
}

/// Cuts `text` into `n` parts at line ends.
fn cut_lines(text: &[u8], n: usize) -> Vec<Vec<u8>> {
    let mut parts = Vec::new();
    let mut start = 0;
    for k in 1..n {
        let at = text.len() * k / n;
        let end = at + text[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
        parts.push(text[start..end].to_vec());
        start = end;
    }
    parts.push(text[start..].to_vec());
    parts
}

#[test]
fn rotated_parts_in_any_order_give_the_whole_files_findings() {
    let mut whole = Vec::new();
    detector::generate::benchmark(6000, 11, |c| whole.extend_from_slice(c));
    let config = Config::default();
    let expected = analyze_parts(&[("all.jsonl", &whole)], 1 << 20, 1, &config).unwrap();
    assert!(expected.anomaly_count > 0);
    let parts = cut_lines(&whole, 3);
    let packed = [parts[0].clone(), gzip(&parts[1]), zstd(&parts[2])];
    let names = ["access.log.2", "access.log.1.gz", "access.log.zst"];
    for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [2, 0, 1]] {
        let inputs: Vec<(&str, &[u8])> = order
            .iter()
            .map(|&i| (names[i], packed[i].as_slice()))
            .collect();
        for (chunk, threads) in [(1 << 20, 1), (4093, 2), (777, 1)] {
            let got = analyze_parts(&inputs, chunk, threads, &config).unwrap();
            assert!(findings(&got) == findings(&expected), "{order:?} {chunk}");
            assert_eq!(got.lines.total, expected.lines.total);
            assert_eq!(got.filename.as_deref(), Some(names[order[0]]));
            let listed: Vec<_> = got.inputs.iter().map(|i| i.name.as_deref()).collect();
            let want: Vec<_> = order.iter().map(|&i| Some(names[i])).collect();
            assert_eq!(listed, want);
            for (input, &i) in got.inputs.iter().zip(&order) {
                assert_eq!(input.bytes, packed[i].len() as u64);
                let lines = parts[i].iter().filter(|&&b| b == b'\n').count() as u64;
                assert_eq!((input.lines, input.accepted), (lines, lines));
                let compression = [Compression::None, Compression::Gzip, Compression::Zstd][i];
                assert_eq!(input.compression, compression);
            }
        }
    }
}

#[test]
fn every_csv_part_has_its_own_header() {
    let whole = sample("insider_sample.csv");
    let header_end = whole.iter().position(|&b| b == b'\n').unwrap() + 1;
    let (header, body) = whole.split_at(header_end);
    let config = Config::default();
    let expected = analyze_parts(&[("all.csv", &whole)], 1 << 20, 1, &config).unwrap();
    let parts: Vec<Vec<u8>> = cut_lines(body, 3)
        .into_iter()
        .map(|p| [header, &p].concat())
        .collect();
    let inputs: Vec<(&str, &[u8])> = vec![
        ("c.csv", &parts[2]),
        ("a.csv", &parts[0]),
        ("b.csv", &parts[1]),
    ];
    let got = analyze_parts(&inputs, 1000, 2, &config).unwrap();
    assert!(findings(&got) == findings(&expected));
    assert_eq!(got.lines.header, 3);
    assert_eq!(got.lines.accepted, expected.lines.accepted);
}

#[test]
fn each_input_is_framed_on_its_own() {
    let l = |s: u32, ip: &str| {
        common::line(
            &format!("2026-02-10T10:00:{s:02}Z"),
            ip,
            "a.example",
            "ALLOW",
            1,
        )
    };
    // The first input ends without a newline: its last line must not run
    // into the next input's first line. A BOM starts the second input.
    let first = format!("{}\n{}", l(1, "10.0.0.1"), l(2, "10.0.0.2"));
    let second = format!(
        "\u{feff}{}\nnot json\n\n{}\n",
        l(3, "10.0.0.3"),
        l(4, "10.0.0.4")
    );
    let third = "{\"time\":1}\n".to_string();
    let inputs: Vec<(&str, &[u8])> = vec![
        ("one.log", first.as_bytes()),
        ("two.log", second.as_bytes()),
        ("three.log", third.as_bytes()),
    ];
    for chunk in [1, 7, 1 << 20] {
        let r = analyze_parts(&inputs, chunk, 1, &Config::default()).unwrap();
        assert_eq!(r.total_logs, 4);
        assert_eq!(r.lines.total, 2 + 4 + 1);
        let at: Vec<_> = r
            .parse_errors
            .iter()
            .map(|e| (e.input, e.file.as_deref(), e.line))
            .collect();
        assert_eq!(at, [(1, Some("two.log"), 2), (2, Some("three.log"), 1)]);
        let counts: Vec<_> = r
            .inputs
            .iter()
            .map(|i| (i.lines, i.accepted, i.rejected))
            .collect();
        assert_eq!(counts, [(2, 2, 0), (4, 2, 1), (1, 0, 1)]);
        let rows: Vec<_> = r
            .logs
            .as_ref()
            .unwrap()
            .iter()
            .map(|row| (row.input, row.line))
            .collect();
        assert_eq!(rows, [(0, 1), (0, 2), (1, 1), (1, 4)]);
    }
}

#[test]
fn an_open_csv_quote_ends_with_its_input() {
    let header = "timestamp,user,host,action,resource,bytes,success\n";
    let row = |t: u32, who: &str| format!("2026-02-10T10:00:{t:02}Z,{who},h1,READ,/r,10,true\n");
    // The first part's last record opens a quote and never closes it.
    let first = format!(
        "{header}{}2026-02-10T10:00:05Z,\"eve,h1,READ,/r,10,true\n",
        row(1, "ann")
    );
    let second = format!("{header}{}", row(2, "bob"));
    let inputs: Vec<(&str, &[u8])> =
        vec![("a.csv", first.as_bytes()), ("b.csv", second.as_bytes())];
    for chunk in [3, 1 << 20] {
        let r = analyze_parts(&inputs, chunk, 1, &Config::default()).unwrap();
        assert_eq!(r.total_logs, 2);
        assert_eq!(r.rejected_lines, 1);
        assert_eq!((r.parse_errors[0].input, r.parse_errors[0].line), (0, 3));
        assert_eq!(r.inputs[1].lines, 2);
        assert_eq!(r.lines.header, 2);
    }
}

#[test]
fn errors_name_the_input() {
    let jsonl = sample("baseline_small.jsonl");
    let csv = sample("insider_sample.csv");
    let config = Config::default();
    let err = analyze_parts(&[("a.jsonl", &jsonl), ("b.csv", &csv)], 4096, 1, &config).unwrap_err();
    assert!(matches!(err, Error::MixedFormats { .. }));
    assert_eq!(
        err.to_string(),
        "b.csv is CSV but a.jsonl is JSONL: the inputs of one analysis must share a format"
    );

    // A truncated archive in the second input names that input.
    let packed = gzip(&jsonl);
    let cut = &packed[..packed.len() / 2];
    let err = analyze_parts(
        &[("a.jsonl", &jsonl), ("b.gz", cut), ("c.jsonl", &jsonl)],
        4096,
        2,
        &config,
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Compressed { file: Some(f), .. } if f == "b.gz"),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("b.gz: corrupt or truncated gzip"),
        "{err}"
    );

    // Strict mode and the no-valid-line error name the rejected line's input.
    let mut strict = config.clone();
    strict.input.strict = true;
    let err = analyze_parts(
        &[("a.jsonl", &jsonl), ("b.jsonl", b"{}\n")],
        4096,
        1,
        &strict,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("b.jsonl: strict mode: line 1 rejected: "),
        "{err}"
    );
    let err = analyze_parts(&[("a", b"\n"), ("b", b"x\ny\n")], 4096, 1, &config).unwrap_err();
    assert!(
        err.to_string().ends_with(
            "(first: b line 1: invalid JSON: a log line must be a JSON object at column 1)"
        ),
        "{err}"
    );

    // A bad CSV header in a later input, and unnamed inputs.
    let bad_header = b"when,who\n1,2\n";
    let err =
        analyze_parts(&[("a.csv", &csv), ("b.csv", bad_header)], 4096, 1, &config).unwrap_err();
    assert!(
        err.to_string().starts_with("b.csv: unusable CSV header: "),
        "{err}"
    );
    let mut a = Analyzer::new(config.clone()).unwrap();
    a.push(&csv).unwrap();
    a.next_input(None).unwrap();
    let err = a.push(bad_header).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("input 2: unusable CSV header: "),
        "{err}"
    );
    // Later calls fail the same way.
    assert_eq!(a.next_input(None).unwrap_err(), err);
}

#[test]
fn empty_inputs_among_others_are_listed() {
    let jsonl = sample("baseline_small.jsonl");
    let r = analyze_parts(
        &[("empty", b""), ("a.jsonl", &jsonl), ("blank", b"\n\n")],
        4096,
        1,
        &Config::default(),
    )
    .unwrap();
    let counts: Vec<_> = r.inputs.iter().map(|i| (i.bytes, i.lines)).collect();
    assert_eq!(counts[0], (0, 0));
    assert_eq!(counts[2], (2, 2));
    assert_eq!(r.lines.blank, 2);
    // Only empty inputs: nothing to analyze, as for one empty file.
    let err = analyze_parts(&[("x", b""), ("y", b"\n")], 4096, 1, &Config::default()).unwrap_err();
    assert_eq!(err, Error::EmptyInput);
}
