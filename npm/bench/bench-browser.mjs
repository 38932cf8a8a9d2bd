// Throughput of the npm package in headless Chromium (the browser entry,
// index.js, as a page imports it) against the native CLI on one thread.
//
//   target/release/signaltrace generate --events 1000000 --out target/bench/events-1m.jsonl
//   cargo build --release -p signaltrace && scripts/build-npm.sh
//   node npm/bench/bench-browser.mjs [FILE] [--runs N]
//
// Serves npm/pkg and the file on 127.0.0.1, opens a page in Chromium
// (/usr/bin/chromium or $CHROMIUM, driven by playwright-core), fetches the
// file into the page (not timed), then each round runs back to back:
//   native   `signaltrace analyze --threads 1 --no-logs FILE` (bench/native.mjs)
//   analyze  `analyze(bytes, { logs: 'none' })` in the page
//   stream   an `Analyzer` fed 4 MiB chunks in the page, logs none
// and prints, per engine, the best of N rounds as one JSON line.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, serveStatic } from '../test/helpers.mjs';
import { runNative, summarize } from './native.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const rounds = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const file = args[0] ?? `${root}target/bench/events-1m.jsonl`;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

if (!existsSync(file)) {
  console.error(`no ${file}: run signaltrace generate --events 1000000 --out ${file}`);
  process.exit(2);
}
const size = statSync(file).size;
const server = await serveStatic({ '/pkg/': `${root}npm/pkg`, '/bench/': dirname(file) });
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/pkg/README.md`);
  await page.evaluate(async (name) => {
    globalThis.signaltrace = await import('/pkg/index.js');
    globalThis.input = new Uint8Array(await (await fetch(`/bench/${name}`)).arrayBuffer());
  }, basename(file));
  const inPage = (mode) =>
    page.evaluate((mode) => {
      const { analyze, Analyzer } = globalThis.signaltrace;
      const bytes = globalThis.input;
      const CHUNK = 4 << 20;
      const start = performance.now();
      let events;
      if (mode === 'analyze') {
        events = analyze(bytes, { logs: 'none' }).total_logs;
      } else {
        const analyzer = new Analyzer({ logs: 'none' });
        for (let at = 0; at < bytes.length; at += CHUNK) analyzer.push(bytes.subarray(at, at + CHUNK));
        events = analyzer.finish().total_logs;
      }
      return { seconds: (performance.now() - start) / 1000, events };
    }, mode);

  const runs = { native: [], analyze: [], stream: [] };
  for (let i = 0; i < rounds; i++) {
    runs.native.push(runNative(file));
    runs.analyze.push(await inPage('analyze'));
    runs.stream.push(await inPage('stream'));
  }
  const version = browser.version();
  console.log(`${(size / 1e6).toFixed(1)} MB, best of ${rounds} rounds`);
  const native = summarize('native --threads 1', runs.native, size);
  summarize(`chromium ${version} analyze()`, runs.analyze, size, native);
  summarize(`chromium ${version} Analyzer 4 MiB chunks`, runs.stream, size, native);
} finally {
  await browser.close();
  await server.close();
}
