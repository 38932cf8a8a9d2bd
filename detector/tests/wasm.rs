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
    expected["inputs"][0]["name"] = Value::Null;
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

// Named time zones. Built without `tz` (as the npm package and the app are:
// scripts/test-wasm.sh runs these tests both ways) the detector takes them
// from the JavaScript host (`Intl`); the expected answers come from
// chrono-tz, the native build's zone database.

/// A JSONL event at `time` from `clientip`.
fn event(time: &str, clientip: &str) -> String {
    format!(
        r#"{{"time":"{time}","clientip":"{clientip}","url":"https://a.example/","action":"ALLOW","responsesize":1}}"#
    )
}

fn analyze_js(log: &str, options: &str) -> Value {
    json_of(&wasm::analyze(JsValue::from_str(log), Some(js(options))).unwrap())
}

/// Whether the UTC second `t` is inside the default off-hours window
/// (00:00–05:00) of `tz`, by chrono-tz.
fn off_hours_by_chrono_tz(tz: chrono_tz::Tz, t: i64) -> bool {
    use chrono::{TimeZone, Timelike};
    tz.timestamp_opt(t, 0).unwrap().hour() < 5
}

#[wasm_bindgen_test]
fn berlin_off_hours_follow_both_clock_changes_of_2026() {
    // One event a day at 03:30 UTC for a week: 04:30 in Berlin's winter
    // (off-hours, before 05:00), 05:30 in its summer (not). Summer time
    // starts 2026-03-29 01:00 UTC and ends 2026-10-25 01:00 UTC. The same
    // numbers as the native test in tests/clocks.rs.
    let week = |first_day: &str| -> String {
        let d0 = chrono::NaiveDate::parse_from_str(first_day, "%Y-%m-%d").unwrap();
        (0..7)
            .map(|d| {
                let day = d0 + chrono::Duration::days(d);
                event(&day.format("%Y-%m-%dT03:30:00Z").to_string(), "10.0.0.1")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let berlin = r#"{"off_hours": {"timezone": "Europe/Berlin"}}"#;
    let share = |log: &str, options: &str| {
        analyze_js(log, options)["entities"][0]["features"]["off_hours_request_ratio"]
            .as_f64()
            .unwrap()
    };
    for (first_day, expected) in [("2026-03-26", 3.0 / 7.0), ("2026-10-22", 4.0 / 7.0)] {
        let log = week(first_day);
        assert_eq!(share(&log, berlin), expected, "week from {first_day}");
        let by_chrono_tz = (0..7)
            .filter(|d| {
                let t = chrono::NaiveDate::parse_from_str(first_day, "%Y-%m-%d").unwrap()
                    + chrono::Duration::days(*d);
                let t = t.and_hms_opt(3, 30, 0).unwrap().and_utc().timestamp();
                off_hours_by_chrono_tz(chrono_tz::Europe::Berlin, t)
            })
            .count();
        assert_eq!(expected, by_chrono_tz as f64 / 7.0);
        let plus_one = r#"{"off_hours": {"utc_offset_minutes": 60}}"#;
        assert_eq!(share(&log, plus_one), 1.0, "a fixed +01:00 ignores DST");
    }
    let report = analyze_js(&week("2026-10-22"), berlin);
    assert_eq!(report["config"]["off_hours"]["timezone"], "Europe/Berlin");
}

#[wasm_bindgen_test]
fn every_off_hours_decision_of_2026_matches_chrono_tz() {
    // One event every 53 minutes through 2026, from an entity per UTC hour;
    // each entity's off-hours share must be chrono-tz's, in zones with DST
    // north and south, half-hour DST (Lord Howe) and odd offsets.
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let times: Vec<i64> = (0..)
        .map(|i| start + i * 53 * 60)
        .take_while(|t| *t < start + 365 * 86_400)
        .collect();
    let ip = |t: i64| format!("10.0.0.{}", t.rem_euclid(86_400) / 3600);
    let log = times
        .iter()
        .map(|&t| {
            let time = chrono::DateTime::from_timestamp(t, 0).unwrap();
            event(&time.format("%Y-%m-%dT%H:%M:%SZ").to_string(), &ip(t))
        })
        .collect::<Vec<_>>()
        .join("\n");
    for tz in [
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Asia::Kathmandu,
        chrono_tz::America::St_Johns,
    ] {
        let options = format!(
            r#"{{"off_hours": {{"timezone": "{}"}}, "logs": "none"}}"#,
            tz.name()
        );
        let report = analyze_js(&log, &options);
        let entities = report["entities"].as_array().unwrap();
        assert_eq!(entities.len(), 24);
        for e in entities {
            let name = e["entity"].as_str().unwrap();
            let mine: Vec<i64> = times.iter().copied().filter(|&t| ip(t) == name).collect();
            let off = mine
                .iter()
                .filter(|&&t| off_hours_by_chrono_tz(tz, t))
                .count();
            let expected = off as f64 / mine.len() as f64;
            let got = e["features"]["off_hours_request_ratio"].as_f64().unwrap();
            assert!(
                (got - expected).abs() < 1e-12,
                "{}: {name}: {got} != {expected}",
                tz.name()
            );
        }
    }
}

#[wasm_bindgen_test]
fn local_times_in_berlin_are_the_chrono_tz_instants() {
    use chrono::TimeZone;
    // Every 10 minutes of local time from 00:00 to 04:00 on both 2026 clock
    // change days: the skipped hour is rejected with the native wording,
    // the repeated one is its earlier instant.
    let mut lines = Vec::new();
    let mut expected = Vec::new();
    for day in ["2026-03-29", "2026-10-25"] {
        let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
        for m in (0..240).step_by(10) {
            let local = d.and_hms_opt(m / 60, m % 60, 0).unwrap();
            let text = local.format("%Y-%m-%d %H:%M:%S").to_string();
            lines.push(event(
                &text,
                &format!("10.0.{}.{}", lines.len() / 200, lines.len() % 200),
            ));
            let line = lines.len() as u64;
            expected.push(
                match chrono_tz::Europe::Berlin.from_local_datetime(&local) {
                    chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => (
                        line,
                        Ok(t.naive_utc()
                            .and_utc()
                            .format("%Y-%m-%dT%H:%M:%SZ")
                            .to_string()),
                    ),
                    chrono::LocalResult::None => (
                        line,
                        Err(format!(
                        "local time {local} does not exist in Europe/Berlin (the clocks skipped it)"
                    )),
                    ),
                },
            );
        }
    }
    assert_eq!(expected.iter().filter(|(_, e)| e.is_err()).count(), 6);
    let options = r#"{"off_hours": {"timezone": "Europe/Berlin"},
        "input": {"time_format": "%Y-%m-%d %H:%M:%S"}, "logs": "all"}"#;
    let report = analyze_js(&lines.join("\n"), options);
    let mut got: Vec<(u64, Result<String, String>)> = report["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                Ok(r["time"].as_str().unwrap().to_owned()),
            )
        })
        .collect();
    got.extend(report["parse_errors"].as_array().unwrap().iter().map(|e| {
        let reason = e["reason"].as_str().unwrap();
        (e["line"].as_u64().unwrap(), Err(reason.to_owned()))
    }));
    got.sort();
    for ((line, want), (got_line, got)) in expected.iter().zip(&got) {
        assert_eq!(line, got_line);
        match (want, got) {
            (Ok(w), Ok(g)) => assert!(
                g.starts_with(w.trim_end_matches('Z')),
                "line {line}: {g} != {w}"
            ),
            (Err(w), Err(g)) => assert!(g.contains(w.as_str()), "line {line}: {g} lacks {w}"),
            _ => panic!("line {line}: {got:?} != {want:?}"),
        }
    }
    assert_eq!(got.len(), expected.len());
}

