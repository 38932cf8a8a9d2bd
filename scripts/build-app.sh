#!/usr/bin/env bash
# Builds the browser app into dist/: static files with relative URLs — serve
# them from any web server, or with `signaltrace serve --static-dir dist`.
#
#   scripts/build-app.sh          release bundle: wasm-release profile, wasm-opt -Oz
#   scripts/build-app.sh --dev    quick bundle for the dev loop: dev profile,
#                                 no wasm-opt (bigger and slower, builds faster)
#
# Steps: cargo builds the two wasm binaries (the page `app`, the Web Worker
# `worker`); wasm-bindgen writes their JS glue (page: ES module, `--target
# web`; worker: `--target no-modules`, loaded by importScripts from
# worker_loader-HASH.js); wasm-opt -Oz from npm's binaryen 132 shrinks the wasm
# (never Debian's binaryen: it breaks Yew bundles); scripts/bundle-app.mjs
# writes dist/ (hashed names, index.html from app/index.html, data/, the
# service worker, and the single file signaltrace.html — scripts/single-file.mjs).
#
# When nothing changed — the same wasm from cargo, the same bundler inputs, and
# dist/ still what the last build wrote — the steps after cargo are skipped:
# a second ./run.sh takes seconds, and dist/ (so the service worker's version)
# stays byte-identical.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=release
case "${1:-}" in
  "") ;;
  --dev) mode=dev ;;
  *) echo "usage: scripts/build-app.sh [--dev]" >&2; exit 2 ;;
esac

bash scripts/setup-app.sh

target=wasm32-unknown-unknown
if [ "$mode" = release ]; then profile=wasm-release; else profile=dev; fi
target_dir="${CARGO_TARGET_DIR:-target}"
out_dir="$target_dir/$target/$([ "$profile" = dev ] && echo debug || echo "$profile")"
stage="$target_dir/app-bundle/$mode"

cargo build --locked --profile "$profile" --target "$target" \
  -p signaltrace-app --bin app --bin worker

# Everything the steps below read, and what they last wrote.
stamp_file="$target_dir/app-bundle/$mode.stamp"
inputs_hash() {
  { echo "$mode"; cat "$out_dir/app.wasm" "$out_dir/worker.wasm" \
      app/index.html app/style.css app/favicon.svg app/host-web.js app/host-file.js \
      app/sw.js app/manifest.webmanifest scripts/build-app.sh scripts/bundle-app.mjs \
      scripts/single-file.mjs; wasm-bindgen --version; \
    find data -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; } | sha256sum | cut -d' ' -f1
}
outputs_hash() {
  { find dist -type f -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0 -r sha256sum; } | sha256sum | cut -d' ' -f1
}
stamp="$(inputs_hash)"
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp $(outputs_hash)" ]; then
  echo "build-app: dist/ is up to date ($mode)"
  exit 0
fi
rm -f "$stamp_file"

rm -rf "$stage"
bindgen_flags=(--no-typescript)
[ "$mode" = dev ] && bindgen_flags+=(--debug)
wasm-bindgen "${bindgen_flags[@]}" --target web --out-dir "$stage/app" "$out_dir/app.wasm"
wasm-bindgen "${bindgen_flags[@]}" --target no-modules --out-dir "$stage/worker" "$out_dir/worker.wasm"

if [ "$mode" = release ]; then
  wasm_opt=e2e/node_modules/.bin/wasm-opt
  for wasm in "$stage/app/app_bg.wasm" "$stage/worker/worker_bg.wasm"; do
    # The features wasm-bindgen's output uses (Rust's wasm32 defaults).
    "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types \
      --enable-multivalue "$wasm" -o "$wasm"
  done
fi

node scripts/bundle-app.mjs "$stage" dist
echo "$stamp $(outputs_hash)" > "$stamp_file"
echo "build-app: dist/ ready ($mode)"
