// signaltrace for browsers and bundlers: fetches and instantiates the
// WebAssembly module next to this file (top-level await), so
// `import { analyze } from 'signaltrace'` is ready to use once imported.
// For manual control over loading, import 'signaltrace/web' and call its
// default export `init` yourself.
import init from './signaltrace.js';

await init({ module_or_path: new URL('./signaltrace_bg.wasm', import.meta.url) });

export * from './signaltrace.js';
