// Accessibility: axe-core (pinned in package.json) checks every page and
// state of the app; none may have a violation of impact "serious" or
// "critical". Every violation found is printed, whatever its impact.
//
// Served as plain static files; the server's two endpoints are answered by
// Playwright routes, so the sign-in page, the progress page (the analyze
// request is held open while axe runs) and server-mode results are checked
// without a backend. Their real contract is tested in server.test.mjs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DATA, analyzeFile, cliReport, launch, openPage, staticServer, tempFile } from '../harness.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING = new Set(['serious', 'critical']);

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

/** Runs axe on the page as it is now; prints what it finds; returns the blocking ones. */
async function axe(page, state) {
  // Injected through the DevTools protocol, so a CSP cannot refuse it.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  });
  const blocking = violations.filter((v) => BLOCKING.has(v.impact));
  console.log(`axe ${state}: ${violations.length} violation(s), ${blocking.length} serious or critical`);
  for (const v of violations) {
    console.log(`  [${v.impact}] ${v.id}: ${v.help}`);
    for (const n of v.nodes.slice(0, 5)) console.log(`      ${n}`);
  }
  return blocking.map((v) => `${state}: [${v.impact}] ${v.id} (${v.help}) at ${v.nodes.map((n) => n.split(':')[0]).join(', ')}`);
}

const EMAIL = 'analyst@example.com';

/** Answers the sign-in request; holds each analyze request until `release()`. */
async function fakeServer(page, report) {
  let release;
  const held = new Promise((ok) => { release = ok; });
  await page.route('**/api/auth/login', (route) => route.fulfill({
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ token: 'header.payload.signature', email: EMAIL }),
  }));
  await page.route('**/api/analyze', async (route) => {
    await held;
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(report) });
  });
  return { release };
}

test('in-browser pages: upload, settings error, refused file, results', async () => {
  const { page, context, errors } = await openPage(browser, server.url);
  const found = [];
  found.push(...await axe(page, 'upload page'));

  // The update prompt, as app/host-web.js raises it when a new version waits
  // (offline.test.mjs shows the real one); and the footer's single-file link.
  await page.evaluate(() => {
    globalThis.signaltrace.updateReady = true;
    window.dispatchEvent(new Event('signaltrace-update'));
  });
  await page.waitForSelector('[data-testid="update-ready"]');
  await page.waitForSelector('[data-testid="single-file-link"]');
  found.push(...await axe(page, 'upload page with the update prompt and the footer link'));

  await page.fill('#set-deny', '150');
  await page.waitForSelector('[data-testid="settings-error"]');
  found.push(...await axe(page, 'settings with a range error'));
  await page.click('[data-testid="reset-settings"]');

  await page.fill('#set-timezone', 'Europe/Berln');
  await page.waitForSelector('[data-testid="timezone-error"]');
  found.push(...await axe(page, 'settings with an unknown time zone'));
  await page.fill('#set-timezone', 'Europe/Berlin');
  await page.waitForSelector('#set-offset', { state: 'detached' });
  found.push(...await axe(page, 'settings with a named time zone'));
  await page.click('[data-testid="reset-settings"]');

  await page.setInputFiles('[data-testid="file-input"]', tempFile('notes.jsonl', 'not a log line\n'));
  await page.waitForSelector('[data-testid="upload-error"]');
  found.push(...await axe(page, 'upload page with an error'));

  for (const name of ['anomalous_credential_stuffing.jsonl', 'insider_sample.csv', 'baseline_small.jsonl']) {
    if (await page.$('[data-testid="new-analysis"]')) await page.click('[data-testid="new-analysis"]');
    await analyzeFile(page, join(DATA, name));
    await page.waitForSelector('[data-testid="population"] svg');
    found.push(...await axe(page, `results of ${name} (cards, timeline, population, raw logs)`));
  }
  await page.click('[data-testid="filter-anomalies"]');
  await page.waitForSelector('[data-testid="filter-anomalies"][aria-pressed="true"]');
  await page.selectOption('#pop-x', { index: 2 });
  found.push(...await axe(page, 'results, anomalies only, another population axis'));

  assert.deepEqual(found, [], `serious or critical accessibility violations:\n${found.join('\n')}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('server pages: sign-in, progress, server-mode results', async () => {
  const name = 'anomalous_scanning.jsonl';
  const { page, context, errors } = await openPage(browser, server.url);
  const api = await fakeServer(page, cliReport(join(DATA, name)));
  const found = [];

  await page.click('[data-testid="server-switch"]');
  await page.waitForSelector('#login-email');
  found.push(...await axe(page, 'sign-in page'));
  await page.fill('#login-email', EMAIL);
  await page.fill('#login-password', 'anything');
  await page.click('[data-testid="login-submit"]');
  await page.waitForSelector('[data-testid="signed-in-as"]');

  await page.setInputFiles('[data-testid="file-input"]', join(DATA, name));
  await page.waitForSelector('[data-testid="progress"]');
  found.push(...await axe(page, 'progress page'));
  api.release();
  await page.waitForSelector('[data-testid="results"]');
  found.push(...await axe(page, 'server-mode results'));

  await page.click('[data-testid="logout"]');
  await page.waitForSelector('[data-testid="login-message"]');
  found.push(...await axe(page, 'signed out'));

  assert.deepEqual(found, [], `serious or critical accessibility violations:\n${found.join('\n')}`);
  assert.deepEqual(errors, []);
  await context.close();
});
