#!/usr/bin/env bash
# Builds the browser app into dist/: static files with relative URLs — serve
# them from any web server, or with `signaltrace serve --static-dir dist`.
#
#   scripts/build-app.sh          release bundle: wasm-release profile, wasm-opt -Oz
#   scripts/build-app.sh --dev    quick bundle for the dev loop: dev profile,
#                                 no wasm-opt (bigger and slower, builds faster)
#
# Steps: cargo builds the page's wasm (`app`); scripts/build-npm.sh builds the
# npm package (npm/pkg/), whose worker helper (signaltrace/worker) is the
# app's analysis worker: esbuild bundles its worker-thread.js with its imports
# into one module (the worker) and each host script (app/host-web.js,
# app/host-file.js) with `analyzeFile`; wasm-bindgen writes the page's JS
# glue (ES module, `--target web`); wasm-opt -Oz from npm's binaryen 132
# shrinks the page's wasm (never Debian's binaryen: it breaks Yew bundles;
# the npm .wasm is already optimized); scripts/bundle-app.mjs writes dist/
# (hashed names, index.html from app/index.html, data/, the service worker,
# and the single file signaltrace.html — scripts/single-file.mjs).
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
  -p signaltrace-app --bin app
# The analysis worker: the npm package (skips its steps when up to date).
bash scripts/build-npm.sh
esbuild=e2e/node_modules/.bin/esbuild

# Everything the steps below read, and what they last wrote.
stamp_file="$target_dir/app-bundle/$mode.stamp"
inputs_hash() {
  { echo "$mode"; cat "$out_dir/app.wasm" npm/pkg/signaltrace_bg.wasm npm/pkg/*.js \
      app/index.html app/style.css app/favicon.svg app/host-web.js app/host-file.js \
      app/host-analyze.js app/sw.js app/manifest.webmanifest scripts/build-app.sh \
      scripts/bundle-app.mjs scripts/single-file.mjs; wasm-bindgen --version; "$esbuild" --version; \
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

# One script each, no imports left. The worker is a classic script (a module
# worker from a Blob URL does not load in the single file, opened from
# file://), started from one URL or a Blob URL; in a classic worker
# `self.location.href` is what `import.meta.url` is in a module. The hosts
# are inlined into the page's start script (a module).
esbuild_flags=(--bundle --log-level=warning --legal-comments=none)
"$esbuild" npm/pkg/worker-thread.js "${esbuild_flags[@]}" --format=iife --minify \
  --define:import.meta.url=self.location.href --outfile="$stage/worker/worker.js"
cp npm/pkg/signaltrace_bg.wasm "$stage/worker/worker_bg.wasm"
for host in host-web host-file; do
  "$esbuild" "app/$host.js" "${esbuild_flags[@]}" --format=esm --outfile="$stage/$host.js"
done

if [ "$mode" = release ]; then
  # The features wasm-bindgen's output uses (Rust's wasm32 defaults).
  e2e/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    --enable-multivalue "$stage/app/app_bg.wasm" -o "$stage/app/app_bg.wasm"
fi

node scripts/bundle-app.mjs "$stage" dist
echo "$stamp $(outputs_hash)" > "$stamp_file"
echo "build-app: dist/ ready ($mode)"
