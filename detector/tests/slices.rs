//! A file analyzed in slices (`Analyzer::slice_of`, `finish_slice`,
//! `merge_slice`, and the `_here` pair between threads), as the browser
//! splits it across workers and the CLI across threads: for every
//! sample, random cut points at line starts and every logs mode, the
//! report equals one analyzer's over the whole file — line numbers of
//! rejections, rows and largest events included, the re-reading passes
//! (bounded times, `logs = anomalous`) included.

use detector::generate::{sample, DEFAULT_SEED, SAMPLE_FILES};
use detector::{split_head, Analyzer, Config, Error, LogsMode, Pass, Passes, Report};
use proptest::prelude::*;

/// The report of `data` read whole by one analyzer per pass.
fn whole(config: &Config, data: &[u8]) -> Report {
    let mut passes = Passes::new(config.clone());
    loop {
        let mut a = passes.analyzer().unwrap();
        a.push(data).unwrap();
        if let Pass::Done(r) = passes.finish(a).unwrap() {
            return *r;
        }
    }
}

/// The report of `data` cut at `cuts` (line starts, ascending, after the
/// head): the first slice read by the merging analyzer, each other by an
/// analyzer of its own, merged in file order; every pass the same way.
fn sliced(config: &Config, data: &[u8], cuts: &[usize]) -> Report {
    let head = &data[..split_head(config.clone(), data).expect("splittable")];
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(data.len());
    let mut passes = Passes::new(config.clone());
    loop {
        let mut first = passes.analyzer().unwrap();
        first.push(&data[..bounds[1]]).unwrap();
        for (k, w) in bounds[1..].windows(2).enumerate() {
            let mut a = passes.analyzer().unwrap().slice_of(head).unwrap();
            // In pieces, as a worker reads a File.
            for piece in data[w[0]..w[1]].chunks(4096) {
                a.push(piece).unwrap();
            }
            // As bytes (across workers) and as they are (across threads),
            // taking turns.
            if k % 2 == 0 {
                first.merge_slice(&a.finish_slice().unwrap()).unwrap();
            } else {
                first
                    .merge_slice_here(a.finish_slice_here().unwrap())
                    .unwrap();
            }
        }
        if let Pass::Done(r) = passes.finish(first).unwrap() {
            return *r;
        }
    }
}

fn json(r: &Report) -> String {
    serde_json::to_string(r).unwrap()
}

/// Line starts at or after `from`, picked by `at` (fractions of the count).
fn line_starts(data: &[u8], from: usize, at: &[prop::sample::Index]) -> Vec<usize> {
    let starts: Vec<usize> = memchr::memchr_iter(b'\n', data)
        .map(|i| i + 1)
        .filter(|&i| i >= from && i < data.len())
        .collect();
    if starts.is_empty() {
        return Vec::new();
    }
    let mut cuts: Vec<usize> = at.iter().map(|i| starts[i.index(starts.len())]).collect();
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

fn config(logs: LogsMode) -> Config {
    Config {
        logs,
        ..Config::default()
    }
}

/// A sample with every kind of line the slices must number right: a
/// byte-order mark and blank lines before the first event, malformed and
/// blank lines inside, and the lines in reverse (every entity far out of
/// time order: a pass keeping their times whole).
fn awkward(name: &str) -> Vec<u8> {
    let data = sample(name, DEFAULT_SEED).unwrap();
    let text = String::from_utf8(data).unwrap();
    let mut out = String::from("\u{feff}\n  \n");
    for (i, l) in text.lines().rev().enumerate() {
        out.push_str(l);
        out.push('\n');
        if i % 97 == 5 {
            out.push_str("{\"not\": \"an event\"}\n\n");
        }
    }
    // The last line without its newline.
    out.pop();
    out.into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn slices_give_the_whole_files_report(
        which in 0..SAMPLE_FILES.len() - 1,
        reversed in prop::bool::ANY,
        logs in prop::sample::select(vec![LogsMode::None, LogsMode::All, LogsMode::Anomalous]),
        at in prop::collection::vec(any::<prop::sample::Index>(), 1..5),
    ) {
        let name = SAMPLE_FILES[which];
        let data = if reversed { awkward(name) } else { sample(name, DEFAULT_SEED).unwrap() };
        let config = config(logs);
        let head = split_head(config.clone(), &data).expect("a JSONL sample splits");
        let cuts = line_starts(&data, head, &at);
        prop_assert_eq!(json(&sliced(&config, &data, &cuts)), json(&whole(&config, &data)));
    }
}

#[test]
fn every_line_start_of_a_small_file_is_a_cut() {
    let data = awkward("anomalous_scanning.jsonl");
    let data = &data[..data.len().min(60_000)];
    let config = config(LogsMode::All);
    let expected = json(&whole(&config, data));
    let head = split_head(config.clone(), data).unwrap();
    // The head ends after the BOM, the blank lines and the first event.
    assert_eq!(data[..head].iter().filter(|&&b| b == b'\n').count(), 3);
    for cut in line_starts(data, head, &[]).into_iter().chain(
        memchr::memchr_iter(b'\n', data)
            .map(|i| i + 1)
            .filter(|&i| i >= head && i < data.len())
            .step_by(7),
    ) {
        assert_eq!(
            json(&sliced(&config, data, &[cut])),
            expected,
            "cut at {cut}"
        );
    }
}

#[test]
fn what_cannot_be_split_says_so() {
    let config = Config::default();
    // CSV: a quoted field may span lines.
    let csv = sample("insider_sample.csv", DEFAULT_SEED).unwrap();
    assert_eq!(split_head(config.clone(), &csv), None);
    // Compressed.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &sample("baseline_small.jsonl", 1).unwrap()).unwrap();
    let gz = gz.finish().unwrap();
    assert_eq!(split_head(config.clone(), &gz), None);
    // No complete deciding line in the head.
    assert_eq!(split_head(config.clone(), b"\n\n{\"timestamp\""), None);
    assert_eq!(split_head(config.clone(), b""), None);
    // Misuse is an error, not a wrong report.
    let slice_of_csv = Analyzer::new(config.clone()).unwrap().slice_of(&csv[..200]);
    assert!(matches!(slice_of_csv, Err(Error::Slice(_))));
    let jsonl = sample("baseline_small.jsonl", 1).unwrap();
    let head = split_head(config.clone(), &jsonl).unwrap();
    let mut a = Analyzer::new(config.clone()).unwrap();
    a.push(&jsonl[..head + 3]).unwrap();
    let slice = Analyzer::new(config.clone())
        .unwrap()
        .slice_of(&jsonl[..head])
        .unwrap()
        .finish_slice()
        .unwrap();
    let e = a.merge_slice(&slice).unwrap_err();
    assert!(e.to_string().contains("line start"), "{e}");
    let mut b = Analyzer::new(config.clone()).unwrap();
    b.push(&jsonl[..head]).unwrap();
    let e = b.merge_slice(b"not a slice").unwrap_err();
    assert!(e.to_string().contains("not a slice"), "{e}");
    let e = Analyzer::new(config).unwrap().finish_slice().unwrap_err();
    assert!(e.to_string().contains("slice_of"), "{e}");
}
