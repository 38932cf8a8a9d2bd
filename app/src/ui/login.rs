//! Sign-in for server mode (`POST /api/auth/login`).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::browser::Session;

#[derive(Properties, PartialEq)]
pub struct LoginProps {
    pub message: Option<String>,
    pub on_login: Callback<Session>,
    pub on_cancel: Callback<()>,
}

#[function_component(LoginPage)]
pub fn login_page(p: &LoginProps) -> Html {
    let email = use_node_ref();
    let password = use_node_ref();
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (email, password, error, busy, on_login) = (
            email.clone(),
            password.clone(),
            error.clone(),
            busy.clone(),
            p.on_login.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let (em, pw) = (value(&email), value(&password));
            if em.trim().is_empty() || pw.is_empty() {
                error.set(Some("Enter your email and password.".into()));
                return;
            }
            busy.set(true);
            let (error, busy, on_login) = (error.clone(), busy.clone(), on_login.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::login(em.trim(), &pw).await;
                busy.set(false);
                match result {
                    Ok(s) => on_login.emit(s),
                    Err(ApiError::Unauthorized(m)) | Err(ApiError::Failed(m)) => error.set(Some(m)),
                    Err(ApiError::Aborted) => {}
                }
            });
        })
    };

    html! {
        <section class="panel login" aria-labelledby="login-title">
            <h1 id="login-title">{"Sign in to the signaltrace server"}</h1>
            <p class="lede">{"Needed only to analyze files on the server. In-browser analysis works without an account."}</p>
            if let Some(m) = &p.message {
                <div class="alert alert-info" role="status" data-testid="login-message">{ m.clone() }</div>
            }
            if let Some(e) = &*error {
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
                    <button class="btn btn-primary" type="submit" disabled={*busy} data-testid="login-submit">
                        { if *busy { "Signing in…" } else { "Sign in" } }
                    </button>
                    <button class="btn btn-ghost" type="button" onclick={p.on_cancel.reform(|_| ())}>{"Back to in-browser analysis"}</button>
                </div>
            </form>
        </section>
    }
}
