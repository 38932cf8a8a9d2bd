//! "A new version is ready": shown when the service worker (app/sw.js) has
//! installed a new deployment beside the running one. The running page keeps
//! its own version's files until the analyst reloads into the new one, so
//! old JS never meets new wasm.

use gloo::events::EventListener;
use yew::prelude::*;

use crate::host;

#[function_component(UpdateBanner)]
pub fn update_banner() -> Html {
    let ready = use_state(host::update_ready);
    {
        let ready = ready.clone();
        use_effect_with((), move |_| {
            // The event may have fired before this component mounted: check again.
            ready.set(host::update_ready());
            let listener = web_sys::window()
                .map(|w| EventListener::new(&w, host::UPDATE_EVENT, move |_| ready.set(true)));
            move || drop(listener)
        });
    }
    if !*ready {
        return html! {};
    }
    html! {
        <div class="alert alert-info update-banner" role="status" data-testid="update-ready">
            <span>{"A new version of signaltrace is ready."}</span>
            <button class="btn btn-primary" data-testid="apply-update"
                    onclick={Callback::from(|_: MouseEvent| host::apply_update())}>
                {"Reload to update"}
            </button>
        </div>
    }
}
