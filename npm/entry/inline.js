// signaltrace/inline: the .wasm is inside this package's JavaScript
// (base64, wasm-inline.js), compiled synchronously on import: no file to
// fetch or copy, no top-level await. For bundlers that do not emit the .wasm
// (Rollup, esbuild), iife/CommonJS bundles, Node bundles and runtimes
// without file access. Costs a third more bytes than the .wasm itself.
import wasmBase64 from './wasm-inline.js';
import { loadSync, ready } from './core.js';

export { analyze, Analyzer, defaultConfig, generate, sampleFiles, splitHead, version, ready } from './core.js';

/** Already loaded on import: returns `ready`. */
export function init() {
  return ready;
}

function decode(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

loadSync(decode(wasmBase64));
