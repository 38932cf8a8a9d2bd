// Throughput of the npm package in Node against the native CLI on one thread.
//
//   target/release/signaltrace generate --events 1000000 --out target/bench/events-1m.jsonl
//   scripts/build-npm.sh
//   node npm/bench/bench-node.mjs [FILE] [--runs N]
//
// Measures, best of N runs (wall clock, input already in memory for wasm):
//   native   `signaltrace analyze --threads 1 --no-logs FILE` (whole process,
//            reading the file included; $SIGNALTRACE_BIN or target/release)
//   analyze  `analyze(bytes, { logs: 'none' })` — one call
//   stream   `Analyzer` fed 4 MiB chunks (the CLI's read size), logs none
// and prints one JSON line per measurement plus a summary table.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const file = args[0] ?? `${root}target/bench/events-1m.jsonl`;
const cli = process.env.SIGNALTRACE_BIN ?? `${root}target/release/signaltrace`;
const CHUNK = 4 << 20;

if (!existsSync(file)) {
  console.error(`no ${file}: run signaltrace generate --events 1000000 --out ${file}`);
  process.exit(2);
}
const { analyze, Analyzer } = await import(`${root}npm/pkg/node.js`);
const size = statSync(file).size;

function best(label, fn) {
  const times = [];
  let events = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    events = fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const seconds = Math.min(...times);
  const result = {
    engine: label,
    seconds: +seconds.toFixed(3),
    mb_per_s: +(size / 1e6 / seconds).toFixed(1),
    events_per_s: Math.round(events / seconds),
    runs: times.map((t) => +t.toFixed(3)),
  };
  console.log(JSON.stringify(result));
  return result;
}

const results = [];
if (existsSync(cli)) {
  results.push(
    best('native --threads 1', () => {
      const out = execFileSync(cli, ['analyze', '--threads', '1', '--no-logs', file], {
        maxBuffer: 1 << 28,
        encoding: 'utf8',
      });
      return JSON.parse(out).total_logs;
    }),
  );
} else {
  console.error(`(no native CLI at ${cli}: build it with cargo build --release -p signaltrace)`);
}

const bytes = readFileSync(file);
results.push(best(`node ${process.version} analyze()`, () => analyze(bytes, { logs: 'none' }).total_logs));
results.push(
  best(`node ${process.version} Analyzer 4 MiB chunks`, () => {
    const analyzer = new Analyzer({ logs: 'none' });
    for (let at = 0; at < bytes.length; at += CHUNK) analyzer.push(bytes.subarray(at, at + CHUNK));
    return analyzer.finish().total_logs;
  }),
);

console.log(`\n${(size / 1e6).toFixed(1)} MB, best of ${runs}`);
for (const r of results) {
  const ratio = results[0].engine.startsWith('native') ? ` (${((100 * r.mb_per_s) / results[0].mb_per_s).toFixed(0)}% of native)` : '';
  console.log(`${r.engine.padEnd(40)} ${String(r.mb_per_s).padStart(7)} MB/s ${String(r.events_per_s).padStart(9)} events/s${ratio}`);
}
