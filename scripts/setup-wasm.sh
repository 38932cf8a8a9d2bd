#!/usr/bin/env bash
# Installs what the wasm build, the npm package and their tests need.
# Idempotent: every step checks first, so a warm run takes about a second.
#
#   - Rust target wasm32-unknown-unknown (rustup)
#   - wasm-bindgen-cli 0.2.130 (cargo install; also gives
#     wasm-bindgen-test-runner). Must equal the `wasm-bindgen` crate pin.
#     No --locked: its lockfile pins a crate the registry lacks.
#   - npm/ dev tools from npm/package-lock.json: binaryen 132 (wasm-opt),
#     playwright-core (drives Chromium; downloads no browser), typescript
#   - Debian chromium + chromium-driver (apt), only if missing
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wasm_bindgen_version="0.2.130"

say() { echo "setup-wasm: $*" >&2; }

as_root() {
    if [[ $(id -u) == 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        say "need root for: $*"
        exit 1
    fi
}

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 20)); then
    say "need Node.js 20 or later (found: $(node --version 2>/dev/null || echo none))"
    exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wasm_bindgen_version" ]] ||
    ! command -v wasm-bindgen-test-runner >/dev/null; then
    say "installing wasm-bindgen-cli $wasm_bindgen_version (about 2 minutes)"
    # A quick release profile: the tool's own speed hardly matters, its
    # install time does (same flags as setup-app.sh).
    CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
        cargo install --force wasm-bindgen-cli --version "$wasm_bindgen_version"
fi

npm_ok() {
    local bin="$root/npm/node_modules/.bin"
    [[ -x "$bin/wasm-opt" && -x "$bin/tsc" && -d "$root/npm/node_modules/playwright-core" ]] &&
        [[ "$("$bin/wasm-opt" --version 2>/dev/null)" == *"version 132"* ]] &&
        [[ "$root/npm/node_modules/.package-lock.json" -nt "$root/npm/package-lock.json" ]]
}
if ! npm_ok; then
    say "installing npm/ dev tools (npm ci)"
    (cd "$root/npm" && npm ci --no-audit --no-fund)
fi

if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    say "installing Debian chromium and chromium-driver"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi

say "ready: $(wasm-bindgen --version), wasm-opt $("$root/npm/node_modules/.bin/wasm-opt" --version | awk '{print $3}'), $(chromium --version 2>/dev/null | head -n 1)"
