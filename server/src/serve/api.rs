//! `POST /api/analyze`, `GET /api/health` and `GET /api/openapi.json`.
//!
//! An upload is never held whole: the multipart `file` part is read in
//! network-sized pieces, gathered into blocks of [`BLOCK_BYTES`], and sent
//! through a bounded channel to a blocking task that owns the
//! [`detector::Analyzer`]. At most `max_concurrent` analyses run at once (a
//! semaphore taken before the body is read), so memory stays bounded by
//! roughly `max_concurrent × (CHANNEL_BLOCKS + 2) × BLOCK_BYTES` plus the
//! analyzers' per-entity state and the reports.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use detector::{Analyzer, Config, LogsMode};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::mpsc;

use super::auth::Claims;
use super::error::ApiError;
use super::AppState;

/// Size of the blocks handed to the analyzer: big enough to amortize the
/// per-push work, small enough that a few in flight per request stay cheap.
const BLOCK_BYTES: usize = 1 << 20;

/// Blocks queued between the network and the analyzer per request.
const CHANNEL_BLOCKS: usize = 2;

/// Largest accepted `config` part.
const CONFIG_PART_LIMIT: usize = 64 << 10;

/// The OpenAPI 3 description of this API, served as is.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogsParam {
    All,
    Anomalous,
    None,
}

#[derive(Deserialize)]
pub struct AnalyzeQuery {
    logs: Option<LogsParam>,
}

/// `POST /api/analyze` — multipart `config` (optional, JSON, before `file`)
/// and `file` → the Report, exactly as `signaltrace analyze` prints it.
pub async fn analyze(
    State(state): State<AppState>,
    claims: Claims,
    query: Result<Query<AnalyzeQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| {
        ApiError::BadRequest("query parameter `logs` must be all, anomalous or none".into())
    })?;
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"))
        });
    if !is_multipart {
        return Err(ApiError::UnsupportedMediaType("multipart/form-data"));
    }
    let limit = state.max_upload_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::TooLarge { limit_bytes: limit });
    }
    let mut multipart = multipart.map_err(|e| {
        ApiError::BadRequest(format!("malformed multipart body: {}", e.body_text()))
    })?;

    // Wait for a slot before reading the body, so queued uploads cost nothing.
    let _slot = state
        .analysis_slots
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;

    let mut config = Config::default();
    let mut report = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(multipart_error(limit))?
    {
        match field.name() {
            Some("config") => {
                if report.is_some() {
                    return Err(ApiError::BadRequest(
                        "the `config` part must come before the `file` part".into(),
                    ));
                }
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error(limit))? {
                    if text.len() + chunk.len() > CONFIG_PART_LIMIT {
                        return Err(ApiError::BadRequest(format!(
                            "the `config` part is over {} KB",
                            CONFIG_PART_LIMIT >> 10
                        )));
                    }
                    text.extend_from_slice(&chunk);
                }
                let text = String::from_utf8(text)
                    .map_err(|_| ApiError::BadRequest("the `config` part is not UTF-8".into()))?;
                config = Config::from_json(&text)?;
            }
            Some("file") => {
                if report.is_some() {
                    return Err(ApiError::BadRequest("more than one `file` part".into()));
                }
                if let Some(logs) = &query.logs {
                    config.logs = match logs {
                        LogsParam::All => LogsMode::All,
                        LogsParam::Anomalous => LogsMode::Anomalous,
                        LogsParam::None => LogsMode::None,
                    };
                }
                let filename = field.file_name().map(base_name);
                let mut analyzer = Analyzer::new(config.clone())?;
                if let Some(name) = filename {
                    analyzer = analyzer.with_filename(name);
                }
                report = Some(stream_into(analyzer, &mut field, limit).await?);
            }
            // Unknown parts are skipped (and drained by `next_field`).
            _ => {}
        }
    }
    let report_json =
        report.ok_or_else(|| ApiError::BadRequest("missing the `file` part".into()))?;
    tracing::info!(user = %claims.sub, bytes = report_json.len(), "analysis done");
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        Bytes::from(report_json),
    )
        .into_response())
}

/// The last path component: some clients send a full path as the filename,
/// the CLI reports the file's name only.
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or(name).to_string()
}

fn multipart_error(limit: u64) -> impl Fn(MultipartError) -> ApiError {
    move |e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge { limit_bytes: limit }
        } else {
            ApiError::BadRequest(format!("malformed multipart body: {}", e.body_text()))
        }
    }
}

/// Feeds the part to a blocking task that owns the analyzer; returns the
/// report serialized as JSON (serialized there too, off the async threads).
async fn stream_into(
    analyzer: Analyzer,
    field: &mut axum::extract::multipart::Field<'_>,
    limit: u64,
) -> Result<Vec<u8>, ApiError> {
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(CHANNEL_BLOCKS);
    let abandoned = Arc::new(AtomicBool::new(false));
    let worker_abandoned = Arc::clone(&abandoned);
    let worker = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let mut analyzer = analyzer;
        while let Some(block) = rx.blocking_recv() {
            analyzer.push_owned(block)?;
        }
        if worker_abandoned.load(Ordering::Acquire) {
            // The upload broke off: no report will be sent, skip the work.
            return Err(ApiError::Internal("upload abandoned".into()));
        }
        let report = analyzer.finish()?;
        serde_json::to_vec(&report)
            .map_err(|e| ApiError::Internal(format!("cannot serialize the report: {e}")))
    });

    let feed = async {
        let mut block = Vec::with_capacity(BLOCK_BYTES);
        while let Some(chunk) = field.chunk().await.map_err(multipart_error(limit))? {
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
        Ok::<(), ApiError>(())
    };
    let fed = feed.await;
    if fed.is_err() {
        abandoned.store(true, Ordering::Release);
    }
    drop(tx);
    let analyzed = worker
        .await
        .map_err(|e| ApiError::Internal(format!("analysis task failed: {e}")))?;
    match (fed, analyzed) {
        // A broken upload is the answer even if the analyzer saw a valid prefix.
        (Err(e), _) => Err(e),
        (Ok(()), result) => result,
    }
}

/// `GET /api/health`.
pub async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok", "version": detector::VERSION }))
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}
