//! [`Partial`]: everything a run of lines adds up to, mergeable.
//!
//! The analyzer feeds numbered lines into one `Partial` per thread; at the end
//! the partials are merged in any order and the result turned into a report.
//! Every field merges exactly: counts add, per-entity accumulators merge,
//! the kept parse errors are the first N by (input, line), raw rows are
//! re-sorted by (input, line).

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::clock::Clock;
use crate::config::{Config, EntityField, LogsMode};
use crate::error::{input_label, Error};
use crate::features::{EntityAccumulator, EventFacts};
use crate::ingest::csv::RecordState;
use crate::ingest::event::{Action, RejectKind, Rejection};
use crate::ingest::line::{self, Line};
use crate::ingest::Schema;
use crate::time::{Nanos, NANOS_PER_MINUTE};
use crate::wire::wire_struct;

/// What every worker needs to read lines: fixed once the format is known.
#[derive(Debug)]
pub(crate) struct Context {
    /// Which input (0-based, in the order given) these lines belong to.
    pub input: u32,
    pub schema: Schema,
    pub entity: EntityField,
    pub clock: Clock,
    pub config: Arc<Config>,
    /// How event times are kept (docs/DESIGN.md "Memory").
    pub times: TimesMode,
    /// With rows kept: only these entities' rows (a second pass that knows
    /// the anomalous entities already); `None`: every row.
    pub rows_for: Option<Arc<FxHashSet<Box<str>>>>,
}

/// How the accumulators keep event times.
#[derive(Debug, Clone, Default)]
pub(crate) struct TimesMode {
    /// `None`: every time; `Some(n)`: a bounded window once an entity has
    /// more than n.
    pub window_after: Option<usize>,
    /// Entities whose times are kept whole even so (a second pass).
    pub exact: Arc<FxHashSet<Box<str>>>,
}

/// A rejected line as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineError {
    pub input: u32,
    pub line: u64,
    pub kind: RejectKind,
    pub reason: String,
}

/// A raw event kept for the report's `logs`.
#[derive(Debug, Clone)]
pub(crate) struct StoredRow {
    pub input: u32,
    pub line: u64,
    pub time: Nanos,
    pub entity: Box<str>,
    pub clientip: Option<Box<str>>,
    pub user: Option<Box<str>>,
    pub destination: Box<str>,
    pub source_host: Option<Box<str>>,
    pub action: Action,
    pub responsecode: Option<u16>,
    pub bytes: u64,
    /// Inside the off-hours window.
    pub off_hours: bool,
}

/// What became of one input's lines (per input; the totals are below).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    pub accepted: u64,
    pub rejected: u64,
}

/// A slice of a file analyzed elsewhere (a browser worker) crosses to the
/// merging analyzer as one ([`crate::wire`]).
#[derive(Debug, Default)]
pub(crate) struct Partial {
    /// The input the lines being read now belong to.
    pub input: u32,
    /// Accepted and rejected lines per input, indexed by input.
    pub tallies: Vec<Tally>,
    /// Boxed: a map of a million entities then holds pointers, not
    /// accumulators, in its (up to twice over-allocated) table.
    pub entities: FxHashMap<Box<str>, Box<EntityAccumulator>>,
    pub accepted: u64,
    pub rejected: u64,
    pub blank: u64,
    pub header: u64,
    /// Lines inside quoted CSV fields that continue a record.
    pub continuation: u64,
    pub reject_counts: [u64; RejectKind::ALL.len()],
    /// The first rejections by (input, line), at most `max_reported_errors`.
    pub errors: Vec<LineError>,
    pub span: Option<(Nanos, Nanos)>,
    /// Events per UTC minute (minutes since the epoch).
    pub per_minute: FxHashMap<i64, u64>,
    /// Events per local hour of day.
    pub per_hour: [u64; 24],
    pub rows: Vec<StoredRow>,
    /// Which mapped fields some accepted line had (mapping slot bits).
    pub fields_seen: u16,
    /// Bounded mode's window size, for merges (see [`TimesMode`]).
    pub window_after: Option<usize>,
    /// Every destination host read so far, once: the entities' tallies
    /// share these names ([`HostNames::intern`]).
    pub host_names: HostNames,
}

/// The destination hosts a reader has seen, each allocated once. An event's
/// host is looked up here, in a table small and hot in cache, and the
/// entity's tally then finds it by pointer ([`crate::features::Hosts`]).
/// Only a cache: the names are not sent with a partial, and a merged
/// partial's names still match by text.
#[derive(Debug, Default)]
pub(crate) struct HostNames {
    names: Vec<Arc<str>>,
    /// Where each name is in `names`: found by one lookup, and the name
    /// then borrowed from `names`, not from the map being inserted into.
    index: FxHashMap<Arc<str>, usize>,
}

