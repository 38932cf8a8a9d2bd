// signaltrace for Node.js: instantiates the WebAssembly module synchronously
// from the file next to this one, so `import { analyze } from 'signaltrace'`
// is ready to use with no await and no flags.
import { readFileSync } from 'node:fs';
import { initSync } from './signaltrace.js';

initSync({ module: readFileSync(new URL('./signaltrace_bg.wasm', import.meta.url)) });

export * from './signaltrace.js';
