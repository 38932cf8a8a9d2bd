// signaltrace for Node.js: instantiates the .wasm next to this file
// synchronously, so `import { analyze } from 'signaltrace'` (and, on Node
// 20.19+, `require('signaltrace')`) is ready with no await and no flags.
// A failed load does not throw here: `ready`/`init()` reject with it and
// every call throws it.
import { readFileSync } from 'node:fs';
import { loadFailed, loadSync, ready } from './core.js';

export { analyze, Analyzer, defaultConfig, generate, sampleFiles, splitHead, version, ready } from './core.js';

/** Already loaded on import: returns `ready`. */
export function init() {
  return ready;
}

let bytes;
try {
  bytes = readFileSync(new URL('./signaltrace_bg.wasm', import.meta.url));
} catch (e) {
  loadFailed(e);
}
if (bytes) loadSync(bytes);
