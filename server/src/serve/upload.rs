//! The `/api/analyze` upload: the [`Upload`] extractor checks the request
//! (content type, declared length, multipart framing) and then streams its
//! parts into the detector.
//!
//! An upload is never held whole: the `file` part is read in network-sized
//! pieces, gathered into blocks of [`BLOCK_BYTES`], and sent through a
//! bounded channel to a blocking task that owns the [`detector::Analyzer`].
//! With at most `max_concurrent` analyses at once, memory stays bounded by
//! roughly `max_concurrent × (CHANNEL_BLOCKS + 2) × BLOCK_BYTES` plus the
//! analyzers' per-entity state and the reports.
//!
//! Parts, in order: `config` (optional, at most one, before `file`; JSON in
//! the CLI's config schema; empty means the defaults), `file` (exactly one).
//! Parts with other names are skipped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, HeaderMap, StatusCode};
use detector::{Analyzer, Config, LogsMode};
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
    /// Reads the parts in order and analyzes the `file` part with the
    /// `config` part's settings (`logs` overriding its `logs`); returns the
    /// report serialized as JSON.
    pub async fn analyze(mut self, logs: Option<LogsMode>) -> Result<Vec<u8>, ApiError> {
        let limit = self.max_bytes;
        let mut config: Option<Config> = None;
        let mut report = None;
        while let Some(mut field) = self
            .multipart
            .next_field()
            .await
            .map_err(part_error(limit))?
        {
            match field.name() {
                Some("config") if report.is_some() => {
                    return Err(bad("the `config` part must come before the `file` part"));
                }
                Some("config") if config.is_some() => {
                    return Err(bad("more than one `config` part"));
                }
                Some("config") => config = Some(read_config(&mut field, limit).await?),
                Some("file") if report.is_some() => return Err(bad("more than one `file` part")),
                Some("file") => {
                    let mut config = config.clone().unwrap_or_default();
                    if let Some(logs) = logs {
                        config.logs = logs;
                    }
                    let mut analyzer = Analyzer::new(config)?;
                    if let Some(name) = field.file_name().map(base_name) {
                        analyzer = analyzer.with_filename(name);
                    }
                    report = Some(stream_into(analyzer, &mut field, limit).await?);
                }
                // Unknown parts are skipped (and drained by `next_field`).
                _ => {}
            }
        }
        report.ok_or_else(|| bad("missing the `file` part"))
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

/// Feeds the part to a blocking task that owns the analyzer; returns the
/// report serialized as JSON (serialized there too, off the async threads).
/// If this future is dropped (timeout, client gone) the task sees the
/// channel close without `complete` and skips the report.
async fn stream_into(
    analyzer: Analyzer,
    field: &mut Field<'_>,
    limit: u64,
) -> Result<Vec<u8>, ApiError> {
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(CHANNEL_BLOCKS);
    let complete = Arc::new(AtomicBool::new(false));
    let worker_complete = Arc::clone(&complete);
    let worker = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let mut analyzer = analyzer;
        while let Some(block) = rx.blocking_recv() {
            analyzer.push_owned(block)?;
        }
        if !worker_complete.load(Ordering::Acquire) {
            return Err(ApiError::Internal("upload abandoned".into()));
        }
        let report = analyzer.finish()?;
        // The CLI's bytes exactly (compact JSON and a newline).
        Ok(detector::export::json(&report, false).into_bytes())
    });
    let fed = feed(field, &tx, limit).await;
    if fed.is_ok() {
        complete.store(true, Ordering::Release);
    }
    drop(tx);
    let analyzed = worker
        .await
        .map_err(|e| ApiError::Internal(format!("analysis task failed: {e}")))?;
    // A broken upload is the answer even if the analyzer saw a valid prefix.
    fed.and(analyzed)
}

/// Sends the part's bytes in [`BLOCK_BYTES`] blocks.
async fn feed(
    field: &mut Field<'_>,
    tx: &mpsc::Sender<Vec<u8>>,
    limit: u64,
) -> Result<(), ApiError> {
    let mut block = Vec::with_capacity(BLOCK_BYTES);
    while let Some(chunk) = field.chunk().await.map_err(part_error(limit))? {
        let mut rest: &[u8] = &chunk;
        while !rest.is_empty() {
            let take = rest.len().min(BLOCK_BYTES - block.len());
            block.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if block.len() == BLOCK_BYTES {
                let full = std::mem::replace(&mut block, Vec::with_capacity(BLOCK_BYTES));
                if tx.send(full).await.is_err() {
                    // The analyzer stopped early; its error is the answer.
                    return Ok(());
                }
            }
        }
    }
    if !block.is_empty() {
        let _ = tx.send(block).await;
    }
    Ok(())
}
