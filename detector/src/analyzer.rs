//! [`Analyzer`]: push byte chunks split anywhere, then [`Analyzer::finish`].
//!
//! The analyzer frames bytes into numbered lines. A line split across chunks
//! waits in a small carry buffer; an over-long line is rejected as soon as it
//! passes the limit and the rest of it is skipped without being stored, so
//! memory never depends on line length. The first non-blank line fixes the
//! format (and, for CSV, is the header). After that, whole runs of complete
//! lines are parsed in place — or, with [`Analyzer::with_threads`], handed to
//! worker threads that each keep their own [`Partial`]; partials merge
//! exactly, so the report is the same for any chunking and thread count.

use std::sync::Arc;

use crate::config::{Config, EntityField, Format, FormatChoice};
use crate::csv::CsvSchema;
use crate::error::Error;
use crate::ingest::Schema;
use crate::partial::{Context, Partial};
use crate::report::{self, Report};

#[cfg(not(target_arch = "wasm32"))]
mod pool {
    use std::ops::Range;
    use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;

    use crate::partial::{Context, Partial};

    pub struct Job {
        pub ctx: Arc<Context>,
        pub first_line: u64,
        pub buf: Arc<Vec<u8>>,
        pub range: Range<usize>,
    }

    /// Worker threads parsing blocks into their own partials.
    pub struct Pool {
        tx: Option<SyncSender<Job>>,
        handles: Vec<JoinHandle<Partial>>,
    }

    impl Pool {
        pub fn new(threads: usize) -> Self {
            // Two blocks in flight per worker bounds memory to a few blocks.
            let (tx, rx) = sync_channel::<Job>(threads * 2);
            let rx = Arc::new(Mutex::new(rx));
            let handles = (0..threads)
                .map(|_| {
                    let rx: Arc<Mutex<Receiver<Job>>> = Arc::clone(&rx);
                    std::thread::spawn(move || {
                        let mut partial = Partial::default();
                        loop {
                            let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                            let Ok(job) = job else { break };
                            partial.ingest_block(&job.ctx, job.first_line, &job.buf[job.range]);
                        }
                        partial
                    })
                })
                .collect();
            Pool {
                tx: Some(tx),
                handles,
            }
        }

        pub fn send(&self, job: Job) {
            if let Some(tx) = &self.tx {
                // A send fails only if every worker is gone, which happens
                // only after a worker panicked; `finish` re-raises that.
                let _ = tx.send(job);
            }
        }

        pub fn finish(mut self) -> Vec<Partial> {
            self.tx = None;
            self.handles
                .drain(..)
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        }
    }
}

/// Incremental analysis of one input.
pub struct Analyzer {
    config: Arc<Config>,
    filename: Option<String>,
    carry: Vec<u8>,
    /// Inside an over-long line that was already rejected.
    discarding: bool,
    /// Number of the line that starts at the next unread byte.
    next_line: u64,
    bytes_seen: u64,
    ctx: Option<Arc<Context>>,
    fatal: Option<Error>,
    main: Partial,
    threads: usize,
    #[cfg(not(target_arch = "wasm32"))]
    pool: Option<pool::Pool>,
}

impl Analyzer {
    /// A single-threaded analyzer. The config is validated here.
    pub fn new(config: Config) -> Result<Self, Error> {
        config.validate()?;
        Ok(Analyzer {
            config: Arc::new(config),
            filename: None,
            carry: Vec::new(),
            discarding: false,
            next_line: 1,
            bytes_seen: 0,
            ctx: None,
            fatal: None,
            main: Partial::default(),
            threads: 1,
            #[cfg(not(target_arch = "wasm32"))]
            pool: None,
        })
    }

    /// The file name echoed in the report.
    pub fn with_filename(mut self, name: impl Into<String>) -> Self {
        self.filename = Some(name.into());
        self
    }

    /// Parse on `threads` worker threads (native only; ignored on wasm).
    /// Use with [`Analyzer::push_owned`] to avoid copying blocks.
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Bytes pushed so far.
    pub fn bytes_seen(&self) -> u64 {
        self.bytes_seen
    }

