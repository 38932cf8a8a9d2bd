//! The one error type of the HTTP API and its mapping to status codes.
//!
//! Every failure a handler or extractor can meet is an [`ApiError`]; its
//! single [`IntoResponse`] impl decides the status and writes the body
//! `{"error": "..."}`. Messages never echo credentials, tokens or uploaded
//! content — only the detector's one-line reason for an unusable file.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug)]
pub enum ApiError {
    /// Unusable file, config or request body (400). The text says why.
    BadRequest(String),
    /// Missing, malformed, expired or forged bearer token (401).
    Unauthorized(&'static str),
    /// Unknown user or wrong password — deliberately one message for both (401).
    BadCredentials,
    /// No route here (404).
    NotFound,
    /// The route exists but not with this method (405).
    MethodNotAllowed,
    /// The request body passed the size limit (413).
    TooLarge { limit_bytes: u64 },
    /// The client stopped sending the request body for `--body-idle-secs` (408).
    BodyTimeout,
    /// The upload and analysis together took longer than
    /// `--analysis-timeout-secs` (503).
    AnalysisTimeout { limit_secs: u64 },
    /// The body is not of the media type the route accepts (415).
    UnsupportedMediaType(&'static str),
    /// Too many failed logins from this client; retry after this many seconds (429).
    TooManyAttempts { retry_after_secs: u64 },
    /// A bug or an exhausted resource on our side (500). Logged, not shown.
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::AnalysisTimeout { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::BadRequest(why) => why.clone(),
            ApiError::Unauthorized(why) => (*why).to_string(),
            ApiError::BadCredentials => "invalid email or password".into(),
            ApiError::NotFound => "no such endpoint".into(),
            ApiError::MethodNotAllowed => "method not allowed on this endpoint".into(),
            ApiError::TooLarge { limit_bytes } => {
                format!(
                    "request body too large: the limit is {}",
                    size(*limit_bytes)
                )
            }
            ApiError::BodyTimeout => "request body stalled: no data received in time".into(),
            ApiError::AnalysisTimeout { limit_secs } => {
                format!("analysis took longer than the server's limit of {limit_secs} s")
            }
            ApiError::UnsupportedMediaType(expected) => {
                format!("unsupported content type: expected {expected}")
            }
            ApiError::TooManyAttempts { retry_after_secs } => {
                format!("too many failed login attempts: try again in {retry_after_secs} s")
            }
            ApiError::Internal(_) => "internal server error".into(),
        }
    }
}

/// `16 KiB`, `256 MiB`: sizes as the flags set them, rounded up.
fn size(bytes: u64) -> String {
    if bytes < 1 << 20 {
        format!("{} KiB", bytes.div_ceil(1 << 10))
    } else {
        format!("{} MiB", bytes.div_ceil(1 << 20))
    }
}

/// True when `err` (a body or multipart rejection) was caused by the
/// body-idle timeout.
pub fn is_body_timeout(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        next = e.source();
    }
    false
}

impl From<detector::Error> for ApiError {
    fn from(e: detector::Error) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            ApiError::Internal(detail) => tracing::error!(%detail, "internal error"),
            _ => tracing::debug!(status = status.as_u16(), "request refused"),
        }
        let mut response = (status, Json(json!({ "error": self.message() }))).into_response();
        let headers = response.headers_mut();
        match &self {
            ApiError::Unauthorized(_) | ApiError::BadCredentials => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TooManyAttempts { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            ApiError::TooLarge { .. } | ApiError::BodyTimeout => {
                // The rest of the body is not read; the connection cannot be reused.
                headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        response
    }
}
