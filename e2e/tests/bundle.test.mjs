// The bundle scripts/bundle-app.mjs writes: every file index.html and
// worker_loader.js name exists, hashed names match their content, the CSS's
// SRI hash is right, every URL is relative — so dist/ works from any
// directory of any static host, which the last test shows by analyzing a
// file with the app served under a sub-path.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DATA, DIST, analyzeFile, launch, openPage, staticServer } from '../harness.mjs';

const index = readFileSync(join(DIST, 'index.html'), 'utf8');
const loader = readFileSync(join(DIST, 'worker_loader.js'), 'utf8');

/** The URLs index.html and the worker loader point at. */
const urls = [
  ...[...index.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]),
  ...[...index.matchAll(/'(\.\/[^']+)'/g)].map((m) => m[1]),
  ...[...loader.matchAll(/'(\.\/[^']+)'/g)].map((m) => m[1]),
];

test('every URL in index.html and worker_loader.js is relative and exists', () => {
  assert.ok(urls.length >= 6, `found ${urls.join(', ')}`);
  for (const url of urls) {
    assert.match(url, /^\.\/[\w.-]+$/, `${url} is not relative to the page`);
    assert.ok(existsSync(join(DIST, url)), `${url} is missing from dist/`);
  }
  assert.ok(existsSync(join(DIST, 'data', 'baseline_small.jsonl')), 'the samples are bundled');
});

test('hashed names are the first 16 hex digits of the content\'s SHA-256', () => {
  const hashed = readdirSync(DIST).filter((f) => /-[0-9a-f]{16}(_bg)?\.\w+$/.test(f));
  assert.equal(hashed.length, 6, hashed.join(', '));
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
