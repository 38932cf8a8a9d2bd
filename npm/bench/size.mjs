// The .wasm's size (raw, gzip -9, brotli 11, as Node's zlib makes them) and
// how long importing the package takes: in Node (a fresh process per run,
// `import('signaltrace')` until usable) and in headless Chromium (`import`
// of the browser entry until `ready`, cache disabled). Best of --runs.
//
//   scripts/build-npm.sh && node npm/bench/size.mjs [--runs 5]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { CHROMIUM_ARGS, serveStatic } from '../test/helpers.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const pkg = fileURLToPath(new URL('../pkg/', import.meta.url));
const wasm = readFileSync(join(pkg, 'signaltrace_bg.wasm'));
const inline = readFileSync(join(pkg, 'wasm-inline.js'));
const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(`signaltrace_bg.wasm: ${wasm.length} B raw, ${gz(wasm)} B gzip -9, ${br(wasm)} B brotli 11`);
console.log(`wasm-inline.js:      ${inline.length} B raw, ${gz(inline)} B gzip -9, ${br(inline)} B brotli 11`);

const best = (xs) => Math.min(...xs).toFixed(1);
for (const entry of ['node.js', 'inline.js']) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t = performance.now(); const m = await import(${JSON.stringify(join(pkg, entry))}); await m.ready; m.version(); console.log(performance.now() - t);`,
      ],
      { encoding: 'utf8' },
    );
    times.push(Number(out));
  }
  console.log(`Node ${process.versions.node}, import ${entry} until usable: ${best(times)} ms (best of ${runs})`);
}

const { chromium } = await import('playwright-core');
const server = await serveStatic({ '/pkg/': pkg });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
for (const entry of ['index.js', 'inline.js']) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    await page.goto(`${server.url}/pkg/package.json`);
    times.push(
      await page.evaluate(async (entry) => {
        const t = performance.now();
        const m = await import(`/pkg/${entry}?${Math.random()}`);
        await m.ready;
        m.version();
        return performance.now() - t;
      }, entry),
    );
    await page.close();
  }
  console.log(`Chromium ${browser.version()}, import ${entry} until ready (localhost): ${best(times)} ms (best of ${runs})`);
}
await browser.close();
await server.close();
