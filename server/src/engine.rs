//! `analyze --engine` and `convert`: the features computed by Apache
//! DataFusion, locally or on an Apache Ballista cluster (the
//! `signaltrace-engine` crate). Behind the cargo feature `engine`, off by
//! default: without it these say how to get them.

use clap::Args;
use detector::{Config, Report};

#[derive(Args)]
pub struct ConvertArgs {
    /// JSONL files (plain, gzip, zstd), directories or globs, then the
    /// directory to write Parquet files into (created if missing).
    #[arg(required = true, value_name = "PATH... OUT")]
    paths: Vec<String>,
    /// Output format (Parquet is the one there is).
    #[arg(long, value_name = "FORMAT", default_value = "parquet", value_parser = ["parquet"])]
    to: String,
}

#[cfg(not(feature = "engine"))]
const MISSING: &str = "this signaltrace was built without the `engine` feature: \
     cargo build --release -p signaltrace --features engine (docs/SCALE.md)";

/// The report of `paths` with the features computed on `engine`.
#[cfg(feature = "engine")]
pub fn analyze(
    engine: &str,
    paths: &[String],
    config: &Config,
    timeout_s: u64,
) -> Result<Report, String> {
    let engine: engine::Engine = engine.parse()?;
    let limits = engine::Limits {
        analysis: std::time::Duration::from_secs(timeout_s),
        ..engine::Limits::default()
    };
    runtime()?
        .block_on(engine::analyze(&engine, paths, config, limits))
        .map_err(|e| format!("{e:#}"))
}

#[cfg(not(feature = "engine"))]
pub fn analyze(_: &str, _: &[String], _: &Config, _: u64) -> Result<Report, String> {
    Err(MISSING.into())
}

/// `convert PATH... --to parquet OUT`: the last path is the output
/// directory.
pub fn convert(c: ConvertArgs) -> Result<(), String> {
    let mut paths = c.paths;
    debug_assert_eq!(c.to, "parquet");
    let out = paths.pop().unwrap_or_default();
    if paths.is_empty() {
        return Err(
            "convert PATH... --to parquet OUT/: name the inputs, then the output directory".into(),
        );
    }
    convert_to(&paths, &out)
}

#[cfg(feature = "engine")]
fn convert_to(paths: &[String], out: &str) -> Result<(), String> {
    let rows = runtime()?
        .block_on(engine::convert(paths, out))
        .map_err(|e| format!("{e:#}"))?;
    eprintln!("signaltrace: wrote {rows} rows as Parquet to {out}");
    Ok(())
}

#[cfg(not(feature = "engine"))]
fn convert_to(_: &[String], _: &str) -> Result<(), String> {
    Err(MISSING.into())
}

#[cfg(feature = "engine")]
fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the engine's runtime: {e}"))
}
