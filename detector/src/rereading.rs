//! [`Passes`]: the analysis of an input that can be read again (files, an
//! upload spooled to disk), as the CLI and the server make it. Memory is then
//! bounded by entities, not by the input:
//!
//! - event times are kept bounded ([`Analyzer::with_bounded_times`]); the
//!   entities whose events were more than a minute out of time order are
//!   read again with their times whole (a third pass, which the same input
//!   merged the same way cannot need, would keep every time);
//! - `logs = anomalous` (without pseudonymization, whose report names
//!   entities by keyed hash) is a pass without rows, then a pass that keeps
//!   only the flagged entities' rows ([`Analyzer::with_rows_for`]).
//!
//! The report is the one a single exact pass gives. The caller reads the
//! input into each [`Passes::analyzer`] and hands it to [`Passes::finish`]
//! until that says [`Pass::Done`].

use crate::analyzer::{Analyzer, Finished};
use crate::config::{Config, LogsMode};
use crate::error::Error;
use crate::report::Report;

/// What [`Passes::finish`] found.
#[derive(Debug)]
pub enum Pass {
    Done(Box<Report>),
    /// Read the input again, into the next [`Passes::analyzer`].
    ReadAgain(Why),
}

/// Why the input is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// This many entities had events too far out of time order to keep
    /// their peak exact from bounded times.
    OutOfOrder(usize),
    /// The anomalous entities are known: now their rows.
    Rows,
}

/// The passes over one re-readable input (see the module docs).
#[derive(Debug)]
pub struct Passes {
    config: Config,
    /// `logs = anomalous`: rows in a pass of their own.
    rows_later: bool,
    /// Entities whose times are kept whole; `None`: every entity's.
    exact: Option<Vec<String>>,
    /// Entities whose rows are kept, once known.
    rows_for: Option<Vec<String>>,
}

impl Passes {
    pub fn new(config: Config) -> Self {
        Passes {
            rows_later: config.logs == LogsMode::Anomalous && config.pseudonymize.is_none(),
            config,
            exact: Some(Vec::new()),
            rows_for: None,
        }
    }

    /// The analyzer for the next pass (name its input and set its threads
    /// as for any analysis).
    pub fn analyzer(&self) -> Result<Analyzer, Error> {
        let mut config = self.config.clone();
        if self.rows_later && self.rows_for.is_none() {
            config.logs = LogsMode::None;
        }
        let mut analyzer = Analyzer::new(config)?;
        if let Some(exact) = &self.exact {
            analyzer = analyzer.with_bounded_times(exact.iter().cloned());
        }
        if let Some(entities) = &self.rows_for {
            analyzer = analyzer.with_rows_for(entities.iter().cloned());
        }
        Ok(analyzer)
    }

    /// Ends a pass: the report, or why the input must be read again.
    pub fn finish(&mut self, analyzer: Analyzer) -> Result<Pass, Error> {
        match analyzer.finish_bounded()? {
            Finished::ReadAgain(lost) => {
                let n = lost.len();
                self.exact = match self.exact.take() {
                    Some(v) if v.is_empty() => Some(lost),
                    _ => None,
                };
                Ok(Pass::ReadAgain(Why::OutOfOrder(n)))
            }
            Finished::Report(report) if self.rows_later && self.rows_for.is_none() => {
                self.rows_for = Some(report.anomalies.iter().map(|a| a.entity.clone()).collect());
                Ok(Pass::ReadAgain(Why::Rows))
            }
            Finished::Report(report) => Ok(Pass::Done(report)),
        }
    }
}
