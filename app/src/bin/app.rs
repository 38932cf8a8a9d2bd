//! The page: mounts the Yew app.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    yew::Renderer::<app::ui::App>::new().render();
}

/// Built natively only so `cargo build --workspace` succeeds; the app runs
/// in a browser.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "signaltrace-app is a browser app: build it with scripts/build-app.sh (see docs/APP.md)"
    );
}
