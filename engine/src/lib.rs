//! signaltrace's features computed by Apache DataFusion SQL — on this
//! machine's cores, or on an Apache Ballista cluster — and handed to the
//! detector's own rules, forest, scoring and report ([`detector::table`]).
//!
//! The split (docs/SCALE.md): the engine scans the events three times —
//! row counts by input, rejection kind and minute; the per-entity sums and
//! 60 s peak; and, for the entities the detector flags, their per-host and
//! per-hour tallies (evidence). Only those small tables reach this process.

mod sql;

use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _, Result};
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Int64Type, Schema};
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::prelude::{JsonReadOptions, ParquetReadOptions, SessionConfig, SessionContext};
use detector::report::Input;
use detector::table::{self, EntityTotals, TableTotals};
use detector::{Compression, Config, EntityField, Format, RejectKind, Report};

pub use datafusion;

/// Where the SQL runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// DataFusion in this process, on every core.
    DataFusion,
    /// A Ballista scheduler, `ballista://HOST:PORT` (or `df://HOST:PORT`).
    Ballista(String),
}

impl std::str::FromStr for Engine {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "datafusion" {
            return Ok(Engine::DataFusion);
        }
        match s
            .strip_prefix("ballista://")
            .or_else(|| s.strip_prefix("df://"))
        {
            Some(hp)
                if hp
                    .rsplit_once(':')
                    .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok()) =>
            {
                Ok(Engine::Ballista(hp.to_string()))
            }
            _ => Err(format!(
                "`{s}`: the engine is `datafusion` or `ballista://HOST:PORT`"
            )),
        }
    }
}

/// How long the engine may take: connecting to a scheduler, and the whole
/// analysis. A query on a cluster without executors waits in the
/// scheduler's queue; this bounds the wait.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub connect: Duration,
    pub analysis: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            analysis: Duration::from_secs(3600),
        }
    }
}

/// A session on the engine.
pub async fn session(engine: &Engine, limits: Limits) -> Result<SessionContext> {
    match engine {
        Engine::DataFusion => Ok(SessionContext::new_with_config(SessionConfig::new())),
        Engine::Ballista(hostport) => ballista_session(hostport, limits).await,
    }
}

async fn ballista_session(hostport: &str, limits: Limits) -> Result<SessionContext> {
    use ballista::prelude::SessionContextExt;
    let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, ""));
    // Fail fast, with a clear message, when nothing listens there.
    let addr = format!("{host}:{port}");
    match tokio::time::timeout(limits.connect, tokio::net::TcpStream::connect(&addr)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => bail!("Ballista scheduler at {addr} is unreachable: {e} (start one with scripts/cluster.sh start)"),
        Err(_) => bail!("Ballista scheduler at {addr} did not answer within {} s", limits.connect.as_secs()),
    }
    let url = format!("df://{host}:{port}");
    tokio::time::timeout(limits.connect, SessionContext::remote(&url))
        .await
        .map_err(|_| {
            anyhow!(
                "Ballista scheduler at {addr} did not answer within {} s",
                limits.connect.as_secs()
            )
        })?
        .with_context(|| format!("connecting to the Ballista scheduler at {addr}"))
}

/// An input path as the engine reads it: its format and compression.
struct Source {
    path: String,
    parquet: bool,
    compression: Compression,
}

fn has_glob(p: &str) -> bool {
    p.contains(['*', '?', '['])
}

/// Absolute path (executors do not share our working directory), format
/// and compression; an error when nothing is there.
fn source(path: &str) -> Result<Source> {
    let abs = if Path::new(path).is_absolute() {
        path.to_string()
    } else {
        let cwd = std::env::current_dir().context("current directory")?;
        cwd.join(path).to_string_lossy().into_owned()
    };
    let is_dir = Path::new(&abs).is_dir();
    if !has_glob(path) && !Path::new(&abs).exists() {
        bail!("{path}: no such file or directory");
    }
    let parquet = abs.ends_with(".parquet")
        || (is_dir && dir_has(&abs, ".parquet"))
        || (has_glob(path) && path.ends_with(".parquet"));
    let compression = if abs.ends_with(".gz") {
        Compression::Gzip
    } else if abs.ends_with(".zst") {
        Compression::Zstd
    } else {
        Compression::None
    };
    let path = if is_dir && !abs.ends_with('/') {
        format!("{abs}/")
    } else {
        abs
    };
    Ok(Source {
        path,
        parquet,
        compression,
    })
}

