// Rollup bundles the JavaScript but does not emit the .wasm that
// `new URL('./signaltrace_bg.wasm', import.meta.url)` points at: copy it
// next to the bundle (the few lines below; rollup-plugin-copy does the
// same), and keep the ES format, whose import.meta.url the browser sets.
// Or import 'signaltrace/inline' and skip the copy.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import resolve from '@rollup/plugin-node-resolve';

const wasm = createRequire(import.meta.url).resolve('signaltrace/signaltrace_bg.wasm');

export default {
  input: 'src/main.js',
  output: { dir: 'dist', format: 'es' },
  plugins: [
    resolve({ browser: true }),
    {
      name: 'signaltrace-wasm',
      generateBundle() {
        this.emitFile({ type: 'asset', fileName: 'signaltrace_bg.wasm', source: readFileSync(wasm) });
        this.emitFile({ type: 'asset', fileName: 'index.html', source: readFileSync('public/index.html') });
      },
    },
  ],
};
