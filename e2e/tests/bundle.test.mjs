// The bundle scripts/bundle-app.mjs writes: every file index.html and the
// service worker name exists, hashed names match their
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
const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.webmanifest'), 'utf8'));

/** The URLs index.html and the manifest point at. */
const urls = [
  ...[...index.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]),
  // The start script's string literals (esbuild writes them in double
  // quotes), but not analyzeFile's own default worker URL, relative to its
  // module (`import.meta.url`), which the app replaces with its own `worker`.
  ...[...index.matchAll(/(['"])(\.\/[^'"]+)\1(?!,\s*import\.meta\.url)/g)].map((m) => m[2]),
  ...manifest.icons.map((i) => i.src),
];
const workerName = readdirSync(DIST).find((f) => /^worker-[0-9a-f]{16}\.js$/.test(f));
const workerWasm = readdirSync(DIST).find((f) => /^worker-[0-9a-f]{16}_bg\.wasm$/.test(f));

test('every URL in index.html and the manifest is relative and exists', () => {
  assert.ok(urls.length >= 9, `found ${urls.join(', ')}`);
  for (const named of [`./${workerName}`, `./${workerWasm}`, './sw.js', './manifest.webmanifest']) {
    assert.ok(urls.includes(named), `${named} is not in ${urls.join(', ')}`);
  }
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

test('the analysis worker is the npm package\'s: its .wasm byte for byte, its worker-thread bundled', () => {
  const pkg = join(DIST, '..', 'npm', 'pkg');
  assert.deepEqual(readFileSync(join(DIST, workerWasm)), readFileSync(join(pkg, 'signaltrace_bg.wasm')));
  const worker = readFileSync(join(DIST, workerName), 'utf8');
  // One classic script: no imports, no import.meta (the single file starts
  // it from a Blob URL, where a module worker does not load).
  assert.doesNotMatch(worker, /\bimport\s*[\s{*("'.]/);
  assert.match(worker, /signaltrace: the WebAssembly module is not loaded yet/, 'core.js is in the bundle');
  assert.match(index, /function analyzeFile\(/, 'the page calls signaltrace/worker\'s analyzeFile');
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
  // The npm package's .wasm (689,979 bytes when the app began shipping it).
  'worker wasm': [/^worker-[0-9a-f]{16}_bg\.wasm$/, 790_000],
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
