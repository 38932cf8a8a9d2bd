#!/usr/bin/env bash
# Installs what building and testing the browser app needs, idempotently:
# a warm run checks versions and returns in about a second.
#   - rustup target wasm32-unknown-unknown
#   - wasm-bindgen-cli 0.2.130 (must equal the wasm-bindgen crate; no --locked,
#     its lockfile pins a crate version the registry here lacks), built
#     with a quick release profile: a build tool's own speed hardly matters,
#     its install time is a newcomer's first wait
#   - npm deps of e2e/ (playwright-core, axe-core, binaryen@132.0.0 for wasm-opt,
#     esbuild to bundle the npm package's worker into the app)
#   - npm deps of npm/ (binaryen, which scripts/build-npm.sh checks for: the
#     app ships the npm package's worker and .wasm)
#   - with --browser (the e2e tests): Chromium from apt, when /usr/bin/chromium
#     is missing. Building and running the app does not need it, so a
#     newcomer's first ./run.sh does not wait for it.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=no
case "${1:-}" in
  "") ;;
  --browser) browser=yes ;;
  *) echo "usage: scripts/setup-app.sh [--browser]" >&2; exit 2 ;;
esac

WASM_BINDGEN_VERSION=0.2.130

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=false \
    cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ ! -d e2e/node_modules/playwright-core ] \
   || [ ! -d e2e/node_modules/axe-core ] || [ ! -x e2e/node_modules/.bin/esbuild ] \
   || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
  (cd e2e && npm ci --no-audit --no-fund)
fi

if [ ! -x npm/node_modules/.bin/wasm-opt ] \
   || [ npm/package-lock.json -nt npm/node_modules/.package-lock.json ]; then
  (cd npm && npm ci --no-audit --no-fund)
fi

if [ "$browser" = yes ] && [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update
  $SUDO apt-get install -y chromium
fi

chromium="$(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"
echo "setup-app: wasm32 target, $(wasm-bindgen --version), \
$(e2e/node_modules/.bin/wasm-opt --version), chromium ${chromium:-not installed}"
