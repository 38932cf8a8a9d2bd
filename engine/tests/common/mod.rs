//! Inputs and the comparison shared by the DataFusion and Ballista tests:
//! the engine's report must give the native detector's entities, features,
//! rules, scores, severities and risk.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use detector::report::Report;
use detector::{Analyzer, Config};
use engine::{Engine, Limits};

/// The repository's `data/` directory.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")
}

/// A fresh scratch directory under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "engine-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The native report of `parts`, read as one log in order.
pub fn native(parts: &[PathBuf], config: &Config) -> Report {
    let mut a = Analyzer::new(config.clone()).unwrap();
    for (i, p) in parts.iter().enumerate() {
        let name = p.display().to_string();
        if i == 0 {
            a = a.with_filename(name);
        } else {
            a.next_input(Some(&name)).unwrap();
        }
        a.push(&std::fs::read(p).unwrap()).unwrap();
    }
    a.finish().unwrap()
}

pub fn on_engine(engine: &Engine, parts: &[PathBuf], config: &Config) -> Report {
    let paths: Vec<String> = parts.iter().map(|p| p.display().to_string()).collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(engine::analyze(engine, &paths, config, Limits::default()))
        .unwrap_or_else(|e| panic!("{paths:?}: {e:#}"))
}

/// Everything the engine path must equal: per entity its features,
/// rules, score, outlier flag, severity and confidence; the anomalies with
/// their evidence (less the largest events, which need line numbers); the
/// file's risk, counts, rejections and activity.
pub fn assert_same(what: &str, native: &Report, engine: &Report) {
    assert_eq!(native.entities, engine.entities, "{what}: entities");
    assert_eq!(native.risk_level, engine.risk_level, "{what}: risk");
    assert_eq!(native.total_logs, engine.total_logs, "{what}: events");
    assert_eq!(native.entity_count, engine.entity_count, "{what}: entities");
    assert_eq!(
        native.anomaly_count, engine.anomaly_count,
        "{what}: anomalies"
    );
    assert_eq!(native.statistics, engine.statistics, "{what}: statistics");
    assert_eq!(
        native.rejected_lines, engine.rejected_lines,
        "{what}: rejected"
    );
    assert_eq!(
        native.rejection_counts, engine.rejection_counts,
        "{what}: rejection kinds"
    );
    assert_eq!(native.time_range, engine.time_range, "{what}: time range");
    assert_eq!(native.activity, engine.activity, "{what}: activity");
    assert_eq!(
        native.events_by_hour, engine.events_by_hour,
        "{what}: hours"
    );
    assert_eq!(
        native.peak_activity, engine.peak_activity,
        "{what}: peak hour"
    );
    assert_eq!(native.summary, engine.summary, "{what}: summary");
    assert_eq!(
        native.anomalies.len(),
        engine.anomalies.len(),
        "{what}: anomalies"
    );
    for (n, e) in native.anomalies.iter().zip(&engine.anomalies) {
        let who = format!("{what}: anomaly {}", n.entity);
        assert_eq!(n.entity, e.entity, "{who}");
        assert_eq!(n.severity, e.severity, "{who}: severity");
        assert_eq!(n.confidence, e.confidence, "{who}: confidence");
        assert_eq!(n.triggered_rules, e.triggered_rules, "{who}: rules");
        assert_eq!(
            n.peak_window_start, e.peak_window_start,
            "{who}: peak window"
        );
        assert_eq!(n.feature_contributions, e.feature_contributions, "{who}");
        assert_eq!(n.feature_context, e.feature_context, "{who}");
        assert_eq!(n.explanation, e.explanation, "{who}: explanation");
        let (mut ne, ee) = (n.evidence.clone(), e.evidence.clone());
        if let Some(t) = ne.transfer.as_mut() {
            t.largest_events.clear();
        }
        assert_eq!(ne, ee, "{who}: evidence");
    }
    for (n, e) in native.inputs.iter().zip(&engine.inputs) {
        assert_eq!(
            (n.accepted, n.rejected),
            (e.accepted, e.rejected),
            "{what}: input {:?}",
            n.name
        );
    }
    assert!(engine.logs.is_none() && engine.parse_errors.is_empty());
}

fn line(t: &str, ip: &str, url: &str, action: &str, size: i64) -> String {
    format!(
        r#"{{"time":"{t}","clientip":"{ip}","url":"{url}","action":"{action}","responsesize":{size}}}"#
    )
}

