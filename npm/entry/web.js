// signaltrace/web: the same API, nothing loaded until `init(source?)`:
// for a CDN, a strict CSP, a worker, or loading the .wasm on first use.
import { load } from './core.js';

export { analyze, Analyzer, defaultConfig, generate, sampleFiles, splitHead, version, ready } from './core.js';

/** Loads the module from `source`, by default the .wasm next to this file. */
export function init(source) {
  return load(source ?? new URL('./signaltrace_bg.wasm', import.meta.url));
}
