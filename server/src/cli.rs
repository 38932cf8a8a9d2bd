//! Command-line parsing and the `analyze` and `generate` commands.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use detector::export::{self, ExportFormat};
use detector::{
    Analyzer, Config, EntityField, Fields, FormatChoice, LogsMode, Named, Pass, Passes,
    PopulationMode, Preset, Report, Why,
};

/// Read size: large enough to amortize syscalls, small enough that a few
/// blocks in flight stay well under the memory budget.
pub(crate) const READ_CHUNK: usize = 4 << 20;

#[derive(Parser)]
#[command(
    name = "signaltrace",
    version = detector::VERSION,
    about = "Find attackers and misbehaving insiders in web-proxy and access logs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyze log files (JSONL or CSV) as one log and print the report as JSON.
    Analyze(Box<AnalyzeArgs>),
    /// Write the sample data files, or a large benchmark file.
    Generate(GenerateArgs),
    /// Serve the HTTP API (JWT login, /api/analyze) and the web app.
    Serve(crate::serve::ServeArgs),
    /// Read a password on stdin and print its argon2id hash for a users file.
    HashPassword(crate::serve::HashPasswordArgs),
    /// Write log events (JSONL, plain or compressed) as Parquet files in
    /// OUT/ for the engine (needs a build with the `engine` feature).
    Convert(crate::engine::ConvertArgs),
}

/// A flag whose values are one of the detector's named sets: `--help`
/// lists `T::ALL` and the value parses with the detector's own names, so
/// the CLI never mirrors a variant list.
fn one_of<T: Named + Send + Sync>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::all().iter().map(|v| v.name()))
        .map(|s| T::from_name(&s).unwrap_or_else(|_| unreachable!("{s} is listed")))
}

#[derive(Args)]
struct AnalyzeArgs {
    /// The log files, read as one log in the order given (rotated parts,
    /// each plain, gzip or zstd; `-` for standard input, at most once).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Input format (default: detected from the first line).
    #[arg(long, value_parser = one_of::<FormatChoice>())]
    format: Option<FormatChoice>,
    /// Field that groups events (default: clientip for JSONL, user for CSV).
    #[arg(long, value_parser = one_of::<EntityField>())]
    entity: Option<EntityField>,
    /// Config file (TOML, or JSON if it ends in .json); flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Isolation forest seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Leave raw rows out of the report (same as --logs none).
    #[arg(long)]
    no_logs: bool,
    /// Which raw rows to include.
    #[arg(long, value_parser = one_of::<LogsMode>(), conflicts_with = "no_logs")]
    logs: Option<LogsMode>,
    /// Which entities the report lists in `entities` (default: all up to
    /// 10,000 entities, the anomalous ones above).
    #[arg(long, value_parser = one_of::<PopulationMode>())]
    population: Option<PopulationMode>,
    /// Fail on the first malformed line instead of skipping it.
    #[arg(long)]
    strict: bool,
    /// Indent the JSON.
    #[arg(long)]
    pretty: bool,
    /// Print a human-readable summary instead of JSON.
    #[arg(long)]
    text: bool,
    /// Parser threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// With several threads, one plain JSONL file of at least twice this
    /// many bytes is read in slices (cut at line starts, a few per thread),
    /// each by a thread of its own, merged in file order: the same report.
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    min_slice: u64,
    /// Output format of the result: the full report (json), one row per
    /// anomaly for spreadsheets and SIEM imports (csv), or an incident
    /// summary to paste into a ticket (markdown).
    #[arg(long, value_parser = one_of::<ExportFormat>(), default_value = "json")]
    export: ExportFormat,
    /// Write the result to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Never flag these entities: exact values or CIDR ranges (repeatable,
    /// or comma-separated).
    #[arg(long, value_name = "ENTITY|CIDR", value_delimiter = ',')]
    allowlist: Vec<String>,
    /// Replace identifiers by keyed hashes (HMAC-SHA256) so the report can be
    /// shared. Prefer SIGNALTRACE_PSEUDONYMIZE_KEY: arguments show in `ps`.
    #[arg(
        long,
        value_name = "KEY",
        env = "SIGNALTRACE_PSEUDONYMIZE_KEY",
        hide_env_values = true
    )]
    pseudonymize: Option<String>,
    /// Compute the features on Apache DataFusion (`datafusion`) or an
    /// Apache Ballista cluster (`ballista://HOST:PORT`) instead of in this
    /// process; JSONL (plain, gzip, zstd) or Parquet files, directories or
    /// globs. Needs a build with the `engine` feature (docs/SCALE.md).
    #[arg(long, value_name = "datafusion|ballista://HOST:PORT")]
    engine: Option<String>,
    /// With --engine: give up after this many seconds (connecting to a
    /// scheduler: at most 10 s).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 3600,
        requires = "engine"
    )]
    engine_timeout: u64,
    #[command(flatten)]
    fields: FieldArgs,
    #[command(flatten)]
    thresholds: ThresholdArgs,
}

