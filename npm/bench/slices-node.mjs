// Where the time of the npm package goes in Node when a file is analyzed in
// SLICES slices one after another, as signaltrace/worker's workers do (but
// on one thread, so each phase is timed alone): reading the slices
// (`push`), `finishSlice`, `mergeSlice`, and `finish`. With SLICES = 1 the
// file is read by one Analyzer, as `analyze` does. Prints one JSON line of
// seconds per phase and the entity count.
//
//   node npm/bench/slices-node.mjs FILE [SLICES]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const file = process.argv[2];
const slices = Number(process.argv[3] ?? 1);
if (!file || !(slices >= 1)) {
  console.error('usage: node npm/bench/slices-node.mjs FILE [SLICES]');
  process.exit(2);
}
const { Analyzer, splitHead } = await import(`${root}npm/pkg/node.js`);
const CHUNK = 4 << 20;
const options = { logs: 'none' };
const data = readFileSync(file);
const headLength = splitHead(data.subarray(0, 1 << 20), options);
if (slices > 1 && headLength === undefined) {
  console.error('this file cannot be analyzed in slices (compressed, CSV, or no deciding line)');
  process.exit(1);
}
const head = data.subarray(0, headLength ?? 0);
const bounds = [0];
for (let k = 1; k < slices; k++) bounds.push(data.indexOf(10, Math.floor((data.length * k) / slices)) + 1);
bounds.push(data.length);

const seconds = { push: 0, finishSlice: 0, mergeSlice: 0, finish: 0 };
let last = performance.now();
const lap = (phase) => {
  const now = performance.now();
  seconds[phase] += (now - last) / 1000;
  last = now;
};
const push = (analyzer, start, end) => {
  for (let at = start; at < end; at += CHUNK) analyzer.push(data.subarray(at, Math.min(end, at + CHUNK)));
};
const first = new Analyzer(options);
push(first, 0, bounds[1]);
lap('push');
for (let i = 1; i < slices; i++) {
  const analyzer = new Analyzer(options);
  analyzer.sliceOf(head);
  push(analyzer, bounds[i], bounds[i + 1]);
  lap('push');
  const slice = analyzer.finishSlice();
  lap('finishSlice');
  first.mergeSlice(slice);
  lap('mergeSlice');
}
const report = first.finish();
lap('finish');
const round = Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, Number(v.toFixed(3))]));
console.log(JSON.stringify({ seconds: round, entities: report.entity_count }));
