//! A [`Plan`] running on its engine: the Web Worker ([`AnalysisWorker`]) or
//! `POST /api/analyze` ([`api::analyze`]). Both end the same way, as a
//! [`JobEvent`]; dropping the [`Job`] terminates the worker or aborts the
//! request.

use web_sys::{AbortController, File};
use yew::Callback;

use super::{Loaded, Plan, WorkerRun};
use crate::analysis::{AnalysisWorker, WorkerEvent};
use crate::api::{self, ApiError};
use crate::browser::{self, Session};
use crate::flow::Engine;

/// What a running job reports.
#[derive(Debug)]
pub enum JobEvent {
    /// The worker read further (browser engine only; the server answers at
    /// once).
    Progress {
        bytes: f64,
        total: f64,
        lines: f64,
        pass: u32,
    },
    Finished(Box<Loaded>),
    Failed(String),
    /// The server answered 401: the session is over.
    SessionEnded(String),
}

/// The resource a running job holds; dropping it stops the job.
enum Engaged {
    /// Held for its `Drop`, which terminates the worker.
    Worker {
        _worker: AnalysisWorker,
    },
    Request(AbortController),
}

pub struct Job {
    engaged: Engaged,
}

impl Job {
    /// Starts `plan` on its engine; `events` gets its progress and its end.
    /// A server plan needs the `session` ([`super::plan`] checked there is
    /// one).
    pub fn start(
        files: Vec<File>,
        plan: Plan,
        session: Option<Session>,
        events: Callback<JobEvent>,
    ) -> Result<Job, String> {
        let started = browser::now_ms();
        let finish = {
            let (plan, events) = (plan.clone(), events.clone());
            move |json: String, run: Option<WorkerRun>| {
                let elapsed = browser::now_ms() - started;
                events.emit(match Loaded::read(&plan, json, elapsed, run) {
                    Ok(loaded) => JobEvent::Finished(Box::new(loaded)),
                    Err(why) => JobEvent::Failed(why),
                });
            }
        };
        let engaged = match (plan.engine, session) {
            (Engine::Server, Some(session)) => {
                let controller = AbortController::new()
                    .map_err(|_| "this browser cannot cancel requests".to_string())?;
                let signal = controller.signal();
                wasm_bindgen_futures::spawn_local(async move {
                    match api::analyze(&session, &files, &plan.config_json, &signal).await {
                        Ok(json) => finish(json, None),
                        Err(ApiError::Unauthorized(why)) => {
                            events.emit(JobEvent::SessionEnded(why))
                        }
                        Err(ApiError::Failed(why)) => events.emit(JobEvent::Failed(why)),
                        Err(ApiError::Aborted) => {}
                    }
                });
                Engaged::Request(controller)
            }
            (Engine::Server, None) => {
                return Err(crate::flow::SIGN_IN_NEEDED.into());
            }
            (Engine::Browser, _) => {
                let on_worker = Callback::from(move |event: WorkerEvent| match event {
                    WorkerEvent::Progress {
                        bytes,
                        total,
                        lines,
                        pass,
                    } => events.emit(JobEvent::Progress {
                        bytes,
                        total,
                        lines,
                        pass,
                    }),
                    WorkerEvent::Done { report, run } => finish(report, Some(run)),
                    WorkerEvent::Failed(why) => events.emit(JobEvent::Failed(why)),
                });
                Engaged::Worker {
                    _worker: AnalysisWorker::start(&files, plan.config_json, on_worker)?,
                }
            }
        };
        Ok(Job { engaged })
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        // The worker terminates when its handle drops.
        if let Engaged::Request(controller) = &self.engaged {
            controller.abort();
        }
    }
}
