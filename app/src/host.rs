//! What the page the app runs in provides, read from `globalThis.signaltrace`,
//! which the bundle's start script defines before the wasm starts
//! (scripts/bundle-app.mjs writes it from app/host-web.js or app/host-file.js).
//! One app, two hosts:
//!
//! - **web** (`index.html`, served over HTTP): the analysis worker (the npm
//!   package's, bundled) starts from the content-hashed `worker-HASH.js` and
//!   loads `worker-HASH_bg.wasm`; samples are fetched from `data/`,
//!   a service worker keeps the bundle for offline use and announces a new
//!   version, and server mode is offered;
//! - **file** (`signaltrace.html`, one file that opens from disk): the same
//!   worker bundle starts from a Blob URL and is handed its wasm compiled, samples are inlined,
//!   there is no service worker and no server mode (the page has no server
//!   to talk to, and its own CSP forbids any request).

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

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

/// Starts the analysis of `files` (named `names`) with the detector config
/// `config_json` in the npm package's worker helper, as this build ships it
/// (`analyzeFile` of `signaltrace/worker`, its worker bundle and wasm beside
/// the page or inline). `on_progress` gets its progress objects; aborting
/// `signal` stops the worker. The promise resolves with the report as JSON.
pub fn analyze(
    files: &js_sys::Array,
    names: &js_sys::Array,
    config_json: &str,
    on_progress: &Function,
    signal: &web_sys::AbortSignal,
) -> Result<Promise, String> {
    let start = method("analyze").ok_or_else(|| {
        "this page was not built by scripts/build-app.sh (no analysis worker)".to_string()
    })?;
    let args = js_sys::Array::of5(files, names, &config_json.into(), on_progress, signal);
    start
        .apply(&JsValue::NULL, &args)
        .map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| format!("the analysis worker could not start: {}", e.message()))
                .unwrap_or_else(|| "the analysis worker could not start".into())
        })?
        .dyn_into::<Promise>()
        .map_err(|_| "internal error: the host's analyze returned no promise".into())
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
