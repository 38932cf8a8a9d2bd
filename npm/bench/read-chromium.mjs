// How long headless Chromium takes only to read a disk-backed File in a
// worker (nothing analyzed), by the ways signaltrace/worker could read it:
// `slice().arrayBuffer()` in 16 MiB and 4 MiB pieces (the next requested
// while one is taken), `stream()`, and `FileReaderSync` in 16 MiB pieces;
// then two workers at once, each reading one half. Prints one line per way,
// best of RUNS (default 2).
//
//   node npm/bench/read-chromium.mjs FILE [RUNS]
import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, serveStatic } from '../test/helpers.mjs';

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
  const rows = await page.evaluate(async ([source, runs]) => {
    const [input] = document.getElementById('input').files;
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const readIn = (blob, how, piece) => new Promise((resolve) => {
      const w = new Worker(url);
      w.onmessage = ({ data }) => {
        w.terminate();
        resolve(data);
      };
      w.postMessage({ file: blob, how, piece });
    });
    const ways = [['arrayBuffer', 16 << 20], ['arrayBuffer', 4 << 20], ['stream', 0], ['FileReaderSync', 16 << 20]];
    const best = {};
    const note = (label, ms) => {
      best[label] = Math.min(best[label] ?? Infinity, ms);
    };
    for (let r = 0; r < runs; r++) {
      for (const [how, piece] of ways) {
        note(`${how}${piece ? ` ${piece >> 20} MiB` : ''}`, (await readIn(input, how, piece)).ms);
      }
      const half = Math.floor(input.size / 2);
      for (const [how, piece] of [ways[0], ways[2]]) {
        const start = performance.now();
        await Promise.all([readIn(input.slice(0, half), how, piece), readIn(input.slice(half), how, piece)]);
        note(`two workers, ${how}${piece ? ` ${piece >> 20} MiB` : ''}`, performance.now() - start);
      }
    }
    return Object.entries(best);
  }, [worker, runs]);
  for (const [label, ms] of rows) console.log(`${label}: ${(ms / 1000).toFixed(2)} s`);
} finally {
  await browser.close();
  await server.close();
}
