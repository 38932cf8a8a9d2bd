// How long headless Chromium takes only to read a disk-backed File in a
// worker (nothing analyzed), by the ways signaltrace/worker could read it:
// `slice().arrayBuffer()` in 16 MiB and 4 MiB pieces (the next requested
// while one is taken), `stream()`, and `FileReaderSync` in 16 MiB pieces;
// then two workers at once, each reading one half. Prints one line per way,
// best of RUNS (default 2): the read's time in the worker, and the CPU
// seconds the whole machine spent in that run (/proc/stat: the browser's
// file and IPC threads as well as the worker).
//
//   node npm/bench/read-chromium.mjs FILE [RUNS]
import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, serveStatic } from '../test/helpers.mjs';
import { machineCpu } from './machine-cpu.mjs';

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 2);
if (!file || !(runs >= 1)) {
  console.error('usage: node npm/bench/read-chromium.mjs FILE [RUNS]');
  process.exit(2);
}

// The worker: reads what it is sent, touches each piece, says how long it took.
const worker = `self.onmessage = async ({ data: { file, how, piece } }) => {
  const start = performance.now();
  let n = 0;
  if (how === 'arrayBuffer') {
    const get = (at) => (at < file.size ? file.slice(at, at + piece).arrayBuffer() : null);
    let next = get(0);
    for (let at = 0; next; at += piece) {
      const bytes = new Uint8Array(await next);
      next = get(at + piece);
      n += bytes.length + bytes[0] * 0;
    }
  } else if (how === 'stream') {
    const reader = file.stream().getReader();
    for (let r; !(r = await reader.read()).done;) n += r.value.length + r.value[0] * 0;
  } else {
    const sync = new FileReaderSync();
    for (let at = 0; at < file.size; at += piece) n += sync.readAsArrayBuffer(file.slice(at, at + piece)).byteLength;
  }
  self.postMessage({ n, ms: performance.now() - start });
};`;

const server = await serveStatic({});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/`).catch(() => {});
  await page.setContent('<input type="file" id="input">');
  await page.setInputFiles('#input', file);
  await page.evaluate((source) => {
    window.workerUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  }, worker);
  // One way, once: each worker reads its part, and the page waits for all.
  const readOnce = (how, piece, parts) =>
    page.evaluate(
      ([how, piece, parts]) => {
        const [input] = document.getElementById('input').files;
        const readIn = (blob) =>
          new Promise((resolve) => {
            const w = new Worker(window.workerUrl);
            w.onmessage = ({ data }) => {
              w.terminate();
              resolve(data);
            };
            w.postMessage({ file: blob, how, piece });
          });
        const cut = Math.floor(input.size / parts);
        const start = performance.now();
        const blobs = parts === 1 ? [input] : [input.slice(0, cut), input.slice(cut)];
        return Promise.all(blobs.map(readIn)).then(() => performance.now() - start);
      },
      [how, piece, parts],
    );
  const ways = [['arrayBuffer', 16 << 20, 1], ['arrayBuffer', 4 << 20, 1], ['stream', 0, 1], ['FileReaderSync', 16 << 20, 1], ['arrayBuffer', 16 << 20, 2], ['stream', 0, 2]];
  const best = new Map();
  for (let r = 0; r < runs; r++) {
    for (const [how, piece, parts] of ways) {
      const label = `${parts === 2 ? 'two workers, ' : ''}${how}${piece ? ` ${piece >> 20} MiB` : ''}`;
      const cpu = machineCpu();
      const ms = await readOnce(how, piece, parts);
      const used = cpu === null ? null : machineCpu() - cpu;
      if (!best.has(label) || ms < best.get(label).ms) best.set(label, { ms, used });
    }
  }
  for (const [label, { ms, used }] of best) {
    const cpu = used === null ? '' : `, machine CPU ${used.toFixed(2)} s`;
    console.log(`${label}: ${(ms / 1000).toFixed(2)} s${cpu}`);
  }
} finally {
  await browser.close();
  await server.close();
}