fn write(path: &Path, lines: &[String]) -> PathBuf {
    let mut f = std::fs::File::create(path).unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    path.to_path_buf()
}

/// 25 ordinary entities over a working day, so the forest runs.
fn population() -> Vec<String> {
    let mut out = Vec::new();
    for e in 0..25u32 {
        for k in 0..(8 + e % 5) {
            let sec = 8 * 3600 + e * 97 + k * 1301;
            let t = format!(
                "2026-03-02T{:02}:{:02}:{:02}Z",
                sec / 3600,
                sec / 60 % 60,
                sec % 60
            );
            let host = format!("https://site{}.example/x", (e + k) % 7);
            let action = if k % 6 == 0 { "DENY" } else { "ALLOW" };
            out.push(line(
                &t,
                &format!("10.1.0.{e}"),
                &host,
                action,
                i64::from(1000 + e * k),
            ));
        }
    }
    out
}

/// Exactly 100 events inside [t, t + 60 s) (High Burst fires), and 100
/// events over exactly 60.000 s (the last one falls outside: peak 99).
pub fn boundary(dir: &Path) -> PathBuf {
    let mut lines = population();
    for i in 0..100u64 {
        let ns = i * 599_999_999; // the last at 59.399999901 s
        lines.push(line(
            &format!(
                "2026-03-02T09:00:{:02}.{:09}Z",
                ns / 1_000_000_000,
                ns % 1_000_000_000
            ),
            "10.9.0.1",
            "https://burst.example/",
            "ALLOW",
            10,
        ));
        let ns = i * 60_000_000_000 / 99; // the last at exactly 60 s
        let (s, f) = (ns / 1_000_000_000, ns % 1_000_000_000);
        lines.push(line(
            &format!("2026-03-02T10:{:02}:{:02}.{f:09}Z", s / 60, s % 60),
            "10.9.0.2",
            "https://edge.example/",
            "DENY",
            10,
        ));
    }
    write(&dir.join("boundary.jsonl"), &lines)
}

/// Rejections of each kind the engine checks, beside accepted rows whose
/// times are written every way RFC 3339 allows.
pub fn rejections(dir: &Path) -> PathBuf {
    let mut lines = population();
    lines.extend([
        line("2026-03-02t01:00:00z", "10.7.0.1", "https://A.Example:8443/p", "DENY", 5),
        line("2026-03-02 02:00:00.123456789012+02:00", "10.7.0.1", "https://a.example", "DENY", 5),
        line("2026-03-02T03:00:00-05:30", "2001:db8::1", "http://b.example?q", "ALLOW", 0),
        line("2026-02-30T10:00:00Z", "10.7.0.2", "https://a.example/", "ALLOW", 1),
        line("2026-03-02T10:00:00", "10.7.0.2", "https://a.example/", "ALLOW", 1),
        line("yesterday", "10.7.0.2", "https://a.example/", "ALLOW", 1),
        line("2026-03-02T10:00:00Z", "10.7.0.256", "https://a.example/", "ALLOW", 1),
        line("2026-03-02T10:00:00Z", "10.7.0.2", "a.example/no-scheme", "ALLOW", 1),
        line("2026-03-02T10:00:00Z", "10.7.0.2", "https://a.example/", "MAYBE", 1),
        line("2026-03-02T10:00:00Z", "10.7.0.2", "https://a.example/", "DENY", -1),
        r#"{"time":"2026-03-02T10:00:00Z","url":"https://a.example/","action":"DENY","responsesize":1}"#.into(),
        r#"{"time":"2026-03-02T10:00:00Z","clientip":"10.7.0.3","url":"https://a.example/","action":"DENY"}"#.into(),
        r#"{"clientip":"10.7.0.3","url":"https://a.example/","action":"DENY","responsesize":1}"#.into(),
    ]);
    write(&dir.join("rejections.jsonl"), &lines)
}

/// The lines of `src` in a scrambled order (every 7th line first, …).
pub fn out_of_order(src: &Path, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(src).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&i| (i % 7, std::cmp::Reverse(i)));
    let out: Vec<String> = order.iter().map(|&i| lines[i].to_string()).collect();
    write(&dir.join("scrambled.jsonl"), &out)
}

