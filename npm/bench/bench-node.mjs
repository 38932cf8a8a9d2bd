// Throughput of the npm package in Node against the native CLI on one thread.
//
//   target/release/signaltrace generate --events 1000000 --out target/bench/events-1m.jsonl
//   cargo build --release -p signaltrace && scripts/build-npm.sh
//   node npm/bench/bench-node.mjs [FILE] [--runs N]
//
// Each round runs, back to back (so a busy machine slows all alike):
//   native   `signaltrace analyze --threads 1 --no-logs FILE` (bench/native.mjs)
//   analyze  `analyze(bytes, { logs: 'none' })`, input already in memory
//   stream   an `Analyzer` fed 4 MiB chunks (the CLI's read size), logs none
// and prints, per engine, the best of N rounds as one JSON line
// (`of_native` = native seconds / engine seconds).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { runNative, summarize } from './native.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const rounds = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const file = args[0] ?? `${root}target/bench/events-1m.jsonl`;
const CHUNK = 4 << 20;

if (!existsSync(file)) {
  console.error(`no ${file}: run signaltrace generate --events 1000000 --out ${file}`);
  process.exit(2);
}
const { analyze, Analyzer } = await import(`${root}npm/pkg/node.js`);
const size = statSync(file).size;
const bytes = readFileSync(file);

function timed(fn) {
  const start = process.hrtime.bigint();
  const events = fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, events };
}

const runs = { native: [], analyze: [], stream: [] };
for (let i = 0; i < rounds; i++) {
  runs.native.push(runNative(file));
  runs.analyze.push(timed(() => analyze(bytes, { logs: 'none' }).total_logs));
  runs.stream.push(
    timed(() => {
      const analyzer = new Analyzer({ logs: 'none' });
      for (let at = 0; at < bytes.length; at += CHUNK) analyzer.push(bytes.subarray(at, at + CHUNK));
      return analyzer.finish().total_logs;
    }),
  );
}

console.log(`${(size / 1e6).toFixed(1)} MB, best of ${rounds} rounds`);
const native = summarize('native --threads 1', runs.native, size);
summarize(`node ${process.version} analyze()`, runs.analyze, size, native);
summarize(`node ${process.version} Analyzer 4 MiB chunks`, runs.stream, size, native);
