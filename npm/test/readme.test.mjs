// Every code block of npm/README.md runs: each is tagged by the HTML
// comment before it, and an untagged block fails the test.
//   <!-- run: node -->            an ES module in a project with the package (and
//                                 proxy.jsonl, big.jsonl, access.log.2.gz, access.log.1)
//   <!-- run: node-cjs -->        the same as CommonJS
//   <!-- run: tsc -->             type-checked by TypeScript 5 and 7 (--strict, lib esnext)
//   <!-- run: browser -->         a module in headless Chromium, bare specifiers
//   <!-- run: browser-worker -->  mapped by an import map, with `input` (a file
//                                 chosen), `render`, `progress`, `cancelButton`
//   <!-- file: PATH -->           appears verbatim in PATH (a tested recipe file)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { CHROMIUM_ARGS, dataDir, installPackage, repoRoot, serveStatic } from './helpers.mjs';
import { ensureTools, recipesDir } from './tools.mjs';

const readme = readFileSync(join(repoRoot, 'npm', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/(?:<!-- (run|file): ([^ ]+) -->\n)?```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
  kind: m[1],
  arg: m[2],
  lang: m[3],
  code: m[4],
}));

let pkg;
before(async () => {
  ensureTools();
  pkg = await installPackage();
  const proxy = readFileSync(join(dataDir, 'anomalous_exfiltration.jsonl'));
  writeFileSync(join(pkg.dir, 'proxy.jsonl'), proxy);
  writeFileSync(join(pkg.dir, 'big.jsonl'), proxy);
  const [header, ...rows] = readFileSync(join(dataDir, 'insider_sample.csv'), 'utf8').trimEnd().split('\n');
  const half = rows.length >> 1;
  writeFileSync(join(pkg.dir, 'access.log.1'), [header, ...rows.slice(0, half)].join('\n') + '\n');
  writeFileSync(join(pkg.dir, 'access.log.2.gz'), gzipSync([header, ...rows.slice(half)].join('\n') + '\n'));
});
after(() => pkg?.cleanup());

test('every README code block is tagged with how it is tested', () => {
  assert.ok(blocks.length >= 10);
  for (const b of blocks) {
    if (b.lang === 'sh' && b.code.startsWith('npm install')) continue;
    assert.ok(b.kind, `untagged block:\n${b.code}`);
  }
});

test('README `file:` blocks appear in the tested recipe files', () => {
  for (const b of blocks.filter((b) => b.kind === 'file')) {
    const text = readFileSync(join(repoRoot, b.arg), 'utf8');
    assert.ok(text.includes(b.code.trimEnd()), `${b.arg} lacks:\n${b.code}`);
  }
});

test('README Node blocks run (ESM and CommonJS)', () => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  blocks
    .filter((b) => b.kind === 'run' && b.arg.startsWith('node'))
    .forEach((b, i) => {
      const file = `readme-${i}.${b.arg === 'node-cjs' ? 'cjs' : 'mjs'}`;
      writeFileSync(join(pkg.dir, file), b.code);
      try {
        execFileSync(process.execPath, [file], { cwd: pkg.dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        assert.fail(`README block failed:\n${b.code}\n${e.stderr}`);
      }
    });
});

test('README TypeScript blocks type-check (TypeScript 5 and 7)', () => {
  const files = [];
  blocks
    .filter((b) => b.kind === 'run' && b.arg === 'tsc')
    .forEach((b, i) => {
      files.push(`readme-${i}.ts`);
      writeFileSync(join(pkg.dir, files.at(-1)), `${b.code}\nexport {};\n`);
    });
  writeFileSync(
    join(pkg.dir, 'tsconfig.readme.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['esnext'], types: [] },
      files,
    }),
  );
  for (const tsc of [
    join(repoRoot, 'npm', 'node_modules', 'typescript', 'bin', 'tsc'),
    join(recipesDir, 'node_modules', 'typescript7', 'bin', 'tsc'),
  ]) {
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.readme.json'], { cwd: pkg.dir, encoding: 'utf8' });
    } catch (e) {
      assert.fail(`${tsc}:\n${e.stdout}${e.stderr}`);
    }
  }
});

test('README browser blocks run in headless Chromium', async (t) => {
  const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    t.skip(`no Chromium at ${chromiumPath}`);
    return;
  }
  const installed = join(pkg.dir, 'node_modules', 'signaltrace');
  const importMap = {
    imports: {
      signaltrace: '/pkg/index.js',
      'signaltrace/web': '/pkg/web.js',
      'signaltrace/inline': '/pkg/inline.js',
      'signaltrace/worker': '/pkg/worker.js',
    },
  };
  writeFileSync(
    join(pkg.dir, 'readme.html'),
    `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">${JSON.stringify(importMap)}</script>
<script>window.render = (report) => { window.rendered = report.anomaly_count; };</script>
</head><body><input type="file" id="input"><progress id="progress"></progress><button id="cancelButton">Cancel</button></body></html>`,
  );
  const server = await serveStatic({ '/pkg/': installed, '/assets/': installed, '/site/': pkg.dir });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  try {
    for (const b of blocks.filter((b) => b.kind === 'run' && b.arg.startsWith('browser'))) {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${server.url}/site/readme.html`);
      await page.setInputFiles('#input', join(dataDir, 'anomalous_exfiltration.jsonl'));
      await page.addScriptTag({ type: 'module', content: `${b.code}\nwindow.snippetDone = true;\n` });
      await page.waitForFunction(() => window.snippetDone || window.rendered !== undefined, null, { timeout: 30_000 });
      if (b.code.includes('render(')) {
        await page.evaluate(() => document.querySelector('#input').dispatchEvent(new Event('change')));
        await page.waitForFunction(() => window.rendered !== undefined, null, { timeout: 30_000 });
        assert.equal(await page.evaluate(() => window.rendered), 1, b.code);
      }
      assert.deepEqual(errors, [], b.code);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});
