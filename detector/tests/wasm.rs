//! The JavaScript bindings, run inside a wasm engine by wasm-bindgen-test:
//! `cargo test --target wasm32-unknown-unknown -p signaltrace-detector
//! --features wasm --test wasm` (Node; add `WASM_BINDGEN_USE_BROWSER=1` and
//! `CHROMEDRIVER` for headless Chromium — see scripts/test-wasm.sh).
//!
//! Each test calls an export the way JavaScript does (JS values in, JS values
//! or a thrown `Error` out) and checks it against the Rust API it wraps.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

use detector::generate::{sample, SAMPLE_FILES, STUFFING_IP};
use detector::{wasm, Config, Error};
use js_sys::{Uint8Array, JSON};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const ONE_EVENT: &str = "{\"time\":\"2026-02-14T10:02:15Z\",\"clientip\":\"10.0.0.1\",\"url\":\"https://a.example/\",\"action\":\"DENY\",\"responsesize\":10}\n";

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON parses")
}

/// The JS value as JSON, numbers exact (serde_json's default text parser
/// may be one ulp off, so JSON text is compared in the Node tests instead).
fn json_of(value: &JsValue) -> Value {
    serde_wasm_bindgen::from_value(value.clone()).unwrap()
}

/// Numbers as f64, so `1` (JavaScript's text for 1.0) equals serde_json's
/// `1.0`; everything else as is. Object key order is already irrelevant to
/// `Value`'s equality.
fn canonical(v: Value) -> Value {
    match v {
        Value::Number(n) => Value::from(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, canonical(v))).collect())
        }
        other => other,
    }
}

/// Asserts `got == want`, naming the first differing path (reports are
/// too large to print whole).
fn assert_same(got: &Value, want: &Value, what: &str) {
    fn first_difference(got: &Value, want: &Value, path: String) -> Option<String> {
        match (got, want) {
            (Value::Object(g), Value::Object(w)) => {
                let mut keys: Vec<&String> = g.keys().chain(w.keys()).collect();
                keys.sort();
                keys.dedup();
                keys.into_iter().find_map(|k| match (g.get(k), w.get(k)) {
                    (Some(gv), Some(wv)) => first_difference(gv, wv, format!("{path}.{k}")),
                    (gv, wv) => Some(format!("{path}.{k}: {gv:?} != {wv:?}")),
                })
            }
            (Value::Array(g), Value::Array(w)) if g.len() == w.len() => g
                .iter()
                .zip(w)
                .enumerate()
                .find_map(|(i, (gv, wv))| first_difference(gv, wv, format!("{path}[{i}]"))),
            _ if got == want => None,
            _ => {
                let show = |v: &Value| v.to_string().chars().take(200).collect::<String>();
                Some(format!("{path}: {} != {}", show(got), show(want)))
            }
        }
    }
    if let Some(diff) = first_difference(got, want, String::new()) {
        panic!("{what}: {diff}");
    }
}

/// The report the Rust API gives, as canonical JSON.
fn native_report(bytes: &[u8], config: &Config, filename: &str) -> Value {
    let mut analyzer = detector::Analyzer::new(config.clone())
        .unwrap()
        .with_filename(filename);
    analyzer.push(bytes).unwrap();
    let report = analyzer.finish().unwrap();
    canonical(serde_json::to_value(&report).unwrap())
}

/// The message of a thrown JS `Error`.
fn error_message(thrown: JsValue) -> String {
    let error: js_sys::Error = thrown.dyn_into().expect("a JS Error is thrown");
    error.message().into()
}