/// Where fields are read from; flags beat the config file's `fields`.
#[derive(Args)]
#[command(next_help_heading = "Field mapping (override the config file)")]
struct FieldArgs {
    /// A named mapping for a log schema: ecs (Elastic Common Schema:
    /// @timestamp, source.ip, user.name, url.full, http.response.bytes;
    /// denied when event.type contains "denied").
    #[arg(long, value_parser = one_of::<Preset>())]
    preset: Option<Preset>,
    /// Read NAME from PATH: a dotted path into JSONL objects (source.ip) or
    /// a CSV column; several comma-separated paths are alternatives, the
    /// first present wins. NAME: time, clientip, user, url, resource, host,
    /// bytes, responsecode, action, deny_values, allow_values. Repeatable.
    #[arg(long = "field", value_name = "NAME=PATH[,PATH...]")]
    field: Vec<String>,
}

impl FieldArgs {
    fn apply(&self, c: &mut Config) -> Result<(), Fail> {
        if let Some(p) = self.preset {
            c.fields.preset = Some(p);
        }
        for spec in &self.field {
            let (name, paths) = spec.split_once('=').ok_or_else(|| {
                Fail(format!(
                    "--field {spec:?}: expected NAME=PATH, e.g. clientip=source.ip (names: {})",
                    Fields::KEYS.join(", ")
                ))
            })?;
            let paths = paths.split(',').map(|p| p.trim().to_owned()).collect();
            c.fields
                .set(name.trim(), paths)
                .map_err(|e| Fail(format!("--field {spec:?}: {e}")))?;
        }
        Ok(())
    }
}

/// Every threshold as a flag; a flag beats the config file.
#[derive(Args)]
#[command(next_help_heading = "Thresholds (override the config file)")]
struct ThresholdArgs {
    /// High Burst: requests in one minute.
    #[arg(long, value_name = "N")]
    burst: Option<u64>,
    /// High Deny Rate: share of denied requests (0–1).
    #[arg(long, value_name = "RATIO")]
    deny_rate: Option<f64>,
    /// Extreme Data Transfer: bytes.
    #[arg(long, value_name = "BYTES")]
    data_transfer_bytes: Option<u64>,
    /// High Unique Hosts: distinct destinations.
    #[arg(long, value_name = "N")]
    unique_hosts: Option<u64>,
    /// High Off-Hours Activity: share of off-hours requests (0–1).
    #[arg(long, value_name = "RATIO")]
    off_hours_ratio: Option<f64>,
    /// The deny-rate and off-hours rules fire only for entities with at
    /// least N events (default 1).
    #[arg(long, value_name = "N")]
    min_events: Option<u64>,
    /// Off-hours window in local hours, START-END (wraps midnight: 22-6).
    #[arg(long, value_name = "START-END")]
    off_hours: Option<String>,
    /// Local time's offset from UTC: +02:00, -05:30 or minutes (120).
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
    utc_offset: Option<String>,
    /// Local time by IANA time zone, with its daylight-saving rules
    /// (Europe/Berlin, America/New_York); replaces --utc-offset.
    #[arg(long, value_name = "ZONE")]
    timezone: Option<String>,
    /// How times are written: rfc3339, epoch_s, epoch_ms, epoch_us, or a
    /// strftime pattern ("%d/%m/%Y %H:%M:%S"; without a zone it is read in
    /// --timezone / --utc-offset local time).
    #[arg(long, value_name = "FORMAT")]
    time_format: Option<String>,
    /// Largest decompressed size of a gzip or zstd input, in bytes.
    #[arg(long, value_name = "BYTES")]
    max_decompressed_bytes: Option<u64>,
    /// Expected outlier share (0–0.5].
    #[arg(long, value_name = "RATIO")]
    contamination: Option<f64>,
    /// Isolation forest trees.
    #[arg(long, value_name = "N")]
    trees: Option<usize>,
    /// Entities per tree.
    #[arg(long, value_name = "N")]
    sample_size: Option<usize>,
    /// Lowest isolation score of a statistical outlier (0–1).
    #[arg(long, value_name = "SCORE")]
    score_threshold: Option<f64>,
    /// Fewest entities for the forest to run.
    #[arg(long, value_name = "N")]
    min_entities: Option<usize>,
    /// Longest accepted line in bytes.
    #[arg(long, value_name = "BYTES")]
    max_line_bytes: Option<usize>,
}

