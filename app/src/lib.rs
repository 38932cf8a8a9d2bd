//! signaltrace's browser app: a thin Yew shell over the detector.
//!
//! # Layout
//!
//! The page never analyzes anything itself. A file goes:
//!
//! 1. [`ui`] (upload page) hands it to the [`controller`], which asks
//!    [`job::plan`] what to do: refuse it (type, emptiness, bad settings, no
//!    session), or run it on an engine with a [`detector::Config`] whose rows
//!    policy follows the file's size;
//! 2. `job::Job` runs the plan. Browser engine: [`analysis`] hands the files
//!    to the npm package's worker helper (`analyzeFile` of
//!    `signaltrace/worker`, which the build bundles beside the page: see
//!    [`host`]). Its module worker reads the file in 4 MiB slices, pushes
//!    each into the detector's `Analyzer` and reports progress, then the
//!    report. Server engine: [`api`] posts the file to `/api/analyze`;
//! 3. the job parses the [`detector::Report`] into a [`job::Loaded`], the
//!    controller feeds the outcome to the [`flow`] state machine, and the
//!    results view draws it.
//!
//! The pure modules — [`flow`] (which screen, as a state machine), [`job`]
//! (what an analysis will do), [`settings`] (the panel's values and the
//! config they make), [`export`] (CSV of anomalies), [`logs`] (raw-log filter
//! and pages), [`chart`] (chart geometry), [`mod@format`] and [`intake`] —
//! compile natively and are unit-tested with `cargo test`; everything
//! touching the browser is wasm32-only.

pub mod chart;
pub mod export;
pub mod flow;
pub mod format;
pub mod intake;
pub mod job;
pub mod logs;
pub mod settings;

#[cfg(target_arch = "wasm32")]
pub mod analysis;
#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod controller;
#[cfg(target_arch = "wasm32")]
pub mod host;
#[cfg(target_arch = "wasm32")]
pub mod ui;
