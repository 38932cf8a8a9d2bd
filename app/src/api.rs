//! The server's HTTP API (docs/DESIGN.md "HTTP"): login and analyze. Errors
//! arrive as JSON `{"error": "..."}`; a 401 means the session is over.

use js_sys::Reflect;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, File, FormData, Headers, RequestInit, Response};

use crate::browser::{self, Session};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 401: bad credentials, or a missing, invalid or expired token.
    Unauthorized(String),
    /// Anything else the analyst should read.
    Failed(String),
    /// The request was cancelled.
    Aborted,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

#[derive(Deserialize)]
struct LoginBody {
    token: String,
    email: String,
}

async fn fetch(path: &str, init: &RequestInit) -> Result<Response, ApiError> {
    let window = web_sys::window().ok_or_else(|| ApiError::Failed("no window".into()))?;
    let promise = window.fetch_with_str_and_init(&browser::resolve(path), init);
    match JsFuture::from(promise).await {
        Ok(r) => Ok(r.unchecked_into()),
        Err(e) => {
            let name = Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string());
            if name.as_deref() == Some("AbortError") {
                Err(ApiError::Aborted)
            } else {
                Err(ApiError::Failed(
                    "cannot reach the signaltrace server — is `signaltrace serve` running?".into(),
                ))
            }
        }
    }
}

async fn text(response: &Response) -> Result<String, ApiError> {
    let promise = response
        .text()
        .map_err(|_| ApiError::Failed("unreadable response".into()))?;
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| ApiError::Failed("unreadable response".into()))
}

/// The error of a non-2xx response, from its `{"error"}` body when it has one.
async fn failure(response: &Response) -> ApiError {
    let status = response.status();
    let body = text(response).await.unwrap_or_default();
    let message = match serde_json::from_str::<ErrorBody>(&body) {
        Ok(b) => b.error,
        // A plain static host has no API: say so rather than "404".
        Err(_) if matches!(status, 404 | 405 | 501) => {
            "there is no signaltrace server at this address (the app is served as static \
             files); in-browser analysis works without one"
                .to_string()
        }
        Err(_) => format!("the server answered {status} {}", response.status_text()),
    };
    match status {
        401 => ApiError::Unauthorized(message),
        _ => ApiError::Failed(message),
    }
}

/// `POST /api/auth/login {email, password}` → the session.
pub async fn login(email: &str, password: &str) -> Result<Session, ApiError> {
    let body = serde_json::json!({ "email": email, "password": password }).to_string();
    let headers = Headers::new().map_err(|_| ApiError::Failed("no Headers".into()))?;
    let _ = headers.set("Content-Type", "application/json");
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    let response = fetch("api/auth/login", &init).await?;
    if !response.ok() {
        return Err(failure(&response).await);
    }
    let body = text(&response).await?;
    let login: LoginBody = serde_json::from_str(&body)
        .map_err(|_| ApiError::Failed("the server's login answer has no token".into()))?;
    Ok(Session {
        token: login.token,
        email: login.email,
    })
}

/// `POST /api/analyze` (multipart `config`, then a `file` part per file,
/// read by the server as one log in this order) → the report JSON.
pub async fn analyze(
    session: &Session,
    files: &[File],
    config_json: &str,
    signal: &AbortSignal,
) -> Result<String, ApiError> {
    let form = FormData::new().map_err(|_| ApiError::Failed("no FormData".into()))?;
    // `config` first: the server streams `file` straight into the analyzer,
    // so the settings must already be known when it arrives.
    form.append_with_str("config", config_json)
        .map_err(|_| ApiError::Failed("could not attach the settings".into()))?;
    for file in files {
        form.append_with_blob_and_filename("file", file, &crate::browser::file_name(file))
            .map_err(|_| ApiError::Failed("could not attach the file".into()))?;
    }
    let headers = Headers::new().map_err(|_| ApiError::Failed("no Headers".into()))?;
    let _ = headers.set("Authorization", &format!("Bearer {}", session.token));
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&form);
    init.set_signal(Some(signal));
    let response = fetch("api/analyze", &init).await?;
    if !response.ok() {
        return Err(failure(&response).await);
    }
    text(&response).await
}

/// A bundled sample as a `File`: inline in the single-file build, else
/// fetched from the bundle's `data/` directory.
pub async fn sample(name: &str) -> Result<File, String> {
    let blob: JsValue = match crate::host::inline_sample(name).await {
        Some(blob) => blob?.into(),
        None => fetch_sample(name).await?,
    };
    let parts = js_sys::Array::of1(&blob);
    File::new_with_blob_sequence(&parts, name).map_err(|_| "could not make a File".to_string())
}

async fn fetch_sample(name: &str) -> Result<JsValue, String> {
    let init = RequestInit::new();
    let response = fetch(&format!("data/{name}"), &init)
        .await
        .map_err(|_| format!("could not load the sample {name}"))?;
    if !response.ok() {
        return Err(format!(
            "could not load the sample {name} ({} {})",
            response.status(),
            response.status_text()
        ));
    }
    JsFuture::from(response.blob().map_err(|_| "no blob".to_string())?)
        .await
        .map_err(|_| format!("could not read the sample {name}"))
}