/// "+02:00", "-05:30", "120" → minutes east of UTC.
fn parse_utc_offset(s: &str) -> Result<i32, Fail> {
    let bad = || {
        let hint = if s.contains('/') {
            " (for a named time zone use --timezone)"
        } else {
            ""
        };
        Fail(format!(
            "--utc-offset {s:?}: expected +HH:MM, -HH:MM or minutes{hint}"
        ))
    };
    if let Ok(m) = s.parse::<i32>() {
        return Ok(m);
    }
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if !(0..60).contains(&m) {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
}

impl ThresholdArgs {
    fn apply(&self, c: &mut Config) -> Result<(), Fail> {
        let r = &mut c.rules;
        if let Some(v) = self.burst {
            r.burst_requests_per_minute = v;
        }
        if let Some(v) = self.deny_rate {
            r.deny_rate = v;
        }
        if let Some(v) = self.data_transfer_bytes {
            r.data_transfer_bytes = v;
        }
        if let Some(v) = self.unique_hosts {
            r.unique_hosts = v;
        }
        if let Some(v) = self.off_hours_ratio {
            r.off_hours_ratio = v;
        }
        if let Some(v) = self.min_events {
            r.min_events = v;
        }
        if let Some(w) = &self.off_hours {
            let bad = || {
                Fail(format!(
                    "--off-hours {w:?}: expected START-END hours like 0-5 or 22-6"
                ))
            };
            let (a, b) = w.split_once('-').ok_or_else(bad)?;
            c.off_hours.start_hour = a.trim().parse().map_err(|_| bad())?;
            c.off_hours.end_hour = b.trim().parse().map_err(|_| bad())?;
        }
        if let Some(o) = &self.utc_offset {
            c.off_hours.utc_offset_minutes = parse_utc_offset(o)?;
        }
        if let Some(z) = &self.timezone {
            c.off_hours.timezone = Some(z.clone());
        }
        if let Some(f) = &self.time_format {
            c.input.time_format = f.clone();
        }
        if let Some(v) = self.max_decompressed_bytes {
            c.input.max_decompressed_bytes = v;
        }
        let f = &mut c.forest;
        if let Some(v) = self.contamination {
            f.contamination = v;
        }
        if let Some(v) = self.trees {
            f.trees = v;
        }
        if let Some(v) = self.sample_size {
            f.sample_size = v;
        }
        if let Some(v) = self.score_threshold {
            f.score_threshold = v;
        }
        if let Some(v) = self.min_entities {
            f.min_entities = v;
        }
        if let Some(v) = self.max_line_bytes {
            c.input.max_line_bytes = v;
        }
        Ok(())
    }
}

#[derive(Args)]
struct GenerateArgs {
    /// Output directory for the sample files, or the output file with --events.
    #[arg(long)]
    out: PathBuf,
    /// Random seed.
    #[arg(long, default_value_t = detector::generate::DEFAULT_SEED)]
    seed: u64,
    /// Write one benchmark file with this many events instead of the samples.
    #[arg(long)]
    events: Option<u64>,
}

/// A failure that ends the command with exit code 2 and one line on stderr.
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(a) => analyze(*a),
        Command::Generate(g) => generate(g),
        Command::Serve(s) => crate::serve::run(s).map_err(Fail),
        Command::HashPassword(h) => crate::serve::hash_password(h).map_err(Fail),
        Command::Convert(c) => crate::engine::convert(c).map_err(Fail),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg)) => {
            eprintln!("signaltrace: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Loads a config file: JSON when the name ends in `.json`, else TOML.
fn load_config(path: &Path) -> Result<Config, Fail> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Fail(format!("cannot read config {}: {e}", path.display())))?;
    let config: Config = if path.extension().is_some_and(|e| e == "json") {
        Config::from_json(&text).map_err(|e| Fail(format!("{}: {e}", path.display())))?
    } else {
        toml::from_str(&text).map_err(|e| {
            Fail(format!(
                "{}: invalid config: {}",
                path.display(),
                e.to_string().lines().collect::<Vec<_>>().join(" ")
            ))
        })?
    };
    config
        .validate()
        .map_err(|e| Fail(format!("{}: {e}", path.display())))?;
    Ok(config)
}

