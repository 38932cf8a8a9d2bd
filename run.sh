#!/usr/bin/env bash
# The main job: build the browser app — served (dist/) and as one file
# (dist/signaltrace.html, opens from disk) — and start signaltrace at
# http://localhost:3000 with the demo account (analyst@tenex.ai / password123).
# Installs what it needs on first run (Rust wasm target, wasm-bindgen,
# binaryen from npm); later runs only rebuild what changed. Ctrl-C stops the server.
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
# The server builds in the background while the app does: each build has
# long one-core stretches (the app's fat LTO and wasm-opt, the server's
# link), so on a 2-core machine the two overlap well. Different profiles,
# so cargo does not make one wait for the other.
step "building the browser app (dist/) and, alongside, the server"
server_log="$(mktemp)"
cargo build --release --locked -p signaltrace >"$server_log" 2>&1 &
server_build=$!
trap 'kill "$server_build" 2>/dev/null || true' EXIT
bash scripts/build-app.sh
if ! wait "$server_build"; then
  cat "$server_log" >&2
  exit 1
fi
trap - EXIT
tail -n 1 "$server_log"
rm -f "$server_log"
addr="${SIGNALTRACE_ADDR:-127.0.0.1:3000}"
echo "single file (works offline, from disk): $PWD/dist/signaltrace.html"
step "open http://$addr — sign in to the server mode with analyst@tenex.ai / password123"
exec ./target/release/signaltrace serve --addr "$addr" --static-dir dist
