// Offline, both ways (issue 16):
// - served by `signaltrace serve`, the service worker (app/sw.js) keeps the
//   bundle: with the network gone and the server stopped, a reload still
//   analyzes a sample like the CLI; a new deployment waits for the update
//   prompt and then replaces the old one whole;
// - dist/signaltrace.html, copied alone to a temporary directory and opened
//   from file:// with every non-file request aborted, analyzes a sample and a
//   50 MB generated file like the CLI, and no request leaves the page.
import assert from 'node:assert/strict';
import { cpSync, copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import {
  DATA, DIST, cliGenerate, cliReport, freePort, launch, openPage, screenshot, startServer, tempPath, thousands,
} from '../harness.mjs';

const SAMPLE = 'anomalous_scanning.jsonl';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The results page shows `expected` (the CLI's report) for `name`; the JSON export is the report. */
async function sameAsCli(page, expected, name) {
  await page.waitForSelector('[data-testid="results"]', { timeout: 120_000 });
  assert.equal(await page.textContent('[data-testid="file-name"]'), name);
  assert.equal(await page.getAttribute('[data-testid="risk-level"]', 'data-risk'), expected.risk_level);
  assert.equal(await page.textContent('[data-testid="total-logs"]'), thousands(expected.total_logs));
  assert.equal(await page.textContent('[data-testid="anomaly-count"]'), String(expected.anomaly_count));
  assert.equal(await page.textContent('[data-testid="summary-text"]'), expected.summary);
  assert.deepEqual(
    await page.$$eval('[data-testid="anomaly-card"]', (els) => els.map((e) => e.dataset.entity)),
    expected.anomalies.map((a) => a.entity),
  );
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-json"]')]);
  const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
  for (const key of ['anomalies', 'entities', 'timeline', 'summary', 'risk_level', 'total_logs']) {
    assert.deepEqual(json[key], expected[key], key);
  }
}

/** Waits until the service worker controls the page; returns what it cached. */
async function cached(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
  return page.evaluate(async () => {
    const keys = await caches.keys();
    const urls = [];
    for (const key of keys) {
      for (const r of await (await caches.open(key)).keys()) urls.push(new URL(r.url).pathname);
    }
    return { keys, urls: urls.sort() };
  });
}

test('served: offline after the first visit, a reload analyzes a sample like the CLI', async () => {
  const server = await startServer();
  const { page, context, errors } = await openPage(browser, server.url);
  let closed = false;
  try {
    // Online: an API call and an upload go through, and neither is cached.
    assert.equal(await page.evaluate(() => fetch('api/health').then((r) => r.status)), 200);
    const before = await cached(page);
    assert.equal(before.keys.length, 1, before.keys.join(', '));
    assert.ok(before.urls.includes('/index.html'), before.urls.join(', '));
    assert.ok(before.urls.includes('/manifest.webmanifest'));
    assert.ok(before.urls.some((u) => /^\/app-[0-9a-f]{16}_bg\.wasm$/.test(u)));
    assert.ok(before.urls.some((u) => /^\/worker-[0-9a-f]{16}_bg\.wasm$/.test(u)));
    assert.ok(before.urls.includes(`/data/${SAMPLE}`));
    assert.ok(!before.urls.includes('/signaltrace.html'), 'the single-file download is not cached');
    const upload = join(DATA, 'baseline_small.jsonl');
    await page.setInputFiles('[data-testid="file-input"]', upload);
    await page.waitForSelector('[data-testid="results"]');
    const after = await cached(page);
    assert.deepEqual(after, before, 'nothing from /api/ or the upload was cached');
    assert.ok(after.urls.every((u) => !u.startsWith('/api/')));

    // The network gone and the server stopped: the reload comes from the cache.
    await server.close();
    closed = true;
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('[data-testid="dropzone"]');
    await page.click(`[data-sample="${SAMPLE}"]`);
    await sameAsCli(page, cliReport(join(DATA, SAMPLE)), SAMPLE);
    // The manifest makes it installable: name, start URL, an icon, standalone.
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector('link[rel="manifest"]').href;
      return (await caches.match(href)).json();
    });
    assert.equal(manifest.short_name, 'signaltrace');
    assert.equal(manifest.start_url, './');
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.icons.length >= 1);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    if (!closed) await server.close();
  }
});