fn effective_config(a: &AnalyzeArgs) -> Result<Config, Fail> {
    let mut config = match &a.config {
        Some(path) => load_config(path)?,
        None => Config::default(),
    };
    if let Some(f) = a.format {
        config.input.format = f;
    }
    if let Some(e) = a.entity {
        config.entity = Some(e);
    }
    if let Some(seed) = a.seed {
        config.forest.seed = seed;
    }
    if a.no_logs {
        config.logs = LogsMode::None;
    }
    if let Some(l) = a.logs {
        config.logs = l;
    }
    if let Some(p) = a.population {
        config.population = Some(p);
    }
    if a.strict {
        config.input.strict = true;
    }
    a.fields.apply(&mut config)?;
    a.thresholds.apply(&mut config)?;
    config.allowlist.extend(a.allowlist.iter().cloned());
    if let Some(key) = &a.pseudonymize {
        config.pseudonymize = Some(key.clone());
    }
    // Validated (and its allowlist parsed, once) by `Analyzer::new`.
    Ok(config)
}

/// One input named on the command line, checked before any is read.
struct Source {
    /// As given (`-` for standard input): for messages.
    arg: String,
    /// The name echoed in the report: the file's name, or `-`.
    name: String,
    /// The file's size; `None` for standard input.
    size: Option<u64>,
}

/// Checks every input exists and is a file (so a typo in the last of many
/// files fails at once, not after the others were read); `-` at most once.
fn sources(files: &[String]) -> Result<Vec<Source>, Fail> {
    if files.iter().filter(|f| *f == "-").count() > 1 {
        return Err(Fail("standard input (`-`) can be read only once".into()));
    }
    files
        .iter()
        .map(|arg| {
            if arg == "-" {
                return Ok(Source {
                    arg: arg.clone(),
                    name: "-".into(),
                    size: None,
                });
            }
            let meta =
                std::fs::metadata(arg).map_err(|e| Fail(format!("cannot open {arg}: {e}")))?;
            if meta.is_dir() {
                return Err(Fail(format!("{arg} is a directory, not a log file")));
            }
            let name = Path::new(arg)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| arg.clone());
            Ok(Source {
                arg: arg.clone(),
                name,
                size: Some(meta.len()),
            })
        })
        .collect()
}

/// Progress on stderr for big inputs read from files.
struct Progress {
    total: Option<u64>,
    started: Instant,
}

impl Progress {
    fn new(sources: &[Source]) -> Self {
        let total: Option<u64> = sources.iter().map(|s| s.size).sum();
        let shown = io::stderr().is_terminal() && total.is_some_and(|t| t > 64 << 20);
        Progress {
            total: total.filter(|_| shown),
            started: Instant::now(),
        }
    }

