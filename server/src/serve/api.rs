//! The API handlers: `POST /api/analyze`, `GET /api/health`,
//! `GET /api/openapi.json`, and the JSON answers for unknown API paths.

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Json;
use detector::LogsMode;
use serde::Deserialize;
use serde_json::json;

use super::auth::Claims;
use super::error::ApiError;
use super::state::AppState;
use super::upload::Upload;

/// The OpenAPI 3 description of this API, served as is.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// `POST /api/analyze` — multipart `config` (optional) and `file` → the
/// Report, exactly as `signaltrace analyze` prints it.
pub async fn analyze(
    State(state): State<AppState>,
    claims: Claims,
    LogsQuery(logs): LogsQuery,
    upload: Upload,
) -> Result<Response, ApiError> {
    // Wait for a slot before reading the body, so queued uploads cost nothing.
    let _slot = state.analysis_slot().await?;
    let limit = state.upload.analysis;
    let report = tokio::time::timeout(limit, upload.analyze(logs))
        .await
        .map_err(|_| ApiError::AnalysisTimeout {
            limit_secs: limit.as_secs(),
        })??;
    tracing::info!(user = %claims.sub, bytes = report.len(), "analysis done");
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        Bytes::from(report),
    )
        .into_response())
}

/// The `?logs=all|anomalous|none` query of `/api/analyze` (the detector's
/// own `LogsMode` names).
pub struct LogsQuery(Option<LogsMode>);

#[derive(Deserialize)]
struct AnalyzeQuery {
    logs: Option<LogsMode>,
}

impl<S: Send + Sync> FromRequestParts<S> for LogsQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(query) = Query::<AnalyzeQuery>::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                ApiError::BadRequest("query parameter `logs` must be all, anomalous or none".into())
            })?;
        Ok(LogsQuery(query.logs))
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

/// Any unknown path under `/api` (including `/api/` itself).
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// A known API path with the wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
