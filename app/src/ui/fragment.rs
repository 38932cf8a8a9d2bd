//! The results page's view state in the URL fragment: `#entity=…&host=…`.
//! The fragment is the one source of truth: a change is written there (a
//! history entry, so back and forward step through it) and read back on
//! `hashchange`, which also fires for back, forward and edited URLs.

use gloo::events::EventListener;
use yew::prelude::*;

use crate::logs::TableView;

/// The view the fragment describes now.
pub fn read() -> TableView {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    TableView::from_fragment(&hash)
}

/// Makes `view` the page's state: a new history entry unless it is already
/// the current one.
pub fn go(view: &TableView) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&view.to_fragment());
    }
}

/// Forgets the view (a new report starts unfiltered) without a history
/// entry and without a `hashchange`: the results page reads the fragment
/// when it is drawn.
pub fn clear() {
    let Some(w) = web_sys::window() else { return };
    let (Ok(history), Ok(path), Ok(search)) =
        (w.history(), w.location().pathname(), w.location().search())
    else {
        return;
    };
    if w.location().hash().is_ok_and(|h| !h.is_empty()) {
        let url = format!("{path}{search}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The link that opens `view` (for `<a href>`: keyboard, middle-click and
/// copy-link work as for any link).
pub fn href(view: &TableView) -> String {
    format!("#{}", view.to_fragment())
}

/// The view the fragment describes, kept current as the fragment changes.
#[hook]
pub fn use_fragment_view() -> TableView {
    let view = use_state(read);
    {
        let view = view.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .map(|w| EventListener::new(&w, "hashchange", move |_| view.set(read())));
            move || drop(listener)
        });
    }
    (*view).clone()
}