#[wasm_bindgen_test]
fn analyze_text_and_bytes_give_the_library_report_for_every_sample() {
    for name in SAMPLE_FILES {
        let bytes = sample(name, 42).unwrap();
        let options = js(&format!(r#"{{"filename": "{name}"}}"#));
        let expected = native_report(&bytes, &Config::default(), name);

        let from_bytes =
            wasm::analyze(Uint8Array::from(&bytes[..]).into(), Some(options.clone())).unwrap();
        assert_same(
            &canonical(json_of(&from_bytes)),
            &expected,
            &format!("{name} as bytes"),
        );

        let text = String::from_utf8(bytes).unwrap();
        let from_text = wasm::analyze(JsValue::from_str(&text), Some(options)).unwrap();
        assert_same(
            &canonical(json_of(&from_text)),
            &expected,
            &format!("{name} as text"),
        );
    }
}

#[wasm_bindgen_test]
fn report_is_a_plain_object_with_nulls_and_no_maps() {
    let bytes = sample("baseline_small.jsonl", 42).unwrap();
    let report = wasm::analyze(Uint8Array::from(&bytes[..]).into(), None).unwrap();
    assert!(report.is_object());
    // JSON.stringify sees everything (a Map or undefined would vanish).
    let text = JSON::stringify(&report).unwrap().as_string().unwrap();
    let reparsed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        reparsed.as_object().unwrap().len(),
        json_of(&report).as_object().unwrap().len()
    );
    assert_eq!(reparsed["entities"].as_array().unwrap().len(), 24);
    assert!(!report.is_instance_of::<js_sys::Map>());
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &JsValue::from_str(k)).unwrap();
    // No filename given → null (serde_json writes None as null too).
    assert!(get(&report, "filename").is_null());
    let counts = get(&report, "rejection_counts");
    assert!(counts.is_object() && !counts.is_instance_of::<js_sys::Map>());
    assert_eq!(get(&report, "total_logs").as_f64(), Some(1000.0));
}

