// The incremental Analyzer: fed in random chunk sizes, it reports progress
// truthfully and finishes with exactly the report `analyze` gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { canonical, dataDir, dataFiles, installPackage, prng } from './helpers.mjs';

let pkg;
before(async () => {
  pkg = await installPackage();
});
after(() => pkg?.cleanup());

/** Chunk sizes from 1 byte to 64 KiB, most of them small (log-uniform). */
function chunkSizes(random, total) {
  const sizes = [];
  for (let left = total; left > 0; ) {
    const size = Math.min(left, Math.max(1, Math.floor(Math.exp(random() * Math.log(65536)))));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

function countNewlines(bytes, end) {
  let n = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 10) n++;
  return n;
}

for (const name of dataFiles) {
  test(`${name}: random chunks give the analyze() report`, () => {
    const bytes = new Uint8Array(readFileSync(join(dataDir, name)));
    const options = { filename: name, logs: 'anomalous' };
    const whole = canonical(pkg.mod.analyze(bytes, options));
    for (const seed of [1, 2, 3]) {
      const random = prng(seed * 7919 + name.length);
      const analyzer = new pkg.mod.Analyzer(options);
      let at = 0;
      for (const size of chunkSizes(random, bytes.length)) {
        // Mix views into the file, copies and (where the bytes are ASCII,
        // so text encodes back to the same bytes) strings.
        const view = bytes.subarray(at, at + size);
        const pick = random();
        const ascii = view.every((b) => b < 128);
        const chunk = pick < 0.6 ? view : pick < 0.9 || !ascii ? view.slice() : Buffer.from(view).toString('latin1');
        analyzer.push(chunk);
        at += size;
        assert.equal(analyzer.bytesSeen, at);
      }
      assert.equal(analyzer.linesSeen, countNewlines(bytes, bytes.length), 'every line ends with \\n');
      assert.equal(canonical(analyzer.finish()), whole, `chunking seed ${seed}`);
    }
  });
}

test('progress counts only complete lines', () => {
  const analyzer = new pkg.mod.Analyzer();
  const text = readFileSync(join(dataDir, 'baseline_small.jsonl'), 'utf8');
  const [first, second] = text.split('\n');
  analyzer.push(first.slice(0, 10));
  assert.deepEqual([analyzer.bytesSeen, analyzer.linesSeen, analyzer.entitiesSeen], [10, 0, 0]);
  analyzer.push(first.slice(10) + '\n' + second);
  assert.deepEqual([analyzer.bytesSeen, analyzer.linesSeen, analyzer.entitiesSeen], [first.length + 1 + second.length, 1, 1]);
  analyzer.push('\n');
  assert.equal(analyzer.linesSeen, 2);
  const ip = (line) => JSON.parse(line).clientip;
  assert.equal(analyzer.entitiesSeen, new Set([ip(first), ip(second)]).size);
  const report = analyzer.finish();
  assert.equal(report.total_logs, 2);
  assert.equal(analyzer.linesSeen, 2, 'progress stays readable after finish');
});

test('a finished Analyzer throws instead of misbehaving', () => {
  const analyzer = new pkg.mod.Analyzer();
  analyzer.push(readFileSync(join(dataDir, 'baseline_small.jsonl')));
  analyzer.finish();
  assert.throws(() => analyzer.finish(), { name: 'Error', message: 'this Analyzer has already finished' });
  assert.throws(() => analyzer.push(new Uint8Array([10])), { message: 'this Analyzer has already finished' });
});

test('an unusable header throws on push, and again on the next push', () => {
  const analyzer = new pkg.mod.Analyzer();
  assert.throws(() => analyzer.push('when,who\n'), { message: /^unusable CSV header: / });
  assert.throws(() => analyzer.push('1,2\n'), { message: /^unusable CSV header: / });
});

test('chunks of the wrong type throw a TypeError', () => {
  const analyzer = new pkg.mod.Analyzer();
  for (const bad of [42, null, undefined, {}, [1, 2]]) {
    assert.throws(() => analyzer.push(bad), TypeError);
  }
  assert.equal(analyzer.bytesSeen, 0);
});

// boundTimes: the same report with event times kept bounded, in one pass for
// lines in time order and in two (the entities named by readAgain kept
// whole) for lines far out of order: here, the sample log reversed.
for (const name of ['anomalous_scanning.jsonl', 'baseline_medium.jsonl']) {
  test(`${name}: boundTimes and finishBounded give the finish() report, in order and reversed`, () => {
    const text = readFileSync(join(dataDir, name), 'utf8');
    const reversed = `${text.trimEnd().split('\n').reverse().join('\n')}\n`;
    for (const [input, order] of [[text, 'in order'], [reversed, 'reversed']]) {
      const options = { filename: name, logs: 'anomalous' };
      const exact = canonical(pkg.mod.analyze(input, options));
      const bounded = (keep) => {
        const analyzer = new pkg.mod.Analyzer(options);
        analyzer.boundTimes(keep);
        for (let at = 0; at < input.length; at += 4096) analyzer.push(input.slice(at, at + 4096));
        return analyzer.finishBounded();
      };
      const first = bounded([]);
      if (order === 'in order') {
        assert.equal(first.readAgain, undefined, 'time-ordered lines need one pass');
        assert.equal(canonical(first.report), exact);
      } else {
        assert.equal(first.report, undefined);
        assert.ok(first.readAgain.length > 0, 'entities far out of order are named');
        const second = bounded(first.readAgain);
        assert.equal(canonical(second.report), exact, 'the second pass gives the exact report');
      }
    }
    const late = new pkg.mod.Analyzer();
    late.push('x');
    assert.throws(() => late.boundTimes(), /boundTimes must be called before the first push/);
    late.free();
  });
}
