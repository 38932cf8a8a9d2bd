#!/usr/bin/env bash
# The main job: build the browser app and start signaltrace at
# http://localhost:3000 with the demo account (analyst@tenex.ai / password123).
# Installs what it needs on first run (Rust wasm target, wasm-bindgen,
# binaryen, Chromium); later runs only rebuild what changed. Ctrl-C stops the server.
#
#   ./run.sh                 web app + API on 127.0.0.1:3000
#   ./run.sh FILE [opts…]    analyze a log file on the command line instead
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh
ensure_rust
if [ $# -gt 0 ]; then
  cargo build --release --locked -q -p signaltrace
  file="$1"; shift
  exec ./target/release/signaltrace analyze "$file" --text "$@"
fi
step "building the browser app (dist/)"
bash scripts/build-app.sh
step "building the server"
cargo build --release --locked -p signaltrace
step "open http://localhost:3000 — sign in to the server mode with analyst@tenex.ai / password123"
exec ./target/release/signaltrace serve --addr "${SIGNALTRACE_ADDR:-127.0.0.1:3000}" --static-dir dist