fn dir_has(dir: &str, ext: &str) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| {
        rd.flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(ext))
    })
}

/// Registers input `i` as table `t{i}`; returns its schema.
async fn register(ctx: &SessionContext, i: usize, name: &str, s: &Source) -> Result<Schema> {
    let table = format!("t{i}");
    let registered = if s.parquet {
        let opts = ParquetReadOptions::default().file_extension(".parquet");
        ctx.register_parquet(&table, &s.path, opts).await
    } else {
        let compression = match s.compression {
            Compression::Gzip => FileCompressionType::GZIP,
            Compression::Zstd => FileCompressionType::ZSTD,
            _ => FileCompressionType::UNCOMPRESSED,
        };
        let opts = JsonReadOptions::default()
            .file_extension("")
            .file_compression_type(compression);
        ctx.register_json(&table, &s.path, opts).await
    };
    registered.with_context(|| format!("{name}: cannot read it"))?;
    let provider = ctx.table_provider(table.as_str()).await?;
    let schema = provider.schema().as_ref().clone();
    if schema.fields().is_empty() {
        bail!("{name}: matches no file with events");
    }
    Ok(schema)
}

async fn collect(ctx: &SessionContext, sql: &str) -> Result<Vec<RecordBatch>> {
    let df = ctx.sql(sql).await.context("planning the engine's SQL")?;
    df.collect().await.context("running the engine's SQL")
}

fn i64_at(b: &RecordBatch, col: usize, row: usize) -> Option<i64> {
    let c = b.column(col);
    if c.is_null(row) {
        return None;
    }
    match c.data_type() {
        DataType::Int64 => Some(c.as_primitive::<Int64Type>().value(row)),
        _ => {
            let c = datafusion::arrow::compute::cast(c, &DataType::Int64).ok()?;
            let c = c.as_primitive::<Int64Type>();
            (!c.is_null(row)).then(|| c.value(row))
        }
    }
}

fn str_at(b: &RecordBatch, col: usize, row: usize) -> Option<String> {
    let c = b.column(col);
    if c.is_null(row) {
        return None;
    }
    let c = datafusion::arrow::compute::cast(c, &DataType::Utf8).ok()?;
    Some(c.as_string::<i32>().value(row).to_string())
}

fn u64_at(b: &RecordBatch, col: usize, row: usize) -> u64 {
    i64_at(b, col, row).map_or(0, |v| v.max(0) as u64)
}

/// The parse settings from the config; fixed UTC offsets only.
fn parse_settings(config: &Config) -> Result<sql::Parse> {
    if let Some(zone) = &config.off_hours.timezone {
        bail!("time zone `{zone}`: the engine takes a fixed UTC offset (--utc-offset), not an IANA zone");
    }
    if config.input.time_format != "rfc3339" {
        bail!("the engine reads RFC 3339 times only");
    }
    Ok(sql::Parse {
        entity: config.entity.unwrap_or(EntityField::Clientip),
        offset_minutes: config.off_hours.utc_offset_minutes,
        start_hour: config.off_hours.start_hour,
        end_hour: config.off_hours.end_hour,
    })
}

