// Throughput of the npm package in headless Chromium (the browser entry,
// index.js, as a page imports it).
//
//   target/release/signaltrace generate --events 1000000 --out target/bench/events-1m.jsonl
//   scripts/build-npm.sh
//   node npm/bench/bench-browser.mjs [FILE] [--runs N]
//
// Serves npm/pkg and the file on 127.0.0.1, loads them in Chromium
// (/usr/bin/chromium or $CHROMIUM, driven by playwright-core), fetches the
// file into memory (not timed), then times, best of N runs:
//   analyze  `analyze(bytes, { logs: 'none' })` — one call
//   stream   `Analyzer` fed 4 MiB chunks, logs none
import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, serveStatic } from '../test/helpers.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
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
  const version = browser.version();
  const measured = await page.evaluate(
    async ({ name, runs }) => {
      const { analyze, Analyzer } = await import('/pkg/index.js');
      const bytes = new Uint8Array(await (await fetch(`/bench/${name}`)).arrayBuffer());
      const CHUNK = 4 << 20;
      const time = (fn) => {
        const seconds = [];
        let events = 0;
        for (let i = 0; i < runs; i++) {
          const start = performance.now();
          events = fn();
          seconds.push((performance.now() - start) / 1000);
        }
        return { seconds, events };
      };
      return {
        analyze: time(() => analyze(bytes, { logs: 'none' }).total_logs),
        stream: time(() => {
          const analyzer = new Analyzer({ logs: 'none' });
          for (let at = 0; at < bytes.length; at += CHUNK) analyzer.push(bytes.subarray(at, at + CHUNK));
          return analyzer.finish().total_logs;
        }),
      };
    },
    { name: basename(file), runs },
  );
  console.log(`\n${(size / 1e6).toFixed(1)} MB, best of ${runs}`);
  for (const [what, label] of [
    ['analyze', 'analyze()'],
    ['stream', 'Analyzer 4 MiB chunks'],
  ]) {
    const { seconds, events } = measured[what];
    const best = Math.min(...seconds);
    const result = {
      engine: `chromium ${version} ${label}`,
      seconds: +best.toFixed(3),
      mb_per_s: +(size / 1e6 / best).toFixed(1),
      events_per_s: Math.round(events / best),
      runs: seconds.map((s) => +s.toFixed(3)),
    };
    console.log(JSON.stringify(result));
  }
} finally {
  await browser.close();
  await server.close();
}