    fn show(&self, bytes: u64) {
        if let Some(total) = self.total {
            eprint!(
                "\rsignaltrace: {:>5.1}% of {} MB read, {:.1} s",
                bytes as f64 * 100.0 / total.max(1) as f64,
                total >> 20,
                self.started.elapsed().as_secs_f64()
            );
        }
    }

    fn done(&self) {
        if self.total.is_some() {
            eprintln!();
        }
    }
}

fn analyze(a: AnalyzeArgs) -> Result<(), Fail> {
    if let Some(engine) = &a.engine {
        let config = effective_config(&a)?;
        if a.format == Some(FormatChoice::Csv) {
            return Err(Fail("--engine reads JSONL and Parquet, not CSV".into()));
        }
        let report =
            crate::engine::analyze(engine, &a.files, &config, a.engine_timeout).map_err(Fail)?;
        return emit(&a, &report);
    }
    // The config is checked before the files are opened.
    let config = effective_config(&a)?;
    Analyzer::new(config.clone())?;
    let sources = sources(&a.files)?;
    // Files can be read again, so their memory is bounded by entities, not
    // events: bounded event times, `--logs anomalous` rows in a pass of
    // their own (detector::Passes, docs/DESIGN.md "Memory"). Standard input
    // is read once, keeping every time and row.
    let report = if sources.iter().all(|s| s.arg != "-") {
        let mut passes = Passes::new(config.clone());
        let mut analyzer = read_all(&a, &|| passes.analyzer(), &config, &sources)?;
        loop {
            match passes.finish(analyzer)? {
                Pass::Done(report) => break *report,
                Pass::ReadAgain(Why::OutOfOrder(n)) => eprintln!(
                    "signaltrace: {n} entities have events out of time order by more than a \
                     minute; reading the input again to keep their times whole"
                ),
                Pass::ReadAgain(Why::Rows) => {}
            }
            analyzer = read_all(&a, &|| passes.analyzer(), &config, &sources)?;
        }
    } else {
        read_all(&a, &|| Analyzer::new(config.clone()), &config, &sources)?.finish()?
    };
    emit(&a, &report)
}

/// Writes the report to --output or standard output.
fn emit(a: &AnalyzeArgs, report: &Report) -> Result<(), Fail> {
    match &a.output {
        Some(path) => File::create(path)
            .and_then(|f| write_report(report, a, io::BufWriter::new(f)))
            .map_err(|e| Fail(format!("cannot write {}: {e}", path.display()))),
        None => match write_report(report, a, io::BufWriter::new(io::stdout().lock())) {
            // A closed pipe (`| head`) is the reader's choice, not an error.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            r => r.map_err(|e| Fail(format!("cannot write the report: {e}"))),
        },
    }
}