/// Analyzes JSONL (plain, gzip, zstd) or Parquet inputs — files,
/// directories or globs — on `engine`: the same report as the native
/// detector, less what needs raw lines (see [`detector::table`]).
pub async fn analyze(
    engine: &Engine,
    paths: &[String],
    config: &Config,
    limits: Limits,
) -> Result<Report> {
    if paths.is_empty() {
        bail!("no input");
    }
    let sources = paths
        .iter()
        .map(|p| source(p))
        .collect::<Result<Vec<_>>>()?;
    let compressed = paths
        .iter()
        .zip(&sources)
        .find(|(_, s)| !s.parquet && s.compression != Compression::None);
    if let (Engine::Ballista(_), Some((name, _))) = (engine, compressed) {
        // DataFusion 55's JsonScan plan node carries no compression, so
        // executors would read the compressed bytes as text.
        bail!(
            "{name}: Ballista reads compressed JSONL as text (its plans drop the compression); \
             decompress it or convert it to Parquet first (signaltrace convert)"
        );
    }
    let ctx = session(engine, limits).await?;
    let run = run(&ctx, paths, &sources, config);
    tokio::time::timeout(limits.analysis, run)
        .await
        .map_err(|_| {
            anyhow!(
                "the analysis took longer than {} s",
                limits.analysis.as_secs()
            )
        })?
}

async fn run(
    ctx: &SessionContext,
    paths: &[String],
    sources: &[Source],
    config: &Config,
) -> Result<Report> {
    let settings = parse_settings(config)?;
    let mut schemas = Vec::new();
    for (i, (name, s)) in paths.iter().zip(sources).enumerate() {
        schemas.push(register(ctx, i, name, s).await?);
    }
    let events = sql::events(&schemas).map_err(|e| anyhow!(e))?;
    let parsed = sql::parsed(&events, &settings);

    let counts = collect(ctx, &sql::counts(&parsed)).await?;
    let totals = table_totals(&counts, paths, sources, config)?;
    let entities = entity_totals(&collect(ctx, &sql::entities(&parsed)).await?);
    if entities.is_empty() {
        let rejected: u64 = totals.rejected.iter().map(|r| r.1).sum();
        bail!("no valid log line: {rejected} rows rejected");
    }
    let entity_field = settings.entity;
    let mut scored = table::score_table(entities, config, Format::Jsonl, entity_field)?;
    let flagged: Vec<String> = scored.flagged().iter().map(|s| s.to_string()).collect();
    if !flagged.is_empty() {
        let names: Vec<&str> = flagged.iter().map(String::as_str).collect();
        for b in collect(ctx, &sql::evidence(&parsed, &names)).await? {
            for r in 0..b.num_rows() {
                let (Some(entity), Some(host)) = (str_at(&b, 0, r), str_at(&b, 1, r)) else {
                    continue;
                };
                let hour = u64_at(&b, 2, r) as u8;
                let (n, denied, bytes) = (u64_at(&b, 3, r), u64_at(&b, 4, r), u64_at(&b, 5, r));
                scored.add_host(&entity, &host, n, denied, bytes);
                scored.add_hour(&entity, hour, n);
            }
        }
    }
    Ok(scored.report(totals))
}

/// Line counts per input, rejections per kind, events per minute and per
/// local hour, from the counts query.
fn table_totals(
    batches: &[RecordBatch],
    paths: &[String],
    sources: &[Source],
    config: &Config,
) -> Result<TableTotals> {
    let mut inputs: Vec<Input> = paths
        .iter()
        .zip(sources)
        .map(|(name, s)| Input {
            name: Some(name.clone()),
            bytes: size_of(&s.path),
            compression: s.compression,
            lines: 0,
            accepted: 0,
            rejected: 0,
        })
        .collect();
    let mut rejected: Vec<(RejectKind, u64)> = Vec::new();
    let mut per_minute: std::collections::BTreeMap<i64, u64> = Default::default();
    let mut per_hour = [0u64; 24];
    let offset = i64::from(config.off_hours.utc_offset_minutes);
    for b in batches {
        for r in 0..b.num_rows() {
            let input = u64_at(b, 0, r) as usize;
            let n = u64_at(b, 3, r);
            let slot = inputs
                .get_mut(input)
                .ok_or_else(|| anyhow!("input {input} out of range"))?;
            slot.lines += n;
            match str_at(b, 1, r) {
                Some(kind) => {
                    slot.rejected += n;
                    let kind: RejectKind = kind.parse().map_err(|e| anyhow!("{e}"))?;
                    rejected.push((kind, n));
                }
                None => {
                    slot.accepted += n;
                    let minute = i64_at(b, 2, r).unwrap_or(0);
                    *per_minute.entry(minute).or_default() += n;
                    let local = (minute + offset).rem_euclid(24 * 60);
                    per_hour[(local / 60) as usize] += n;
                }
            }
        }
    }
    Ok(TableTotals {
        rejected,
        events_per_minute: per_minute.into_iter().collect(),
        events_per_hour: per_hour,
        inputs,
    })
}

