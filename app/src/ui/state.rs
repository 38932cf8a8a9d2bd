//! What the app knows between renders, apart from how it is drawn.

use std::rc::Rc;

use detector::Report;

pub use crate::flow::{Engine, Page, Progress};

/// A finished analysis: the parsed report and its JSON exactly as produced
/// (the JSON export hands that text out unchanged).
#[derive(Debug)]
pub struct Loaded {
    pub report: Report,
    pub json: String,
    pub engine: Engine,
    pub file_size: f64,
    pub elapsed_ms: f64,
    /// The worker's wasm memory at the end (browser analysis only).
    pub worker_memory: Option<f64>,
}

/// Shared handle to a [`Loaded`]; equal only to itself, so views re-render
/// when a new analysis arrives and not otherwise.
#[derive(Debug, Clone)]
pub struct LoadedRef(pub Rc<Loaded>);

impl PartialEq for LoadedRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A one-line description of each bundled sample (presentation only).
pub fn sample_description(name: &str) -> &'static str {
    match name {
        "baseline_small.jsonl" => "1,000 normal proxy events",
        "baseline_medium.jsonl" => "3,000 normal proxy events",
        "baseline_large.jsonl" => "5,000 normal proxy events",
        "anomalous_credential_stuffing.jsonl" => "A burst of denied logins from one IP",
        "anomalous_exfiltration.jsonl" => "Large night-time transfers from one host",
        "anomalous_scanning.jsonl" => "One IP probing many hosts",
        "insider_sample.csv" => "CSV access log, users as entities",
        _ => "Sample log",
    }
}
