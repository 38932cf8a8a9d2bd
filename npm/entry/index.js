// signaltrace for browsers and bundlers: starts loading the .wasm next to
// this file on import and waits for it (top-level await), so
// `import { analyze } from 'signaltrace'` is ready once imported. A failed
// load does not reject the import: `ready` (and `init()`) reject with the
// error, and every call throws it. Bundlers (Vite, webpack 5, Parcel) see
// the `new URL(..., import.meta.url)` below and emit the .wasm.
import { load } from './core.js';

export { analyze, Analyzer, defaultConfig, generate, sampleFiles, splitHead, version, ready } from './core.js';

const wasmUrl = new URL('./signaltrace_bg.wasm', import.meta.url);

/** The load started on import (a `source` given later is ignored). */
export function init(source) {
  return load(source ?? wasmUrl);
}

await init().catch(() => {});
