// webpack 5: nothing signaltrace needs beyond defaults (it emits the .wasm
// found through `new URL(..., import.meta.url)` as an asset, and supports
// top-level await). `outputModule` only because the page loads an ES module.
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default {
  mode: 'production',
  entry: here('./src/main.js'),
  experiments: { outputModule: true },
  output: { path: here('./dist'), filename: 'main.js', module: true, clean: true },
  plugins: [
    {
      apply: (compiler) =>
        compiler.hooks.afterEmit.tap('copy-html', () => cpSync(here('./public'), here('./dist'), { recursive: true })),
    },
  ],
};
