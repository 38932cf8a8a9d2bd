//! The views. [`App`] holds the state — the screen as a [`Flow`] reducer,
//! plus settings, session and the loaded report — and performs the side
//! effects (worker, server calls, storage); the page components only draw
//! and call back.

mod login;
mod progress;
mod results;
pub mod state;
mod upload;

use std::rc::Rc;

use detector::Report;
use web_sys::{AbortController, File};
use yew::prelude::*;

use crate::analysis::{AnalysisJob, WorkerEvent};
use crate::api::{self, ApiError};
use crate::browser::{self, Session};
use crate::flow::{Engine, Event, Flow, Page, Progress};
use crate::intake;
use crate::settings::{logs_mode_for, Settings};
use state::{Loaded, LoadedRef};

/// Where a running analysis can be stopped.
#[derive(Default)]
struct Running {
    job: Option<AnalysisJob>,
    abort: Option<AbortController>,
}

impl Running {
    fn stop(&mut self) {
        self.job = None; // terminates the worker
        if let Some(a) = self.abort.take() {
            a.abort();
        }
    }
}

/// A report that arrived, with what the results page says about the run.
struct Finished {
    json: String,
    engine: Engine,
    size: f64,
    started: f64,
    memory: Option<f64>,
}

/// The [`Flow`] as Yew state: every change goes through [`Flow::apply`].
#[derive(Default, PartialEq)]
struct FlowState(Flow);

impl Reducible for FlowState {
    type Action = Event;

    fn reduce(self: Rc<Self>, event: Event) -> Rc<Self> {
        let mut next = self.0.clone();
        next.apply(event);
        Rc::new(FlowState(next))
    }
}

/// A callback that ignores its argument and dispatches `event`.
fn send<T: 'static>(emit: &UseReducerDispatcher<FlowState>, event: Event) -> Callback<T> {
    let emit = emit.clone();
    Callback::from(move |_: T| emit.dispatch(event.clone()))
}