    /// Complete lines framed so far.
    pub fn lines_seen(&self) -> u64 {
        self.next_line - 1
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
        let body_start = self.complete_carry(data);
        let rest = &data[body_start..];
        match memchr::memrchr(b'\n', rest) {
            None => self.extend_carry(rest),
            Some(last) => {
                let body_end = body_start + last + 1;
                self.body(data, body_start..body_end, owned);
                self.extend_carry(&data[body_end..]);
            }
        }
        match &self.fatal {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Finishes the line held in `carry` with the start of `data`; returns
    /// where the next line starts in `data`.
    fn complete_carry(&mut self, data: &[u8]) -> usize {
        if self.carry.is_empty() && !self.discarding {
            return 0;
        }
        match memchr::memchr(b'\n', data) {
            None => {
                self.extend_carry(data);
                data.len()
            }
            Some(k) => {
                self.extend_carry(&data[..k]);
                self.end_carried_line();
                k + 1
            }
        }
    }

    fn extend_carry(&mut self, data: &[u8]) {
        if self.discarding || data.is_empty() {
            return;
        }
        // Slack for a `\r` that is not part of the line and, on line 1, a
        // UTF-8 byte-order mark (3 bytes): `Partial::clean` strips both
        // before the length check, which is exact.
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
        if self.discarding {
            self.discarding = false;
        } else {
            let line = std::mem::take(&mut self.carry);
            self.line(self.next_line, &line);
        }
        self.next_line += 1;
    }

    /// One line handled on this thread (format detection happens here).
    fn line(&mut self, line_no: u64, raw: &[u8]) {
        match &self.ctx {
            Some(ctx) => {
                let ctx = Arc::clone(ctx);
                self.main.ingest_line(&ctx, line_no, raw);
            }
            None => self.detect(line_no, raw),
        }
    }

    /// Lines before the format is known: blanks are counted; the first
    /// non-blank line decides the format.
    fn detect(&mut self, line_no: u64, raw: &[u8]) {
        let clean = Partial::clean(line_no, raw);
        if clean.len() > self.config.input.max_line_bytes {
            self.main.too_long(line_no, &self.config);
            return;
        }
        if Partial::is_blank(clean) {
            self.main.blank += 1;
            return;
        }
        let text = String::from_utf8_lossy(clean);
        let trimmed = text.trim_start();
        // A header is text: binary data (invalid UTF-8, control bytes) is
        // read as JSONL so each line is rejected with its reason.
        let is_text =
            std::str::from_utf8(clean).is_ok() && !clean.iter().any(|&c| c < 0x20 && c != b'\t');
        let csv = match self.config.input.format {
            FormatChoice::Jsonl => false,
            FormatChoice::Csv => true,
            FormatChoice::Auto => is_text && !trimmed.starts_with('{') && trimmed.contains(','),
        };
        let (schema, entity) = if csv {
            let entity = self
                .config
                .entity
                .unwrap_or(EntityField::default_for(Format::Csv));
            match CsvSchema::from_header(&text, &self.config.csv, entity) {
                Ok(s) => {
                    self.main.header += 1;
                    (Schema::Csv(s), entity)
                }
                Err(e) => {
                    // Account for the line so counts stay whole, then stop.
                    self.main.header += 1;
                    self.fatal = Some(e);
                    return;
                }
            }
        } else {
            (
                Schema::Jsonl,
                self.config
                    .entity
                    .unwrap_or(EntityField::default_for(Format::Jsonl)),
            )
        };
        let ctx = Arc::new(Context {
            schema,
            entity,
            config: Arc::clone(&self.config),
        });
        self.ctx = Some(Arc::clone(&ctx));
        if !csv {
            self.main.ingest_line(&ctx, line_no, raw);
        }
    }

    /// `data[range]` is a run of complete lines starting at `next_line`.
    fn body(&mut self, data: &[u8], range: std::ops::Range<usize>, owned: Option<Arc<Vec<u8>>>) {
        let mut start = range.start;
        // Until the format is known, go line by line on this thread.
        while self.ctx.is_none() && self.fatal.is_none() && start < range.end {
            // The body ends with a newline, so there is always one to find.
            let nl =
                memchr::memchr(b'\n', &data[start..range.end]).map_or(range.end - 1, |k| start + k);
            self.line(self.next_line, &data[start..nl]);
            self.next_line += 1;
            start = nl + 1;
        }
        if self.fatal.is_some() || start >= range.end {
            return;
        }
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
            self.next_line += lines;
            return;
        }
        let _ = owned;
        self.next_line += self.main.ingest_block(&ctx, self.next_line, block);
    }

    /// Ends the input and builds the report.
    pub fn finish(mut self) -> Result<Report, Error> {
        if let Some(e) = self.fatal.take() {
            return Err(e);
        }
        if !self.carry.is_empty() || self.discarding {
            self.end_carried_line();
        }
        if let Some(e) = self.fatal.take() {
            return Err(e);
        }
        let max_reported = self.config.input.max_reported_errors;
        let mut merged = std::mem::take(&mut self.main);
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(pool) = self.pool.take() {
            for p in pool.finish() {
                merged.merge(p, max_reported);
            }
        }
        merged.errors.truncate(max_reported);
        let Some(ctx) = self.ctx.take() else {
            // No non-blank line decided a format.
            return Err(if merged.rejected == 0 {
                Error::EmptyInput
            } else {
                Error::NoValidLines {
                    lines: self.next_line - 1,
                    rejected: merged.rejected,
                    first: merged
                        .errors
                        .first()
                        .map(|e| format!("line {}: {}", e.line, e.reason)),
                }
            });
        };
        report::build(
            merged,
            &self.config,
            ctx.schema.format(),
            ctx.entity,
            self.filename.take(),
        )
    }
}
