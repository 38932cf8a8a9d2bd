//! Reports are byte-identical to the ones the CLI printed before the
//! restructuring of issue 9 (captured by `tests/golden/capture.sh`).
//!
//! Every case of `tests/golden/cases.tsv` — each `data/` file, three
//! generated files, inputs full of rejections, and option variants
//! (allowlist, pseudonyms, entity fields, off-hours, skipped statistics) —
//! is analyzed through the library and serialized as the CLI serializes it
//! (`serde_json`, then a newline). The `--logs none --pretty` report must
//! equal `<case>.json` and the complete compact report must hash to the
//! SHA-256 in `SHA256SUMS`; the `--text` view must equal `<case>.txt`.
//!
//! Regenerated once for issue 10 (several inputs), which only added fields
//! (`inputs`, `parse_errors[].input`/`file`, `logs[].input`): each new
//! complete report with those fields cut out hashed to the previous
//! `SHA256SUMS`, each `<case>.json` minus them parsed equal to the previous
//! one (numbers compared as written), and every `<case>.txt` was unchanged.
//!
//! Regenerated for issue 11 (TreeSHAP attribution), which changed only
//! `anomalies[].feature_contributions` and the explanation's "isolated
//! mostly by …" clause that quotes them: the complete report of every case
//! from the binary before and after, each with `feature_contributions`
//! removed and that clause cut from `explanation`, parsed equal, and every
//! `<case>.json` and `<case>.txt` did too against the previous ones.
//!
//! Regenerated for issue 11 (evidence, typical values, support, texts):
//! with the new fields removed (`population_ranges`, `events_by_hour`,
//! `anomalies[].evidence`, `feature_context[].population_p10`/
//! `population_p90`/`percentile`, `logs[].evidence`,
//! `config.rules.min_events`) and the rewritten explanations set aside, every
//! case's `--logs none` and complete report parsed equal to the previous
//! CLI's, the summaries were unchanged, and `robust_z` changed only where its
//! new scale floor engaged (27 feature values, e.g. `insider_sample`
//! mallory.chen `requests_per_minute_peak` +31.9 → +1.0). The `<case>.txt`
//! views changed in the explanations, the evidence lines and "events".
//!
//! The two merged, captured once more: against the evidence capture only
//! `feature_contributions` and the explanations (which quote the top
//! attributed features) differ.

use std::path::{Path, PathBuf};

use detector::{Analyzer, Config, LogsMode, Report};
use sha2::{Digest, Sha256};

struct Case {
    name: String,
    input: String,
    config: String,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(golden_dir().join("cases.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut cols = l.splitn(3, '\t');
            let mut next = || {
                cols.next()
                    .expect("three tab-separated columns")
                    .to_string()
            };
            Case {
                name: next(),
                input: next(),
                config: next(),
            }
        })
        .collect()
}

/// The input bytes and the file name the CLI would echo.
fn input(case: &Case) -> (Vec<u8>, String) {
    match case.input.strip_prefix("generate:") {
        Some(spec) => {
            let (events, seed) = spec.split_once(':').expect("generate:EVENTS:SEED");
            let mut bytes = Vec::new();
            detector::generate::benchmark(events.parse().unwrap(), seed.parse().unwrap(), |c| {
                bytes.extend_from_slice(c)
            });
            (bytes, format!("{}.jsonl", case.name))
        }
        None => {
            let path = workspace().join(&case.input);
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (std::fs::read(&path).unwrap(), name)
        }
    }
}

fn report(case: &Case, bytes: &[u8], name: &str, logs: Option<LogsMode>) -> Report {
    let mut config = Config::from_json(&case.config).unwrap();
    if let Some(logs) = logs {
        config.logs = logs;
    }
    let mut analyzer = Analyzer::new(config).unwrap().with_filename(name);
    analyzer.push(bytes).unwrap();
    analyzer.finish().unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn expected_sums() -> Vec<(String, String)> {
    std::fs::read_to_string(golden_dir().join("SHA256SUMS"))
        .unwrap()
        .lines()
        .map(|l| {
            let (sum, case) = l.split_once("  ").unwrap();
            (case.to_string(), sum.to_string())
        })
        .collect()
}

#[test]
fn reports_are_byte_identical_to_the_golden_cli_output() {
    let sums = expected_sums();
    let cases = cases();
    assert_eq!(sums.len(), cases.len(), "SHA256SUMS and cases.tsv disagree");
    let mut failures = Vec::new();
    for case in &cases {
        let (bytes, name) = input(case);

        let lean = report(case, &bytes, &name, Some(LogsMode::None));
        let pretty = serde_json::to_string_pretty(&lean).unwrap() + "\n";
        assert_eq!(pretty, detector::export::json(&lean, true));
        let want = std::fs::read_to_string(golden_dir().join(format!("{}.json", case.name)))
            .unwrap_or_else(|e| panic!("{}.json: {e}", case.name));
        if pretty != want {
            failures.push(format!(
                "{}: --logs none --pretty report differs",
                case.name
            ));
        }

        let full = report(case, &bytes, &name, None);
        let compact = serde_json::to_string(&full).unwrap() + "\n";
        assert_eq!(compact, detector::export::json(&full, false));

        let text = detector::export::text(&full);
        let want =
            std::fs::read_to_string(golden_dir().join(format!("{}.txt", case.name))).unwrap();
        if text != want {
            failures.push(format!("{}: --text view differs", case.name));
        }
        let want_sum = &sums.iter().find(|(c, _)| c == &case.name).unwrap().1;
        if &sha256_hex(compact.as_bytes()) != want_sum {
            failures.push(format!(
                "{}: full compact report's SHA-256 differs",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
