// Several inputs, one analysis (`Analyzer.nextInput`): rotated parts in any
// order, one gzip-compressed, give the entities, features and anomalies of
// the whole file; the report lists the inputs and rejections name theirs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';

import { canonical, dataDir, installPackage } from './helpers.mjs';

let pkg;
before(async () => {
  pkg = await installPackage();
});
after(() => pkg?.cleanup());

// The largest events point at (input, line), which the cut changes, and
// equal sizes are ranked by that place: compare their sizes only.
const sizesOnly = (a) => {
  const t = a.evidence.transfer;
  if (!t) return a;
  return { ...a, evidence: { ...a.evidence, transfer: { ...t, largest_events: t.largest_events.map((e) => e.bytes) } } };
};
const findings = (r) => canonical({
  entities: r.entities, anomalies: r.anomalies.map(sizesOnly), timeline: r.timeline,
  total_logs: r.total_logs, statistics: r.statistics, activity: r.activity,
});

function analyzeParts(parts, options = {}) {
  const analyzer = new pkg.mod.Analyzer({ ...options, filename: parts[0][0] });
  parts.forEach(([name, data], i) => {
    if (i > 0) analyzer.nextInput(name);
    analyzer.push(data);
  });
  return analyzer.finish();
}

test('rotated parts in any order give the whole file\'s findings', () => {
  const text = readFileSync(join(dataDir, 'anomalous_scanning.jsonl'), 'utf8');
  const at = (k) => text.indexOf('\n', Math.floor((text.length * k) / 3)) + 1;
  const parts = [
    ['a.log', text.slice(0, at(1))],
    ['b.log.gz', gzipSync(text.slice(at(1), at(2)))],
    ['c.log', text.slice(at(2))],
  ];
  const whole = pkg.mod.analyze(text);
  for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
    const report = analyzeParts(order.map((i) => parts[i]));
    assert.equal(findings(report), findings(whole));
    assert.deepEqual(report.inputs.map((i) => i.name), order.map((i) => parts[i][0]));
    assert.equal(report.inputs.find((i) => i.name === 'b.log.gz').compression, 'gzip');
    assert.equal(report.filename, parts[order[0]][0]);
  }
});

test('rejections and errors name the input', () => {
  const good = readFileSync(join(dataDir, 'baseline_small.jsonl'), 'utf8');
  const report = analyzeParts([['a.jsonl', good], ['b.jsonl', 'nope\n']]);
  assert.deepEqual(
    report.parse_errors.map((e) => [e.input, e.file, e.line]),
    [[1, 'b.jsonl', 1]],
  );
  const csv = readFileSync(join(dataDir, 'insider_sample.csv'), 'utf8');
  assert.throws(() => analyzeParts([['a.jsonl', good], ['b.csv', csv]]), {
    message: 'b.csv is CSV but a.jsonl is JSONL: the inputs of one analysis must share a format',
  });
});
