// The bundler recipes of npm/recipes/ (Vite, webpack 5, Rollup, esbuild,
// Parcel), each built against the packed tarball and loaded in headless
// Chromium: the report equals the CLI's. The builds run in
// npm/recipes/.work/NAME (a copy of the recipe; 'signaltrace' unpacked into
// .work/node_modules, the bundlers from npm/recipes/node_modules).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { CHROMIUM_ARGS, canonical, dataDir, runCli, serveStatic, tarball } from './helpers.mjs';
import { ensureTools, recipesDir, toolsBin, unpackInto } from './tools.mjs';

const RECIPES = ['vite', 'vite-worker', 'webpack', 'rollup', 'esbuild', 'esbuild-esm', 'parcel'];
const LOG = 'anomalous_credential_stuffing.jsonl';
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const work = join(recipesDir, '.work');

let browser;
let expected;
before(async () => {
  const fresh = ensureTools();
  if (fresh) console.log('# installed npm/recipes tools (npm ci)');
  mkdirSync(work, { recursive: true });
  unpackInto(work, tarball(work));
  const cli = runCli(['analyze', join(dataDir, LOG), '--no-logs']);
  assert.equal(cli.status, 0, cli.stderr);
  expected = canonical(JSON.parse(cli.stdout));
  if (existsSync(chromiumPath)) {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  }
});
after(async () => {
  await browser?.close();
});

for (const name of RECIPES) {
  test(`recipe ${name}: builds against the tarball and gives the CLI's report in Chromium`, async (t) => {
    const dir = join(work, name);
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(recipesDir, name), dir, { recursive: true });
    const env = {
      ...process.env,
      PATH: `${toolsBin}:${process.env.PATH}`,
      PARCEL_WORKERS: '1',
      NODE_ENV: 'production',
    };
    const started = Date.now();
    // Parcel's cache lives in the recipe's fresh copy: a cache kept from an
    // earlier run served the previous package's .wasm (same version, new
    // bytes), and a cold build costs nothing measurable (docs/NPM.md).
    const args = name === 'parcel' ? ['--cache-dir', join(dir, '.parcel-cache')] : [];
    try {
      execFileSync('npm', ['run', '--silent', 'build', '--', ...args], {
        cwd: dir,
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      assert.fail(`${name} build failed:\n${e.stdout}\n${e.stderr}`);
    }
    t.diagnostic(`${name} build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!browser) {
      t.skip(`no Chromium at ${chromiumPath}`);
      return;
    }
    const server = await serveStatic({ '/data/': dataDir, '/': join(dir, 'dist') });
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(`${server.url}/index.html?log=${LOG}`);
      await page.waitForFunction(() => document.body?.dataset.result || document.body?.dataset.error, null, {
        timeout: 30_000,
      });
      const { result, error } = await page.evaluate(() => ({ ...document.body.dataset }));
      assert.equal(error, undefined, `page error: ${error}`);
      assert.deepEqual(errors, []);
      assert.equal(canonical(JSON.parse(result)), expected);
    } finally {
      await page.close();
      await server.close();
    }
  });
}
