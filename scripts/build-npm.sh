#!/usr/bin/env bash
# Builds the npm package `signaltrace` into npm/pkg/ (and, with --pack, packs
# it into target/npm/signaltrace-VERSION.tgz).
#
#   scripts/setup-wasm.sh          # once: wasm target, wasm-bindgen, node deps
#   scripts/build-npm.sh [--pack]
#
# Steps: the detector with its `wasm` feature, built as a cdylib for
# wasm32-unknown-unknown with the size-tuned `wasm-npm` profile (the native
# release profile is untouched) → wasm-bindgen --target web (one ES module
# that works in Node and in browsers; npm/entry/ adds the two entry points)
# → wasm-opt from npm's binaryen 132 (never Debian's: see TOOLCHAIN.md) →
# npm/pkg/ with a package.json whose version and license come from Cargo.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

pack=0
for arg in "$@"; do
    case "$arg" in
    --pack) pack=1 ;;
    *)
        echo "usage: scripts/build-npm.sh [--pack]" >&2
        exit 2
        ;;
    esac
done

wasm_bindgen_version="0.2.130"
wasm_opt="$root/npm/node_modules/.bin/wasm-opt"
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
profile="wasm-npm"
out="$root/npm/pkg"
stage="$target_dir/npm/stage"

if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wasm_bindgen_version" ]]; then
    echo "build-npm: need wasm-bindgen $wasm_bindgen_version on PATH (run scripts/setup-wasm.sh)" >&2
    exit 1
fi
if [[ ! -x "$wasm_opt" ]] || [[ "$("$wasm_opt" --version)" != *"version 132"* ]]; then
    echo "build-npm: need npm's binaryen 132 in npm/node_modules (run scripts/setup-wasm.sh)" >&2
    exit 1
fi

echo "build-npm: cargo (profile $profile, wasm32-unknown-unknown)" >&2
cargo rustc --locked -p signaltrace-detector --lib --crate-type cdylib \
    --target wasm32-unknown-unknown --profile "$profile" --no-default-features --features wasm

rm -rf "$stage"
mkdir -p "$stage"
wasm-bindgen --target web --out-dir "$stage" --out-name signaltrace \
    "$target_dir/wasm32-unknown-unknown/$profile/detector.wasm"

# Features the Rust wasm32 target enables by default; wasm-opt must know them.
"$wasm_opt" -O3 --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$stage/signaltrace_bg.opt.wasm" "$stage/signaltrace_bg.wasm"
mv "$stage/signaltrace_bg.opt.wasm" "$stage/signaltrace_bg.wasm"

rm -rf "$out"
mkdir -p "$out"
cp "$stage"/signaltrace.js "$stage"/signaltrace.d.ts "$stage"/signaltrace_bg.wasm \
    "$stage"/signaltrace_bg.wasm.d.ts "$out"/
cp npm/entry/index.js npm/entry/node.js npm/entry/index.d.ts "$out"/
cp npm/README.md "$out"/README.md
cp LICENSE "$out"/LICENSE

# package.json: name, version, license and description from Cargo.
cargo metadata --format-version 1 --no-deps | node "$root/npm/package-json.mjs" >"$out/package.json"

raw=$(wc -c <"$out/signaltrace_bg.wasm")
gz=$(gzip -9 -c "$out/signaltrace_bg.wasm" | wc -c)
echo "build-npm: npm/pkg ready: signaltrace_bg.wasm $raw bytes, $gz bytes gzipped (-9)" >&2

if [[ $pack == 1 ]]; then
    mkdir -p "$target_dir/npm"
    tarball=$(cd "$out" && npm pack --silent --pack-destination "$target_dir/npm" | tail -n 1)
    echo "$target_dir/npm/$tarball"
fi
