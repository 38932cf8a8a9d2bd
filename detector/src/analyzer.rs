//! [`Analyzer`]: push byte chunks split anywhere, then [`Analyzer::finish`].
//!
//! The analyzer frames bytes into numbered lines. A line split across chunks
//! waits in a small carry buffer; an over-long line is rejected as soon as it
//! passes the limit and the rest of it is skipped without being stored, so
//! memory never depends on line length. The first non-blank line fixes the
//! format (decided by `ingest::sniff`; for CSV it is the header). After
//! that, whole runs of complete lines are parsed in place — or, with
//! [`Analyzer::with_threads`], handed to worker threads that each keep
//! their own [`Partial`]; partials merge exactly, so the report is the same
//! for any chunking and thread count. What happens to each line (prelude,
//! parsing) is `ingest`'s; this module only frames and schedules.
//!
//! Several inputs (rotated files, upload parts) make one analysis:
//! [`Analyzer::next_input`] ends the current input as [`Analyzer::finish`]
//! would and starts the next one afresh — lines numbered from 1, its
//! compression and format (and CSV header) read again — while the
//! per-entity sums simply continue, so the parts in any order give the
//! entities of the whole.

use std::sync::Arc;

use crate::allowlist::Allowlist;
use crate::assemble;
use crate::clock::Clock;
use crate::config::{Config, EntityField, Format, Validated};
use crate::error::{input_label, Error};
use crate::features::times::WINDOW_AFTER;
use crate::ingest::csv::RecordState;
use crate::ingest::decompress::{Compression, Decoder};
use crate::ingest::mapping::Mapping;
use crate::ingest::sniff::sniff;
use crate::ingest::Schema;
use crate::partial::{Context, Partial, TimesMode};
use crate::report::{Input, Report};
use crate::wire::{wire_struct, Reader, Wire};

/// What [`Analyzer::finish_bounded`] found.
#[derive(Debug)]
pub enum Finished {
    Report(Box<Report>),
    /// Bounded mode could not keep these entities' peaks exact (events far
    /// out of time order): analyze the same input again with
    /// [`Analyzer::with_bounded_times`] naming them.
    ReadAgain(Vec<String>),
}

#[cfg(not(target_arch = "wasm32"))]
mod pool {
    use std::collections::BTreeMap;
    use std::ops::Range;
    use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;

    use crate::partial::{Context, Partial};

    pub struct Job {
        pub ctx: Arc<Context>,
        pub first_line: u64,
        pub buf: Arc<Vec<u8>>,
        pub range: Range<usize>,
    }

    /// Worker threads parsing blocks, each into a partial of its own that
    /// is merged into the analyzer's in input order: bounded event times
    /// join only with the times that follow them (docs/DESIGN.md "Memory").
    pub struct Pool {
        tx: Option<SyncSender<(u64, Job)>>,
        results: Receiver<(u64, Partial)>,
        handles: Vec<JoinHandle<()>>,
        /// Sequence number of the next block (or line parsed here).
        sent: u64,
        /// Sequence number of the next partial to merge.
        merged: u64,
        /// Partials that arrived before one of an earlier block.
        pending: BTreeMap<u64, Partial>,
    }

    fn work(rx: &Mutex<Receiver<(u64, Job)>>, out: &Sender<(u64, Partial)>) {
        loop {
            let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
            let Ok((seq, job)) = job else { break };
            let mut partial = Partial::default();
            partial.ingest_block(&job.ctx, job.first_line, &job.buf[job.range]);
            if out.send((seq, partial)).is_err() {
                break;
            }
        }
    }

    impl Pool {
        pub fn new(threads: usize) -> Self {
            // One block waiting per worker (besides the one it parses)
            // bounds memory to a few blocks.
            let (tx, rx) = sync_channel::<(u64, Job)>(threads);
            let (out, results) = channel();
            let rx = Arc::new(Mutex::new(rx));
            let handles = (0..threads)
                .map(|_| {
                    let rx = Arc::clone(&rx);
                    let out = out.clone();
                    std::thread::spawn(move || work(&rx, &out))
                })
                .collect();
            Pool {
                tx: Some(tx),
                results,
                handles,
                sent: 0,
                merged: 0,
                pending: BTreeMap::new(),
            }
        }

