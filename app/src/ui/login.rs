//! Sign-in for server mode: the form. Sending it, and what the server
//! answers, is the controller's business (`Controller::sign_in`).

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LoginProps {
    /// Why the sign-in page is up (e.g. the session ended).
    pub message: Option<String>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// A sign-in request is in flight.
    pub busy: bool,
    /// The form's email and password.
    pub on_submit: Callback<(String, String)>,
    pub on_cancel: Callback<()>,
}

#[function_component(LoginPage)]
pub fn login_page(p: &LoginProps) -> Html {
    let email = use_node_ref();
    let password = use_node_ref();

    let onsubmit = {
        let (email, password, on_submit) = (email.clone(), password.clone(), p.on_submit.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            on_submit.emit((value(&email), value(&password)));
        })
    };

    html! {
        <section class="panel login" aria-labelledby="login-title">
            <h1 id="login-title">{"Sign in to the signaltrace server"}</h1>
            <p class="lede">{"Needed only to analyze files on the server. In-browser analysis works without an account."}</p>
            if let Some(m) = &p.message {
                <div class="alert alert-info" role="status" data-testid="login-message">{ m.clone() }</div>
            }
            if let Some(e) = &p.error {
                <div class="alert alert-error" role="alert" data-testid="login-error">{ e.clone() }</div>
            }
            <form {onsubmit} novalidate=true>
                <div class="field">
                    <label for="login-email">{"Email"}</label>
                    <input id="login-email" ref={email} type="email" autocomplete="username" required=true />
                </div>
                <div class="field">
                    <label for="login-password">{"Password"}</label>
                    <input id="login-password" ref={password} type="password" autocomplete="current-password" required=true />
                </div>
                <div class="form-actions">
                    <button class="btn btn-primary" type="submit" disabled={p.busy} data-testid="login-submit">
                        { if p.busy { "Signing in…" } else { "Sign in" } }
                    </button>
                    <button class="btn btn-ghost" type="button" onclick={p.on_cancel.reform(|_| ())}>{"Back to in-browser analysis"}</button>
                </div>
            </form>
        </section>
    }
}
