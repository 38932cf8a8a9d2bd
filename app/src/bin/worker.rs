//! The Web Worker: runs the detector on a file posted by the page.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    app::worker::start();
}

/// Built natively only so `cargo build --workspace` succeeds.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("signaltrace-app's worker runs in a browser: build it with scripts/build-app.sh");
}
