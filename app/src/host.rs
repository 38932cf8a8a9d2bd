//! What the page the app runs in provides, read from `globalThis.signaltrace`,
//! which the bundle's start script defines before the wasm starts
//! (scripts/bundle-app.mjs writes it from app/host-web.js or app/host-file.js).
//! One app, two hosts:
//!
//! - **web** (`index.html`, served over HTTP): the worker is started from the
//!   content-hashed `worker_loader-HASH.js`, samples are fetched from `data/`,
//!   a service worker keeps the bundle for offline use and announces a new
//!   version, and server mode is offered;
//! - **file** (`signaltrace.html`, one file that opens from disk): the worker
//!   is started from a Blob URL and handed its wasm, samples are inlined,
//!   there is no service worker and no server mode (the page has no server
//!   to talk to, and its own CSP forbids any request).

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, Worker};

/// The window event `host-web.js` fires when a new version is installed and
/// waiting for the analyst's go-ahead.
pub const UPDATE_EVENT: &str = "signaltrace-update";

fn host() -> Option<JsValue> {
    Reflect::get(&js_sys::global(), &"signaltrace".into())
        .ok()
        .filter(|h| h.is_object())
}

fn member(name: &str) -> Option<JsValue> {
    Reflect::get(&host()?, &name.into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn method(name: &str) -> Option<Function> {
    member(name)?.dyn_into().ok()
}

/// True in the single-file build (`signaltrace.html`).
pub fn is_single_file() -> bool {
    member("build").and_then(|b| b.as_string()).as_deref() == Some("file")
}

/// Whether this build offers analysis on a signaltrace server.
pub fn offers_server() -> bool {
    !is_single_file()
}

/// Whether a download of the single file sits beside this page.
pub fn offers_single_file() -> bool {
    !is_single_file()
}

/// Starts the analysis worker the way this build does.
pub fn new_worker() -> Result<Worker, String> {
    let start = method("worker").ok_or_else(|| {
        "this page was not built by scripts/build-app.sh (no worker to start)".to_string()
    })?;
    start
        .call0(&JsValue::NULL)
        .ok()
        .and_then(|w| w.dyn_into::<Worker>().ok())
        .ok_or_else(|| "this browser cannot start a Web Worker".to_string())
}

/// A bundled sample's bytes when this build carries them inline; `None`
/// when they are to be fetched from `data/`.
pub async fn inline_sample(name: &str) -> Option<Result<Blob, String>> {
    let get = method("sample")?;
    let failed = || format!("could not load the sample {name}");
    let promise: Promise = match get.call1(&JsValue::NULL, &name.into()) {
        Ok(p) => p.dyn_into().ok()?,
        Err(_) => return Some(Err(failed())),
    };
    Some(
        JsFuture::from(promise)
            .await
            .ok()
            .and_then(|b| b.dyn_into::<Blob>().ok())
            .ok_or_else(failed),
    )
}

/// Whether a new version is installed and waits for [`apply_update`].
pub fn update_ready() -> bool {
    member("updateReady").and_then(|v| v.as_bool()) == Some(true)
}

/// Lets the waiting version take over; the page reloads into it.
pub fn apply_update() {
    if let Some(apply) = method("applyUpdate") {
        let _ = apply.call0(&JsValue::NULL);
    }
}
