//! Which screen the app shows and what it says, as a pure state machine:
//! every user action and every worker or server outcome is an [`Event`], and
//! [`Flow::apply`] is the only place the screen changes. The app's
//! controller (`controller.rs`) feeds events in (through `use_reducer`) and
//! performs the side effects — worker, fetches, storage — itself.

/// Which screen is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    #[default]
    Upload,
    Analyzing,
    Results,
    Login,
}

/// Where an analysis runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Browser,
    Server,
}

/// The analysis in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub file_name: String,
    pub engine: Engine,
    pub bytes: f64,
    pub total: f64,
    pub lines: f64,
    /// Which reading of the file, from 1: the worker reads a file again for
    /// the anomalous entities' rows (files over 32 MB) and for entities whose
    /// events were far out of time order; `bytes` starts again each time.
    pub pass: u32,
    pub started_ms: f64,
    pub now_ms: f64,
}

impl Progress {
    /// Share of the file read, in [0, 1].
    pub fn fraction(&self) -> f64 {
        if self.total > 0.0 {
            (self.bytes / self.total).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

pub const SIGN_IN_NEEDED: &str = "Sign in to analyze files on the server.";
pub const CANCELLED: &str = "Analysis cancelled.";
pub const SIGNED_OUT: &str = "You have signed out.";

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A file or the settings were refused before any analysis.
    Refused(String),
    /// Server mode was asked for without a session.
    SignInNeeded,
    Started(Progress),
    /// The worker read further.
    Progressed {
        bytes: f64,
        total: f64,
        lines: f64,
        /// Which reading of the file, from 1 (see [`Progress::pass`]).
        pass: u32,
        now_ms: f64,
    },
    /// A report is ready (the root holds it).
    Finished,
    Failed(String),
    Cancelled,
    /// The server answered 401: the token is missing, invalid or expired.
    SessionEnded(String),
    ServerModeChanged {
        on: bool,
        signed_in: bool,
    },
    /// The sign-in form was sent.
    SignInStarted,
    /// The server refused the sign-in, or could not be reached.
    SignInFailed(String),
    SignedIn,
    /// The analyst left the sign-in page without signing in.
    LoginDismissed {
        signed_in: bool,
    },
    SignedOut,
    ShowUpload,
    ShowResults,
    ShowLogin,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Flow {
    pub page: Page,
    /// "Analyze on the server" is on.
    pub server_mode: bool,
    /// Why the last file could not be analyzed (upload page).
    pub error: Option<String>,
    /// What the sign-in page says above the form.
    pub login_message: Option<String>,
    /// Why the last sign-in failed (sign-in page).
    pub login_error: Option<String>,
    /// A sign-in request is in flight.
    pub signing_in: bool,
    pub progress: Option<Progress>,
    /// A report has been shown and can be returned to.
    pub has_results: bool,
}

impl Flow {
    fn show_login(&mut self, message: Option<String>) {
        self.progress = None;
        self.login_message = message;
        self.login_error = None;
        self.page = Page::Login;
    }

    fn back_to_upload(&mut self, error: String) {
        self.progress = None;
        self.error = Some(error);
        self.page = Page::Upload;
    }

    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Refused(why) => self.error = Some(why),
            Event::SignInNeeded => self.show_login(Some(SIGN_IN_NEEDED.into())),
            Event::Started(p) => {
                self.progress = Some(p);
                self.error = None;
                self.page = Page::Analyzing;
            }
            Event::Progressed {
                bytes,
                total,
                lines,
                pass,
                now_ms,
            } => {
                // A message that arrives after Cancel changes nothing.
                if let (Page::Analyzing, Some(p)) = (self.page, self.progress.as_mut()) {
                    p.bytes = bytes;
                    p.total = total;
                    p.lines = lines;
                    p.pass = pass;
                    p.now_ms = now_ms;
                }
            }
            Event::Finished => {
                self.progress = None;
                self.error = None;
                self.has_results = true;
                self.page = Page::Results;
            }
            Event::Failed(why) => self.back_to_upload(why),
            Event::Cancelled => self.back_to_upload(CANCELLED.into()),
            Event::SessionEnded(why) => self.show_login(Some(format!(
                "Your session has ended ({why}). Sign in again to analyze on the server."
            ))),
            Event::ServerModeChanged { on, signed_in } => {
                self.server_mode = on;
                if on && !signed_in {
                    self.show_login(Some(SIGN_IN_NEEDED.into()));
                }
            }
            Event::SignInStarted => {
                self.signing_in = true;
                self.login_error = None;
            }
            Event::SignInFailed(why) => {
                self.signing_in = false;
                self.login_error = Some(why);
            }
            Event::SignedIn => {
                self.signing_in = false;
                self.login_message = None;
                self.login_error = None;
                self.page = Page::Upload;
            }
            Event::LoginDismissed { signed_in } => {
                if !signed_in {
                    self.server_mode = false;
                }
                self.login_message = None;
                self.login_error = None;
                self.page = Page::Upload;
            }
            Event::SignedOut => {
                self.server_mode = false;
                self.show_login(Some(SIGNED_OUT.into()));
            }
            Event::ShowUpload => self.page = Page::Upload,
            Event::ShowResults => {
                if self.has_results {
                    self.page = Page::Results;
                }
            }
            Event::ShowLogin => self.show_login(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started() -> Event {
        Event::Started(Progress {
            file_name: "a.jsonl".into(),
            engine: Engine::Browser,
            bytes: 0.0,
            total: 100.0,
            lines: 0.0,
            pass: 1,
            started_ms: 0.0,
            now_ms: 0.0,
        })
    }

    fn progressed(bytes: f64) -> Event {
        Event::Progressed {
            bytes,
            total: 100.0,
            lines: 3.0,
            pass: 1,
            now_ms: 5.0,
        }
    }

    fn run(events: impl IntoIterator<Item = Event>) -> Flow {
        let mut f = Flow::default();
        for e in events {
            f.apply(e);
        }
        f
    }

    #[test]
    fn analysis_goes_upload_to_progress_to_results() {
        let f = run([Event::Refused("bad".into()), started(), progressed(40.0)]);
        assert_eq!(f.page, Page::Analyzing);
        assert_eq!(f.error, None, "a new analysis clears the old error");
        assert_eq!(f.progress.as_ref().unwrap().fraction(), 0.4);
        let f = run([started(), progressed(40.0), Event::Finished]);
        assert_eq!(
            (f.page, f.has_results, f.progress),
            (Page::Results, true, None)
        );
    }

    #[test]
    fn cancel_returns_to_upload_and_late_progress_is_ignored() {
        let f = run([started(), Event::Cancelled, progressed(90.0)]);
        assert_eq!(f.page, Page::Upload);
        assert_eq!(f.error.as_deref(), Some(CANCELLED));
        assert_eq!(f.progress, None);
    }

    #[test]
    fn failure_shows_the_reason_and_keeps_earlier_results_reachable() {
        let f = run([
            started(),
            Event::Finished,
            started(),
            Event::Failed("no valid log line".into()),
        ]);
        assert_eq!(f.page, Page::Upload);
        assert_eq!(f.error.as_deref(), Some("no valid log line"));
        assert!(f.has_results);
        let mut f = f;
        f.apply(Event::ShowResults);
        assert_eq!(f.page, Page::Results);
        assert_eq!(
            run([Event::ShowResults]).page,
            Page::Upload,
            "nothing to show yet"
        );
    }

    #[test]
    fn expired_session_returns_to_sign_in_with_the_reason() {
        let f = run([started(), Event::SessionEnded("token expired".into())]);
        assert_eq!(f.page, Page::Login);
        assert_eq!(f.progress, None);
        assert!(f.login_message.unwrap().contains("token expired"));
    }

    #[test]
    fn server_mode_without_a_session_asks_to_sign_in_and_dismissing_turns_it_off() {
        let f = run([Event::ServerModeChanged {
            on: true,
            signed_in: false,
        }]);
        assert_eq!((f.page, f.server_mode), (Page::Login, true));
        assert_eq!(f.login_message.as_deref(), Some(SIGN_IN_NEEDED));
        let mut f = f;
        f.apply(Event::LoginDismissed { signed_in: false });
        assert_eq!((f.page, f.server_mode), (Page::Upload, false));
        let f = run([
            Event::ServerModeChanged {
                on: true,
                signed_in: true,
            },
            Event::ShowLogin,
            Event::LoginDismissed { signed_in: true },
        ]);
        assert!(f.server_mode, "a signed-in analyst keeps server mode");
    }

    #[test]
    fn a_refused_sign_in_says_why_and_a_new_attempt_clears_it() {
        let f = run([
            Event::ShowLogin,
            Event::SignInStarted,
            Event::SignInFailed("invalid email or password".into()),
        ]);
        assert_eq!(f.page, Page::Login);
        assert!(!f.signing_in);
        assert_eq!(f.login_error.as_deref(), Some("invalid email or password"));
        let mut again = f.clone();
        again.apply(Event::SignInStarted);
        assert!(again.signing_in);
        assert_eq!(again.login_error, None);
        again.apply(Event::SignedIn);
        assert_eq!((again.page, again.signing_in), (Page::Upload, false));
        let mut left = f;
        left.apply(Event::LoginDismissed { signed_in: false });
        left.apply(Event::ShowLogin);
        assert_eq!(left.login_error, None, "an old error is not shown again");
    }

    #[test]
    fn sign_in_then_sign_out() {
        let f = run([Event::SignInNeeded, Event::SignedIn]);
        assert_eq!((f.page, f.login_message), (Page::Upload, None));
        let f = run([
            Event::ServerModeChanged {
                on: true,
                signed_in: true,
            },
            Event::SignedOut,
        ]);
        assert_eq!((f.page, f.server_mode), (Page::Login, false));
        assert_eq!(f.login_message.as_deref(), Some(SIGNED_OUT));
    }
}
