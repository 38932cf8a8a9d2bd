// Several files, one analysis: rotated parts chosen together (any order,
// one of them gzip) give the CLI's findings for the whole file; the results
// list the files and rejections name theirs; the page stays accessible.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { DATA, cliReport, launch, openPage, staticServer, tempFile, thousands } from '../harness.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server;
let browser;

before(async () => {
  server = await staticServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** `text` cut into three parts at line ends. */
function thirds(text) {
  const at = (k) => text.indexOf('\n', Math.floor((text.length * k) / 3)) + 1;
  return [text.slice(0, at(1)), text.slice(at(1), at(2)), text.slice(at(2))];
}

test('rotated parts chosen together give the whole file\'s findings and list the files', async () => {
  const name = 'anomalous_credential_stuffing.jsonl';
  const expected = cliReport(join(DATA, name), '--no-logs');
  const [a, b, c] = thirds(readFileSync(join(DATA, name), 'utf8'));
  // Chosen out of order; the app reads them in name order.
  const files = [
    tempFile('access.log', c),
    tempFile('access.log.2.gz', gzipSync(a)),
    tempFile('access.log.1', b),
  ];
  const { page, context, errors } = await openPage(browser, server.url);
  await page.setInputFiles('[data-testid="file-input"]', files);
  await page.waitForSelector('[data-testid="results"]', { timeout: 120_000 });
  assert.equal(await page.textContent('[data-testid="file-name"]'), '3 files');
  assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
  assert.equal(await page.textContent('[data-testid="total-logs"]'), thousands(expected.total_logs));
  assert.equal(await page.textContent('[data-testid="summary-text"]'), expected.summary);
  assert.deepEqual(
    await page.$$eval('[data-testid="anomaly-card"]', (els) => els.map((e) => e.dataset.entity)),
    expected.anomalies.map((x) => x.entity),
  );
  await page.click('[data-testid="inputs"] summary');
  const rows = await page.$$eval('[data-testid="input-row"]', (els) =>
    els.map((e) => [...e.querySelectorAll('td')].map((td) => td.textContent.trim())));
  assert.deepEqual(rows.map((r) => r[0]), ['access.log', 'access.log.1', 'access.log.2.gz']);
  assert.equal(rows[2][4], 'gzip');
  const lines = (s) => s.split('\n').length - 1;
  assert.deepEqual(rows.map((r) => r[1]), [c, b, a].map((s) => thousands(lines(s))));

  // The results with the file list open, and the upload page with its
  // two pickers: no serious or critical axe violation.
  const blocking = async () => {
    await page.evaluate(AXE);
    const found = await page.evaluate(async () =>
      (await window.axe.run(document, { resultTypes: ['violations'] })).violations
        .filter((v) => ['serious', 'critical'].includes(v.impact))
        .map((v) => `${v.id}: ${v.help}`));
    return found;
  };
  assert.deepEqual(await blocking(), []);
  await page.click('[data-testid="new-analysis"]');
  await page.waitForSelector('[data-testid="choose-folder"]');
  assert.deepEqual(await blocking(), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('rejections and errors name the file they are in', async () => {
  const good = readFileSync(join(DATA, 'baseline_small.jsonl'), 'utf8');
  const { page, context, errors } = await openPage(browser, server.url);
  await page.setInputFiles('[data-testid="file-input"]', [
    tempFile('a.jsonl', good),
    tempFile('b.jsonl', `${good.slice(0, good.indexOf('\n') + 1)}not json\n`),
  ]);
  await page.waitForSelector('[data-testid="results"]', { timeout: 120_000 });
  await page.click('[data-testid="toggle-rejected"]');
  assert.deepEqual(
    await page.$$eval('[data-testid="rejected-file"]', (els) => els.map((e) => e.textContent)),
    ['b.jsonl'],
  );
  await page.click('[data-testid="new-analysis"]');
  await page.waitForSelector('[data-testid="file-input"]', { state: 'attached' });
  const csv = readFileSync(join(DATA, 'insider_sample.csv'), 'utf8');
  await page.setInputFiles('[data-testid="file-input"]', [tempFile('a.jsonl', good), tempFile('b.csv', csv)]);
  const alert = await page.waitForSelector('[data-testid="upload-error"]');
  assert.match(await alert.textContent(), /b\.csv is CSV but a\.jsonl is JSONL/);
  assert.deepEqual(errors, []);
  await context.close();
});
