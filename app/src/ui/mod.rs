//! The views. [`App`] owns the state ([`state`]) and the side effects
//! (worker, server calls); the page components only draw and call back.

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
use crate::intake;
use crate::settings::{logs_mode_for, Settings};
use state::{Engine, Loaded, LoadedRef, Page, Progress};

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

#[function_component(App)]
pub fn app() -> Html {
    let page = use_state(|| Page::Upload);
    let settings = use_state(browser::load_settings);
    let session = use_state(browser::load_session);
    let server_mode = use_state(|| false);
    let error = use_state(|| None::<String>);
    let login_message = use_state(|| None::<String>);
    let progress = use_state(|| None::<Progress>);
    let loaded = use_state(|| None::<LoadedRef>);
    let running = use_mut_ref(Running::default);

    // A report arrived (from the worker or the server).
    let finish = {
        let (page, loaded, error, running, progress) = (
            page.clone(),
            loaded.clone(),
            error.clone(),
            running.clone(),
            progress.clone(),
        );
        Callback::from(
            move |Finished {
                      json,
                      engine,
                      size,
                      started,
                      memory,
                  }: Finished| {
                running.borrow_mut().stop();
                progress.set(None);
                match serde_json::from_str::<Report>(&json) {
                    Ok(report) => {
                        loaded.set(Some(LoadedRef(Rc::new(Loaded {
                            report,
                            json,
                            engine,
                            file_size: size,
                            elapsed_ms: browser::now_ms() - started,
                            worker_memory: memory,
                        }))));
                        error.set(None);
                        page.set(Page::Results);
                    }
                    Err(e) => {
                        error.set(Some(format!("The report could not be read: {e}")));
                        page.set(Page::Upload);
                    }
                }
            },
        )
    };

    let fail = {
        let (page, error, running, progress) = (
            page.clone(),
            error.clone(),
            running.clone(),
            progress.clone(),
        );
        Callback::from(move |message: String| {
            running.borrow_mut().stop();
            progress.set(None);
            error.set(Some(message));
            page.set(Page::Upload);
        })
    };

    let expire = {
        let (page, session, login_message, running, progress) = (
            page.clone(),
            session.clone(),
            login_message.clone(),
            running.clone(),
            progress.clone(),
        );
        Callback::from(move |message: String| {
            running.borrow_mut().stop();
            progress.set(None);
            browser::clear_session();
            session.set(None);
            login_message.set(Some(format!(
                "Your session has ended ({message}). Sign in again to analyze on the server."
            )));
            page.set(Page::Login);
        })
    };

    let analyze = {
        let (page, settings, session, server_mode, error, progress, running, login_message) = (
            page.clone(),
            settings.clone(),
            session.clone(),
            server_mode.clone(),
            error.clone(),
            progress.clone(),
            running.clone(),
            login_message.clone(),
        );
        let (finish, fail, expire) = (finish.clone(), fail.clone(), expire.clone());
        Callback::from(move |file: File| {
            let name = file.name();
            let size = file.size();
            if let Err(e) = intake::precheck(&name, size) {
                error.set(Some(e));
                return;
            }
            let config = match settings.to_config_json(logs_mode_for(size as u64)) {
                Ok(c) => c,
                Err(e) => {
                    error.set(Some(format!("Check the settings: {e}")));
                    return;
                }
            };
            let engine = if *server_mode {
                Engine::Server
            } else {
                Engine::Browser
            };
            if engine == Engine::Server && session.is_none() {
                login_message.set(Some("Sign in to analyze files on the server.".into()));
                page.set(Page::Login);
                return;
            }
            running.borrow_mut().stop();
            let started = browser::now_ms();
            progress.set(Some(Progress {
                file_name: name,
                engine,
                bytes: 0.0,
                total: size,
                lines: 0.0,
                started_ms: started,
                now_ms: started,
            }));
            error.set(None);
            page.set(Page::Analyzing);
            match engine {
                Engine::Browser => {
                    let (progress, finish, on_fail) =
                        (progress.clone(), finish.clone(), fail.clone());
                    let file_name = file.name();
                    let events = Callback::from(move |ev: WorkerEvent| match ev {
                        WorkerEvent::Progress {
                            bytes,
                            total,
                            lines,
                        } => {
                            progress.set(Some(Progress {
                                file_name: file_name.clone(),
                                engine: Engine::Browser,
                                bytes,
                                total,
                                lines,
                                started_ms: started,
                                now_ms: browser::now_ms(),
                            }));
                        }
                        WorkerEvent::Done { report, memory } => finish.emit(Finished {
                            json: report,
                            engine: Engine::Browser,
                            size,
                            started,
                            memory: Some(memory),
                        }),
                        WorkerEvent::Failed(message) => on_fail.emit(message),
                    });
                    match AnalysisJob::start(file, config, events) {
                        Ok(job) => running.borrow_mut().job = Some(job),
                        Err(e) => fail.emit(e),
                    }
                }
                Engine::Server => {
                    let Some(s) = (*session).clone() else { return };
                    let Ok(controller) = AbortController::new() else {
                        fail.emit("this browser cannot cancel requests".into());
                        return;
                    };
                    let signal = controller.signal();
                    running.borrow_mut().abort = Some(controller);
                    let (finish, fail, expire) = (finish.clone(), fail.clone(), expire.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        match api::analyze(&s, &file, &config, &signal).await {
                            Ok(json) => finish.emit(Finished {
                                json,
                                engine: Engine::Server,
                                size,
                                started,
                                memory: None,
                            }),
                            Err(ApiError::Unauthorized(m)) => expire.emit(m),
                            Err(ApiError::Failed(m)) => fail.emit(m),
                            Err(ApiError::Aborted) => {}
                        }
                    });
                }
            }
        })
    };

    let on_sample = {
        let (analyze, error) = (analyze.clone(), error.clone());
        Callback::from(move |name: String| {
            let (analyze, error) = (analyze.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::sample(&name).await {
                    Ok(file) => analyze.emit(file),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    let on_cancel = {
        let (page, running, progress, error) = (
            page.clone(),
            running.clone(),
            progress.clone(),
            error.clone(),
        );
        Callback::from(move |_| {
            running.borrow_mut().stop();
            progress.set(None);
            error.set(Some("Analysis cancelled.".into()));
            page.set(Page::Upload);
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

    let on_server_mode = {
        let (server_mode, session, page, login_message) = (
            server_mode.clone(),
            session.clone(),
            page.clone(),
            login_message.clone(),
        );
        Callback::from(move |on: bool| {
            server_mode.set(on);
            if on && session.is_none() {
                login_message.set(Some("Sign in to analyze files on the server.".into()));
                page.set(Page::Login);
            }
        })
    };

    let on_login = {
        let (session, page, login_message) = (session.clone(), page.clone(), login_message.clone());
        Callback::from(move |s: Session| {
            browser::save_session(&s);
            session.set(Some(s));
            login_message.set(None);
            page.set(Page::Upload);
        })
    };
    let on_login_cancel = {
        let (page, server_mode, login_message) =
            (page.clone(), server_mode.clone(), login_message.clone());
        Callback::from(move |_| {
            if session_missing() {
                server_mode.set(false);
            }
            login_message.set(None);
            page.set(Page::Upload);
        })
    };
    let on_logout = {
        let (session, page, server_mode, login_message) = (
            session.clone(),
            page.clone(),
            server_mode.clone(),
            login_message.clone(),
        );
        Callback::from(move |_| {
            browser::clear_session();
            session.set(None);
            server_mode.set(false);
            login_message.set(Some("You have signed out.".into()));
            page.set(Page::Login);
        })
    };
    let on_new = {
        let page = page.clone();
        Callback::from(move |_| page.set(Page::Upload))
    };
    let on_show_login = {
        let (page, login_message) = (page.clone(), login_message.clone());
        Callback::from(move |_| {
            login_message.set(None);
            page.set(Page::Login)
        })
    };

    let body = match *page {
        Page::Upload => html! {
            <upload::UploadPage
                settings={(*settings).clone()}
                server_mode={*server_mode}
                signed_in={session.is_some()}
                error={(*error).clone()}
                has_results={loaded.is_some()}
                on_file={analyze.clone()}
                on_sample={on_sample}
                on_settings={on_settings}
                on_reset_settings={on_reset_settings}
                on_server_mode={on_server_mode}
                on_show_results={
                    let page = page.clone();
                    Callback::from(move |_| page.set(Page::Results))
                }
            />
        },
        Page::Analyzing => match (*progress).clone() {
            Some(p) => html! { <progress::ProgressPage progress={p} on_cancel={on_cancel} /> },
            None => html! {},
        },
        Page::Results => match (*loaded).clone() {
            Some(l) => html! { <results::ResultsPage loaded={l} on_new={on_new} /> },
            None => html! {},
        },
        Page::Login => html! {
            <login::LoginPage
                message={(*login_message).clone()}
                on_login={on_login}
                on_cancel={on_login_cancel}
            />
        },
    };

    let mode = if *server_mode {
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
        None if *page != Page::Login => html! {
            <button class="btn btn-ghost" onclick={on_show_login}>{"Server sign-in"}</button>
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

fn session_missing() -> bool {
    browser::load_session().is_none()
}