#[wasm_bindgen_test]
fn options_are_a_partial_config_and_reach_the_detector() {
    let bytes = sample("anomalous_credential_stuffing.jsonl", 42).unwrap();
    let options = js(r#"{"forest": {"seed": 7}, "logs": "none", "rules": {"deny_rate": 0.95}}"#);
    let report =
        json_of(&wasm::analyze(Uint8Array::from(&bytes[..]).into(), Some(options)).unwrap());
    assert_eq!(report["config"]["forest"]["seed"], 7);
    assert_eq!(report["config"]["rules"]["deny_rate"], 0.95);
    assert_eq!(report["config"]["forest"]["trees"], 100);
    assert!(report.get("logs").is_none(), "logs: none leaves rows out");
    let mut config = Config::default();
    config.forest.seed = 7;
    config.logs = detector::LogsMode::None;
    config.rules.deny_rate = 0.95;
    let mut expected = native_report(&bytes, &config, "x");
    expected["filename"] = Value::Null;
    assert_same(&canonical(report), &expected, "seed 7, logs none");
}

#[wasm_bindgen_test]
fn analyzer_in_uneven_chunks_gives_the_analyze_report() {
    let bytes = sample("insider_sample.csv", 42).unwrap();
    let options = js(r#"{"filename": "insider_sample.csv"}"#);
    let whole = json_of(
        &wasm::analyze(Uint8Array::from(&bytes[..]).into(), Some(options.clone())).unwrap(),
    );

    let mut analyzer = wasm::StreamingAnalyzer::new(Some(options)).unwrap();
    assert_eq!((analyzer.bytes_seen(), analyzer.lines_seen()), (0.0, 0.0));
    let mut at = 0;
    for (i, size) in [1usize, 2, 3, 7, 64, 1000, 4093].iter().cycle().enumerate() {
        if at >= bytes.len() {
            break;
        }
        let end = (at + size).min(bytes.len());
        // Alternate bytes and text chunks; text only where the cut falls on
        // a character boundary (the samples are ASCII).
        let chunk: JsValue = if i % 2 == 0 {
            Uint8Array::from(&bytes[at..end]).into()
        } else {
            JsValue::from_str(std::str::from_utf8(&bytes[at..end]).unwrap())
        };
        analyzer.push(chunk).unwrap();
        at = end;
        assert_eq!(analyzer.bytes_seen(), at as f64);
        let newlines = bytes[..at].iter().filter(|&&b| b == b'\n').count();
        assert_eq!(analyzer.lines_seen(), newlines as f64);
    }
    let streamed = json_of(&analyzer.finish().unwrap());
    assert_same(&streamed, &whole, "streamed");
}

#[wasm_bindgen_test]
fn finished_analyzer_refuses_more_work() {
    let mut analyzer = wasm::StreamingAnalyzer::new(None).unwrap();
    analyzer.push(JsValue::from_str(ONE_EVENT)).unwrap();
    let report = json_of(&analyzer.finish().unwrap());
    assert_eq!(report["total_logs"], 1);
    assert_eq!(
        error_message(analyzer.finish().unwrap_err()),
        "this Analyzer has already finished"
    );
    assert_eq!(
        error_message(analyzer.push(JsValue::from_str("x")).unwrap_err()),
        "this Analyzer has already finished"
    );
    // Progress stays readable after the end.
    assert_eq!(analyzer.lines_seen(), 1.0);
}

#[wasm_bindgen_test]
fn unusable_input_throws_the_cli_message() {
    let thrown = wasm::analyze(JsValue::from_str(" \n\n"), None).unwrap_err();
    assert_eq!(error_message(thrown), Error::EmptyInput.to_string());

    let thrown = wasm::analyze(JsValue::from_str("a,b,c\n1,2,3\n"), None).unwrap_err();
    let message = error_message(thrown);
    assert!(
        message.starts_with("unusable CSV header: no `timestamp` column"),
        "{message}"
    );
    // The Analyzer throws as soon as the header is seen, and keeps throwing.
    let mut analyzer = wasm::StreamingAnalyzer::new(None).unwrap();
    analyzer.push(JsValue::from_str("a,b")).unwrap();
    let thrown = analyzer.push(JsValue::from_str(",c\n")).unwrap_err();
    assert_eq!(error_message(thrown), message);
    let thrown = analyzer.push(JsValue::from_str("1,2,3\n")).unwrap_err();
    assert_eq!(error_message(thrown), message);

    let strict = js(r#"{"input": {"strict": true}}"#);
    let log = format!("{ONE_EVENT}{{oops\n");
    let thrown = wasm::analyze(JsValue::from_str(&log), Some(strict)).unwrap_err();
    assert!(error_message(thrown).starts_with("strict mode: line 2 rejected: "));
}

#[wasm_bindgen_test]
fn bad_options_throw_invalid_config() {
    let cases = [
        (
            r#"{"rules": {"deny_rate": 1.5}}"#,
            "invalid config: `rules.deny_rate` must be a number from 0 to 1",
        ),
        (
            r#"{"rules": {"deny_rat": 0.5}}"#,
            "invalid config: unknown field `deny_rat`",
        ),
        (
            r#"{"forest": {"trees": "many"}}"#,
            "invalid config: invalid type: string \"many\"",
        ),
        (
            r#"{"filename": 3}"#,
            "invalid config: `filename` must be a string",
        ),
        (r#"[1, 2]"#, "invalid config: options must be an object"),
    ];
    for (options, message) in cases {
        let thrown = wasm::analyze(JsValue::from_str("x\n"), Some(js(options))).unwrap_err();
        let got = error_message(thrown);
        assert!(got.starts_with(message), "{options}: {got}");
        let thrown = wasm::StreamingAnalyzer::new(Some(js(options)))
            .err()
            .unwrap();
        assert!(
            error_message(thrown).starts_with(message),
            "{options} (Analyzer)"
        );
    }
    // The same text as the Rust API's JSON config path (CLI `--config x.json`).
    let rust = Config::from_json(r#"{"rules": {"deny_rate": 1.5}}"#).unwrap_err();
    let thrown = wasm::analyze(
        JsValue::from_str("x\n"),
        Some(js(r#"{"rules": {"deny_rate": 1.5}}"#)),
    );
    assert_eq!(error_message(thrown.unwrap_err()), rust.to_string());
}

#[wasm_bindgen_test]
fn input_of_the_wrong_type_throws_a_type_error() {
    for input in [JsValue::from_f64(3.0), JsValue::NULL, js(r#"{"a": 1}"#)] {
        let thrown = wasm::analyze(input, None).unwrap_err();
        assert!(thrown.is_instance_of::<js_sys::TypeError>());
    }
}

#[wasm_bindgen_test]
fn array_buffer_and_views_are_read_as_bytes() {
    let bytes = sample("baseline_small.jsonl", 42).unwrap();
    let expected = json_of(&wasm::analyze(Uint8Array::from(&bytes[..]).into(), None).unwrap());
    // A view into the middle of a larger buffer: only the view's bytes count.
    let mut padded = vec![b'#'; 10];
    padded.extend_from_slice(&bytes);
    padded.extend_from_slice(b"garbage without newline");
    let buffer = Uint8Array::from(&padded[..]).buffer();
    let view = Uint8Array::new_with_byte_offset_and_length(&buffer, 10, bytes.len() as u32);
    assert_eq!(
        json_of(&wasm::analyze(view.into(), None).unwrap()),
        expected
    );
    let exact = Uint8Array::from(&bytes[..]).buffer();
    assert_eq!(
        json_of(&wasm::analyze(exact.into(), None).unwrap()),
        expected
    );
}

#[wasm_bindgen_test]
fn default_config_is_the_rust_default() {
    let js_config = json_of(&wasm::default_config().unwrap());
    assert_eq!(
        canonical(js_config),
        canonical(serde_json::to_value(Config::default()).unwrap())
    );
}

#[wasm_bindgen_test]
fn generate_gives_the_cli_sample_bytes() {
    assert_eq!(wasm::sample_files(), SAMPLE_FILES.to_vec());
    let made = wasm::generate("anomalous_credential_stuffing.jsonl", None).unwrap();
    assert_eq!(
        made,
        sample("anomalous_credential_stuffing.jsonl", 42).unwrap()
    );
    let seeded = wasm::generate("baseline_small.jsonl", Some(7.0)).unwrap();
    assert_eq!(seeded, sample("baseline_small.jsonl", 7).unwrap());
    let report = json_of(&wasm::analyze(Uint8Array::from(&made[..]).into(), None).unwrap());
    assert_eq!(report["anomalies"][0]["entity"], STUFFING_IP);

    let thrown = wasm::generate("nope.jsonl", None).unwrap_err();
    assert!(error_message(thrown).starts_with("unknown sample file `nope.jsonl`"));
    for bad in [-1.0, 1.5, f64::NAN, 1e300] {
        assert!(
            wasm::generate("baseline_small.jsonl", Some(bad)).is_err(),
            "{bad}"
        );
    }
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(wasm::version(), detector::VERSION);
}

#[wasm_bindgen_test]
fn inputs_larger_than_one_copy_piece_are_read_whole() {
    // Over 4 MiB (the bindings copy that much at a time), in a view that
    // starts at an odd offset so piece boundaries fall mid-line.
    let mut bytes = Vec::new();
    while bytes.len() <= 9 << 20 {
        bytes.extend(sample("baseline_large.jsonl", bytes.len() as u64).unwrap());
    }
    let mut padded = vec![b'\n'; 3];
    padded.extend_from_slice(&bytes);
    let buffer = Uint8Array::from(&padded[..]).buffer();
    let view = Uint8Array::new_with_byte_offset_and_length(&buffer, 3, bytes.len() as u32);
    let options = js(r#"{"filename": "big.jsonl", "logs": "anomalous"}"#);
    let config = Config {
        logs: detector::LogsMode::Anomalous,
        ..Config::default()
    };
    let expected = native_report(&bytes, &config, "big.jsonl");
    let got = wasm::analyze(view.clone().into(), Some(options.clone())).unwrap();
    assert_same(&canonical(json_of(&got)), &expected, "analyze");
    let mut analyzer = wasm::StreamingAnalyzer::new(Some(options)).unwrap();
    analyzer.push(view.into()).unwrap();
    assert_eq!(analyzer.bytes_seen(), bytes.len() as f64);
    assert_same(
        &canonical(json_of(&analyzer.finish().unwrap())),
        &expected,
        "Analyzer",
    );
}
