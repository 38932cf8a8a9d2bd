#!/usr/bin/env bash
# Tests the detector's WebAssembly build and the npm package:
#
#   1. the wasm-bindgen tests (detector/tests/wasm.rs) in Node, built as the
#      npm package and the app are (without `tz`: named time zones come from
#      the host's `Intl`), then with the default features (chrono-tz),
#   2. the shipped build's tests in headless Chromium (chromedriver),
#   3. the npm package: build, pack, and `node --test npm/test/*.test.mjs`
#      (installs the tarball into a temporary project; compares with the CLI
#      on every data/ file; random-chunk Analyzer; Node ESM and CommonJS;
#      TypeScript 5 and 7 in node16/nodenext/bundler; size budget; the
#      browser entry, signaltrace/worker and the Vite, webpack, Rollup,
#      esbuild and Parcel recipes in Chromium; every README block). The
#      bundlers and TypeScript 7 come from npm/recipes/package-lock.json
#      (`npm ci` there, only when missing or stale).
#
# Needs only the package registries (for a first scripts/setup-wasm.sh run).
# Works with CI=true.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup-wasm.sh

wasm_test=(cargo test --locked --target wasm32-unknown-unknown
    -p signaltrace-detector --no-default-features --features wasm --test wasm)

echo "== wasm-bindgen tests in Node (as shipped: time zones from Intl)" >&2
"${wasm_test[@]}"

echo "== wasm-bindgen tests in Node (default features: chrono-tz)" >&2
cargo test --locked --target wasm32-unknown-unknown -p signaltrace-detector --features wasm --test wasm

echo "== wasm-bindgen tests in headless Chromium" >&2
# The runner gives the whole suite 20 s by default (WASM_BINDGEN_TEST_TIMEOUT);
# on a busy 2-core machine the debug build takes longer. Still bounded.
# Chromium's profile and scoped directories go to a directory of their own,
# removed afterwards (left in /tmp they were about 35 MB a run).
chrome_tmp=$(mktemp -d)
trap 'rm -rf "$chrome_tmp"' EXIT
TMPDIR="$chrome_tmp" CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_USE_BROWSER=1 \
    WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-240}" \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$root/scripts/webdriver.json" \
    "${wasm_test[@]}"

echo "== npm package" >&2
cargo build --locked -p signaltrace
tarball=$(bash scripts/build-npm.sh --pack)
target_dir=$(dirname "$(dirname "$tarball")")
cd npm
recipes_lock=recipes/package-lock.json
if [[ ! recipes/node_modules/.package-lock.json -nt $recipes_lock ]]; then
    echo "== npm/recipes tools (npm ci: Vite, webpack, Rollup, esbuild, Parcel, TypeScript 7)" >&2
    (cd recipes && npm ci --no-audit --no-fund)
fi
SIGNALTRACE_TARBALL="$tarball" SIGNALTRACE_BIN="$target_dir/debug/signaltrace" \
    node --test test/*.test.mjs