        pub fn send(&mut self, job: Job) {
            let seq = self.sent;
            self.sent += 1;
            if let Some(tx) = &self.tx {
                // A send fails only if every worker is gone, which happens
                // only after a worker panicked; `finish` re-raises that.
                let _ = tx.send((seq, job));
            }
        }

        /// A partial made on the analyzer's thread (a line that spanned
        /// chunks), in sequence with the blocks.
        pub fn local(&mut self, partial: Partial) {
            self.pending.insert(self.sent, partial);
            self.sent += 1;
        }

        /// Merges, in order, every partial whose predecessors are merged.
        pub fn drain(&mut self, into: &mut Partial, max_reported: usize) {
            while let Ok((seq, p)) = self.results.try_recv() {
                self.pending.insert(seq, p);
            }
            while let Some(p) = self.pending.remove(&self.merged) {
                into.merge(p, max_reported);
                self.merged += 1;
            }
        }

        pub fn finish(mut self, into: &mut Partial, max_reported: usize) {
            self.tx = None;
            for h in self.handles.drain(..) {
                h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            }
            self.drain(into, max_reported);
        }
    }
}

/// One input as read so far.
struct InputState {
    name: Option<String>,
    bytes: u64,
    compression: Option<Compression>,
    lines: u64,
}

impl InputState {
    fn new(name: Option<String>) -> Self {
        InputState {
            name,
            bytes: 0,
            compression: None,
            lines: 0,
        }
    }
}

/// Incremental analysis of one or more inputs.
pub struct Analyzer {
    config: Arc<Config>,
    /// Parsed once, by config validation.
    allowlist: Allowlist,
    /// The time format and zone, parsed once by config validation.
    clock: Clock,
    /// Every input so far; the last is the one being read.
    inputs: Vec<InputState>,
    /// Lines of the inputs before the current one.
    lines_before: u64,
    /// The format and entity field, and the input that decided them.
    decided: Option<(Format, EntityField, usize)>,
    carry: Vec<u8>,
    /// Line breaks inside the carried CSV record (stored or discarded).
    carry_newlines: u64,
    /// Whether the last carried byte (stored or discarded) was a `\n`.
    carry_ends_in_newline: bool,
    /// Inside an over-long line that was already rejected.
    discarding: bool,
    /// CSV: records end at line breaks outside quoted fields.
    csv_records: bool,
    /// CSV: the quoting state at the end of the carried bytes.
    record: RecordState,
    /// Number of the line that starts at the next unread byte.
    next_line: u64,
    /// The number the first line of the current input gets: 1, or
    /// [`SLICE_BASE`] for a slice of a file ([`Analyzer::slice_of`]).
    line_base: u64,
    /// The line that decided the format (of the input that decided it).
    decided_line: u64,
    bytes_seen: u64,
    ctx: Option<Arc<Context>>,
    fatal: Option<Error>,
    main: Partial,
    threads: usize,
    #[cfg(not(target_arch = "wasm32"))]
    pool: Option<pool::Pool>,
    /// Undoes gzip or zstd before framing; `None` only while it runs.
    decoder: Option<Decoder>,
    /// Decompressed bytes waiting to be framed as one block.
    inflated: Vec<u8>,
    /// How event times are kept.
    times: TimesMode,
    /// See [`Analyzer::with_rows_for`].
    rows_for: Option<Arc<rustc_hash::FxHashSet<Box<str>>>>,
}

/// A slice's lines ([`Analyzer::slice_of`]) are numbered from here until
/// [`Analyzer::merge_slice`] renumbers them as lines of the file: far above
/// any real line number, so that no line of a slice is taken for the file's
/// first (the one line that may start with a byte-order mark).
const SLICE_BASE: u64 = 1 << 48;

