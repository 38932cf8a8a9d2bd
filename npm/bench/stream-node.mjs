// One timed run of the npm package in Node on a file of any size, for
// scripts/bench.sh: the file is read from disk in 64 KiB pieces (the CLI's
// read size where it parses, and `createReadStream`'s default) into an
// `Analyzer` with `logs: 'none'` and bounded event times
// (`boundTimes`: a file can be read again, so memory stays bounded by
// entities, not by the file; a second pass if finishBounded asks for it, as
// signaltrace/worker and the CLI do). Prints one JSON line:
// {"seconds", "events"}; scripts/bench.sh measures the process's peak RSS.
//
//   node npm/bench/stream-node.mjs FILE
//   PKG=DIR node npm/bench/stream-node.mjs FILE   another build of npm/pkg (A/B runs)
import { openSync, readSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = process.argv[2];
if (!file) {
  console.error('usage: node npm/bench/stream-node.mjs FILE');
  process.exit(2);
}
const { Analyzer } = await import(`${process.env.PKG ?? `${root}npm/pkg`}/node.js`);
// 64 KiB: each piece is still in the cache when copied into WebAssembly
// memory; in 4 MiB pieces the 1M-event file took 1.52–2.34 s against
// 1.40–2.09 s (five runs each, alternating; docs/PERFORMANCE.md).
const CHUNK = 64 << 10;
const buffer = new Uint8Array(CHUNK);
const start = process.hrtime.bigint();
function pass(exact) {
  const fd = openSync(file, 'r');
  const analyzer = new Analyzer({ logs: 'none' });
  analyzer.boundTimes(exact);
  for (let n; (n = readSync(fd, buffer, 0, CHUNK, null)) > 0; ) analyzer.push(buffer.subarray(0, n));
  closeSync(fd);
  return analyzer.finishBounded();
}
let out = pass([]);
if (out.readAgain) out = pass(out.readAgain);
const events = out.report.total_logs;
console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - start) / 1e9, events }));
