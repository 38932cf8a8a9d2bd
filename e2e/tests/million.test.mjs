// A 1,000,000-event file (~370 MB) analyzed in the page's worker without the
// tab running out of memory, in the served app and in the single file
// (signaltrace.html from file://). Slow (about a minute), so opt-in:
// `E2E_MILLION=1 scripts/test-e2e.sh`. It prints the measured numbers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DIST, analyzeFile, cliGenerate, cliReport, launch, openPage, screenshot, staticServer, tempPath, thousands,
} from '../harness.mjs';

const enabled = process.env.E2E_MILLION === '1';
let server;
let browser;
let million;
before(async () => {
  if (!enabled) return;
  server = await staticServer();
  browser = await launch();
  million = tempPath('million.jsonl');
  cliGenerate(1_000_000, million);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('1M events (~370 MB) complete in the browser', { skip: enabled ? false : 'set E2E_MILLION=1 to run' }, async () => {
  const path = million;
  const size = statSync(path).size;
  const expected = cliReport(path, '--no-logs');
  const { page, context, errors } = await openPage(browser, server.url);
  await analyzeFile(page, path, { timeout: 900_000 });
  assert.equal(await page.textContent('[data-testid="total-logs"]'), thousands(expected.total_logs));
  assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
  assert.deepEqual(
    await page.$$eval('[data-testid="anomaly-card"]', (els) => els.map((e) => e.dataset.entity)),
    expected.anomalies.map((a) => a.entity),
  );
  await page.waitForSelector('[data-testid="logs-note"]');
  const info = await page.$eval('[data-testid="run-info"]', (e) => ({ ...e.dataset }));
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  console.log(`million: ${(size / 1e6).toFixed(0)} MB, ${expected.total_logs} events, ` +
    `${(info.elapsedMs / 1000).toFixed(1)} s in the browser, worker wasm memory ` +
    `${(info.workerMemory / 1e6).toFixed(0)} MB, page JS heap ${(heap / 1e6).toFixed(0)} MB`);
  await screenshot(page, 'results-million');
  assert.deepEqual(errors, []);
  await context.close();
});

test('1M events in the single file, from file://', { skip: enabled ? false : 'set E2E_MILLION=1 to run' }, async () => {
  const expected = cliReport(million, '--no-logs');
  const { page, context, errors } = await openPage(browser, pathToFileURL(join(DIST, 'signaltrace.html')).href);
  await analyzeFile(page, million, { timeout: 900_000 });
  assert.equal(await page.textContent('[data-testid="total-logs"]'), thousands(expected.total_logs));
  assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
  const info = await page.$eval('[data-testid="run-info"]', (e) => ({ ...e.dataset }));
  console.log(`million, single file: ${(statSync(million).size / 1e6).toFixed(0)} MB, ` +
    `${(info.elapsedMs / 1000).toFixed(1)} s in the browser, worker wasm memory ${(info.workerMemory / 1e6).toFixed(0)} MB, ` +
    `signaltrace.html ${statSync(join(DIST, 'signaltrace.html')).size} bytes`);
  assert.deepEqual(errors, []);
  await context.close();
});
