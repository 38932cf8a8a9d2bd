//! What the app knows between renders, apart from how it is drawn.

use std::rc::Rc;

pub use crate::flow::{Engine, Page, Progress};
pub use crate::job::Loaded;

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
