// One timed run of signaltrace/worker's `analyzeFile` — the browser app's
// analysis worker — in headless Chromium, for scripts/bench.sh. The file is
// handed to the page through an <input type="file"> (a disk-backed File, as
// an analyst's drop is: nothing is copied into the page), the worker reads it
// in 4 MiB chunks with `logs: 'none'`; with WORKERS > 1, split across that
// many workers (`workers`, as the app does with one per core). Prints one
// JSON line: {"seconds", "events", "wasm_memory", "workers"} (the workers'
// WebAssembly memory at the end, summed: its peak, since it never shrinks;
// the workers started).
//
//   node npm/bench/worker-chromium.mjs FILE [WORKERS]
//   PKG=DIR node npm/bench/worker-chromium.mjs ...   another build of npm/pkg (A/B runs)
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, serveStatic } from '../test/helpers.mjs';
import { machineCpu } from './machine-cpu.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = process.argv[2];
const workers = Number(process.argv[3] ?? 1);
if (!file || !(workers >= 1)) {
  console.error('usage: node npm/bench/worker-chromium.mjs FILE [WORKERS]');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const server = await serveStatic({ '/pkg/': process.env.PKG ?? `${root}npm/pkg` });
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/pkg/README.md`);
  await page.setContent('<input type="file" id="input">');
  await page.setInputFiles('#input', file);
  let started = 0;
  page.on('worker', () => {
    started += 1;
  });
  const cpu = machineCpu();
  const out = await page.evaluate(async ([origin, workers]) => {
    const { analyzeFile } = await import(`${origin}/pkg/worker.js`);
    const [input] = document.getElementById('input').files;
    let memory = 0;
    const start = performance.now();
    const report = await analyzeFile(input, { logs: 'none' }, { workers, onProgress: (p) => (memory = p.memory) });
    return { seconds: (performance.now() - start) / 1000, events: report.total_logs, wasm_memory: memory };
  }, [server.url, workers]);
  out.workers = started;
  out.machine_cpu = cpu === null ? null : Number((machineCpu() - cpu).toFixed(2));
  console.log(JSON.stringify(out));
} finally {
  await browser.close();
  await server.close();
}
