//! A report from per-entity totals computed elsewhere: the entry for
//! engines that aggregate events themselves (the `engine` crate: Apache
//! DataFusion SQL on one machine, Apache Ballista on a cluster).
//!
//! The engine computes, per entity, the sums of docs/DESIGN.md "Entities
//! and features" (events, denied, bytes, off-hours events, distinct hosts,
//! the 60 s peak and the start of its first window, first and last time);
//! everything from there on is this crate's, unchanged: the rules, the
//! forest, the verdicts, the texts and the report. In two steps, so the
//! engine can fetch evidence for the flagged entities only:
//!
//! 1. [`score_table`]: features, rules, forest, severity → [`ScoredTable`];
//!    [`ScoredTable::flagged`] names the anomalous entities;
//! 2. [`ScoredTable::add_host`] / [`ScoredTable::add_hour`] add their
//!    per-host tallies and local-hour counts (evidence), then
//!    [`ScoredTable::report`] writes the report.
//!
//! What an engine cannot supply is left out, not made up: raw rows (`logs`
//! is empty and the echoed `config.logs` says `none`), line numbers
//! (`parse_errors` and the transfer evidence's `largest_events` are empty)
//! and blank lines (not counted).

use crate::assemble::{self, population::Assessment, Judged};
use crate::config::{Config, EntityField, Format, LogsMode};
use crate::error::Error;
use crate::features::{EntityAccumulator, Features, HostTally};
use crate::ingest::RejectKind;
use crate::partial::{Partial, Tally};
use crate::report::{Input, Report};
use crate::scoring;
use crate::time::Nanos;

/// One entity's totals, as an engine computed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTotals {
    pub entity: String,
    pub events: u64,
    pub denied: u64,
    /// Sum of response sizes (saturating is the engine's business).
    pub bytes: u64,
    /// Events whose local second of day is in the off-hours window.
    pub off_hours: u64,
    pub unique_hosts: u64,
    /// Most events in any [t, t + 60 s), t one of the entity's times.
    pub peak: u64,
    /// The earliest t whose window reaches `peak`.
    pub peak_start: Nanos,
    pub first_seen: Nanos,
    pub last_seen: Nanos,
}

/// File-level counts an engine computed beside the entities.
#[derive(Debug, Clone, Default)]
pub struct TableTotals {
    /// Rejected rows per kind (kinds with no row may be left out).
    pub rejected: Vec<(RejectKind, u64)>,
    /// Accepted events per UTC minute (minutes since the epoch).
    pub events_per_minute: Vec<(i64, u64)>,
    /// Accepted events per local hour of day.
    pub events_per_hour: [u64; 24],
    /// The inputs read, in order, with their accepted and rejected rows
    /// (`lines` = accepted + rejected: engines skip blank lines uncounted).
    pub inputs: Vec<Input>,
}

/// The population after the rules, the forest and the verdicts.
pub struct ScoredTable {
    judged: Judged,
    config: Config,
    format: Format,
    entity_field: EntityField,
}

/// Step 1: features, rules, forest and verdicts of the entities (in any
/// order; they are sorted by value here, as natively). `Err` for an
/// invalid config, or [`Error::EmptyInput`] without any entity.
pub fn score_table(
    mut entities: Vec<EntityTotals>,
    config: &Config,
    format: Format,
    entity_field: EntityField,
) -> Result<ScoredTable, Error> {
    let validated = config.validated()?;
    if entities.is_empty() {
        return Err(Error::EmptyInput);
    }
    entities.sort_unstable_by(|a, b| a.entity.cmp(&b.entity));
    let population = entities.into_iter().map(|t| assess(t, config)).collect();
    let judged = assemble::judge_population(population, config, &validated.allowlist, entity_field);
    Ok(ScoredTable {
        judged,
        config: config.clone(),
        format,
        entity_field,
    })
}

fn assess(t: EntityTotals, config: &Config) -> Assessment {
    let n = t.events.max(1) as f64;
    let features = Features {
        requests_per_minute_peak: t.peak,
        deny_rate: t.denied as f64 / n,
        total_bytes_transferred: t.bytes,
        unique_hosts_count: t.unique_hosts,
        off_hours_request_ratio: t.off_hours as f64 / n,
    };
    let rules = scoring::fired_rules(&features, t.events, &config.rules);
    let mut detail = EntityAccumulator::default();
    detail.events = t.events;
    detail.denied = t.denied;
    detail.bytes = t.bytes;
    detail.off_hours = t.off_hours;
    detail.first_seen = t.first_seen;
    detail.last_seen = t.last_seen;
    Assessment {
        entity: t.entity,
        features,
        peak_start: t.peak_start,
        first_seen: t.first_seen,
        last_seen: t.last_seen,
        events: t.events,
        rules,
        score: None,
        attribution: None,
        outlier: false,
        allowlisted: false,
        severity: None,
        confidence: 0.0,
        detail: Some(Box::new(detail)),
    }
}

impl ScoredTable {
    /// The entities that will be anomalies (their values as given, before
    /// any pseudonym), in entity order: the ones whose evidence to fetch.
    pub fn flagged(&self) -> Vec<&str> {
        self.judged
            .population
            .iter()
            .filter(|s| s.severity.is_some())
            .map(|s| s.entity.as_str())
            .collect()
    }

    fn flagged_detail(&mut self, entity: &str) -> Option<&mut EntityAccumulator> {
        let population = &mut self.judged.population;
        let i = population
            .binary_search_by(|s| s.entity.as_str().cmp(entity))
            .ok()?;
        let s = &mut population[i];
        s.severity.is_some().then_some(s.detail.as_deref_mut()?)
    }

    /// Step 2: a flagged entity's requests, denials and bytes towards one
    /// destination host. Ignored for entities that are not flagged.
    pub fn add_host(&mut self, entity: &str, host: &str, requests: u64, denied: u64, bytes: u64) {
        if let Some(d) = self.flagged_detail(entity) {
            let tally = HostTally {
                requests,
                denied,
                bytes,
            };
            d.hosts.add(host.into(), tally);
        }
    }

    /// Step 2: a flagged entity's events in one local hour of day (0–23).
    pub fn add_hour(&mut self, entity: &str, hour: u8, events: u64) {
        if let Some(d) = self.flagged_detail(entity) {
            if let Some(h) = d.hours.get_mut(usize::from(hour)) {
                *h = h.saturating_add(u32::try_from(events).unwrap_or(u32::MAX));
            }
        }
    }

    /// Step 3: the report, with the file-level counts.
    pub fn report(self, totals: TableTotals) -> Report {
        let population = &self.judged.population;
        let accepted: u64 = population.iter().map(|s| s.events).sum();
        let first = population.iter().map(|s| s.first_seen).min();
        let last = population.iter().map(|s| s.last_seen).max();
        let span = (first.unwrap_or(0), last.unwrap_or(0));
        let mut p = Partial {
            accepted,
            span: Some(span),
            per_minute: totals.events_per_minute.into_iter().collect(),
            per_hour: totals.events_per_hour,
            ..Partial::default()
        };
        for (kind, n) in totals.rejected {
            p.reject_counts[kind.index()] += n;
            p.rejected += n;
        }
        p.tallies = totals
            .inputs
            .iter()
            .map(|i| Tally {
                accepted: i.accepted,
                rejected: i.rejected,
            })
            .collect();
        let inputs = totals.inputs;
        let mut config = self.config;
        config.logs = LogsMode::None;
        assemble::write(
            p,
            self.judged,
            span,
            &config,
            self.format,
            self.entity_field,
            inputs,
        )
    }
}
