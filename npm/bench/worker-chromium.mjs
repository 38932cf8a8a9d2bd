// One timed run of signaltrace/worker's `analyzeFile` — the browser app's
// analysis worker — in headless Chromium, for scripts/bench.sh. The file is
// handed to the page through an <input type="file"> (a disk-backed File, as
// an analyst's drop is: nothing is copied into the page), the worker reads it
// in 4 MiB slices with `logs: 'none'`. Prints one JSON line: {"seconds",
// "events", "wasm_memory"} (the worker's WebAssembly memory at the end: its
// peak, since it never shrinks).
//
//   node npm/bench/worker-chromium.mjs FILE
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, serveStatic } from '../test/helpers.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = process.argv[2];
if (!file) {
  console.error('usage: node npm/bench/worker-chromium.mjs FILE');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const server = await serveStatic({ '/pkg/': `${root}npm/pkg` });
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/pkg/README.md`);
  await page.setContent('<input type="file" id="input">');
  await page.setInputFiles('#input', file);
  const out = await page.evaluate(async (origin) => {
    const { analyzeFile } = await import(`${origin}/pkg/worker.js`);
    const [input] = document.getElementById('input').files;
    let memory = 0;
    const start = performance.now();
    const report = await analyzeFile(input, { logs: 'none' }, { onProgress: (p) => (memory = p.memory) });
    return { seconds: (performance.now() - start) / 1000, events: report.total_logs, wasm_memory: memory };
  }, server.url);
  console.log(JSON.stringify(out));
} finally {
  await browser.close();
  await server.close();
}