/// What a slice of a file adds up to, on its way to the analyzer of the
/// bytes before it: as bytes across workers ([`Analyzer::finish_slice`],
/// [`Analyzer::merge_slice`]), or as it is between threads of one process
/// ([`Analyzer::finish_slice_here`], [`Analyzer::merge_slice_here`]).
pub struct Slice {
    /// Which detector made it: a slice is merged only by the same one.
    made_by: String,
    lines: u64,
    bytes: u64,
    partial: Partial,
}

wire_struct!(Slice {
    made_by,
    lines,
    bytes,
    partial
});

fn slice_maker() -> String {
    concat!("signaltrace ", env!("CARGO_PKG_VERSION")).to_string()
}

/// Whether a file that starts with `head` can be analyzed in slices
/// ([`Analyzer::slice_of`]): `Some(n)` when it can be split at any line
/// start at or after byte `n`, the end of the line that decides its format
/// (the slices are then analyzed separately and merged in file order, and
/// give the report of the whole file); `None` when one analyzer must read
/// it whole: a compressed file, a CSV file (a quoted field may span lines),
/// or a `head` without the deciding line (or one that fails to decide).
pub fn split_head(config: Config, head: &[u8]) -> Option<usize> {
    let lines_end = memchr::memrchr(b'\n', head)? + 1;
    let mut analyzer = Analyzer::new(config).ok()?;
    analyzer.push(&head[..lines_end]).ok()?;
    if !analyzer.splittable() {
        return None;
    }
    let line = usize::try_from(analyzer.decided_line).ok()?;
    memchr::memchr_iter(b'\n', head)
        .nth(line.checked_sub(1)?)
        .map(|i| i + 1)
}

/// Decompressed bytes are framed in blocks of this size (the size the CLI
/// and server push), so worker threads get whole blocks.
const INFLATED_BLOCK: usize = 4 << 20;

impl Analyzer {
    /// A single-threaded analyzer. The config is validated here.
    pub fn new(config: Config) -> Result<Self, Error> {
        let Validated { allowlist, clock } = config.validated()?;
        let limit = config.input.max_decompressed_bytes;
        Ok(Analyzer {
            config: Arc::new(config),
            allowlist,
            clock,
            inputs: vec![InputState::new(None)],
            lines_before: 0,
            decided: None,
            carry: Vec::new(),
            carry_newlines: 0,
            carry_ends_in_newline: false,
            discarding: false,
            csv_records: false,
            record: RecordState::default(),
            next_line: 1,
            line_base: 1,
            decided_line: 0,
            bytes_seen: 0,
            ctx: None,
            fatal: None,
            main: Partial::default(),
            threads: 1,
            #[cfg(not(target_arch = "wasm32"))]
            pool: None,
            decoder: Some(Decoder::new(limit)),
            inflated: Vec::new(),
            times: TimesMode::default(),
            rows_for: None,
        })
    }

    /// Keeps raw rows only for these entities (their keys as read, before
    /// any pseudonymization): for a second pass over the same input once
    /// the anomalous entities are known, so `logs = anomalous` holds only
    /// their rows instead of every row until the end. The report is the
    /// same as without it as long as `entities` includes every entity the
    /// report flags. Call before pushing anything.
    pub fn with_rows_for(mut self, entities: impl IntoIterator<Item = String>) -> Self {
        self.rows_for = Some(Arc::new(
            entities.into_iter().map(String::into_boxed_str).collect(),
        ));
        self
    }

    /// Bounded memory (docs/DESIGN.md "Memory"): instead of every event
    /// time, each entity keeps the events of its first and last two
    /// minutes and its best window so far, exact for events that arrive in
    /// time order or up to a minute late. Entities whose events are later
    /// than that cannot be kept exact: [`Analyzer::finish_bounded`] names
    /// them, and a second analysis of the same input with them in `exact`
    /// keeps their times whole. Call before pushing anything.
    pub fn with_bounded_times(mut self, exact: impl IntoIterator<Item = String>) -> Self {
        let exact = exact.into_iter().map(String::into_boxed_str).collect();
        self.times = TimesMode {
            window_after: Some(WINDOW_AFTER),
            exact: Arc::new(exact),
        };
        self.main.window_after = Some(WINDOW_AFTER);
        self
    }

