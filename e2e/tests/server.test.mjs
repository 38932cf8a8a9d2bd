// Server mode against `signaltrace serve` (contract in docs/DESIGN.md "HTTP"):
// login, analyze on the server, logout, bad password, expired token.
// The server is part of the product: its absence is a failure, not a skip.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import {
  DATA, analyzeFile, cliReport, launch, openPage, screenshot, serverAvailable, startServer,
} from '../harness.mjs';

const EMAIL = 'analyst@tenex.ai';
const PASSWORD = 'password123';
test('signaltrace serve is available', () => {
  assert.ok(serverAvailable(), '`signaltrace serve --help` failed');
});

describe('server mode', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(page, password = PASSWORD) {
    await page.fill('#login-email', EMAIL);
    await page.fill('#login-password', password);
    await page.click('[data-testid="login-submit"]');
  }

  test('the server hosts the app; in-browser analysis still needs no login', async () => {
    const { page, context, errors } = await openPage(browser, server.url);
    await analyzeFile(page, join(DATA, 'baseline_small.jsonl'));
    assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), 'Low');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('bad password shows the server\'s error and stays on the login page', async () => {
    const { page, context } = await openPage(browser, server.url);
    await page.click('[data-testid="server-switch"]');
    await page.waitForSelector('#login-email');
    await signIn(page, 'wrong-password');
    const err = await page.waitForSelector('[data-testid="login-error"]');
    assert.ok((await err.textContent()).length > 0);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('signaltrace.token')), null);
    await screenshot(page, 'login-error', false);
    await context.close();
  });

  test('login, analyze on the server, same report as the CLI, logout', async () => {
    const name = 'anomalous_credential_stuffing.jsonl';
    const expected = cliReport(join(DATA, name), '--no-logs');
    const { page, context, errors } = await openPage(browser, server.url);
    await page.click('[data-testid="server-switch"]');
    await page.waitForSelector('#login-email');
    await screenshot(page, 'login', false);
    await signIn(page);
    await page.waitForSelector('[data-testid="dropzone"]');
    assert.equal(await page.textContent('[data-testid="signed-in-as"]'), EMAIL);
    assert.ok(await page.isChecked('[data-testid="server-switch"]'));
    const token = await page.evaluate(() => sessionStorage.getItem('signaltrace.token'));
    assert.ok(token && token.split('.').length === 3, 'a JWT in sessionStorage');

    const posted = page.waitForRequest((r) => r.url().endsWith('/api/analyze') && r.method() === 'POST');
    await page.setInputFiles('[data-testid="file-input"]', join(DATA, name));
    const request = await posted;
    assert.equal(request.headers().authorization, `Bearer ${token}`);
    await page.waitForSelector('[data-testid="results"]');
    assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
    assert.deepEqual(
      await page.$$eval('[data-testid="anomaly-card"]', (els) => els.map((e) => e.dataset.entity)),
      expected.anomalies.map((a) => a.entity),
    );
    assert.deepEqual(
      await page.$$eval('[data-testid="anomaly-card"] [data-testid="rule"]', (els) => els.map((e) => e.textContent)),
      expected.anomalies.flatMap((a) => a.triggered_rules),
    );
    assert.match(await page.textContent('.run-info'), /on the server/);
    await screenshot(page, 'results-server-mode');

    await page.click('[data-testid="logout"]');
    await page.waitForSelector('[data-testid="login-message"]');
    assert.match(await page.textContent('[data-testid="login-message"]'), /signed out/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('signaltrace.token')), null);
    assert.deepEqual(errors.filter((e) => !/401|Unauthorized/.test(e)), []);
    await context.close();
  });

  test('an invalid or expired token returns to login with a message', async () => {
    const { page, context } = await openPage(browser, server.url);
    await page.click('[data-testid="server-switch"]');
    await signIn(page);
    await page.waitForSelector('[data-testid="signed-in-as"]');
    // Forge a token the server cannot verify (as after expiry or a restart).
    await page.evaluate(() => sessionStorage.setItem('signaltrace.token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad'));
    await page.reload();
    await page.waitForSelector('[data-testid="dropzone"]');
    await page.click('[data-testid="server-switch"]');
    await page.setInputFiles('[data-testid="file-input"]', join(DATA, 'baseline_small.jsonl'));
    const msg = await page.waitForSelector('[data-testid="login-message"]');
    assert.match(await msg.textContent(), /session has ended/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('signaltrace.token')), null);
    await screenshot(page, 'login-expired', false);
    await context.close();
  });
});