/// `src` split into three files, the middle one gzip and the last zstd
/// when `compressed`.
pub fn parts(src: &Path, dir: &Path, compressed: bool) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(src).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let third = lines.len() / 3;
    let chunk = |a: usize, b: usize| lines[a..b].join("\n") + "\n";
    let p1 = dir.join("part1.jsonl");
    std::fs::write(&p1, chunk(0, third)).unwrap();
    if !compressed {
        let (p2, p3) = (dir.join("part2.jsonl"), dir.join("part3.jsonl"));
        std::fs::write(&p2, chunk(third, 2 * third)).unwrap();
        std::fs::write(&p3, chunk(2 * third, lines.len())).unwrap();
        return vec![p1, p2, p3];
    }
    let p2 = dir.join("part2.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(chunk(third, 2 * third).as_bytes()).unwrap();
    std::fs::write(&p2, gz.finish().unwrap()).unwrap();
    let p3 = dir.join("part3.jsonl.zst");
    let body = chunk(2 * third, lines.len());
    let zst = ruzstd::encoding::compress_to_vec(
        body.as_bytes(),
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    std::fs::write(&p3, zst).unwrap();
    vec![p1, p2, p3]
}

/// Every check above on one engine; `compressed`: with gzip and zstd
/// inputs (DataFusion reads them; Ballista 55 cannot, see
/// [`ballista_refuses_compressed_json`]).
pub fn check_engine(engine: &Engine, compressed: bool) {
    let config = Config::default();
    let mut data: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    data.sort();
    assert!(data.len() >= 6, "data/ files: {data:?}");
    for f in &data {
        let parts = [f.clone()];
        assert_same(
            &f.display().to_string(),
            &native(&parts, &config),
            &on_engine(engine, &parts, &config),
        );
    }
    let dir = scratch("inputs");
    let stuffing = data_dir().join("anomalous_credential_stuffing.jsonl");
    let generated: Vec<(&str, Vec<PathBuf>)> = vec![
        ("boundary", vec![boundary(&dir)]),
        ("rejections", vec![rejections(&dir)]),
        ("out of order", vec![out_of_order(&stuffing, &dir)]),
        ("several files", parts(&stuffing, &dir, compressed)),
    ];
    for (what, parts) in &generated {
        let (n, e) = (native(parts, &config), on_engine(engine, parts, &config));
        assert_same(what, &n, &e);
        if *what == "boundary" {
            let peak = |ip: &str| {
                let x = e.entities.iter().find(|x| x.entity == ip).unwrap();
                (x.features.requests_per_minute_peak, x.triggered_rules.len())
            };
            assert_eq!(
                peak("10.9.0.1"),
                (100, 1),
                "exactly 100 in a minute: High Burst"
            );
            assert_eq!(peak("10.9.0.2").0, 99, "100 over exactly 60 s: 99");
        }
        if *what == "rejections" {
            let kinds: Vec<&str> = e.rejection_counts.keys().map(String::as_str).collect();
            assert_eq!(
                kinds,
                [
                    "invalid_action",
                    "invalid_clientip",
                    "invalid_time",
                    "invalid_url",
                    "invalid_value",
                    "missing_field"
                ]
            );
            assert_eq!(e.rejected_lines, 10);
        }
    }
    // Another entity field, time zone offset and off-hours window.
    let other = Config {
        entity: Some(detector::EntityField::Host),
        off_hours: detector::config::OffHours {
            start_hour: 22,
            end_hour: 9,
            utc_offset_minutes: -330,
            timezone: None,
        },
        ..Config::default()
    };
    let parts = [data_dir().join("anomalous_exfiltration.jsonl")];
    assert_same(
        "by host, -05:30, 22-9",
        &native(&parts, &other),
        &on_engine(engine, &parts, &other),
    );
}

/// Ballista's plans drop the JSON compression: a clear error, not garbage.
#[allow(dead_code)] // used by tests/ballista.rs only
pub fn ballista_refuses_compressed_json(engine: &Engine) {
    let dir = scratch("compressed");
    let parts = parts(&data_dir().join("baseline_small.jsonl"), &dir, true);
    let paths: Vec<String> = parts.iter().map(|p| p.display().to_string()).collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let e = rt
        .block_on(engine::analyze(
            engine,
            &paths,
            &Config::default(),
            Limits::default(),
        ))
        .unwrap_err();
    let e = format!("{e:#}");
    assert!(e.contains("Ballista reads compressed JSONL as text"), "{e}");
}
