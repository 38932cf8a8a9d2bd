// The single-file build's host: what app/src/host.rs reads from
// globalThis.signaltrace in dist/signaltrace.html, which opens from disk
// (file://) with no network at all. scripts/build-app.sh bundles this with
// the npm package's worker helper (esbuild: the imports below), and
// scripts/bundle-app.mjs inlines the result into the page's one script,
// followed by the page's wasm-bindgen glue and its start. The wasm files and
// the samples are gzip + base64 in <script type="application/octet-stream">
// blocks (data, never run); the analysis worker (the npm package's
// worker-thread.js, bundled into one classic script: a module worker from a
// Blob URL does not load in a file:// page) is a text block started from a
// Blob URL and handed its wasm compiled. Every block is read here, at once: the app then
// renders into <body>, replacing them.
import { analyzeFile } from '../npm/pkg/worker.js';
import { analyzeWith } from './host-analyze.js';

const block = (selector) => {
  const el = document.querySelector(selector);
  if (!el) throw new Error(`signaltrace.html is incomplete: no ${selector}`);
  return el.textContent;
};

/** gzip + base64 text → bytes (DecompressionStream: no fetch, no network). */
const unpack = async (text) => {
  const binary = atob(text.trim());
  const gz = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) gz[i] = binary.charCodeAt(i);
  const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
};

const samples = new Map([...document.querySelectorAll('script[data-sample]')]
  .map((el) => [el.dataset.sample, el.textContent]));
// Compiled once, on first use; the module is cloned to each worker.
let workerModule;
const workerUrl = URL.createObjectURL(new Blob([block('#st-worker-js')], { type: 'text/javascript' }));
const workerWasm = block('#st-worker-wasm');

globalThis.signaltrace = {
  build: 'file',
  analyze: analyzeWith(analyzeFile, async () => {
    workerModule ??= unpack(workerWasm).then((bytes) => WebAssembly.compile(bytes));
    return { worker: () => new Worker(workerUrl), wasm: await workerModule };
  }),
  async sample(name) {
    if (!samples.has(name)) throw new Error(`no sample ${name} in this file`);
    return new Blob([await unpack(samples.get(name))]);
  },
};
const appWasm = unpack(block('#st-app-wasm'));
