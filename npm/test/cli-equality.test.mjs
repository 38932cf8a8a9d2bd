// The npm package and the CLI give the same report: `analyze` on every
// data/ file equals `signaltrace analyze` on it with the same seed, after
// canonical serialization — and the same error messages.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';

import { canonical, dataDir, dataFiles, installPackage, repoRoot, runCli } from './helpers.mjs';

let pkg;
let scratch;
before(async () => {
  pkg = await installPackage();
  scratch = mkdtempSync(join(tmpdir(), 'signaltrace-cli-'));
});
after(() => {
  pkg?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('data/ holds the seven sample files', () => {
  assert.equal(dataFiles.length, 7, dataFiles.join(', '));
});

for (const seed of [42, 7]) {
  describe(`seed ${seed}`, () => {
    for (const name of dataFiles) {
      test(`${name}: analyze() equals signaltrace analyze`, () => {
        const cli = runCli(['analyze', join(dataDir, name), '--seed', String(seed)]);
        assert.equal(cli.status, 0, cli.stderr);
        const bytes = readFileSync(join(dataDir, name));
        const report = pkg.mod.analyze(bytes, { filename: name, forest: { seed } });
        assert.equal(report.filename, name);
        assert.equal(report.config.forest.seed, seed);
        assert.ok(Array.isArray(report.logs) && report.logs.length > 0, 'logs are included by default');
        assert.equal(canonical(report), canonical(JSON.parse(cli.stdout)));
        // Evidence, typical ranges and texts are part of that equality.
        for (const a of report.anomalies) {
          assert.ok(a.evidence.hosts.count >= 1, a.entity);
          assert.ok(!a.explanation.includes('_'), a.explanation);
        }
        assert.equal(report.events_by_hour.length, 24);
      });
    }
  });
}

test('rules.min_events equals signaltrace analyze --min-events', () => {
  const name = 'insider_sample.csv';
  const cli = runCli(['analyze', join(dataDir, name), '--min-events', '70']);
  assert.equal(cli.status, 0, cli.stderr);
  const report = pkg.mod.analyze(readFileSync(join(dataDir, name)), {
    filename: name,
    rules: { min_events: 70 },
  });
  assert.equal(report.config.rules.min_events, 70);
  // mallory.chen's 60 events no longer support High Deny Rate.
  const mallory = report.entities.find((e) => e.entity === 'mallory.chen');
  assert.deepEqual(mallory.triggered_rules, []);
  assert.equal(canonical(report), canonical(JSON.parse(cli.stdout)));
});

test('off_hours.timezone Europe/Berlin equals signaltrace analyze --timezone Europe/Berlin', () => {
  // The package has no zone database of its own: the name is read from the
  // JavaScript host's (Intl); the CLI uses chrono-tz. Exfiltration at
  // 01:00–04:30 UTC is partly after the 05:00 end of Berlin's off-hours.
  for (const name of ['anomalous_exfiltration.jsonl', 'insider_sample.csv']) {
    const cli = runCli(['analyze', join(dataDir, name), '--timezone', 'Europe/Berlin']);
    assert.equal(cli.status, 0, cli.stderr);
    const bytes = readFileSync(join(dataDir, name));
    const report = pkg.mod.analyze(bytes, { filename: name, off_hours: { timezone: 'Europe/Berlin' } });
    assert.equal(report.config.off_hours.timezone, 'Europe/Berlin');
    assert.equal(canonical(report), canonical(JSON.parse(cli.stdout)));
    const utc = pkg.mod.analyze(bytes, { filename: name });
    assert.notEqual(canonical(utc), canonical(report), `${name}: the zone changes the report`);
  }
});

test('an unknown time zone throws a message listing valid ones, like the CLI', () => {
  const cli = runCli(['analyze', join(dataDir, 'baseline_small.jsonl'), '--timezone', 'Europe/Berln']);
  assert.notEqual(cli.status, 0);
  assert.match(cli.stderr, /unknown time zone `Europe\/Berln`: use an IANA name such as `Europe\/Berlin`/);
  const bytes = readFileSync(join(dataDir, 'baseline_small.jsonl'));
  for (const bad of ['Europe/Berln', 'europe/berlin', 'Mars/Olympus']) {
    assert.throws(
      () => pkg.mod.analyze(bytes, { off_hours: { timezone: bad } }),
      (e) => e instanceof Error
        && e.message.startsWith(`invalid config: \`off_hours.timezone\`: unknown time zone \`${bad}\`: use an IANA name such as \``)
        && e.message.includes('`UTC`, or an offset like +01:00'),
      bad,
    );
  }
  assert.throws(
    () => pkg.mod.analyze(bytes, { off_hours: { timezone: 'Europe/Berln' } }),
    /such as `Europe\/Berlin`/,
  );
  assert.throws(() => new pkg.mod.Analyzer({ off_hours: { timezone: 'Europe/Berln' } }), /unknown time zone/);
});

test('text input gives the same report as bytes, and as --no-logs', () => {
  const name = 'anomalous_scanning.jsonl';
  const text = readFileSync(join(dataDir, name), 'utf8');
  const cli = runCli(['analyze', join(dataDir, name), '--no-logs']);
  assert.equal(cli.status, 0, cli.stderr);
  const report = pkg.mod.analyze(text, { filename: name, logs: 'none' });
  assert.equal(report.logs, undefined);
  assert.equal(canonical(report), canonical(JSON.parse(cli.stdout)));
});

test('gzip and zstd input give the CLI report of the compressed file, in chunks too', () => {
  const name = 'anomalous_credential_stuffing.jsonl';
  const gz = join(scratch, `${name}.gz`);
  writeFileSync(gz, gzipSync(readFileSync(join(dataDir, name))));
  const zst = join(scratch, `${name}.zst`);
  const z = spawnSync('zstd', ['-q', '-f', join(dataDir, name), '-o', zst]);
  assert.equal(z.status, 0, String(z.stderr));
  for (const file of [gz, zst]) {
    const base = file.split('/').pop();
    const cli = runCli(['analyze', file, '--no-logs']);
    assert.equal(cli.status, 0, cli.stderr);
    const bytes = readFileSync(file);
    const report = pkg.mod.analyze(bytes, { filename: base, logs: 'none' });
    assert.equal(canonical(report), canonical(JSON.parse(cli.stdout)));
    const a = new pkg.mod.Analyzer({ filename: base, logs: 'none' });
    for (let at = 0; at < bytes.length; at += 1001) a.push(bytes.subarray(at, at + 1001));
    assert.equal(canonical(a.finish()), canonical(report));
  }
  assert.throws(
    () => pkg.mod.analyze(gzipSync(readFileSync(join(dataDir, name))).subarray(0, 5000), { filename: 'cut.gz' }),
    /cut\.gz: corrupt or truncated gzip data/,
  );
});

test('a config file and the same options give the same report', () => {
  const options = { rules: { deny_rate: 0.5, unique_hosts: 12 }, off_hours: { utc_offset_minutes: -300 } };
  const config = join(scratch, 'config.json');
  writeFileSync(config, JSON.stringify(options));
  const name = 'insider_sample.csv';
  const cli = runCli(['analyze', join(dataDir, name), '--config', config]);
  assert.equal(cli.status, 0, cli.stderr);
  const report = pkg.mod.analyze(readFileSync(join(dataDir, name)), { ...options, filename: name });
  assert.equal(canonical(report), canonical(JSON.parse(cli.stdout)));
});

test('an ECS log with the ecs preset gives the CLI report, and the plain file\'s features', () => {
  const path = join(repoRoot, 'detector', 'tests', 'inputs', 'exfiltration_ecs.jsonl');
  const cli = runCli(['analyze', path, '--preset', 'ecs', '--field', 'url=url.missing,url.full']);
  assert.equal(cli.status, 0, cli.stderr);
  const report = pkg.mod.analyze(readFileSync(path), {
    fields: { preset: 'ecs', url: ['url.missing', 'url.full'] },
    filename: 'exfiltration_ecs.jsonl',
  });
  assert.equal(canonical(report), canonical(JSON.parse(cli.stdout)));
  assert.deepEqual(report.config.fields.time, ['@timestamp']);
  const plain = pkg.mod.analyze(readFileSync(join(dataDir, 'anomalous_exfiltration.jsonl')));
  assert.deepEqual(report.entities, plain.entities);
  assert.deepEqual(report.anomalies, plain.anomalies);
  assert.throws(
    () => pkg.mod.analyze(readFileSync(path), { fields: { preset: 'ecs', user: 'usr.name' } }),
    /`fields\.user`/,
  );
});

test('a seed may be a Number or a BigInt up to 2^53 - 1; anything else is a clear error', () => {
  const name = 'anomalous_scanning.jsonl';
  const bytes = readFileSync(join(dataDir, name));
  const big = 9007199254740991n;
  const cli = runCli(['analyze', join(dataDir, name), '--seed', big.toString()]);
  assert.equal(cli.status, 0, cli.stderr);
  const report = pkg.mod.analyze(bytes, { forest: { seed: big }, filename: name });
  assert.equal(canonical(report), canonical(JSON.parse(cli.stdout)));
  assert.equal(
    canonical(pkg.mod.analyze(bytes, { forest: { seed: 7n, trees: 50 } })),
    canonical(pkg.mod.analyze(bytes, { forest: { seed: 7, trees: 50 } })),
  );
  for (const seed of [NaN, -1, 1.5, 2 ** 60, -1n, 2n ** 53n, 2n ** 64n, '7']) {
    assert.throws(
      () => pkg.mod.analyze(bytes, { forest: { seed } }),
      { message: /^invalid config: `forest\.seed` must be a whole number \(a Number or a BigInt\) from 0 to 2\^53 - 1$/ },
      String(seed),
    );
  }
});

test('allowlist and pseudonymize options match the CLI with the same config', () => {
  const name = 'anomalous_credential_stuffing.jsonl';
  const cases = [
    { allowlist: ['203.0.113.0/24'], logs: 'anomalous' },
    { pseudonymize: 'a key only the analyst knows', logs: 'anomalous' },
  ];
  for (const options of cases) {
    const config = join(scratch, 'privacy.json');
    writeFileSync(config, JSON.stringify(options));
    const cli = runCli(['analyze', join(dataDir, name), '--config', config]);
    assert.equal(cli.status, 0, cli.stderr);
    const report = pkg.mod.analyze(readFileSync(join(dataDir, name)), { ...options, filename: name });
    assert.equal(canonical(report), canonical(JSON.parse(cli.stdout)), JSON.stringify(options));
  }
  const allowlisted = pkg.mod.analyze(readFileSync(join(dataDir, name)), cases[0]);
  assert.equal(allowlisted.anomaly_count, 0, 'the allowlisted attacker is not flagged');
  const hidden = JSON.stringify(pkg.mod.analyze(readFileSync(join(dataDir, name)), cases[1]));
  assert.ok(!hidden.includes('203.0.113.45'), 'pseudonymized reports do not name the IP');
  assert.ok(!hidden.includes('a key only the analyst knows'), 'the key is never echoed');
});

/** Asserts `fn` throws an Error whose message is the CLI's stderr line. */
function assertSameError(fn, cli) {
  assert.equal(cli.status, 2, 'the CLI exits 2 on unusable input');
  const line = cli.stderr.trim();
  assert.match(line, /^signaltrace: /);
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error);
    // The CLI prefixes `signaltrace: ` (and, for a config file, its path).
    assert.ok(line.endsWith(e.message), `CLI: ${line}\nJS:  ${e.message}`);
    assert.ok(e.message.length > 10);
    return true;
  });
}

