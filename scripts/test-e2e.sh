#!/usr/bin/env bash
# End-to-end tests of the browser app in headless Chromium (Playwright):
# builds the release bundle and the native CLI, then runs e2e/tests/*.test.mjs
# with `node --test`. Screenshots land in docs/screenshots/.
# Server-mode tests start the real `signaltrace serve` on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-app.sh --browser
bash scripts/build-app.sh
cargo build --release --locked -p signaltrace
export SIGNALTRACE_BIN="$PWD/target/release/signaltrace"
export SIGNALTRACE_DIST="$PWD/dist"
export SIGNALTRACE_DATA="$PWD/data"
export SIGNALTRACE_SCREENSHOTS="$PWD/docs/screenshots"
mkdir -p "$SIGNALTRACE_SCREENSHOTS"
cd e2e
node --test --test-concurrency=1 tests/
