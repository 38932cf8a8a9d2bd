//! The DataFusion engine gives the native detector's report (less raw rows
//! and line numbers) on every `data/` file and on generated inputs:
//! boundary cases of the 60 s peak, rejections, out-of-order events,
//! several files (plain, gzip, zstd), Parquet written by `convert`.

mod common;

use common::*;
use detector::Config;
use engine::{Engine, Limits};

#[test]
fn datafusion_equals_native() {
    check_engine(&Engine::DataFusion, true);
}

#[test]
fn parquet_from_convert_equals_native() {
    let dir = scratch("parquet");
    let src = data_dir().join("anomalous_scanning.jsonl");
    let rej = rejections(&dir);
    let out = dir.join("parquet");
    let paths = vec![src.display().to_string(), rej.display().to_string()];
    let rt = tokio::runtime::Runtime::new().unwrap();
    let rows = rt
        .block_on(engine::convert(&paths, &out.display().to_string()))
        .unwrap();
    let lines = |p: &std::path::Path| std::fs::read_to_string(p).unwrap().lines().count() as u64;
    assert_eq!(rows, lines(&src) + lines(&rej));
    let config = Config::default();
    let native = native(&[src, rej], &config);
    let on_parquet = on_engine(&Engine::DataFusion, &[out], &config);
    // One Parquet input where natively there were two: compare the rest.
    let mut n = native.clone();
    n.inputs.clear();
    assert_same("parquet", &n, &on_parquet);
}

#[test]
fn a_path_that_matches_nothing_is_a_clear_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let analyze = |p: &str| {
        rt.block_on(engine::analyze(
            &Engine::DataFusion,
            &[p.to_string()],
            &Config::default(),
            Limits::default(),
        ))
        .unwrap_err()
        .to_string()
    };
    let e = analyze("/nonexistent/logs.jsonl");
    assert!(e.contains("no such file"), "{e}");
    let dir = scratch("empty");
    let e = analyze(&format!("{}/*.jsonl", dir.display()));
    assert!(
        e.contains("matches no file") || e.contains("cannot read"),
        "{e}"
    );
}

#[test]
fn an_unreachable_scheduler_is_a_clear_error_within_the_timeout() {
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let engine: Engine = format!("ballista://127.0.0.1:{port}").parse().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let start = std::time::Instant::now();
    let data = data_dir()
        .join("baseline_small.jsonl")
        .display()
        .to_string();
    let e = rt
        .block_on(engine::analyze(
            &engine,
            &[data],
            &Config::default(),
            Limits::default(),
        ))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unreachable"), "{e}");
    assert!(start.elapsed().as_secs() < 15);
}