impl HostNames {
    /// The stored name equal to `host`, stored now if new.
    #[inline]
    pub fn intern(&mut self, host: &str) -> &Arc<str> {
        if let Some(&i) = self.index.get(host) {
            return &self.names[i];
        }
        let i = self.names.len();
        self.names.push(Arc::from(host));
        self.index.insert(self.names[i].clone(), i);
        &self.names[i]
    }
}

impl crate::wire::Wire for HostNames {
    fn encode(&self, _: &mut Vec<u8>) {}

    fn decode(_: &mut crate::wire::Reader<'_>) -> Result<Self, String> {
        Ok(HostNames::default())
    }
}

wire_struct!(LineError {
    input,
    line,
    kind,
    reason
});
wire_struct!(StoredRow {
    input,
    line,
    time,
    entity,
    clientip,
    user,
    destination,
    source_host,
    action,
    responsecode,
    bytes,
    off_hours,
});
wire_struct!(Tally { accepted, rejected });
wire_struct!(Partial {
    input,
    tallies,
    entities,
    accepted,
    rejected,
    blank,
    header,
    continuation,
    reject_counts,
    errors,
    span,
    per_minute,
    per_hour,
    rows,
    fields_seen,
    window_after,
    host_names,
});

impl Partial {
    /// The current input's tally.
    #[inline]
    fn tally(&mut self) -> &mut Tally {
        let i = self.input as usize;
        if self.tallies.len() <= i {
            self.tallies.resize(i + 1, Tally::default());
        }
        &mut self.tallies[i]
    }

    pub fn reject(&mut self, line: u64, r: Rejection, max_reported: usize) {
        self.rejected += 1;
        self.tally().rejected += 1;
        self.reject_counts[r.kind.index()] += 1;
        if self.errors.len() < max_reported {
            self.errors.push(LineError {
                input: self.input,
                line,
                kind: r.kind,
                reason: r.message,
            });
        }
    }

    pub fn too_long(&mut self, line: u64, config: &Config) {
        self.reject(
            line,
            Rejection::too_long(config.input.max_line_bytes),
            config.input.max_reported_errors,
        );
    }