#[wasm_bindgen_test]
fn unknown_zones_throw_a_message_listing_valid_ones() {
    let thrown = wasm::analyze(
        JsValue::from_str(ONE_EVENT),
        Some(js(r#"{"off_hours": {"timezone": "Europe/Berln"}}"#)),
    )
    .unwrap_err();
    let message = error_message(thrown);
    assert!(
        message.starts_with(
            "invalid config: `off_hours.timezone`: unknown time zone `Europe/Berln`: \
             use an IANA name such as `Europe/Berlin`"
        ),
        "{message}"
    );
    assert!(
        message.contains("`UTC`, or an offset like +01:00"),
        "{message}"
    );
    // Names are case-sensitive, as in chrono-tz; offsets are not names.
    for bad in ["europe/berlin", "Mars/Olympus", "+01:00", ""] {
        let options = format!(r#"{{"off_hours": {{"timezone": "{bad}"}}}}"#);
        assert!(
            wasm::analyze(JsValue::from_str(ONE_EVENT), Some(js(&options))).is_err(),
            "{bad}"
        );
    }
    // Aliases and UTC spellings are zones in both databases.
    for good in ["US/Eastern", "Etc/UTC", "Asia/Kolkata"] {
        let options = format!(r#"{{"off_hours": {{"timezone": "{good}"}}}}"#);
        wasm::analyze(JsValue::from_str(ONE_EVENT), Some(js(&options))).unwrap();
    }
}

/// The members of `export type NAME = "a" | "b" …;` in the package's
/// hand-written declarations (npm/entry/index.d.ts), in order.
fn union_in_declarations(name: &str) -> Vec<String> {
    const DECLARATIONS: &str = include_str!("../../npm/entry/index.d.ts");
    let start = format!("export type {name} =");
    let at = DECLARATIONS
        .find(&start)
        .unwrap_or_else(|| panic!("index.d.ts declares no `{start}`"));
    let rest = &DECLARATIONS[at + start.len()..];
    let end = rest.find(';').expect("the type ends with `;`");
    rest[..end]
        .split('|')
        .map(|member| member.trim())
        .filter(|member| !member.is_empty())
        .map(|member| {
            member
                .strip_prefix('"')
                .and_then(|m| m.strip_suffix('"'))
                .unwrap_or_else(|| panic!("`{name}` member {member} is no string literal"))
                .to_string()
        })
        .collect()
}

fn names<T: detector::Named>() -> Vec<String> {
    T::all().iter().map(|v| v.name().to_string()).collect()
}

/// The literal unions of the npm package's types are the detector's own
/// name lists, in declaration order, so a new rule, rejection kind or
/// feature cannot be missing from (or misspelt in) the TypeScript types.
#[wasm_bindgen_test]
fn declared_unions_are_the_detectors_names() {
    use detector::report::{EvidenceKind, StatisticsStatus};
    use detector::{
        Action, DetectionMethod, EntityField, Format, FormatChoice, LogsMode, PopulationMode,
        Preset, RejectKind, RiskLevel, Rule, Severity, FEATURE_NAMES,
    };
    let features: Vec<String> = FEATURE_NAMES.iter().map(|s| s.to_string()).collect();
    assert_eq!(union_in_declarations("FeatureName"), features);
    assert_eq!(union_in_declarations("Rule"), names::<Rule>());
    assert_eq!(union_in_declarations("Severity"), names::<Severity>());
    assert_eq!(union_in_declarations("RejectKind"), names::<RejectKind>());
    assert_eq!(union_in_declarations("RiskLevel"), names::<RiskLevel>());
    assert_eq!(
        union_in_declarations("DetectionMethod"),
        names::<DetectionMethod>()
    );
    assert_eq!(
        union_in_declarations("EvidenceKind"),
        names::<EvidenceKind>()
    );
    assert_eq!(
        union_in_declarations("StatisticsStatus"),
        names::<StatisticsStatus>()
    );
    assert_eq!(union_in_declarations("Action"), names::<Action>());
    assert_eq!(union_in_declarations("EntityField"), names::<EntityField>());
    assert_eq!(union_in_declarations("LogsMode"), names::<LogsMode>());
    assert_eq!(
        union_in_declarations("PopulationMode"),
        names::<PopulationMode>()
    );
    assert_eq!(union_in_declarations("Format"), names::<Format>());
    assert_eq!(
        union_in_declarations("FormatChoice"),
        names::<FormatChoice>()
    );
    assert_eq!(union_in_declarations("Preset"), names::<Preset>());
    // And the report says the same at run time: every feature, in order.
    let report = json_of(
        &wasm::analyze(
            Uint8Array::from(sample("anomalous_scanning.jsonl", 42).unwrap().as_slice()).into(),
            None,
        )
        .unwrap(),
    );
    let context: Vec<String> = report["anomalies"][0]["feature_context"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["feature"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(context, union_in_declarations("FeatureName"));
}
