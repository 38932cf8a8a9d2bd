//! `analyze --engine` and `convert` (feature `engine`): the CLI prints the
//! native report's entities and risk, converts to Parquet, and fails with
//! one clear line (exit 2) for a path that matches nothing or a cluster
//! that is not there. With SIGNALTRACE_BALLISTA set (scripts/test-engine.sh)
//! the same runs on that Ballista cluster.
#![cfg(feature = "engine")]

use std::process::{Command, Output};

use serde_json::Value;

fn signaltrace(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signaltrace"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap()
}

fn report(args: &[&str]) -> Value {
    let out = signaltrace(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn same_verdicts(native: &Value, engine: &Value) {
    for key in [
        "entities",
        "risk_level",
        "anomaly_count",
        "total_logs",
        "statistics",
    ] {
        assert_eq!(native[key], engine[key], "{key}");
    }
}

fn engines() -> Vec<String> {
    let mut e = vec!["datafusion".to_string()];
    if let Ok(url) = std::env::var("SIGNALTRACE_BALLISTA") {
        e.push(url);
    }
    e
}

#[test]
fn analyze_on_the_engine_gives_the_native_verdicts() {
    let file = "data/anomalous_credential_stuffing.jsonl";
    let native = report(&["analyze", file]);
    for engine in engines() {
        let on_engine = report(&["analyze", "--engine", &engine, file]);
        same_verdicts(&native, &on_engine);
        assert_eq!(on_engine["config"]["logs"], "none", "{engine}");
    }
}

#[test]
fn convert_writes_parquet_the_engine_reads() {
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("convert-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let out = out.display().to_string();
    let file = "data/anomalous_scanning.jsonl";
    let done = signaltrace(&["convert", file, "--to", "parquet", &out]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let native = report(&["analyze", file]);
    for engine in engines() {
        same_verdicts(&native, &report(&["analyze", "--engine", &engine, &out]));
    }
}

#[test]
fn unusable_paths_and_clusters_are_one_line_errors() {
    let out = signaltrace(&["analyze", "--engine", "datafusion", "no/such/file.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("signaltrace: no/such/file.jsonl: no such file"),
        "{err}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("ballista://127.0.0.1:{port}");
    let out = signaltrace(&["analyze", "--engine", &url, "data/baseline_small.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unreachable"), "{err}");
}
