// The bundle scripts/bundle-app.mjs writes: every file index.html, the worker
// loader and the service worker name exists, hashed names match their
// content, the CSS's SRI hash is right, every URL is relative — so dist/
// works from any directory of any static host, which the last test shows by
// analyzing a file with the app served under a sub-path. The single file
// (signaltrace.html) stays within its size budget and names no URL at all.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DATA, DIST, analyzeFile, launch, openPage, staticServer } from '../harness.mjs';

const index = readFileSync(join(DIST, 'index.html'), 'utf8');
const loaderName = readdirSync(DIST).find((f) => /^worker_loader-[0-9a-f]{16}\.js$/.test(f));
const loader = readFileSync(join(DIST, loaderName), 'utf8');
const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.webmanifest'), 'utf8'));

/** The URLs index.html, the worker loader and the manifest point at. */
const urls = [
  ...[...index.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]),
  ...[...index.matchAll(/'(\.\/[^']+)'/g)].map((m) => m[1]),
  ...[...loader.matchAll(/'(\.\/[^']+)'/g)].map((m) => m[1]),
  ...manifest.icons.map((i) => i.src),
];

test('every URL in index.html, the worker loader and the manifest is relative and exists', () => {
  assert.ok(urls.length >= 9, `found ${urls.join(', ')}`);
  assert.ok(urls.includes(`./${loaderName}`) && urls.includes('./sw.js') && urls.includes('./manifest.webmanifest'), urls.join(', '));
  for (const url of urls) {
    assert.match(url, /^\.\/[\w.-]+$/, `${url} is not relative to the page`);
    assert.ok(existsSync(join(DIST, url)), `${url} is missing from dist/`);
  }
  assert.ok(existsSync(join(DIST, 'data', 'baseline_small.jsonl')), 'the samples are bundled');
});

test('hashed names are the first 16 hex digits of the content\'s SHA-256', () => {
  const hashed = readdirSync(DIST).filter((f) => /-[0-9a-f]{16}(_bg)?\.\w+$/.test(f));
  assert.equal(hashed.length, 7, hashed.join(', '));
  for (const f of hashed) {
    const digest = createHash('sha256').update(readFileSync(join(DIST, f))).digest('hex');
    assert.equal(f.match(/-([0-9a-f]{16})/)[1], digest.slice(0, 16), f);
  }
});

test('the stylesheet carries its SRI hash; the page starts from one inline module', () => {
  const [, href, integrity] = index.match(/<link rel="stylesheet" href="([^"]+)" integrity="([^"]+)"/);
  const digest = createHash('sha384').update(readFileSync(join(DIST, href))).digest('base64');
  assert.equal(integrity, `sha384-${digest}`);
  const inline = [...index.matchAll(/<script([^>]*)>/g)];
  assert.equal(inline.length, 1);
  assert.match(inline[0][1], /type="module"/);
  assert.doesNotMatch(inline[0][1], /src=/);
});

test('the service worker caches exactly this version\'s files, never /api/ or the single file', () => {
  const files = JSON.parse(sw.match(/^const FILES = (.*);$/m)[1]);
  for (const f of files) assert.ok(existsSync(join(DIST, f)), `${f} is missing from dist/`);
  const wanted = readdirSync(DIST).filter((f) => /-[0-9a-f]{16}(_bg)?\.\w+$/.test(f));
  for (const f of [...wanted, 'index.html', 'manifest.webmanifest', 'data/baseline_small.jsonl']) {
    assert.ok(files.includes(f), `${f} is not cached`);
  }
  assert.ok(files.every((f) => !f.startsWith('api/') && f !== 'signaltrace.html' && !/\.(br|gz)$/.test(f)), files.join(', '));
  assert.match(sw, /^const VERSION = '[0-9a-f]{16}';$/m);
});

// Budgets in bytes, about 15% above the sizes measured in docs/APP.md: a
// dependency or an inlined asset that bloats the app fails here first.
const BUDGETS = {
  'page wasm': [/^app-[0-9a-f]{16}_bg\.wasm$/, 680_000],
  'worker wasm': [/^worker-[0-9a-f]{16}_bg\.wasm$/, 700_000],
  'signaltrace.html': [/^signaltrace\.html$/, 1_420_000],
};

for (const [what, [pattern, budget]] of Object.entries(BUDGETS)) {
  test(`${what} stays within ${budget.toLocaleString('en')} bytes`, () => {
    const name = readdirSync(DIST).find((f) => pattern.test(f));
    assert.ok(name, `no ${what} in dist/`);
    const size = statSync(join(DIST, name)).size;
    assert.ok(size <= budget, `${name}: ${size} bytes, budget ${budget}`);
  });
}

test('signaltrace.html names no URL: everything is inline, its CSP allows no request', () => {
  const html = readFileSync(join(DIST, 'signaltrace.html'), 'utf8');
  const refs = [...html.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(refs.every((r) => r.startsWith('data:')), refs.join(', '));
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /connect-src 'none'/);
  assert.match(csp, /'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /'unsafe-eval'/);
  const [, script] = html.match(/<script type="module">([\s\S]*?)<\/script>/);
  const digest = createHash('sha256').update(script).digest('base64');
  assert.ok(csp.includes(`'sha256-${digest}'`), 'the CSP allows the page script by its hash');
  assert.equal([...html.matchAll(/<script type="module">/g)].length, 1);
});

test('served under a sub-path, the app analyzes a file', async () => {
  const server = await staticServer(DIST, '/tools/signaltrace/');
  const browser = await launch();
  try {
    const { page, errors } = await openPage(browser, server.url);
    await analyzeFile(page, join(DATA, 'anomalous_scanning.jsonl'));
    await page.click('[data-testid="new-analysis"]');
    await page.click('[data-sample="baseline_small.jsonl"]');
    await page.waitForSelector('[data-testid="results"] [data-testid="file-name"]:text("baseline_small.jsonl")');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
