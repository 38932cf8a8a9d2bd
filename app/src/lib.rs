//! signaltrace's browser app: a thin Yew shell over the detector.
//!
//! # Layout
//!
//! The page never analyzes anything itself. A file goes:
//!
//! 1. [`ui`] (upload page) → [`analysis`] spawns the Web Worker (`bin/worker.rs`,
//!    running [`worker`]) and posts it the `File` and the settings'
//!    [`detector::Config`] as JSON;
//! 2. the worker reads the file in [`worker::CHUNK_BYTES`] slices, pushes each
//!    into [`detector::Analyzer`], posts progress, then the report JSON;
//! 3. the page parses the [`detector::Report`] and the results view draws it.
//!
//! In server mode [`api`] posts the file to `/api/analyze` instead and the same
//! results view draws the answer.
//!
//! The pure modules — [`flow`] (which screen, as a state machine), [`settings`] (the panel's values and the config they
//! make), [`export`] (CSV of anomalies), [`logs`] (raw-log filter and pages),
//! [`chart`] (chart geometry) and [`format`] — compile natively and are
//! unit-tested with `cargo test`; everything touching the browser is wasm32-only.

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
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;
