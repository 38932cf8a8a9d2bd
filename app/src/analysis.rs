//! The page side of in-browser analysis. The work itself is the npm
//! package's worker helper (`signaltrace/worker`'s `analyzeFile`, reached
//! through the host, [`host::analyze`]): one module worker that reads the
//! files in slices with the detector's wasm, reports progress and ends with
//! the report, the same code npm users run. This module turns its progress
//! and its outcome into [`WorkerEvent`]s. Dropping an [`AnalysisWorker`]
//! aborts the call, which terminates the worker and frees everything it
//! allocated at once. [`crate::job::Job`] is its one user.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, File};
use yew::Callback;

use crate::job::WorkerRun;
use crate::{browser, host};

#[derive(Debug, Clone, PartialEq)]
pub enum WorkerEvent {
    Progress {
        bytes: f64,
        total: f64,
        lines: f64,
        /// Which reading of the files, from 1 (signaltrace/worker's `pass`).
        pass: u32,
    },
    /// The report JSON and how the workers ran.
    Done {
        report: String,
        run: WorkerRun,
    },
    Failed(String),
}

pub struct AnalysisWorker {
    controller: AbortController,
    /// Set on drop: an outcome that arrives after it is not reported.
    stopped: Rc<Cell<bool>>,
}

fn field(data: &JsValue, name: &str) -> JsValue {
    Reflect::get(data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn message(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "analysis failed".into())
}

impl AnalysisWorker {
    /// Starts the analysis of `files` (one log, in this order) with the
    /// detector config `config_json`; `events` receives its progress and
    /// its result.
    pub fn start(
        files: &[File],
        config_json: String,
        events: Callback<WorkerEvent>,
    ) -> Result<Self, String> {
        let controller = AbortController::new()
            .map_err(|_| "this browser cannot cancel an analysis".to_string())?;
        let (list, names) = (Array::new(), Array::new());
        for file in files {
            list.push(file);
            names.push(&browser::file_name(file).into());
        }
        let stopped = Rc::new(Cell::new(false));
        let run = Rc::new(Cell::new(WorkerRun {
            memory: 0.0,
            workers: 1,
        }));
        let on_progress = {
            let (events, stopped, run) = (events.clone(), stopped.clone(), run.clone());
            Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
                let num = |k| field(&p, k).as_f64().unwrap_or(0.0);
                run.set(WorkerRun {
                    memory: num("memory"),
                    workers: num("workers").max(1.0) as u32,
                });
                if !stopped.get() {
                    events.emit(WorkerEvent::Progress {
                        bytes: num("bytes"),
                        total: num("total"),
                        lines: num("lines"),
                        pass: num("pass").max(1.0) as u32,
                    });
                }
            })
        };
        let promise = host::analyze(
            &list,
            &names,
            &config_json,
            on_progress.as_ref().unchecked_ref(),
            &controller.signal(),
        )?;
        let done = stopped.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = JsFuture::from(promise).await;
            // Kept alive until the call settles: the worker may report
            // progress up to its last message.
            drop(on_progress);
            if done.get() {
                return;
            }
            events.emit(match outcome {
                Ok(report) => match report.as_string() {
                    Some(report) => WorkerEvent::Done {
                        report,
                        run: run.get(),
                    },
                    None => WorkerEvent::Failed("internal error: the report is not JSON".into()),
                },
                Err(e) => WorkerEvent::Failed(message(&e)),
            });
        });
        Ok(AnalysisWorker {
            controller,
            stopped,
        })
    }
}

impl Drop for AnalysisWorker {
    fn drop(&mut self) {
        self.stopped.set(true);
        self.controller.abort();
    }
}
