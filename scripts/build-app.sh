#!/usr/bin/env bash
# Builds the release bundle of the browser app into dist/ (static files: serve
# them from any web server, or with `signaltrace serve --static-dir dist`).
# wasm-opt comes from npm's binaryen 132, put first on PATH — never Debian's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-app.sh
export PATH="$PWD/e2e/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
trunk build --release "$@"
echo "build-app: dist/ ready"
ls -l dist/*.wasm dist/*.js | awk '{printf "  %8d  %s\n", $5, $9}'
