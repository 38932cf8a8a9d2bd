//! The `/api/analyze` upload: the [`Upload`] extractor checks the request
//! (content type, declared length, multipart framing) and then streams its
//! parts into the detector.
//!
//! An upload is never held whole: each `file` part is read in network-sized
//! pieces, gathered into blocks of [`BLOCK_BYTES`], and sent through a
//! bounded channel to a blocking task that owns the [`detector::Analyzer`].
//! With at most `max_concurrent` analyses at once, memory stays bounded by
//! roughly `max_concurrent × (CHANNEL_BLOCKS + 2) × BLOCK_BYTES` plus the
//! analyzers' per-entity state and the reports. The task also spools the
//! upload to a temporary file (removed when the request ends), so it can be
//! read again as the CLI reads its files again: event times are kept bounded
//! and `logs = anomalous` keeps only the flagged entities' rows, read in a
//! second pass — per-entity state and those rows, not the upload's length.
//!
//! Parts, in order: `config` (optional, at most one, before the first
//! `file`; JSON in the CLI's config schema; empty means the defaults), then
//! one or more `file` parts, analyzed as one log in the order sent (rotated
//! parts: each its own input, as `signaltrace analyze FILE...` reads them).
//! The upload limit applies to the whole body. Parts with other names are
//! skipped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, HeaderMap, StatusCode};
use detector::{Analyzer, Config, LogsMode, Pass, Passes};
use tokio::sync::mpsc;

use super::error::{is_body_timeout, ApiError};
use super::state::AppState;

/// Size of the blocks handed to the analyzer: big enough to amortize the
/// per-push work, small enough that a few in flight per request stay cheap.
const BLOCK_BYTES: usize = 1 << 20;

/// Blocks queued between the network and the analyzer per request.
const CHANNEL_BLOCKS: usize = 2;

/// Largest accepted `config` part.
pub const CONFIG_PART_LIMIT: usize = 64 << 10;

/// A `multipart/form-data` request body within the upload limit, not read yet.
pub struct Upload {
    multipart: Multipart,
    max_bytes: u64,
}

impl FromRequest<AppState> for Upload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        if !is_multipart(req.headers()) {
            return Err(ApiError::UnsupportedMediaType("multipart/form-data"));
        }
        let max_bytes = state.upload.max_bytes;
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > max_bytes) {
            return Err(ApiError::TooLarge {
                limit_bytes: max_bytes,
            });
        }
        let multipart = Multipart::from_request(req, state).await.map_err(|e| {
            ApiError::BadRequest(format!("malformed multipart body: {}", e.body_text()))
        })?;
        Ok(Upload {
            multipart,
            max_bytes,
        })
    }
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"))
}

impl Upload {
    /// Reads the parts in order and analyzes the `file` parts, as one log,
    /// with the `config` part's settings (`logs` overriding its `logs`);
    /// returns the report serialized as JSON.
    pub async fn analyze(mut self, logs: Option<LogsMode>) -> Result<Vec<u8>, ApiError> {
        let limit = self.max_bytes;
        let mut config: Option<Config> = None;
        let mut session: Option<Session> = None;
        while let Some(mut field) = self
            .multipart
            .next_field()
            .await
            .map_err(part_error(limit))?
        {
            match field.name() {
                Some("config") if session.is_some() => {
                    return Err(bad("the `config` part must come before the `file` parts"));
                }
                Some("config") if config.is_some() => {
                    return Err(bad("more than one `config` part"));
                }
                Some("config") => config = Some(read_config(&mut field, limit).await?),
                Some("file") => {
                    let name = field.file_name().map(base_name);
                    let running = match &mut session {
                        Some(running) => {
                            running.next_input(name).await;
                            running
                        }
                        None => {
                            let mut config = config.clone().unwrap_or_default();
                            if let Some(logs) = logs {
                                config.logs = logs;
                            }
                            // Checked here, so a bad config answers before any byte is read.
                            Analyzer::new(config.clone())?;
                            session.insert(Session::start(config, name))
                        }
                    };
                    if !running.feed(&mut field, limit).await? {
                        // The analyzer stopped early; its error is the answer.
                        break;
                    }
                }
                // Unknown parts are skipped (and drained by `next_field`).
                _ => {}
            }
        }
        match session {
            Some(session) => session.finish().await,
            None => Err(bad("missing the `file` part")),
        }
    }
}

fn bad(why: &str) -> ApiError {
    ApiError::BadRequest(why.into())
}

