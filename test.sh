#!/usr/bin/env bash
# Every test: installs what it needs (idempotent), then runs the suites.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh
ensure_rust
step "cargo test (detector, CLI)"
cargo test --workspace --locked --exclude signaltrace-engine
step "engine: DataFusion and a local Ballista cluster against the native detector (docs/SCALE.md)"
bash scripts/test-engine.sh
step "schemathesis against the running server (OpenAPI document, about 2 min)"
bash scripts/test-schemathesis.sh
step "fuzz smoke: every fuzz target 10 s over the committed corpus (nightly, cargo-fuzz)"
bash scripts/fuzz.sh
step "wasm: wasm-bindgen tests in Node and headless Chromium, the npm package"
bash scripts/test-wasm.sh
step "browser app: unit tests, then end-to-end in headless Chromium (static host and server mode)"
cargo test --locked -p signaltrace-app
bash scripts/test-e2e.sh
