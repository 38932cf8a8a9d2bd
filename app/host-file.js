// The single-file build's host: what app/src/host.rs reads from
// globalThis.signaltrace in dist/signaltrace.html, which opens from disk
// (file://) with no network at all. scripts/bundle-app.mjs inlines this into
// the page's one script, followed by the page's wasm-bindgen glue and its
// start. The wasm files and the samples are gzip + base64 in
// <script type="application/octet-stream"> blocks (data, never run); the
// worker's glue is a text block started from a Blob URL. Every block is read
// here, at once: the app then renders into <body>, replacing them.
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
const workerWasm = unpack(block('#st-worker-wasm'));
// The worker's first message is its wasm; starting it installs the
// worker's own message handler, which then says "ready" (app/src/worker.rs).
const workerUrl = URL.createObjectURL(new Blob([
  block('#st-worker-js'),
  '\nself.onmessage = (e) => { self.onmessage = null; wasm_bindgen({ module_or_path: e.data }); };\n',
], { type: 'text/javascript' }));

globalThis.signaltrace = {
  build: 'file',
  worker() {
    const worker = new Worker(workerUrl);
    workerWasm.then((bytes) => worker.postMessage(bytes));
    return worker;
  },
  async sample(name) {
    if (!samples.has(name)) throw new Error(`no sample ${name} in this file`);
    return new Blob([await unpack(samples.get(name))]);
  },
};
const appWasm = unpack(block('#st-app-wasm'));