/// The `config` part as a [`Config`]; an empty (or all-whitespace) part
/// means the defaults, as if it had not been sent.
async fn read_config(field: &mut Field<'_>, limit: u64) -> Result<Config, ApiError> {
    let mut text = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(part_error(limit))? {
        if text.len() + chunk.len() > CONFIG_PART_LIMIT {
            return Err(ApiError::BadRequest(format!(
                "the `config` part is over {} KiB",
                CONFIG_PART_LIMIT >> 10
            )));
        }
        text.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(text).map_err(|_| bad("the `config` part is not UTF-8"))?;
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    Ok(Config::from_json(&text)?)
}

/// The last path component: some clients send a full path as the filename,
/// the CLI reports the file's name only.
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or(name).to_string()
}

fn part_error(limit: u64) -> impl Fn(MultipartError) -> ApiError {
    move |e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge { limit_bytes: limit }
        } else if is_body_timeout(&e) {
            ApiError::BodyTimeout
        } else {
            ApiError::BadRequest(format!("malformed multipart body: {}", e.body_text()))
        }
    }
}

/// What the blocking task is sent: the next bytes, or the start of the
/// next input (a further `file` part).
enum Message {
    Block(Vec<u8>),
    NextInput(Option<String>),
}

/// A blocking task that owns the analyzer and is fed the `file` parts;
/// it serializes the report as JSON too, off the async threads. If the
/// session is dropped (timeout, client gone) the task sees the channel
/// close without `complete` and skips the report.
struct Session {
    tx: mpsc::Sender<Message>,
    complete: Arc<AtomicBool>,
    worker: tokio::task::JoinHandle<Result<Vec<u8>, ApiError>>,
    /// Set when a part was cut off: the answer even if the analyzer saw a
    /// valid prefix.
    broken: Option<ApiError>,
}

impl Session {
    fn start(config: Config, name: Option<String>) -> Self {
        let (tx, mut rx) = mpsc::channel::<Message>(CHANNEL_BLOCKS);
        let complete = Arc::new(AtomicBool::new(false));
        let worker_complete = Arc::clone(&complete);
        let worker = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
            // The upload is spooled to a temporary file as it is analyzed,
            // so it can be read again, as the CLI reads its files again: event
            // times are kept bounded, and `logs = anomalous` is a pass without
            // rows and a pass for the flagged entities' rows (memory bounded by
            // entities and those rows, not by the upload). Without a spool
            // (no writable temporary directory) one pass keeps every time and row.
            let mut reread = Spool::create()
                .ok()
                .map(|spool| (spool, Passes::new(config.clone())));
            let named = |analyzer: Analyzer| match &name {
                Some(name) => analyzer.with_filename(name.clone()),
                None => analyzer,
            };
            let mut analyzer = named(match &reread {
                Some((_, passes)) => passes.analyzer()?,
                None => Analyzer::new(config)?,
            });
            while let Some(message) = rx.blocking_recv() {
                match message {
                    Message::Block(block) => {
                        if let Some((spool, _)) = &mut reread {
                            spool.write(&block).map_err(|e| {
                                ApiError::Internal(format!("spooling the upload: {e}"))
                            })?;
                        }
                        analyzer.push_owned(block)?
                    }
                    Message::NextInput(next) => {
                        if let Some((spool, _)) = &mut reread {
                            spool.next_input(next.clone());
                        }
                        analyzer.next_input(next.as_deref())?
                    }
                }
            }
            if !worker_complete.load(Ordering::Acquire) {
                return Err(ApiError::Internal("upload abandoned".into()));
            }
            let report = match &mut reread {
                Some((spool, passes)) => {
                    spool
                        .flush()
                        .map_err(|e| ApiError::Internal(format!("spooling the upload: {e}")))?;
                    loop {
                        match passes.finish(analyzer)? {
                            Pass::Done(report) => break *report,
                            Pass::ReadAgain(_) => {
                                analyzer = named(passes.analyzer()?);
                                spool.replay(&mut analyzer)?;
                            }
                        }
                    }
                }
                // Without a spool the one pass kept every time and row.
                None => analyzer.finish()?,
            };
            // The CLI's bytes exactly (compact JSON and a newline).
            Ok(detector::export::json(&report, false).into_bytes())
        });
        Session {
            tx,
            complete,
            worker,
            broken: None,
        }
    }

    /// Starts the next input; a stopped analyzer answers at `finish`.
    async fn next_input(&mut self, name: Option<String>) {
        let _ = self.tx.send(Message::NextInput(name)).await;
    }

    /// Sends the part's bytes in [`BLOCK_BYTES`] blocks. `Ok(false)` when
    /// the analyzer stopped early (its error is the answer).
    async fn feed(&mut self, field: &mut Field<'_>, limit: u64) -> Result<bool, ApiError> {
        match feed(field, &self.tx, limit).await {
            Ok(listening) => Ok(listening),
            Err(e) => {
                self.broken = Some(e);
                Ok(false)
            }
        }
    }

    /// Ends the last input and returns the report, or why there is none.
    async fn finish(self) -> Result<Vec<u8>, ApiError> {
        if self.broken.is_none() {
            self.complete.store(true, Ordering::Release);
        }
        drop(self.tx);
        let analyzed = self
            .worker
            .await
            .map_err(|e| ApiError::Internal(format!("analysis task failed: {e}")))?;
        match self.broken {
            Some(e) => Err(e),
            None => analyzed,
        }
    }
}