test('served: a new deployment waits for the update prompt, then replaces the old one whole', async () => {
  const dir = tempPath('dist');
  cpSync(DIST, dir, { recursive: true });
  const addr = `127.0.0.1:${await freePort()}`;
  let server = await startServer({}, { dir, addr });
  const { page, context, errors } = await openPage(browser, server.url);
  try {
    const first = await cached(page);
    assert.equal(await page.$('[data-testid="update-ready"]'), null);

    // The next deployment: a changed index.html, and the sw.js a rebuild
    // writes for it (its VERSION hashes every file it caches).
    await server.close();
    const index = readFileSync(join(dir, 'index.html'), 'utf8');
    writeFileSync(join(dir, 'index.html'), index.replace('<head>', '<head>\n    <meta name="deployment" content="next" />'));
    const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
    assert.match(sw, /const VERSION = '[0-9a-f]{16}';/);
    writeFileSync(join(dir, 'sw.js'), sw.replace(/const VERSION = '[0-9a-f]{16}';/, "const VERSION = '0123456789abcdef';"));
    server = await startServer({}, { dir, addr });

    // A reload still runs the old version (whole, from its cache) and says a new one is ready.
    await page.reload();
    await page.waitForSelector('[data-testid="update-ready"]', { timeout: 60_000 });
    assert.equal(await page.$('meta[name="deployment"]'), null, 'still the old version until the analyst agrees');
    assert.match(await page.textContent('[data-testid="update-ready"]'), /new version of signaltrace is ready/);
    await screenshot(page, 'update-ready', false);

    await Promise.all([page.waitForEvent('load'), page.click('[data-testid="apply-update"]')]);
    await page.waitForSelector('[data-testid="dropzone"]');
    assert.notEqual(await page.$('meta[name="deployment"]'), null, 'the new version is running');
    const second = await cached(page);
    assert.deepEqual(second.keys, ['signaltrace-0123456789abcdef'], 'the old version\'s cache is gone');
    assert.notDeepEqual(second.keys, first.keys);
    assert.equal(await page.$('[data-testid="update-ready"]'), null);

    // And it works offline too.
    await server.close();
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('meta[name="deployment"]', { state: 'attached' });
    await page.click(`[data-sample="${SAMPLE}"]`);
    await sameAsCli(page, cliReport(join(DATA, SAMPLE)), SAMPLE);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
  }
});

test('signaltrace.html from file://, network blocked: a sample and a 50 MB file like the CLI, no request', async () => {
  const file = tempPath('signaltrace.html');
  copyFileSync(join(DIST, 'signaltrace.html'), file);
  const size = statSync(file).size;
  const big = tempPath('generated.jsonl');
  cliGenerate(140_000, big);
  const bigSize = statSync(big).size;
  assert.ok(bigSize >= 50e6, `${bigSize} bytes`);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  await context.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await context.setOffline(true);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  try {
    const url = pathToFileURL(file).href;
    await page.goto(url);
    await page.waitForSelector('[data-testid="dropzone"]');
    // No server here: no server mode, no sign-in, no download of itself.
    assert.equal(await page.$('[data-testid="server-switch"]'), null);
    assert.equal(await page.$('text=Server sign-in'), null);
    assert.equal(await page.$('[data-testid="single-file-link"]'), null);
    assert.notEqual(await page.$('[data-testid="single-file-build"]'), null);

    await page.click(`[data-sample="${SAMPLE}"]`);
    await sameAsCli(page, cliReport(join(DATA, SAMPLE)), SAMPLE);

    // The 50 MB file: progress is shown (recorded as it changes), then the CLI's report.
    await page.click('[data-testid="new-analysis"]');
    await page.evaluate(() => {
      window.progressSeen = [];
      new MutationObserver(() => {
        const detail = document.querySelector('[data-testid="progress-detail"]');
        if (detail) window.progressSeen.push(detail.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.setInputFiles('[data-testid="file-input"]', big);
    await sameAsCli(page, cliReport(big), 'generated.jsonl');
    const progress = await page.evaluate(() => window.progressSeen);
    assert.ok(progress.some((t) => /MB/.test(t)), `progress seen: ${JSON.stringify(progress.slice(0, 3))}`);
    const elapsed = Number(await page.getAttribute('[data-testid="run-info"]', 'data-elapsed-ms'));
    console.log(`single file: ${size} bytes; ${(bigSize / 1e6).toFixed(1)} MB analyzed in ${(elapsed / 1000).toFixed(2)} s`);

    assert.deepEqual(requests.filter((u) => u !== url && !u.startsWith('blob:') && !u.startsWith('data:')), [],
      'no request leaves the page');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