    /// Counts a line that is not content (blank or too long); returns the
    /// content otherwise. The one place the line prelude's outcome is
    /// accounted for.
    #[inline]
    pub fn prelude<'a>(
        &mut self,
        line_no: u64,
        raw: &'a [u8],
        config: &Config,
    ) -> Option<&'a [u8]> {
        match line::classify(line_no, raw, config.input.max_line_bytes) {
            Line::TooLong => {
                self.too_long(line_no, config);
                None
            }
            Line::Blank => {
                self.blank += 1;
                None
            }
            Line::Content(content) => Some(content),
        }
    }

    /// One line (without its `\n`): blank, rejected or accepted.
    pub fn ingest_line(&mut self, ctx: &Context, line_no: u64, raw: &[u8]) {
        self.window_after = ctx.times.window_after;
        let config = &ctx.config;
        let Some(content) = self.prelude(line_no, raw, config) else {
            return;
        };
        let parsed =
            line::text(content).and_then(|text| ctx.schema.parse(text, ctx.entity, &ctx.clock));
        match parsed {
            Ok(ev) => {
                self.accepted += 1;
                self.fields_seen |= ev.seen;
                self.tally().accepted += 1;
                let t = ev.time;
                self.span = Some(match self.span {
                    None => (t, t),
                    Some((a, b)) => (a.min(t), b.max(t)),
                });
                *self
                    .per_minute
                    .entry(t.div_euclid(NANOS_PER_MINUTE))
                    .or_insert(0) += 1;
                let sod = ctx.clock.zone.second_of_day(t);
                self.per_hour[(sod / 3600) as usize] += 1;
                let off = config.off_hours.contains(sod);
                let denied = ev.action == Action::Deny;
                let entity: &str = &ev.entity;
                let facts = EventFacts {
                    time: t,
                    denied,
                    bytes: ev.bytes,
                    off_hours: off,
                    hour: (sod / 3600) as u8,
                    host: self.host_names.intern(&ev.destination),
                    input: self.input,
                    line: line_no,
                };
                let window_after = ctx.times.window_after;
                match self.entities.get_mut(entity) {
                    Some(acc) => acc.add(&facts, window_after),
                    None => {
                        let mut acc = Box::<EntityAccumulator>::default();
                        acc.exact = window_after.is_some() && ctx.times.exact.contains(entity);
                        acc.add(&facts, window_after);
                        self.entities.insert(entity.into(), acc);
                    }
                }
                if config.logs != LogsMode::None
                    && ctx
                        .rows_for
                        .as_ref()
                        .is_none_or(|keep| keep.contains(entity))
                {
                    self.rows.push(StoredRow {
                        input: self.input,
                        line: line_no,
                        time: t,
                        entity: entity.into(),
                        clientip: ev.clientip.as_deref().map(Into::into),
                        user: ev.user.as_deref().map(Into::into),
                        destination: ev.destination.as_ref().into(),
                        source_host: ev.source_host.as_deref().map(Into::into),
                        action: ev.action,
                        responsecode: ev.responsecode,
                        bytes: ev.bytes,
                        off_hours: off,
                    });
                }
            }
            Err(r) => self.reject(line_no, r, config.input.max_reported_errors),
        }
    }

    /// A block of complete lines, each ending in `\n`, the first numbered
    /// `first_line`. Returns the number of lines.
    pub fn ingest_block(&mut self, ctx: &Context, first_line: u64, block: &[u8]) -> u64 {
        self.input = ctx.input;
        let mut line_no = first_line;
        let mut start = 0;
        if let Schema::Csv(..) = ctx.schema {
            // A block starts at a record's start; a record may span lines.
            let mut record = RecordState::default();
            record.scan(block, |nl| {
                let raw = &block[start..nl];
                let inner = memchr::memchr_iter(b'\n', raw).count() as u64;
                self.ingest_line(ctx, line_no, raw);
                self.continuation += inner;
                line_no += 1 + inner;
                start = nl + 1;
            });
            return line_no - first_line;
        }
        for nl in memchr::memchr_iter(b'\n', block) {
            self.ingest_line(ctx, line_no, &block[start..nl]);
            line_no += 1;
            start = nl + 1;
        }
        line_no - first_line
    }

    /// Events, over all entities, earlier in time than their entity's
    /// previous event.
    pub fn out_of_order(&self) -> u64 {
        self.entities.values().map(|a| a.out_of_order).sum()
    }

    /// Every line counted so far: accepted + rejected + blank + header +
    /// continuation.
    pub fn total_lines(&self) -> u64 {
        self.accepted + self.rejected + self.blank + self.header + self.continuation
    }

    /// Why there is nothing to analyze when no line was accepted: no line
    /// at all, a CSV header alone, or only rejected lines (with the first,
    /// its input named by `names`, the inputs' names in order).
    pub fn nothing_to_analyze(&self, names: &[Option<&str>]) -> Error {
        if self.rejected == 0 && self.header > 0 {
            Error::HeaderOnly
        } else if self.rejected == 0 {
            Error::EmptyInput
        } else {
            Error::NoValidLines {
                lines: self.total_lines(),
                rejected: self.rejected,
                first: self.errors.first().map(|e| {
                    let i = e.input as usize;
                    match input_label(names.get(i).copied().flatten(), i, names.len()) {
                        Some(file) => format!("{file} line {}: {}", e.line, e.reason),
                        None => format!("line {}: {}", e.line, e.reason),
                    }
                }),
            }
        }
    }

    /// Adds `delta` (mod 2^64) to every line number: a slice's lines,
    /// numbered from a base of its own, renumbered as lines of the file.
    pub fn renumber(&mut self, delta: u64) {
        for e in &mut self.errors {
            e.line = e.line.wrapping_add(delta);
        }
        for r in &mut self.rows {
            r.line = r.line.wrapping_add(delta);
        }
        for acc in self.entities.values_mut() {
            for l in &mut acc.largest {
                l.line = l.line.wrapping_add(delta);
            }
        }
    }

    /// Folds `other` in: the lines that followed `self`'s in the input.
    /// Associative; commutative up to the final sort except for the
    /// entities' `out_of_order` counts, which need input order.
    pub fn merge(&mut self, other: Partial, max_reported: usize) {
        let window_after = self.window_after.or(other.window_after);
        self.window_after = window_after;
        for (k, v) in other.entities {
            match self.entities.get_mut(&k) {
                Some(acc) => acc.merge(*v, window_after),
                None => {
                    self.entities.insert(k, v);
                }
            }
        }
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        if self.tallies.len() < other.tallies.len() {
            self.tallies.resize(other.tallies.len(), Tally::default());
        }
        for (a, b) in self.tallies.iter_mut().zip(other.tallies) {
            a.accepted += b.accepted;
            a.rejected += b.rejected;
        }
        self.blank += other.blank;
        self.header += other.header;
        self.continuation += other.continuation;
        for (a, b) in self.reject_counts.iter_mut().zip(other.reject_counts) {
            *a += b;
        }
        self.errors.extend(other.errors);
        self.errors.sort_by_key(|e| (e.input, e.line));
        self.errors.truncate(max_reported);
        self.span = match (self.span, other.span) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (x, None) | (None, x) => x,
        };
        for (m, c) in other.per_minute {
            *self.per_minute.entry(m).or_insert(0) += c;
        }
        for (a, b) in self.per_hour.iter_mut().zip(other.per_hour) {
            *a += b;
        }
        self.rows.extend(other.rows);
        self.fields_seen |= other.fields_seen;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_name_is_stored_once() {
        let mut names = HostNames::default();
        let a = names.intern("a.example").clone();
        let b = names.intern("b.example").clone();
        assert!(Arc::ptr_eq(&a, names.intern("a.example")));
        assert!(Arc::ptr_eq(&b, names.intern(&String::from("b.example"))));
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!((&*a, &*b), ("a.example", "b.example"));
        assert_eq!(names.names.len(), 2);
    }
}