/// Writes the report as asked. JSON is serialized straight into `out`,
/// never built whole in memory (a report of a million entities is large).
fn write_report(report: &Report, a: &AnalyzeArgs, mut out: impl Write) -> io::Result<()> {
    if a.text || a.export != ExportFormat::Json {
        let rendered = if a.text {
            export::text(report)
        } else {
            export::render(report, a.export, a.pretty)
        };
        out.write_all(rendered.as_bytes())?;
    } else {
        if a.pretty {
            serde_json::to_writer_pretty(&mut out, report)?;
        } else {
            serde_json::to_writer(&mut out, report)?;
        }
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// One pass over every input into an analyzer from `make`, ready to
/// finish. One plain JSONL file is read in slices on the threads
/// (crate::sliced); anything else by one reading thread that hands blocks
/// to the analyzer's parser threads.
fn read_all(
    a: &AnalyzeArgs,
    make: &(dyn Fn() -> Result<Analyzer, detector::Error> + Sync),
    config: &Config,
    sources: &[Source],
) -> Result<Analyzer, Fail> {
    let threads = a.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let progress = Progress::new(sources);
    if let [Source {
        arg,
        name,
        size: Some(size),
        ..
    }] = sources
    {
        let path = Path::new(arg);
        let cannot_read = |e: io::Error| Fail(format!("cannot read {arg}: {e}"));
        let count = threads * crate::sliced::SLICES_PER_THREAD;
        let plan = match threads > 1 {
            true => {
                crate::sliced::plan(path, *size, config, count, a.min_slice).map_err(cannot_read)?
            }
            false => None,
        };
        if let Some(plan) = plan {
            let seen = std::sync::atomic::AtomicU64::new(0);
            let on_read = |n: u64| {
                let now = seen.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
                progress.show(now);
            };
            let first = make()?.with_filename(name.clone());
            let analyzer = plan
                .read(path, first, make, threads, &on_read)
                .map_err(|e| read_failure(arg, e))?;
            progress.done();
            return Ok(analyzer);
        }
    }
    let mut analyzer = make()?.with_threads(threads);
    for (i, source) in sources.iter().enumerate() {
        if i == 0 {
            analyzer = analyzer.with_filename(source.name.clone());
        } else {
            analyzer.next_input(Some(&source.name))?;
        }
        let mut reader: Box<dyn Read> = if source.arg == "-" {
            Box::new(io::stdin().lock())
        } else {
            let f = File::open(&source.arg)
                .map_err(|e| Fail(format!("cannot open {}: {e}", source.arg)))?;
            Box::new(f)
        };
        if threads == 1 {
            // One thread parses what it reads at once, as a slice's does.
            crate::sliced::feed(&mut reader, &mut analyzer, &mut |a: &Analyzer, _| {
                progress.show(a.bytes_seen())
            })
            .map_err(|e| read_failure(&source.arg, e))?;
            continue;
        }
        loop {
            let mut buf = Vec::with_capacity(READ_CHUNK);
            read_chunk(&mut reader, &mut buf).map_err(|e| read_failure(&source.arg, e.into()))?;
            if buf.is_empty() {
                break;
            }
            analyzer.push_owned(buf)?;
            progress.show(analyzer.bytes_seen());
        }
    }
    progress.done();
    Ok(analyzer)
}

/// A failure reading input `arg`: which input and why, or the detector's error.
fn read_failure(arg: &str, e: crate::sliced::Failure) -> Fail {
    match e {
        crate::sliced::Failure::Read(e) => Fail(format!("cannot read {arg}: {e}")),
        crate::sliced::Failure::Detector(e) => Fail::from(e),
    }
}

/// Reads up to `READ_CHUNK` bytes into `buf`'s spare capacity (no zeroing);
/// fewer only at the end of the input.
pub(crate) fn read_chunk(r: &mut dyn Read, buf: &mut Vec<u8>) -> io::Result<()> {
    r.take(READ_CHUNK as u64).read_to_end(buf).map(|_| ())
}

fn generate(g: GenerateArgs) -> Result<(), Fail> {
    if let Some(events) = g.events {
        if events == 0 {
            return Err(Fail("--events must be at least 1".into()));
        }
        let f = File::create(&g.out)
            .map_err(|e| Fail(format!("cannot create {}: {e}", g.out.display())))?;
        let mut w = io::BufWriter::new(f);
        let mut err = None;
        detector::generate::benchmark(events, g.seed, |chunk| {
            if err.is_none() {
                if let Err(e) = w.write_all(chunk) {
                    err = Some(e);
                }
            }
        });
        if let Some(e) = err {
            return Err(Fail(format!("cannot write {}: {e}", g.out.display())));
        }
        w.flush()
            .map_err(|e| Fail(format!("cannot write {}: {e}", g.out.display())))?;
        eprintln!("signaltrace: wrote {events} events to {}", g.out.display());
        return Ok(());
    }
    std::fs::create_dir_all(&g.out)
        .map_err(|e| Fail(format!("cannot create {}: {e}", g.out.display())))?;
    for name in detector::generate::SAMPLE_FILES {
        let bytes = detector::generate::sample(name, g.seed)
            .ok_or_else(|| Fail(format!("unknown sample {name}")))?;
        let path = g.out.join(name);
        std::fs::write(&path, &bytes)
            .map_err(|e| Fail(format!("cannot write {}: {e}", path.display())))?;
        eprintln!("signaltrace: wrote {}", path.display());
    }
    Ok(())
}