test('unusable input throws the message the CLI prints', () => {
  const cases = [
    ['empty.jsonl', '\n  \n', {}, []],
    ['garbage.jsonl', '{not json}\n{"also": "bad"}\n', {}, []],
    ['header.csv', 'when,who,what\n1,2,3\n', {}, []],
    [
      'strict.jsonl',
      readFileSync(join(dataDir, 'baseline_small.jsonl'), 'utf8').split('\n').slice(0, 5).join('\n') + '\n{oops\n',
      { input: { strict: true } },
      ['--strict'],
    ],
  ];
  for (const [name, content, options, flags] of cases) {
    const file = join(scratch, name);
    writeFileSync(file, content);
    assertSameError(() => pkg.mod.analyze(content, { ...options, filename: name }), runCli(['analyze', file, ...flags]));
  }
});

test('an invalid option throws the message the CLI prints for the same config', () => {
  const file = join(scratch, 'log.jsonl');
  writeFileSync(file, readFileSync(join(dataDir, 'baseline_small.jsonl')));
  for (const options of [
    { rules: { deny_rate: 1.5 } },
    { forest: { contamination: 0 } },
    { rules: { deny_rat: 0.5 } },
    { logs: 'some' },
  ]) {
    const config = join(scratch, 'bad.json');
    writeFileSync(config, JSON.stringify(options));
    const cli = runCli(['analyze', file, '--config', config]);
    // serde_json adds "at line L column C" for a config file; the object
    // passed to analyze() has no text position.
    const cliLine = cli.stderr.trim().replace(/ at line \d+ column \d+$/, '');
    assert.equal(cli.status, 2);
    assert.throws(
      () => pkg.mod.analyze('x', options),
      (e) => e instanceof Error && e.message.startsWith('invalid config: ') && cliLine.endsWith(e.message),
      `${JSON.stringify(options)}: CLI said ${cliLine}`,
    );
    assert.throws(() => new pkg.mod.Analyzer(options), { message: /^invalid config: / });
  }
});
