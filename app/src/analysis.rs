//! The page side of in-browser analysis: starts the worker, hands it the
//! file and the config, and turns its messages into [`WorkerEvent`]s.
//! Dropping an [`AnalysisWorker`] terminates the worker, which frees
//! everything it allocated at once. [`crate::job::Job`] is its one user.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};
use yew::Callback;

use crate::{browser, host};

#[derive(Debug, Clone, PartialEq)]
pub enum WorkerEvent {
    Progress {
        bytes: f64,
        total: f64,
        lines: f64,
    },
    /// The report JSON and the worker's peak wasm memory in bytes.
    Done {
        report: String,
        memory: f64,
    },
    Failed(String),
}

pub struct AnalysisWorker {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

fn field(data: &JsValue, name: &str) -> JsValue {
    Reflect::get(data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

impl AnalysisWorker {
    /// Starts a worker for `files` (one log, in this order); `events`
    /// receives its progress and result.
    pub fn start(
        files: &[File],
        config_json: String,
        events: Callback<WorkerEvent>,
    ) -> Result<Self, String> {
        // The `worker` binary, started as this build does it (host.rs): from
        // worker_loader-HASH.js when served, from a Blob URL in the single file.
        let worker = host::new_worker()?;
        let request = Object::new();
        let (list, names) = (js_sys::Array::new(), js_sys::Array::new());
        for file in files {
            list.push(file);
            names.push(&browser::file_name(file).into());
        }
        let _ = Reflect::set(&request, &"files".into(), &list);
        let _ = Reflect::set(&request, &"names".into(), &names);
        let _ = Reflect::set(&request, &"config".into(), &config_json.into());

        let w = worker.clone();
        let ev = events.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
            let data = m.data();
            let kind = field(&data, "kind").as_string().unwrap_or_default();
            let num = |k| field(&data, k).as_f64().unwrap_or(0.0);
            match kind.as_str() {
                "ready" if w.post_message(&request).is_err() => {
                    ev.emit(WorkerEvent::Failed(
                        "could not hand the file to the worker".into(),
                    ));
                }
                "progress" => ev.emit(WorkerEvent::Progress {
                    bytes: num("bytes"),
                    total: num("total"),
                    lines: num("lines"),
                }),
                "done" => ev.emit(WorkerEvent::Done {
                    report: field(&data, "report").as_string().unwrap_or_default(),
                    memory: num("memory"),
                }),
                "error" => ev.emit(WorkerEvent::Failed(
                    field(&data, "message")
                        .as_string()
                        .unwrap_or_else(|| "analysis failed".into()),
                )),
                _ => {}
            }
        });
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            e.prevent_default();
            let msg = e.message();
            events.emit(WorkerEvent::Failed(if msg.is_empty() {
                "the analysis worker could not start (is the app's worker_loader script served?)"
                    .into()
            } else {
                format!("the analysis worker stopped: {msg}")
            }));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(AnalysisWorker {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }
}

impl Drop for AnalysisWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
