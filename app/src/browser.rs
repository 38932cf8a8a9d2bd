//! Small wrappers over browser APIs the views use: storage, downloads,
//! the clock. Every failure (storage disabled, private mode) degrades to
//! "not stored" rather than an error on screen.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, Storage, Url};

use crate::settings::Settings;

const SETTINGS_KEY: &str = "signaltrace.settings";
const TOKEN_KEY: &str = "signaltrace.token";
const EMAIL_KEY: &str = "signaltrace.email";

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The name a chosen file goes by: its path inside a chosen folder
/// (`webkitRelativePath`), else its name.
pub fn file_name(file: &File) -> String {
    js_sys::Reflect::get(file, &"webkitRelativePath".into())
        .ok()
        .and_then(|p| p.as_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| file.name())
}

pub fn load_settings() -> Settings {
    let stored = local().and_then(|s| s.get_item(SETTINGS_KEY).ok().flatten());
    Settings::from_stored(stored.as_deref())
}

pub fn save_settings(settings: &Settings) {
    if let Some(s) = local() {
        let _ = s.set_item(SETTINGS_KEY, &settings.to_stored());
    }
}

pub fn clear_settings() {
    if let Some(s) = local() {
        let _ = s.remove_item(SETTINGS_KEY);
    }
}

/// This browser's own IANA time zone
/// (`Intl.DateTimeFormat().resolvedOptions().timeZone`), if it names one.
pub fn time_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let options = format.resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()?
        .as_string()
        .filter(|z| !z.is_empty())
}

/// Every zone name the browser knows (`Intl.supportedValuesOf('timeZone')`),
/// or none on a browser too old to list them: the detector's own lookup, the
/// one that validates the zone.
pub fn time_zone_names() -> Vec<String> {
    #[cfg(target_arch = "wasm32")]
    return detector::host_zone_names();
    #[cfg(not(target_arch = "wasm32"))]
    Vec::new()
}

/// The signed-in analyst: the JWT and the email it was issued to. Kept in
/// sessionStorage so it dies with the tab.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub token: String,
    pub email: String,
}

pub fn load_session() -> Option<Session> {
    let s = session()?;
    let token = s.get_item(TOKEN_KEY).ok().flatten()?;
    let email = s.get_item(EMAIL_KEY).ok().flatten().unwrap_or_default();
    Some(Session { token, email })
}

pub fn save_session(session_value: &Session) {
    if let Some(s) = session() {
        let _ = s.set_item(TOKEN_KEY, &session_value.token);
        let _ = s.set_item(EMAIL_KEY, &session_value.email);
    }
}

pub fn clear_session() {
    if let Some(s) = session() {
        let _ = s.remove_item(TOKEN_KEY);
        let _ = s.remove_item(EMAIL_KEY);
    }
}

/// Milliseconds from a monotonic clock.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Offers `text` as a file download named `filename`.
pub fn download(filename: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<HtmlAnchorElement>().ok());
    if let Some(a) = anchor {
        a.set_href(&url);
        a.set_download(filename);
        a.click();
    }
    let _ = Url::revoke_object_url(&url);
}

/// A URL relative to the page (works under any path prefix).
pub fn resolve(relative: &str) -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|base| Url::new_with_base(relative, &base).ok())
        .map(|u| u.href())
        .unwrap_or_else(|| relative.to_string())
}
