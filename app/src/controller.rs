//! What the analyst's actions do. The [`Controller`] owns the app's state —
//! the screen as a [`Flow`] (every change goes through [`Flow::apply`]), the
//! settings, the session, the last report and the running [`Job`] — and
//! performs the side effects: storage, the worker, the server. Views read
//! its state, call its methods through [`Controller::on`], and decide
//! nothing themselves.
//!
//! What an analysis will do (intake check, settings → config, rows policy,
//! engine) is decided by the pure [`job::plan`]; this module only acts on it.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::File;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::browser::{self, Session};
use crate::flow::{Event, Flow, Page};
use crate::job::{self, Job, JobEvent};
use crate::settings::Settings;
use crate::ui::fragment;
use crate::ui::state::LoadedRef;

/// The [`Flow`] as Yew state: every change goes through [`Flow::apply`].
#[derive(Default, PartialEq)]
pub struct FlowState(Flow);

impl Reducible for FlowState {
    type Action = Event;

    fn reduce(self: Rc<Self>, event: Event) -> Rc<Self> {
        let mut next = self.0.clone();
        next.apply(event);
        Rc::new(FlowState(next))
    }
}

/// The app's state and actions. Cheap to clone: every field is a handle.
/// A clone taken at one render acts on the live state (its setters and
/// dispatcher reach the current component), but reads the state of that
/// render — which is what an action started from that render should see.
#[derive(Clone)]
pub struct Controller {
    flow: UseReducerHandle<FlowState>,
    settings: UseStateHandle<Settings>,
    session: UseStateHandle<Option<Session>>,
    loaded: UseStateHandle<Option<LoadedRef>>,
    /// The analysis in flight; replacing or clearing it stops it.
    job: Rc<RefCell<Option<Job>>>,
}

/// The app's controller, restored from storage on the first render.
#[hook]
pub fn use_controller() -> Controller {
    Controller {
        flow: use_reducer(FlowState::default),
        settings: use_state(browser::load_settings),
        session: use_state(browser::load_session),
        loaded: use_state(|| None),
        job: use_mut_ref(|| None),
    }
}

impl Controller {
    pub fn flow(&self) -> &Flow {
        &self.flow.0
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// The last finished analysis.
    pub fn loaded(&self) -> Option<LoadedRef> {
        (*self.loaded).clone()
    }

    /// A callback that runs `action` on this controller: how views dispatch.
    pub fn on<T: 'static>(&self, action: impl Fn(&Controller, T) + 'static) -> Callback<T> {
        let this = self.clone();
        Callback::from(move |value: T| action(&this, value))
    }

    fn apply(&self, event: Event) {
        self.flow.dispatch(event);
    }

    /// Stops the running analysis, if any (terminates the worker or aborts
    /// the request).
    fn stop(&self) {
        let job = self.job.borrow_mut().take();
        drop(job);
    }

    /// Analyzes `files` as one log, in name order, where the settings say,
    /// or shows why not.
    pub fn analyze(&self, mut files: Vec<File>) {
        files.sort_by_key(browser::file_name);
        let listed: Vec<(String, f64)> = files
            .iter()
            .map(|f| (browser::file_name(f), f.size()))
            .collect();
        let plan = job::plan_files(
            &listed,
            &self.settings,
            self.flow().server_mode,
            self.session.is_some(),
        );
        let plan = match plan {
            Ok(plan) => plan,
            Err(refusal) => return self.apply(refusal),
        };
        self.stop();
        self.apply(Event::Started(plan.progress(browser::now_ms())));
        let events = self.on(|this, event: JobEvent| this.job_event(event));
        match Job::start(files, plan, (*self.session).clone(), events) {
            Ok(job) => *self.job.borrow_mut() = Some(job),
            Err(why) => self.apply(Event::Failed(why)),
        }
    }

    /// Fetches the bundled sample `name` and analyzes it.
    pub fn analyze_sample(&self, name: String) {
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match api::sample(&name).await {
                Ok(file) => this.analyze(vec![file]),
                Err(why) => this.apply(Event::Refused(why)),
            }
        });
    }

    fn job_event(&self, event: JobEvent) {
        match event {
            JobEvent::Progress {
                bytes,
                total,
                lines,
                pass,
            } => self.apply(Event::Progressed {
                bytes,
                total,
                lines,
                pass,
                now_ms: browser::now_ms(),
            }),
            JobEvent::Finished(loaded) => {
                self.stop();
                // The URL fragment's view (entity, filters) belongs to the
                // report it was made on: a later analysis starts unfiltered.
                // The first one after the page loaded keeps it, so a reload
                // and a re-run of the same file restore the view.
                if self.loaded.is_some() {
                    fragment::clear();
                }
                self.loaded.set(Some(LoadedRef(Rc::from(loaded))));
                self.apply(Event::Finished);
            }
            JobEvent::Failed(why) => {
                self.stop();
                self.apply(Event::Failed(why));
            }
            JobEvent::SessionEnded(why) => {
                self.stop();
                browser::clear_session();
                self.session.set(None);
                self.apply(Event::SessionEnded(why));
            }
        }
    }

    pub fn cancel(&self) {
        self.stop();
        self.apply(Event::Cancelled);
    }

    pub fn change_settings(&self, settings: Settings) {
        browser::save_settings(&settings);
        self.settings.set(settings);
    }

    pub fn reset_settings(&self) {
        browser::clear_settings();
        self.settings.set(Settings::default());
    }

    pub fn set_server_mode(&self, on: bool) {
        let signed_in = self.session.is_some();
        self.apply(Event::ServerModeChanged { on, signed_in });
    }

    /// Signs in to the server with the sign-in form's values.
    pub fn sign_in(&self, email: String, password: String) {
        let email = email.trim().to_string();
        if email.is_empty() || password.is_empty() {
            return self.apply(Event::SignInFailed("Enter your email and password.".into()));
        }
        self.apply(Event::SignInStarted);
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match api::login(&email, &password).await {
                Ok(session) => this.signed_in(session),
                Err(ApiError::Unauthorized(why) | ApiError::Failed(why)) => {
                    this.apply(Event::SignInFailed(why))
                }
                Err(ApiError::Aborted) => {}
            }
        });
    }

    fn signed_in(&self, session: Session) {
        browser::save_session(&session);
        self.session.set(Some(session));
        self.apply(Event::SignedIn);
    }

    pub fn dismiss_login(&self) {
        let signed_in = self.session.is_some();
        self.apply(Event::LoginDismissed { signed_in });
    }

    pub fn sign_out(&self) {
        browser::clear_session();
        self.session.set(None);
        self.apply(Event::SignedOut);
    }

    /// Goes to `page` when the flow allows it (results only once there are
    /// some; the progress page only through [`Controller::analyze`]).
    pub fn show(&self, page: Page) {
        match page {
            Page::Upload => self.apply(Event::ShowUpload),
            Page::Results => self.apply(Event::ShowResults),
            Page::Login => self.apply(Event::ShowLogin),
            Page::Analyzing => {}
        }
    }
}
