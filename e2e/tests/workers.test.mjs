// A big file is split across one worker per core (at most 4): in the served
// app and in the single file (signaltrace.html from file://, whose workers
// start from a Blob URL and get the .wasm compiled), the exported report of
// a 45 MB generated log is the CLI's, byte for byte as JSON, with the
// anomalous entities' rows (the app keeps them from 32 MB on).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DIST, analyzeFile, cliGenerate, cliReport, launch, openPage, staticServer, tempPath } from '../harness.mjs';

const EVENTS = 120_000;
let server;
let browser;
let file;
let expected;
before(async () => {
  server = await staticServer();
  browser = await launch();
  file = tempPath(`events-${EVENTS}.jsonl`);
  cliGenerate(EVENTS, file);
  expected = cliReport(file, '--logs', 'anomalous');
});
after(async () => {
  await browser?.close();
  await server?.close();
});

for (const [where, url] of [
  ['the served app', () => server.url],
  ['the single file', () => pathToFileURL(join(DIST, 'signaltrace.html')).href],
]) {
  test(`${where} splits a big file across its workers, with the CLI's report`, async () => {
    const { page, context, errors } = await openPage(browser, url());
    let started = 0;
    page.on('worker', () => {
      started += 1;
    });
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await analyzeFile(page, file);
    // One worker per core, at most 4 (app/host-analyze.js), and the page says so.
    assert.equal(started, Math.min(Math.max(cores, 1), 4), `${cores} cores`);
    const info = await page.$eval('[data-testid="run-info"]', (e) => ({ workers: e.dataset.workers, text: e.textContent }));
    assert.equal(Number(info.workers), started);
    if (started > 1) assert.match(info.text, new RegExp(`\\(${started} workers, memory `));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.ok(exported.logs.length > 0, 'the anomalous rows are kept');
    assert.deepEqual(exported, expected, 'the exported report is the CLI\'s');
    assert.deepEqual(errors, []);
    await context.close();
  });
}