#[function_component(App)]
pub fn app() -> Html {
    let flow = use_reducer(FlowState::default);
    let settings = use_state(browser::load_settings);
    let session = use_state(browser::load_session);
    let loaded = use_state(|| None::<LoadedRef>);
    let running = use_mut_ref(Running::default);
    let emit = flow.dispatcher();

    // A report arrived (from the worker or the server).
    let finish = {
        let (emit, loaded, running) = (emit.clone(), loaded.clone(), running.clone());
        Callback::from(move |f: Finished| {
            running.borrow_mut().stop();
            match serde_json::from_str::<Report>(&f.json) {
                Ok(report) => {
                    loaded.set(Some(LoadedRef(Rc::new(Loaded {
                        report,
                        json: f.json,
                        engine: f.engine,
                        file_size: f.size,
                        elapsed_ms: browser::now_ms() - f.started,
                        worker_memory: f.memory,
                    }))));
                    emit.dispatch(Event::Finished);
                }
                Err(e) => {
                    emit.dispatch(Event::Failed(format!("The report could not be read: {e}")))
                }
            }
        })
    };
    let fail = {
        let (emit, running) = (emit.clone(), running.clone());
        Callback::from(move |why: String| {
            running.borrow_mut().stop();
            emit.dispatch(Event::Failed(why));
        })
    };
    let session_ended = {
        let (emit, running, session) = (emit.clone(), running.clone(), session.clone());
        Callback::from(move |why: String| {
            running.borrow_mut().stop();
            browser::clear_session();
            session.set(None);
            emit.dispatch(Event::SessionEnded(why));
        })
    };

    let analyze = {
        let (emit, settings, session, running) = (
            emit.clone(),
            settings.clone(),
            session.clone(),
            running.clone(),
        );
        let server_mode = flow.0.server_mode;
        Callback::from(move |file: File| {
            let (name, size) = (file.name(), file.size());
            if let Err(why) = intake::precheck(&name, size) {
                emit.dispatch(Event::Refused(why));
                return;
            }
            let config = match settings.to_config_json(logs_mode_for(size as u64)) {
                Ok(c) => c,
                Err(why) => {
                    emit.dispatch(Event::Refused(format!("Check the settings: {why}")));
                    return;
                }
            };
            let engine = if server_mode {
                Engine::Server
            } else {
                Engine::Browser
            };
            let server_session = (*session).clone();
            if engine == Engine::Server && server_session.is_none() {
                emit.dispatch(Event::SignInNeeded);
                return;
            }
            running.borrow_mut().stop();
            let started = browser::now_ms();
            emit.dispatch(Event::Started(Progress {
                file_name: name,
                engine,
                bytes: 0.0,
                total: size,
                lines: 0.0,
                started_ms: started,
                now_ms: started,
            }));
            let done = {
                let finish = finish.clone();
                move |json: String, memory: Option<f64>| {
                    finish.emit(Finished {
                        json,
                        engine,
                        size,
                        started,
                        memory,
                    })
                }
            };
            match (engine, server_session) {
                (Engine::Server, Some(s)) => {
                    let Ok(controller) = AbortController::new() else {
                        fail.emit("this browser cannot cancel requests".into());
                        return;
                    };
                    let signal = controller.signal();
                    running.borrow_mut().abort = Some(controller);
                    let (fail, session_ended) = (fail.clone(), session_ended.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        match api::analyze(&s, &file, &config, &signal).await {
                            Ok(json) => done(json, None),
                            Err(ApiError::Unauthorized(why)) => session_ended.emit(why),
                            Err(ApiError::Failed(why)) => fail.emit(why),
                            Err(ApiError::Aborted) => {}
                        }
                    });
                }
                _ => {
                    let (emit, fail_cb) = (emit.clone(), fail.clone());
                    let events = Callback::from(move |ev: WorkerEvent| match ev {
                        WorkerEvent::Progress {
                            bytes,
                            total,
                            lines,
                        } => emit.dispatch(Event::Progressed {
                            bytes,
                            total,
                            lines,
                            now_ms: browser::now_ms(),
                        }),
                        WorkerEvent::Done { report, memory } => done(report, Some(memory)),
                        WorkerEvent::Failed(why) => fail_cb.emit(why),
                    });
                    match AnalysisJob::start(file, config, events) {
                        Ok(job) => running.borrow_mut().job = Some(job),
                        Err(why) => fail.emit(why),
                    }
                }
            }
        })
    };

    let on_sample = {
        let (analyze, emit) = (analyze.clone(), emit.clone());
        Callback::from(move |name: String| {
            let (analyze, emit) = (analyze.clone(), emit.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::sample(&name).await {
                    Ok(file) => analyze.emit(file),
                    Err(why) => emit.dispatch(Event::Refused(why)),
                }
            });
        })
    };
    let on_cancel = {
        let (emit, running) = (emit.clone(), running.clone());
        Callback::from(move |_| {
            running.borrow_mut().stop();
            emit.dispatch(Event::Cancelled);
        })
    };
    let on_settings = {
        let settings = settings.clone();
        Callback::from(move |s: Settings| {
            browser::save_settings(&s);
            settings.set(s);
        })
    };
    let on_reset_settings = {
        let settings = settings.clone();
        Callback::from(move |_| {
            browser::clear_settings();
            settings.set(Settings::default());
        })
    };
    let signed_in = session.is_some();
    let on_server_mode = {
        let emit = emit.clone();
        Callback::from(move |on: bool| emit.dispatch(Event::ServerModeChanged { on, signed_in }))
    };
    let on_login = {
        let (emit, session) = (emit.clone(), session.clone());
        Callback::from(move |s: Session| {
            browser::save_session(&s);
            session.set(Some(s));
            emit.dispatch(Event::SignedIn);
        })
    };
    let on_login_cancel = {
        let emit = emit.clone();
        Callback::from(move |_| emit.dispatch(Event::LoginDismissed { signed_in }))
    };
    let on_logout = {
        let (emit, session) = (emit.clone(), session.clone());
        Callback::from(move |_| {
            browser::clear_session();
            session.set(None);
            emit.dispatch(Event::SignedOut);
        })
    };
    let to = |event: Event| send(&emit, event);

    let f = &flow.0;
    let body = match f.page {
        Page::Upload => html! {
            <upload::UploadPage
                settings={(*settings).clone()}
                server_mode={f.server_mode}
                signed_in={signed_in}
                error={f.error.clone()}
                has_results={f.has_results}
                on_file={analyze}
                on_sample={on_sample}
                on_settings={on_settings}
                on_reset_settings={on_reset_settings}
                on_server_mode={on_server_mode}
                on_show_results={to(Event::ShowResults)}
            />
        },
        Page::Analyzing => match f.progress.clone() {
            Some(p) => html! { <progress::ProgressPage progress={p} on_cancel={on_cancel} /> },
            None => html! {},
        },
        Page::Results => match (*loaded).clone() {
            Some(l) => html! { <results::ResultsPage loaded={l} on_new={to(Event::ShowUpload)} /> },
            None => html! {},
        },
        Page::Login => html! {
            <login::LoginPage
                message={f.login_message.clone()}
                on_login={on_login}
                on_cancel={on_login_cancel}
            />
        },
    };

    let mode = if f.server_mode {
        html! { <span class="mode-pill server" data-testid="mode">{"Server analysis"}</span> }
    } else {
        html! { <span class="mode-pill local" data-testid="mode">{"In-browser · files never leave this machine"}</span> }
    };
    let account = match &*session {
        Some(s) => html! {
            <div class="account">
                <span class="account-email" data-testid="signed-in-as">{ s.email.clone() }</span>
                <button class="btn btn-ghost" data-testid="logout" onclick={on_logout}>{"Sign out"}</button>
            </div>
        },
        None if f.page != Page::Login => html! {
            <button class="btn btn-ghost" onclick={send::<MouseEvent>(&emit, Event::ShowLogin)}>{"Server sign-in"}</button>
        },
        None => html! {},
    };

    html! {
        <>
            <header class="topbar">
                <div class="brand">
                    <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
                        <path d="M2 18h6l3-9 5 16 4-11 2 4h8" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/>
                    </svg>
                    <span class="brand-name">{"signaltrace"}</span>
                    <span class="brand-tag">{"Log anomaly detection"}</span>
                </div>
                <div class="topbar-right">{ mode }{ account }</div>
            </header>
            <main class="content" id="main">{ body }</main>
            <footer class="footer">
                {format!("signaltrace {} · rule-based + Isolation Forest detection", detector::VERSION)}
            </footer>
        </>
    }
}
