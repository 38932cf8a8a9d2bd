//! signaltrace's detector: log bytes in, [`Report`] out. Pure and
//! deterministic — no I/O, no clocks, no hash-order dependence — so the CLI,
//! the HTTP server, the browser (wasm) and the npm package give the same
//! report, bit for bit, for the same input and [`Config`].
//!
//! # Layout
//!
//! Data flows one way, through these rooms, in this order (an arrow never
//! points back: `tests/architecture.rs` checks the imports have no cycle):
//!
//! 1. `analyzer` ([`Analyzer`]) frames pushed chunks into numbered lines
//!    (a line may span chunks; an over-long one is skipped, never stored)
//!    and fans blocks of lines out to worker threads when asked to.
//! 2. [`ingest`] decides what happens to one line: the line prelude (line
//!    ending, BOM, too long, blank), the format sniffed from the first
//!    non-blank line, then the JSONL parser (on a validating single-pass
//!    JSON scanner) or the CSV parser makes an event or a rejection with
//!    its [`RejectKind`]; [`time`] parses RFC 3339 into UTC nanoseconds.
//! 3. `partial` adds events into per-entity [`features`] accumulators —
//!    mergeable, so any chunking and thread count give the same sums.
//! 4. `assemble` turns the merged sums into a [`Report`] in named stages:
//!    score entities ([`features`], the `scoring` rules), run the `forest`
//!    (scikit-learn's Isolation Forest), judge severity with the
//!    `allowlist`, pseudonymize (`privacy`), explain the anomalies (`text`),
//!    the timeline, the raw rows, the overview and summary.
//! 5. [`export`] renders a finished report: JSON, the CSV of anomalies, the
//!    Markdown incident summary, the CLI's text view.
//!
//! Beside the pipeline: [`config`] (every option with its default, and its
//! validation), [`report`] (the schema), [`vocab`] (entity nouns, feature
//! labels, number formats — one vocabulary for every front end), [`Named`]
//! (each enum's `ALL`, `as_str`, `FromStr`), [`Error`], [`generate`] (the
//! deterministic sample data) and `wasm` (JavaScript bindings, feature
//! `wasm`). docs/ARCHITECTURE.md draws the same map across the crates.
//!
//! ```
//! let log = br#"{"time":"2026-02-14T10:02:15Z","clientip":"10.0.0.1","url":"https://a.example/","action":"DENY","responsesize":10}"#;
//! let report = detector::analyze(log, &detector::Config::default()).unwrap();
//! assert_eq!(report.total_logs, 1);
//! assert_eq!(report.entities[0].features.deny_rate, 1.0);
//! ```

mod allowlist;
mod analyzer;
mod assemble;
mod clock;
pub mod config;
mod error;
pub mod export;
pub mod features;
mod forest;
pub mod generate;
pub mod ingest;
mod names;
mod partial;
mod privacy;
pub mod report;
mod rereading;
mod scoring;
pub mod table;
mod text;
pub mod time;
pub mod vocab;
#[cfg(feature = "wasm")]
pub mod wasm;
mod wire;

pub use analyzer::{split_head, Analyzer, Finished, Slice};
#[cfg(all(target_arch = "wasm32", not(feature = "tz")))]
pub use clock::host_zone_names;
pub use config::{
    Config, EntityField, Fields, Format, FormatChoice, LogsMode, PopulationMode, Preset,
};
pub use error::Error;
pub use features::{Features, FEATURE_NAMES};
pub use ingest::decompress::Compression;
pub use ingest::{Action, RejectKind};
pub use names::{Named, UnknownName};
pub use report::Report;
pub use rereading::{Pass, Passes, Why};
pub use scoring::{DetectionMethod, RiskLevel, Rule, Severity};

/// Internals that the property tests and fuzz targets drive directly. Not a
/// stable API: front ends use the items above.
#[doc(hidden)]
pub mod internals {
    pub use crate::features::{EntityAccumulator, EventFacts, Times};
    pub use crate::ingest::csv::split_fields;
    pub use crate::ingest::json::for_each_member;
}

/// The crate version, echoed by every front end.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Analyzes a whole buffer in one call (single-threaded).
pub fn analyze(input: &[u8], config: &Config) -> Result<Report, Error> {
    let mut a = Analyzer::new(config.clone())?;
    a.push(input)?;
    a.finish()
}