    /// Names the current input (the first, unless [`Analyzer::next_input`]
    /// was called): the name is echoed in the report and in messages.
    pub fn with_filename(mut self, name: impl Into<String>) -> Self {
        self.current().name = Some(name.into());
        self
    }

    fn current(&mut self) -> &mut InputState {
        self.inputs
            .last_mut()
            .expect("there is always a current input")
    }

    /// How messages name input `index`.
    fn label(&self, index: usize) -> Option<String> {
        input_label(self.inputs[index].name.as_deref(), index, self.inputs.len())
    }

    /// Ends the current input as [`Analyzer::finish`] would end the last
    /// (a last line without a newline, a truncated compressed stream, an
    /// open CSV quote) and starts the next, named `name`: its lines are
    /// numbered from 1 and its compression and format (for CSV, its own
    /// header) are read from its first bytes. All inputs must share one
    /// format. Fails with what ended the analysis, like `push`.
    pub fn next_input(&mut self, name: Option<&str>) -> Result<(), Error> {
        self.end_input();
        self.status()?;
        self.inputs.push(InputState::new(name.map(str::to_string)));
        self.main.input = (self.inputs.len() - 1) as u32;
        self.ctx = None;
        self.csv_records = false;
        self.record = RecordState::default();
        self.next_line = 1;
        self.decoder = Some(Decoder::new(self.config.input.max_decompressed_bytes));
        Ok(())
    }

    /// Ends the current input: the decoder's tail, then the last line.
    fn end_input(&mut self) {
        if let Some(mut decoder) = self.decoder.take() {
            let decoded = decoder.finish(&mut |piece| self.inflate(piece));
            self.decoded(decoded);
            self.frame_inflated();
            self.current().compression = decoder.compression();
        }
        if self.fatal.is_some() {
            return;
        }
        if !self.carry.is_empty() || self.discarding {
            if self.carry_ends_in_newline {
                // A CSV quote left open to the end: the input's last line
                // break ends the last line, it does not continue it.
                self.carry_newlines -= 1;
                if !self.discarding {
                    self.carry.pop();
                }
            }
            self.end_carried_line();
        }
        let lines = self.next_line - self.line_base;
        self.current().lines = lines;
        self.lines_before += lines;
        self.next_line = 1;
        self.line_base = 1;
    }

    /// Parse on `threads` worker threads (native only; ignored on wasm).
    /// Use with [`Analyzer::push_owned`] to avoid copying blocks.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Bytes pushed so far, over all inputs.
    pub fn bytes_seen(&self) -> u64 {
        self.bytes_seen
    }

    /// Complete lines framed so far, over all inputs.
    pub fn lines_seen(&self) -> u64 {
        self.lines_before + self.next_line - self.line_base
    }

    /// Distinct entities in the lines parsed so far on this thread: all of
    /// them without [`Analyzer::with_threads`] (as on wasm).
    #[cfg(feature = "wasm")]
    pub(crate) fn entities_seen(&self) -> u64 {
        self.main.entities.len() as u64
    }

