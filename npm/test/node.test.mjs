// The package in Node as users load it: ESM and CommonJS (require(esm),
// Node 20.19+), signaltrace/inline, a missing .wasm that the importer can
// catch, seeds as BigInt, and the Analyzer's life cycle (finish, free).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { canonical, installPackage } from './helpers.mjs';

let pkg;
before(async () => {
  pkg = await installPackage();
});
after(() => pkg?.cleanup());

function node(dir, file, source) {
  writeFileSync(join(dir, file), source);
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return execFileSync(process.execPath, [file], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('CommonJS: require(\'signaltrace\') works on Node 20.19+ (require of an ES module without top-level await)', () => {
  const [major, minor] = process.versions.node.split('.').map(Number);
  assert.ok(major > 20 || (major === 20 && minor >= 19), `Node ${process.versions.node}`);
  const out = node(
    pkg.dir,
    'smoke.cjs',
    `const { analyze, generate, version } = require('signaltrace');
const report = analyze(generate('anomalous_exfiltration.jsonl'), { logs: 'none' });
console.log(JSON.stringify([version(), report.anomalies.map((a) => a.entity)]));
`,
  );
  assert.deepEqual(JSON.parse(out), [pkg.mod.version(), ['192.168.1.150']]);
});

test('signaltrace/inline gives the same report in Node, ready on import', async () => {
  const out = node(
    pkg.dir,
    'inline.mjs',
    `import { analyze, generate, ready } from 'signaltrace/inline';
await ready;
console.log(JSON.stringify(analyze(generate('insider_sample.csv'), { logs: 'none' })));
`,
  );
  const expected = pkg.mod.analyze(pkg.mod.generate('insider_sample.csv'), { logs: 'none' });
  assert.equal(canonical(JSON.parse(out)), canonical(expected));
});

test('a missing .wasm does not fail the import: ready rejects and calls say why', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signaltrace-broken-'));
  try {
    cpSync(join(pkg.dir, 'node_modules'), join(dir, 'node_modules'), { recursive: true });
    rmSync(join(dir, 'node_modules', 'signaltrace', 'signaltrace_bg.wasm'));
    const out = node(
      dir,
      'broken.mjs',
      `import { analyze, ready } from 'signaltrace';
const settled = await ready.then(() => 'resolved', (e) => 'rejected: ' + e.code);
let call;
try { analyze('x'); } catch (e) { call = e.message + ' | cause: ' + e.cause.code; }
console.log(JSON.stringify({ settled, call }));
`,
    );
    const { settled, call } = JSON.parse(out);
    assert.equal(settled, 'rejected: ENOENT');
    assert.match(call, /^signaltrace: the WebAssembly module failed to load: ENOENT.* \| cause: ENOENT$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forest.seed: a BigInt equals the Number; NaN, 1.5 and 2^53 are refused clearly', () => {
  const { analyze, generate } = pkg.mod;
  const log = generate('anomalous_scanning.jsonl');
  const asNumber = analyze(log, { logs: 'none', forest: { seed: 7 } });
  const asBigInt = analyze(log, { logs: 'none', forest: { seed: 7n } });
  assert.equal(canonical(asBigInt), canonical(asNumber));
  assert.equal(asBigInt.config.forest.seed, 7);
  for (const seed of [NaN, 1.5, -1, 2 ** 53, 2n ** 53n, '7']) {
    assert.throws(() => analyze(log, { forest: { seed } }), {
      message: 'invalid config: `forest.seed` must be a whole number (a Number or a BigInt) from 0 to 2^53 - 1',
    }, String(seed));
  }
});

test('Analyzer: finish() frees it and keeps the counts; free() and dispose make later calls say so', () => {
  const { Analyzer, analyze, generate } = pkg.mod;
  const log = generate('anomalous_scanning.jsonl');
  const a = new Analyzer({ logs: 'none' });
  a.push(log);
  const report = a.finish();
  assert.equal(canonical(report), canonical(analyze(log, { logs: 'none' })));
  assert.equal(a.bytesSeen, log.length);
  assert.equal(a.linesSeen, report.lines.total);
  assert.equal(a.entitiesSeen, report.entity_count);
  assert.throws(() => a.push('x'), { message: 'this Analyzer has already finished' });
  assert.throws(() => a.finish(), { message: 'this Analyzer has already finished' });
  a.free();
  a.free(); // twice is fine
  assert.throws(() => a.bytesSeen, { message: 'this Analyzer has been freed' });
  const b = new Analyzer();
  b[Symbol.dispose]();
  for (const call of [() => b.push('x'), () => b.nextInput('y'), () => b.finish(), () => b.linesSeen, () => b.entitiesSeen]) {
    assert.throws(call, { message: 'this Analyzer has been freed' });
  }
  // Many finished analyzers hold nothing: 200 of them fit in the memory of one.
  for (let i = 0; i < 200; i++) {
    const c = new Analyzer({ logs: 'all' });
    c.push(log);
    c.finish();
  }
});

test('an esbuild Node bundle of signaltrace/inline runs anywhere (no .wasm file to find)', async () => {
  const { ensureTools, toolsBin } = await import('./tools.mjs');
  ensureTools();
  writeFileSync(
    join(pkg.dir, 'bundle-me.mjs'),
    `import { analyze, generate } from 'signaltrace/inline';
console.log(analyze(generate('anomalous_exfiltration.jsonl'), { logs: 'none' }).anomalies[0].entity);
`,
  );
  const elsewhere = mkdtempSync(join(tmpdir(), 'signaltrace-bundle-'));
  try {
    execFileSync(
      join(toolsBin, 'esbuild'),
      ['bundle-me.mjs', '--bundle', '--platform=node', '--format=esm', `--outfile=${join(elsewhere, 'bundle.mjs')}`],
      { cwd: pkg.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out = execFileSync(process.execPath, [join(elsewhere, 'bundle.mjs')], { cwd: elsewhere, encoding: 'utf8' });
    assert.equal(out.trim(), '192.168.1.150');
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
