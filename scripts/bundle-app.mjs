#!/usr/bin/env node
// Assembles the browser app's static bundle (dist/) from wasm-bindgen's
// output; run by scripts/build-app.sh after wasm-bindgen and wasm-opt.
// Node built-ins only.
//
//   node scripts/bundle-app.mjs STAGE DIST
//
// STAGE holds `app/` (wasm-bindgen --target web: app.js, app_bg.wasm and
// maybe snippets/), `worker/` (the npm package's worker-thread.js bundled
// into one module, worker.js, and the package's .wasm, worker_bg.wasm) and
// the two hosts bundled with the npm package's `analyzeFile` (host-web.js,
// host-file.js). DIST is emptied and gets two builds of the same app:
//
//   index.html               from app/index.html, every URL relative ("./")
//   app-HASH.js, app-HASH_bg.wasm, style-HASH.css, favicon-HASH.svg
//   worker-HASH.js, worker-HASH_bg.wasm
//                            the analysis worker (a module worker) and its
//                            wasm: the npm package's; the page names them
//                            (app/host-web.js)
//   snippets/                JS the page's crates bring, if any
//   data/                    the sample logs, fetched on demand
//   manifest.webmanifest     the web app manifest (installable app)
//   sw.js                    the service worker (from app/sw.js): caches this
//                            version's files for offline use
//   signaltrace.html         the single-file build: everything above inlined
//                            (wasm and samples gzip + base64), opens from disk
//   *.br, *.gz               beside each .wasm, .js and .css over 1 KB: brotli and gzip
//                            copies that signaltrace serve sends to browsers
//                            that accept them (other hosts ignore them)
//
// HASH is the first 16 hex digits of the file's SHA-256: a hashed name never
// changes content, so servers may cache it forever (signaltrace serve marks
// such names immutable; index.html, sw.js and the manifest are revalidated).
// The CSS link carries an SRI `integrity`. The page is started by one inline
// module script; signaltrace serve allows it by its hash in the CSP. The
// same inputs give byte-identical outputs, so the service worker's version
// changes only when the app does.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { singleFile } from './single-file.mjs';

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

const app = {
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

cpSync(join(root, 'data'), join(dist, 'data'), { recursive: true });
const samples = readdirSync(join(dist, 'data')).sort();

/** `text` with each {{key}} replaced by `values[key]`. */
function fill(text, values, what) {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key) => {
    if (!(key in values)) throw new Error(`${what}: unknown placeholder ${whole}`);
    return values[key];
  });
}
const source = (name) => readFileSync(join(root, 'app', name), 'utf8');
/** A script without its leading comment (for its readers, not the browser's). */
const uncommented = (text) => text.replace(/^(?:\/\/.*\n)+/, '');
const script = (name) => uncommented(source(name));
/** A host script, as build-app.sh bundled it with `analyzeFile`. */
const bundledHost = (name) => uncommented(readFileSync(join(stage, name), 'utf8'));
// The template's comments are for its readers, not the browser's; an empty
// {{body}} leaves no blank line.
const template = source('index.html').replace(/[ \t]*<!--[\s\S]*?-->\n/g, '');
const page = (values) => fill(values.body ? template : template.replace(/^[ \t]*\{\{body\}\}\n/m, ''), values, 'app/index.html');

writeFileSync(join(dist, 'manifest.webmanifest'), fill(source('manifest.webmanifest'), { favicon: `./${favicon}` }, 'app/manifest.webmanifest'));

const host = fill(bundledHost('host-web.js'), { worker: `./${worker.js}`, worker_wasm: `./${worker.wasm}` }, 'app/host-web.js');
const start = `${host}import init from './${app.js}';\ninit({ module_or_path: './${app.wasm}' });\n`;
writeFileSync(join(dist, 'index.html'), page({
  head: [
    `<link rel="stylesheet" href="./${style}" integrity="${sri(style)}" />`,
    `<link rel="icon" href="./${favicon}" type="image/svg+xml" />`,
    '<link rel="manifest" href="./manifest.webmanifest" />',
    `<link rel="preload" href="./${app.wasm}" as="fetch" type="application/wasm" crossorigin />`,
    `<script type="module">${start}</script>`,
  ].join('\n    '),
  body: '',
}));

// The service worker caches every file of this version (not the
// precompressed copies: the server picks those per request).
const precache = [
  'index.html', 'manifest.webmanifest', app.js, app.wasm, style, favicon, worker.js, worker.wasm,
  ...samples.map((f) => `data/${f}`),
  ...(existsSync(join(dist, 'snippets')) ? readdirSync(join(dist, 'snippets'), { recursive: true })
    .filter((f) => f.endsWith('.js')).map((f) => `snippets/${f}`) : []),
];
const version = createHash('sha256');
for (const f of precache) version.update(f).update('\0').update(readFileSync(join(dist, f))).update('\0');
writeFileSync(join(dist, 'sw.js'), "// signaltrace's service worker, written by scripts/bundle-app.mjs from app/sw.js.\n" + fill(script('sw.js'), {
  version: version.digest('hex').slice(0, 16),
  files: JSON.stringify(precache),
}, 'app/sw.js'));

writeFileSync(join(dist, 'signaltrace.html'), singleFile({
  page,
  host: bundledHost('host-file.js'),
  pageGlue: readFileSync(join(dist, app.js), 'utf8'),
  pageWasm: readFileSync(join(dist, app.wasm)),
  workerGlue: readFileSync(join(dist, worker.js), 'utf8'),
  workerWasm: readFileSync(join(dist, worker.wasm)),
  css: readFileSync(join(dist, style), 'utf8'),
  favicon: readFileSync(join(dist, favicon)),
  samples: samples.map((name) => ({ name, bytes: readFileSync(join(dist, 'data', name)) })),
  snippets: existsSync(join(dist, 'snippets')),
}));

const files = readdirSync(dist).filter((f) => f !== 'data' && f !== 'snippets').sort();
// Not sw.js: 2 KB, and a stale sw.js.br beside an edited sw.js would hide a
// new version from browsers.
for (const f of files.filter((f) => /\.(wasm|js|css)$/.test(f) && f !== 'sw.js')) {
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
