//! The Web Worker side: reads the posted `File`s in slices, pushes each into
//! one [`detector::Analyzer`] (each file its own input, in the order
//! posted), posts progress after every slice and finally the report JSON. The page's thread never parses a byte, so it never freezes;
//! Cancel terminates this worker outright.
//!
//! Messages (plain JS objects, `kind` tells which):
//! - page → worker: `{files: File[], names: string[], config: string}`
//!   (config as JSON; `names[i]` names `files[i]` in the report);
//! - worker → page: `{kind: "ready"}`, `{kind: "progress", bytes, total,
//!   lines}`, `{kind: "done", report: string, memory: number}` (the worker's
//!   wasm memory in bytes), `{kind: "error", message}`.

use detector::{Analyzer, Config};
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent};

/// Bytes read per slice: large enough that the per-slice overhead is
/// nothing, small enough that progress moves and memory stays flat.
pub const CHUNK_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(fields: &[(&str, JsValue)]) {
    let msg = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&msg, &JsValue::from_str(k), v);
    }
    let _ = scope().post_message(&msg);
}

fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the browser could not read the file".into())
}

async fn analyze(files: Vec<(File, String)>, config_json: String) -> Result<String, String> {
    let config = Config::from_json(&config_json).map_err(|e| e.to_string())?;
    let mut analyzer = Analyzer::new(config).map_err(|e| e.to_string())?;
    let total: f64 = files.iter().map(|(f, _)| f.size()).sum();
    let mut done = 0.0;
    for (i, (file, name)) in files.into_iter().enumerate() {
        if i == 0 {
            analyzer = analyzer.with_filename(name);
        } else {
            analyzer
                .next_input(Some(&name))
                .map_err(|e| e.to_string())?;
        }
        let size = file.size();
        let mut offset = 0.0;
        while offset < size {
            let end = (offset + CHUNK_BYTES).min(size);
            let slice = file.slice_with_f64_and_f64(offset, end).map_err(js_error)?;
            let buffer = JsFuture::from(slice.array_buffer())
                .await
                .map_err(js_error)?;
            analyzer
                .push_owned(Uint8Array::new(&buffer).to_vec())
                .map_err(|e| e.to_string())?;
            offset = end;
            post(&[
                ("kind", "progress".into()),
                ("bytes", JsValue::from_f64(done + offset)),
                ("total", JsValue::from_f64(total)),
                ("lines", JsValue::from_f64(analyzer.lines_seen() as f64)),
            ]);
        }
        done += size;
    }
    let report = analyzer.finish().map_err(|e| e.to_string())?;
    serde_json::to_string(&report).map_err(|e| e.to_string())
}

fn on_message(event: MessageEvent) {
    let data = event.data();
    let files = Reflect::get(&data, &"files".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Array>().ok());
    let names = Reflect::get(&data, &"names".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Array>().ok());
    let files: Option<Vec<(File, String)>> = files.zip(names).and_then(|(files, names)| {
        files
            .iter()
            .zip(names.iter())
            .map(|(f, n)| Some((f.dyn_into::<File>().ok()?, n.as_string()?)))
            .collect()
    });
    let config = Reflect::get(&data, &"config".into())
        .ok()
        .and_then(|c| c.as_string());
    let (Some(files), Some(config)) = (files, config) else {
        post(&[
            ("kind", "error".into()),
            (
                "message",
                "internal error: malformed request to the worker".into(),
            ),
        ]);
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        match analyze(files, config).await {
            Ok(report) => post(&[
                ("kind", "done".into()),
                ("report", report.into()),
                ("memory", JsValue::from_f64(wasm_memory_bytes())),
            ]),
            Err(message) => post(&[("kind", "error".into()), ("message", message.into())]),
        }
    });
}

/// Size of this worker's wasm linear memory: its high-water mark, since
/// wasm memory never shrinks.
fn wasm_memory_bytes() -> f64 {
    Reflect::get(&wasm_bindgen::memory(), &"buffer".into())
        .and_then(|b| Reflect::get(&b, &"byteLength".into()))
        .ok()
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0)
}

/// Installs the message handler and tells the page the worker is ready
/// (messages posted before the wasm loaded would be lost).
pub fn start() {
    let handler = Closure::<dyn Fn(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    post(&[("kind", "ready".into())]);
}
