#!/usr/bin/env node
// Assembles the browser app's static bundle (dist/) from wasm-bindgen's
// output; run by scripts/build-app.sh after wasm-bindgen and wasm-opt.
// Node built-ins only.
//
//   node scripts/bundle-app.mjs STAGE DIST
//
// STAGE holds `app/` (wasm-bindgen --target web: app.js, app_bg.wasm and
// maybe snippets/) and `worker/` (--target no-modules: worker.js,
// worker_bg.wasm). DIST is emptied and gets:
//
//   index.html               from app/index.html, every URL relative ("./")
//   app-HASH.js, app-HASH_bg.wasm, style-HASH.css, favicon-HASH.svg
//   worker-HASH.js, worker-HASH_bg.wasm
//   worker_loader.js         the worker's entry: a fixed name, because the
//                            page starts it by name (app/src/analysis.rs)
//   snippets/                JS the page's crates bring, if any
//   data/                    the sample logs, fetched on demand
//   *.br, *.gz               beside each .wasm, .js and .css over 1 KB: brotli and gzip
//                            copies that signaltrace serve sends to browsers
//                            that accept them (other hosts ignore them)
//
// HASH is the first 16 hex digits of the file's SHA-256: a hashed name never
// changes content, so servers may cache it forever (signaltrace serve marks
// such names immutable; index.html and worker_loader.js are revalidated).
// The CSS link carries an SRI `integrity`. The page is started by one inline
// module script; signaltrace serve allows it by its hash in the CSP.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const [stage, dist] = process.argv.slice(2).map((p) => resolve(p));
if (!stage || !dist) {
  console.error('usage: node scripts/bundle-app.mjs STAGE DIST');
  process.exit(2);
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest();

/** Copies `src` into DIST as `name-HASH_suffix.ext`; returns the new name. */
function hashed(src, name, suffix = '') {
  const bytes = readFileSync(src);
  const ext = extname(src);
  const out = `${name}-${sha256(bytes).toString('hex').slice(0, 16)}${suffix}${ext}`;
  writeFileSync(join(dist, out), bytes);
  return out;
}

const sri = (file) => `sha384-${createHash('sha384').update(readFileSync(join(dist, file))).digest('base64')}`;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const page = {
  js: hashed(join(stage, 'app/app.js'), 'app'),
  wasm: hashed(join(stage, 'app/app_bg.wasm'), 'app', '_bg'),
};
if (existsSync(join(stage, 'app/snippets'))) {
  cpSync(join(stage, 'app/snippets'), join(dist, 'snippets'), { recursive: true });
}
const style = hashed(join(root, 'app/style.css'), 'style');
const favicon = hashed(join(root, 'app/favicon.svg'), 'favicon');

const worker = {
  js: hashed(join(stage, 'worker/worker.js'), 'worker'),
  wasm: hashed(join(stage, 'worker/worker_bg.wasm'), 'worker', '_bg'),
};
// Relative URLs in a worker resolve against the worker script's own URL.
writeFileSync(
  join(dist, 'worker_loader.js'),
  `importScripts('./${worker.js}');\nwasm_bindgen({ module_or_path: './${worker.wasm}' });\n`,
);

cpSync(join(root, 'data'), join(dist, 'data'), { recursive: true });

const values = {
  style: `./${style}`,
  style_integrity: sri(style),
  favicon: `./${favicon}`,
  app_wasm: `./${page.wasm}`,
  start: `import init from './${page.js}';\ninit({ module_or_path: './${page.wasm}' });`,
};
const template = readFileSync(join(root, 'app/index.html'), 'utf8');
// The template's comments are for its readers, not the browser's.
const html = template.replace(/[ \t]*<!--[\s\S]*?-->\n/g, '').replace(/\{\{(\w+)\}\}/g, (whole, key) => {
  if (!(key in values)) throw new Error(`app/index.html: unknown placeholder ${whole}`);
  return values[key];
});
writeFileSync(join(dist, 'index.html'), html);

const files = readdirSync(dist).filter((f) => f !== 'data' && f !== 'snippets').sort();
for (const f of files.filter((f) => /\.(wasm|js|css)$/.test(f))) {
  const bytes = readFileSync(join(dist, f));
  if (bytes.length < 1024) continue; // not worth a second request header
  writeFileSync(join(dist, `${f}.br`), brotliCompressSync(bytes, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  writeFileSync(join(dist, `${f}.gz`), gzipSync(bytes, { level: 9 }));
}
for (const f of files) {
  const bytes = readFileSync(join(dist, f)).length;
  console.log(`  ${String(bytes).padStart(9)}  ${basename(dirname(join(dist, f)))}/${f}`);
}