/// Bytes of a file, or of the files directly in a directory (0 for globs).
fn size_of(path: &str) -> u64 {
    let p = Path::new(path);
    if p.is_dir() {
        std::fs::read_dir(p).map_or(0, |rd| {
            rd.flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
    } else {
        std::fs::metadata(p).map_or(0, |m| m.len())
    }
}

fn entity_totals(batches: &[RecordBatch]) -> Vec<EntityTotals> {
    let mut out = Vec::new();
    for b in batches {
        for r in 0..b.num_rows() {
            let Some(entity) = str_at(b, 0, r) else {
                continue;
            };
            out.push(EntityTotals {
                entity,
                events: u64_at(b, 1, r),
                denied: u64_at(b, 2, r),
                bytes: u64_at(b, 3, r),
                off_hours: u64_at(b, 4, r),
                unique_hosts: u64_at(b, 5, r),
                first_seen: i64_at(b, 6, r).unwrap_or(0),
                last_seen: i64_at(b, 7, r).unwrap_or(0),
                peak: u64_at(b, 8, r),
                peak_start: i64_at(b, 9, r).unwrap_or(0),
            });
        }
    }
    out
}

/// Writes the events of `paths` (JSONL, plain or compressed, or Parquet)
/// as Parquet files under `out/` — one per partition of the scan — with
/// every column as read (the types DataFusion inferred), so an analysis
/// of `out/` rejects what an analysis of the inputs rejects. Returns the
/// rows written.
pub async fn convert(paths: &[String], out: &str) -> Result<u64> {
    let sources = paths
        .iter()
        .map(|p| source(p))
        .collect::<Result<Vec<_>>>()?;
    let ctx = SessionContext::new();
    let mut schemas = Vec::new();
    for (i, (name, s)) in paths.iter().zip(&sources).enumerate() {
        schemas.push(register(&ctx, i, name, s).await?);
    }
    std::fs::create_dir_all(out).with_context(|| format!("{out}: cannot create it"))?;
    let out_abs = std::fs::canonicalize(out)?.to_string_lossy().into_owned() + "/";
    let mut rows = 0;
    for i in 0..schemas.len() {
        let df = ctx.table(format!("t{i}").as_str()).await?;
        let written = df
            .write_parquet(&out_abs, Default::default(), None)
            .await
            .with_context(|| format!("{out}: writing Parquet"))?;
        rows += written
            .iter()
            .filter_map(|b| i64_at(b, 0, 0))
            .map(|n| n.max(0) as u64)
            .sum::<u64>();
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_names() {
        assert_eq!("datafusion".parse::<Engine>(), Ok(Engine::DataFusion));
        assert_eq!(
            "ballista://127.0.0.1:50050".parse::<Engine>(),
            Ok(Engine::Ballista("127.0.0.1:50050".into()))
        );
        assert!("ballista://nohost".parse::<Engine>().is_err());
        assert!("spark".parse::<Engine>().is_err());
    }

    #[test]
    fn a_rejection_kind_name_parses() {
        assert_eq!(
            "invalid_time".parse::<RejectKind>().ok(),
            Some(RejectKind::InvalidTime)
        );
        assert_eq!(RejectKind::MissingField.as_str(), "missing_field");
    }
}
