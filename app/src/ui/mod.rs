//! The views: [`App`] draws the frame (top bar, footer) and the page the
//! [`Flow`](crate::flow::Flow) says is up; each page component draws from
//! its props and calls back. What an action does is the
//! [`Controller`]'s business.

pub(crate) mod fragment;
mod investigate;
mod login;
mod logtable;
mod progress;
mod results;
pub mod state;
mod update;
mod upload;

use yew::prelude::*;

use crate::controller::{use_controller, Controller};
use crate::flow::Page;
use crate::host;

#[function_component(App)]
pub fn app() -> Html {
    let ctl = use_controller();
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
                <div class="topbar-right">{ mode_pill(&ctl) }{ account(&ctl) }</div>
            </header>
            <main class="content" id="main"><update::UpdateBanner />{ page(&ctl) }</main>
            <footer class="footer">
                {format!("signaltrace {} · rule-based + Isolation Forest detection", detector::VERSION)}
                { footer_build() }
            </footer>
        </>
    }
}

/// The single file's download (served beside index.html), or, in the
/// single file, which build this is.
fn footer_build() -> Html {
    if host::offers_single_file() {
        html! {
            <>
                {" · "}
                <a href="signaltrace.html" download="signaltrace.html" data-testid="single-file-link">
                    {"Download signaltrace.html"}
                </a>
                {" — one file that works offline, opened from disk"}
            </>
        }
    } else {
        html! { <span data-testid="single-file-build">{" · single-file build, works offline"}</span> }
    }
}

/// The page the flow has up.
fn page(ctl: &Controller) -> Html {
    let f = ctl.flow();
    match f.page {
        Page::Upload => html! {
            <upload::UploadPage
                settings={ctl.settings().clone()}
                server_mode={f.server_mode}
                offers_server={host::offers_server()}
                signed_in={ctl.session().is_some()}
                error={f.error.clone()}
                has_results={f.has_results}
                on_file={ctl.on(|c, file| c.analyze(file))}
                on_sample={ctl.on(|c, name| c.analyze_sample(name))}
                on_settings={ctl.on(|c, settings| c.change_settings(settings))}
                on_reset_settings={ctl.on(|c, ()| c.reset_settings())}
                on_server_mode={ctl.on(|c, on| c.set_server_mode(on))}
                on_show_results={ctl.on(|c, ()| c.show(Page::Results))}
            />
        },
        Page::Analyzing => match f.progress.clone() {
            Some(p) => html! {
                <progress::ProgressPage progress={p} on_cancel={ctl.on(|c, ()| c.cancel())} />
            },
            None => html! {},
        },
        Page::Results => match ctl.loaded() {
            Some(l) => html! {
                <results::ResultsPage loaded={l} on_new={ctl.on(|c, ()| c.show(Page::Upload))} />
            },
            None => html! {},
        },
        Page::Login => html! {
            <login::LoginPage
                message={f.login_message.clone()}
                error={f.login_error.clone()}
                busy={f.signing_in}
                on_submit={ctl.on(|c, (email, password)| c.sign_in(email, password))}
                on_cancel={ctl.on(|c, ()| c.dismiss_login())}
            />
        },
    }
}

/// Where analyses run, in the top bar.
fn mode_pill(ctl: &Controller) -> Html {
    if ctl.flow().server_mode {
        html! { <span class="mode-pill server" data-testid="mode">{"Server analysis"}</span> }
    } else {
        html! { <span class="mode-pill local" data-testid="mode">{"In-browser · files never leave this machine"}</span> }
    }
}

/// Who is signed in, with Sign out; or the way to the sign-in page.
fn account(ctl: &Controller) -> Html {
    match ctl.session() {
        Some(s) => html! {
            <div class="account">
                <span class="account-email" data-testid="signed-in-as">{ s.email.clone() }</span>
                <button class="btn btn-ghost" data-testid="logout"
                        onclick={ctl.on(|c, _: MouseEvent| c.sign_out())}>{"Sign out"}</button>
            </div>
        },
        None if ctl.flow().page != Page::Login && host::offers_server() => html! {
            <button class="btn btn-ghost"
                    onclick={ctl.on(|c, _: MouseEvent| c.show(Page::Login))}>{"Server sign-in"}</button>
        },
        None => html! {},
    }
}
