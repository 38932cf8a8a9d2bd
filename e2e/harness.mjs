// Shared pieces of the end-to-end tests: a static file server (node's http
// module, 127.0.0.1 only — the app must work with no backend), Chromium via
// playwright-core, the native CLI whose output is the expected truth, and
// `signaltrace serve` for server mode.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
export const BIN = process.env.SIGNALTRACE_BIN ?? join(root, 'target/release/signaltrace');
export const DIST = process.env.SIGNALTRACE_DIST ?? join(root, 'dist');
export const DATA = process.env.SIGNALTRACE_DATA ?? join(root, 'data');
export const SHOTS = process.env.SIGNALTRACE_SCREENSHOTS ?? join(root, 'docs/screenshots');
export const SAMPLES = [
  'baseline_small.jsonl',
  'baseline_medium.jsonl',
  'baseline_large.jsonl',
  'anomalous_credential_stuffing.jsonl',
  'anomalous_exfiltration.jsonl',
  'anomalous_scanning.jsonl',
  'insider_sample.csv',
];

// Flags measured to work on a closed machine, run as root: no sandbox, no
// GPU, and no background networking, which would flood the closed network
// with connection attempts.
const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.json': 'application/json', '.jsonl': 'application/x-ndjson', '.csv': 'text/csv',
};

/**
 * Serves `dir` as plain static files on 127.0.0.1 (random port), under the
 * URL path `prefix` (e.g. `/tools/signaltrace/`; anything outside it is a 404).
 */
export async function staticServer(dir = DIST, prefix = '/') {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    const full = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!full.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const path = `/${full.slice(prefix.length)}`;
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}${prefix}`;
  return { url, close: () => new Promise((ok) => server.close(ok)) };
}

/** Headless Debian Chromium; Playwright gives it a fresh temporary profile. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}

/**
 * A page at a laptop-sized viewport that fails the test on any page error;
 * `timezoneId` sets the browser's own time zone (Chromium's default: UTC here).
 */
export async function openPage(browser, url, { width = 1440, height = 900, timezoneId } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true, timezoneId });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector('[data-testid="dropzone"]');
  return { page, context, errors };
}

/** The CLI's report for `file` (the expected values of every check). */
export function cliReport(file, ...args) {
  const r = spawnSync(BIN, ['analyze', file, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`signaltrace analyze ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** The CLI's exit code and one-line error for an unusable file. */
export function cliError(file) {
  const r = spawnSync(BIN, ['analyze', file, '--no-logs'], { encoding: 'utf8' });
  return { status: r.status, message: r.stderr.trim().replace(/^signaltrace: /, '') };
}

export function cliGenerate(events, out) {
  const r = spawnSync(BIN, ['generate', '--events', String(events), '--out', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`signaltrace generate failed: ${r.stderr}`);
}

// Each test file's temporary directories, removed when its process exits
// (a run writes about a gigabyte of generated logs; repeated runs of
// ./test.sh filled /tmp before).
const tempDirs = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'signaltrace-e2e-'));
  tempDirs.push(dir);
  return dir;
}

export function tempFile(name, content) {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

export function tempPath(name) {
  return join(tempDir(), name);
}

export async function screenshot(page, name, fullPage = true) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** `1234567` → `1,234,567`, as the page prints counts. */
export const thousands = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * Waits until the raw-log table says it holds `n` rows. The table's filters
 * live in the URL fragment and the page follows on `hashchange`, after a
 * click returns: never read the count right after a click.
 */
export async function expectRows(page, n) {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="page-info"]')?.textContent.endsWith(`· ${want} rows`),
    thousands(n),
  );
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort() {
  const probe = createServer();
  await new Promise((ok) => probe.listen(0, '127.0.0.1', ok));
  const { port } = probe.address();
  await new Promise((ok) => probe.close(ok));
  return port;
}

/** Uploads a file through the file picker and waits for the results page. */
export async function analyzeFile(page, path, { timeout = 120_000 } = {}) {
  await page.setInputFiles('[data-testid="file-input"]', path);
  await page.waitForSelector('[data-testid="results"]', { timeout });
}

/** Whether `signaltrace serve` exists yet (it is built on another branch). */
export function serverAvailable() {
  const r = spawnSync(BIN, ['serve', '--help'], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * Starts `signaltrace serve` (on a random port unless `addr` names one, the
 * bundle from `dir`, further flags `args`); resolves once it listens.
 */
export async function startServer(extraEnv = {}, { dir = DIST, addr = '127.0.0.1:0', args = [] } = {}) {
  const child = spawn(BIN, ['serve', '--addr', addr, '--static-dir', dir, ...args], {
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${log}`)), 20_000);
    const onData = (d) => {
      log += d;
      const m = log.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        ok(`${m[1]}/`);
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${log}`));
    });
  });
  return {
    url,
    log: () => log,
    close: () => new Promise((ok) => {
      if (child.exitCode !== null) return ok();
      child.once('exit', ok);
      child.kill('SIGTERM');
    }),
  };
}