    /// Pushes a chunk. Chunks may split lines (and UTF-8 characters)
    /// anywhere. Fails only when the input is unusable as a whole (a CSV
    /// header without the needed columns); later pushes then fail the same way.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.push_inner(chunk, None)
    }

    /// Like [`Analyzer::push`], taking ownership so that worker threads can
    /// parse the buffer without a copy.
    pub fn push_owned(&mut self, chunk: Vec<u8>) -> Result<(), Error> {
        let buf = Arc::new(chunk);
        self.push_inner(&Arc::clone(&buf), Some(buf))
    }

    fn push_inner(&mut self, data: &[u8], owned: Option<Arc<Vec<u8>>>) -> Result<(), Error> {
        if let Some(e) = &self.fatal {
            return Err(e.clone());
        }
        self.bytes_seen += data.len() as u64;
        self.current().bytes += data.len() as u64;
        let Some(mut decoder) = self.decoder.take() else {
            return Ok(());
        };
        decoder.decide(data);
        if decoder.compression() == Some(Compression::None) {
            // Plain input: whatever a tiny first push left behind goes first.
            self.frame_inflated();
            self.frame(data, owned);
        } else {
            let decoded = decoder.push(data, &mut |piece| self.inflate(piece));
            self.decoded(decoded);
        }
        self.decoder = Some(decoder);
        self.status()
    }

    fn status(&self) -> Result<(), Error> {
        match &self.fatal {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Collects decompressed bytes into blocks for [`Analyzer::frame`].
    fn inflate(&mut self, piece: &[u8]) {
        self.inflated.extend_from_slice(piece);
        if self.inflated.len() >= INFLATED_BLOCK {
            self.frame_inflated();
        }
    }

    fn frame_inflated(&mut self) {
        if self.inflated.is_empty() || self.fatal.is_some() {
            return;
        }
        let buf = Arc::new(std::mem::replace(
            &mut self.inflated,
            Vec::with_capacity(INFLATED_BLOCK + (256 << 10)),
        ));
        self.frame(&Arc::clone(&buf), Some(buf));
    }

    /// A decoding error ends the analysis, naming the input.
    fn decoded(&mut self, result: Result<(), crate::ingest::decompress::DecodeError>) {
        if let Err(e) = result {
            let file = self.label(self.inputs.len() - 1);
            self.fatal.get_or_insert(Error::Compressed {
                file,
                reason: e.to_string(),
            });
        }
    }

    /// Frames plain bytes into lines (CSV: records, which may span lines).
    fn frame(&mut self, data: &[u8], owned: Option<Arc<Vec<u8>>>) {
        // Until the format is known, one line at a time: the line that
        // decides it also decides how the rest is framed.
        let mut at = 0;
        while self.ctx.is_none() && self.fatal.is_none() {
            match memchr::memchr(b'\n', &data[at..]) {
                None => {
                    self.extend_carry(&data[at..]);
                    return;
                }
                Some(k) => {
                    self.extend_carry(&data[at..at + k]);
                    self.end_carried_line();
                    at += k + 1;
                }
            }
        }
        if self.fatal.is_some() {
            return;
        }
        let Some((first, last)) = self.line_ends(&data[at..]) else {
            self.extend_carry(&data[at..]);
            return;
        };
        let (first, last) = (at + first, at + last);
        let body_start = if self.carry.is_empty() && !self.discarding {
            at
        } else {
            self.extend_carry(&data[at..first]);
            self.end_carried_line();
            first + 1
        };
        if body_start <= last {
            self.body(data, body_start..last + 1, owned);
        }
        self.extend_carry(&data[last + 1..]);
    }

    /// The first and last line end in `data`, if any (CSV: record ends,
    /// with the quoting state carried on).
    fn line_ends(&mut self, data: &[u8]) -> Option<(usize, usize)> {
        if self.csv_records {
            let mut ends = None;
            self.record.scan(data, |i| {
                let first = ends.map_or(i, |(f, _)| f);
                ends = Some((first, i));
            });
            return ends;
        }
        let last = memchr::memrchr(b'\n', data)?;
        Some((memchr::memchr(b'\n', data)?, last))
    }

    fn extend_carry(&mut self, data: &[u8]) {
        // Line breaks inside a carried CSV record still count as lines.
        self.carry_newlines += memchr::memchr_iter(b'\n', data).count() as u64;
        if let Some(&last) = data.last() {
            self.carry_ends_in_newline = last == b'\n';
        }
        if self.discarding || data.is_empty() {
            return;
        }
        // Slack for a `\r` that is not part of the line and, on line 1, a
        // UTF-8 byte-order mark (3 bytes): `ingest::line::classify` strips
        // both before the length check, which is exact.
        let slack = if self.next_line == 1 { 4 } else { 1 };
        if self.carry.len() + data.len() > self.config.input.max_line_bytes + slack {
            self.main.too_long(self.next_line, &self.config);
            self.carry = Vec::new();
            self.discarding = true;
        } else {
            self.carry.extend_from_slice(data);
        }
    }

    /// The carried line ended (newline or end of input).
    fn end_carried_line(&mut self) {
        let inner = std::mem::take(&mut self.carry_newlines);
        self.carry_ends_in_newline = false;
        if self.discarding {
            self.discarding = false;
        } else {
            let line = std::mem::take(&mut self.carry);
            self.line(self.next_line, &line);
        }
        self.main.continuation += inner;
        self.next_line += 1 + inner;
    }

    /// One line handled on this thread (format detection happens here).
    fn line(&mut self, line_no: u64, raw: &[u8]) {
        match &self.ctx {
            Some(ctx) => {
                let ctx = Arc::clone(ctx);
                self.ingest_here(&ctx, line_no, raw);
            }
            None => self.detect(line_no, raw),
        }
    }

    /// Parses a line on this thread; once worker threads run, into a
    /// partial of its own merged in sequence with their blocks.
    fn ingest_here(&mut self, ctx: &Context, line_no: u64, raw: &[u8]) {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(pool) = &mut self.pool {
            let mut p = Partial {
                input: ctx.input,
                ..Partial::default()
            };
            p.ingest_line(ctx, line_no, raw);
            pool.local(p);
            return;
        }
        self.main.ingest_line(ctx, line_no, raw);
    }

    /// Lines before the format is known: blanks are counted; the first
    /// non-blank line decides the format (and, for CSV, is the header).
    fn detect(&mut self, line_no: u64, raw: &[u8]) {
        let Some(content) = self.main.prelude(line_no, raw, &self.config) else {
            return;
        };
        let input = self.inputs.len() - 1;
        match sniff(content, &self.config) {
            Ok(sniffed) => {
                self.main.header += u64::from(sniffed.header);
                let format = sniffed.schema.format();
                match self.decided {
                    None => {
                        self.decided = Some((format, sniffed.entity, input));
                        self.decided_line = line_no;
                    }
                    Some((first_format, _, first)) if first_format != format => {
                        self.fatal = Some(Error::MixedFormats {
                            first: self.label(first).unwrap_or_default(),
                            first_format: first_format.as_str(),
                            other: self.label(input).unwrap_or_default(),
                            other_format: format.as_str(),
                        });
                        return;
                    }
                    Some(_) => {}
                }
                let ctx = Arc::new(Context {
                    input: input as u32,
                    schema: sniffed.schema,
                    entity: sniffed.entity,
                    clock: self.clock.clone(),
                    config: Arc::clone(&self.config),
                    times: self.times.clone(),
                    rows_for: self.rows_for.clone(),
                });
                self.csv_records = matches!(ctx.schema, Schema::Csv(..));
                self.ctx = Some(Arc::clone(&ctx));
                if !sniffed.header {
                    self.ingest_here(&ctx, line_no, raw);
                }
            }
            Err(e) => {
                // Account for the header line so counts stay whole, then stop.
                self.main.header += 1;
                self.fatal = Some(e.in_file(self.label(input)));
            }
        }
    }

    /// `data[range]` is a run of complete lines (CSV: records) starting at
    /// `next_line`, read once the format is known.
    fn body(&mut self, data: &[u8], range: std::ops::Range<usize>, owned: Option<Arc<Vec<u8>>>) {
        let start = range.start;
        let Some(ctx) = self.ctx.clone() else { return };
        let block = &data[start..range.end];
        #[cfg(not(target_arch = "wasm32"))]
        if self.threads > 1 {
            let lines = memchr::memchr_iter(b'\n', block).count() as u64;
            let threads = self.threads;
            let pool = self.pool.get_or_insert_with(|| pool::Pool::new(threads));
            let (buf, range) = match owned {
                Some(buf) => (buf, start..range.end),
                None => (Arc::new(block.to_vec()), 0..block.len()),
            };
            pool.send(pool::Job {
                ctx,
                first_line: self.next_line,
                buf,
                range,
            });
            pool.drain(&mut self.main, self.config.input.max_reported_errors);
            self.next_line += lines;
            return;
        }
        let _ = owned;
        self.next_line += self.main.ingest_block(&ctx, self.next_line, block);
    }

    /// Plain JSONL, its format decided, the bytes read so far ending at a
    /// line start: a point where the file may be split.
    fn splittable(&self) -> bool {
        let plain = self.decoder.as_ref().and_then(Decoder::compression) == Some(Compression::None);
        let lines = matches!(
            self.ctx.as_deref().map(|c| &c.schema),
            Some(Schema::Jsonl(_))
        );
        #[cfg(not(target_arch = "wasm32"))]
        let lines = lines && self.pool.is_none();
        plain
            && lines
            && self.fatal.is_none()
            && self.inputs.len() == 1
            && self.carry.is_empty()
            && !self.discarding
            && self.inflated.is_empty()
    }

    /// Makes this analyzer read a slice of a file that [`split_head`]
    /// allows to be split: `head` is the file's beginning through the line
    /// that decides its format (the first `n` bytes `split_head` gave), and
    /// the bytes pushed next are the slice, from a line start at or after
    /// byte `n` to a line start (or the file's end).
    /// [`Analyzer::finish_slice`] then gives what the slice adds to the
    /// analysis of the bytes before it ([`Analyzer::merge_slice`]). Call
    /// after [`Analyzer::with_bounded_times`] and [`Analyzer::with_rows_for`]
    /// (the merging analyzer needs the same), before pushing anything.
    pub fn slice_of(mut self, head: &[u8]) -> Result<Self, Error> {
        if self.bytes_seen > 0 {
            return Err(Error::Slice(
                "the head must be the first bytes given".into(),
            ));
        }
        self.push(head)?;
        if !self.splittable() {
            return Err(Error::Slice(
                "only a plain (uncompressed) JSONL file splits, after the line that decides its format"
                    .into(),
            ));
        }
        // The head was read for its format only: its lines belong to the
        // analysis of the file's first slice.
        self.main = Partial {
            window_after: self.main.window_after,
            ..Partial::default()
        };
        self.bytes_seen = 0;
        self.current().bytes = 0;
        self.next_line = SLICE_BASE;
        self.line_base = SLICE_BASE;
        Ok(self)
    }

    /// Ends a slice ([`Analyzer::slice_of`]): what its lines add up to, as
    /// bytes for [`Analyzer::merge_slice`] (bounded by its entities and
    /// kept rows, not by its lines).
    pub fn finish_slice(self) -> Result<Vec<u8>, Error> {
        let slice = self.finish_slice_here()?;
        let mut out = Vec::new();
        slice.encode(&mut out);
        Ok(out)
    }

    /// [`Analyzer::finish_slice`] for a thread of the same process: the
    /// slice as it is, for [`Analyzer::merge_slice_here`]. Encoding and
    /// decoding a slice of a million entities cost more than reading it.
    pub fn finish_slice_here(mut self) -> Result<Slice, Error> {
        if self.line_base != SLICE_BASE {
            return Err(Error::Slice(
                "this analyzer was not made with slice_of".into(),
            ));
        }
        let bytes = self.current().bytes;
        self.end_input();
        if let Some(e) = self.fatal.take() {
            return Err(e);
        }
        #[cfg_attr(target_arch = "wasm32", allow(unused_mut))]
        let mut partial = std::mem::take(&mut self.main);
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(pool) = self.pool.take() {
            pool.finish(&mut partial, self.config.input.max_reported_errors);
        }
        Ok(Slice {
            made_by: slice_maker(),
            lines: self.inputs[0].lines,
            bytes,
            partial,
        })
    }

    /// Adds a slice that another analyzer read ([`Analyzer::finish_slice`]):
    /// the lines that follow everything this analyzer has read. Read the
    /// file's first slice into this analyzer, then merge the others in file
    /// order.
    pub fn merge_slice(&mut self, slice: &[u8]) -> Result<(), Error> {
        self.check_merge()?;
        let mut reader = Reader::new(slice);
        let slice = Slice::decode(&mut reader)
            .and_then(|s| match reader.is_empty() {
                true => Ok(s),
                false => Err("bytes after its end".into()),
            })
            .map_err(|e| Error::Slice(format!("not a slice's analysis: {e}")))?;
        self.merge_slice_here(slice)
    }

    /// [`Analyzer::merge_slice`] of a [`Analyzer::finish_slice_here`].
    pub fn merge_slice_here(&mut self, slice: Slice) -> Result<(), Error> {
        self.check_merge()?;
        if slice.made_by != slice_maker() {
            return Err(Error::Slice(format!(
                "the slice was analyzed by {}, this is {}",
                slice.made_by,
                slice_maker()
            )));
        }
        let mut partial = slice.partial;
        partial.renumber(self.next_line.wrapping_sub(SLICE_BASE));
        self.main
            .merge(partial, self.config.input.max_reported_errors);
        self.next_line += slice.lines;
        self.bytes_seen += slice.bytes;
        self.current().bytes += slice.bytes;
        Ok(())
    }

    fn check_merge(&self) -> Result<(), Error> {
        self.status()?;
        if self.line_base != 1 || !self.splittable() {
            return Err(Error::Slice(
                "a slice is merged into the analyzer of the plain JSONL bytes before it, which end at a line start"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Ends the last input and builds the report. In bounded mode, fails
    /// with [`Error::OutOfOrder`] where [`Analyzer::finish_bounded`] would
    /// ask for a second pass.
    pub fn finish(self) -> Result<Report, Error> {
        match self.finish_bounded()? {
            Finished::Report(report) => Ok(*report),
            Finished::ReadAgain(entities) => Err(Error::OutOfOrder {
                entities: entities.len() as u64,
            }),
        }
    }

    /// Ends the last input and builds the report, or (bounded mode only)
    /// names the entities whose times must be read again whole.
    pub fn finish_bounded(mut self) -> Result<Finished, Error> {
        self.end_input();
        if let Some(e) = self.fatal.take() {
            return Err(e);
        }
        let max_reported = self.config.input.max_reported_errors;
        let mut merged = std::mem::take(&mut self.main);
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(pool) = self.pool.take() {
            pool.finish(&mut merged, max_reported);
        }
        merged.errors.truncate(max_reported);
        let inputs: Vec<Input> = std::mem::take(&mut self.inputs)
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                let tally = merged.tallies.get(i).copied().unwrap_or_default();
                Input {
                    name: s.name,
                    bytes: s.bytes,
                    compression: s.compression.unwrap_or(Compression::None),
                    lines: s.lines,
                    accepted: tally.accepted,
                    rejected: tally.rejected,
                }
            })
            .collect();
        let Some((format, entity, _)) = self.decided else {
            // No non-blank line decided a format.
            let names: Vec<Option<&str>> = inputs.iter().map(|i| i.name.as_deref()).collect();
            return Err(merged.nothing_to_analyze(&names));
        };
        // Every input of one format reads the same mapping.
        let mapping = Mapping::resolve(&self.config.fields, format)?;
        if merged.accepted > 0 {
            if let Some(e) = mapping.never_seen(merged.fields_seen) {
                return Err(e);
            }
        }
        let mut lost: Vec<String> = merged
            .entities
            .iter()
            .filter(|(_, acc)| acc.times.is_lost())
            .map(|(name, _)| name.to_string())
            .collect();
        if !lost.is_empty() {
            lost.sort_unstable();
            return Ok(Finished::ReadAgain(lost));
        }
        // The report echoes the mapping resolved for this input's format.
        let mut config = Config::clone(&self.config);
        config.fields = mapping.echo.clone();
        let report = assemble::build(merged, &config, &self.allowlist, format, entity, inputs)?;
        Ok(Finished::Report(Box::new(report)))
    }
}
