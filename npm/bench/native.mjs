// The native baseline both benchmarks interleave with their wasm runs:
// `signaltrace analyze --threads 1 --no-logs FILE`, whole process (reading the
// file included). $SIGNALTRACE_BIN or target/release/signaltrace.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const cli = process.env.SIGNALTRACE_BIN ?? `${root}target/release/signaltrace`;

if (!existsSync(cli)) {
  console.error(`no native CLI at ${cli}: cargo build --release -p signaltrace (or set SIGNALTRACE_BIN)`);
  process.exit(2);
}

/** Runs the CLI once; returns { seconds, events }. */
export function runNative(file) {
  const start = process.hrtime.bigint();
  const out = execFileSync(cli, ['analyze', '--threads', '1', '--no-logs', file], {
    maxBuffer: 1 << 28,
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, events: JSON.parse(out).total_logs };
}

/** Best-of-N summary of one engine's runs, printed as one JSON line. */
export function summarize(engine, runs, size, native) {
  const best = Math.min(...runs.map((r) => r.seconds));
  const result = {
    engine,
    seconds: +best.toFixed(3),
    mb_per_s: +(size / 1e6 / best).toFixed(1),
    events_per_s: Math.round(runs[0].events / best),
    runs: runs.map((r) => +r.seconds.toFixed(3)),
  };
  if (native) result.of_native = +(native.seconds / best).toFixed(2);
  console.log(JSON.stringify(result));
  return result;
}