/// Sends the part's bytes in [`BLOCK_BYTES`] blocks; `Ok(false)` if the
/// analyzer stopped listening.
async fn feed(
    field: &mut Field<'_>,
    tx: &mpsc::Sender<Message>,
    limit: u64,
) -> Result<bool, ApiError> {
    let mut block = Vec::with_capacity(BLOCK_BYTES);
    while let Some(chunk) = field.chunk().await.map_err(part_error(limit))? {
        let mut rest: &[u8] = &chunk;
        while !rest.is_empty() {
            let take = rest.len().min(BLOCK_BYTES - block.len());
            block.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if block.len() == BLOCK_BYTES {
                let full = std::mem::replace(&mut block, Vec::with_capacity(BLOCK_BYTES));
                if tx.send(Message::Block(full)).await.is_err() {
                    return Ok(false);
                }
            }
        }
    }
    if !block.is_empty() && tx.send(Message::Block(block)).await.is_err() {
        return Ok(false);
    }
    Ok(true)
}

/// An upload as received, in a temporary file that has no name: it is
/// removed from the directory as soon as it is created, so the uploaded log
/// is gone with the open file however the request or the server ends (a
/// crash or a SIGKILL included); its bytes and where each further input
/// (`file` part) starts.
struct Spool {
    file: std::io::BufWriter<std::fs::File>,
    written: u64,
    /// (offset, name) of each input after the first.
    inputs: Vec<(u64, Option<String>)>,
}

impl Spool {
    fn create() -> std::io::Result<Spool> {
        use std::sync::atomic::AtomicU64;
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "signaltrace-upload-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create_new(true);
        // Uploaded logs are sensitive: readable by this server's user only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path)?;
        // The open file stays readable and writable. Where a file cannot be
        // removed while open, it is closed and removed, and there is no
        // spool (one pass keeps every row).
        if let Err(e) = std::fs::remove_file(&path) {
            drop(file);
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        Ok(Spool {
            file: std::io::BufWriter::with_capacity(BLOCK_BYTES, file),
            written: 0,
            inputs: Vec::new(),
        })
    }

    fn write(&mut self, block: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        self.file.write_all(block)?;
        self.written += block.len() as u64;
        Ok(())
    }

    fn next_input(&mut self, name: Option<String>) {
        self.inputs.push((self.written, name));
    }

    /// Feeds the spooled upload to `analyzer` again, input by input (after
    /// [`Self::flush`]).
    fn replay(&self, analyzer: &mut Analyzer) -> Result<(), ApiError> {
        use std::io::{Read, Seek};
        let io = |e: std::io::Error| ApiError::Internal(format!("reading the upload again: {e}"));
        let mut file: &std::fs::File = self.file.get_ref();
        file.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
        let mut at = 0u64;
        let mut next = self.inputs.iter().peekable();
        loop {
            let end = next.peek().map_or(self.written, |(offset, _)| *offset);
            while at < end {
                let take = (end - at).min(BLOCK_BYTES as u64) as usize;
                let mut block = vec![0; take];
                file.read_exact(&mut block).map_err(io)?;
                analyzer.push_owned(block)?;
                at += take as u64;
            }
            match next.next() {
                Some((_, name)) => analyzer.next_input(name.as_deref())?,
                None => return Ok(()),
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        use std::io::Write;
        self.file.flush()
    }
}
