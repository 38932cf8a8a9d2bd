// The package in headless Chromium, unbundled (served as installed):
// signaltrace/worker with progress, cancel and errors; a failed .wasm load
// (404, a CSP without 'wasm-unsafe-eval') that the page can catch; `using`.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { CHROMIUM_ARGS, canonical, dataDir, installPackage, runCli, serveStatic } from './helpers.mjs';

const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const LOG = 'anomalous_exfiltration.jsonl';

let pkg;
let site;
let server;
let browser;
before(async () => {
  pkg = await installPackage();
  site = mkdtempSync(join(tmpdir(), 'signaltrace-site-'));
  const page = (csp) =>
    `<!doctype html><html><head><meta charset="utf-8">${
      csp ? `<meta http-equiv="Content-Security-Policy" content="${csp}">` : ''
    }</head><body></body></html>`;
  writeFileSync(join(site, 'plain.html'), page());
  writeFileSync(join(site, 'csp-strict.html'), page("script-src 'self'"));
  writeFileSync(join(site, 'csp-wasm.html'), page("script-src 'self' 'wasm-unsafe-eval'"));
  const installed = join(pkg.dir, 'node_modules', 'signaltrace');
  server = await serveStatic({ '/pkg/': installed, '/data/': dataDir, '/site/': site });
  if (existsSync(chromiumPath)) {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  }
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (site) rmSync(site, { recursive: true, force: true });
  pkg?.cleanup();
});

async function open(t, path) {
  if (!browser) {
    t.skip(`no Chromium at ${chromiumPath}`);
    return null;
  }
  const page = await browser.newPage();
  t.after(() => page.close());
  await page.goto(`${server.url}${path}`);
  return page;
}

function cliReport(args) {
  const cli = runCli(['analyze', join(dataDir, LOG), ...args]);
  assert.equal(cli.status, 0, cli.stderr);
  return canonical(JSON.parse(cli.stdout));
}

test('signaltrace/worker: analyzeFile reads a File in slices with progress, report equal to the CLI', async (t) => {
  const page = await open(t, '/site/plain.html');
  if (!page) return;
  const out = await page.evaluate(async (name) => {
    const { analyzeFile } = await import('/pkg/worker.js');
    const bytes = await (await fetch(`/data/${name}`)).arrayBuffer();
    const file = new File([bytes], name);
    const progress = [];
    const report = await analyzeFile(
      file,
      { filename: name, logs: 'anomalous', forest: { seed: 7n } },
      { onProgress: (p) => progress.push(p), chunkSize: 64 * 1024 },
    );
    // A chunkSize that is no size (0, NaN, fractional) reads everything all the same.
    const odd = [];
    for (const chunkSize of [0, NaN, 1000.5]) {
      odd.push(JSON.stringify(await analyzeFile(file, { filename: name, logs: 'anomalous', forest: { seed: 7n } }, { chunkSize })));
    }
    return { report: JSON.stringify(report), progress, size: file.size, odd };
  }, LOG);
  assert.equal(canonical(JSON.parse(out.report)), cliReport(['--logs', 'anomalous', '--seed', '7']));
  for (const odd of out.odd) assert.equal(canonical(JSON.parse(odd)), canonical(JSON.parse(out.report)));
  // logs: 'anomalous' reads the file twice (the analysis, then the
  // anomalous entities' rows): one call per slice in each pass, then one
  // when the report is built.
  const perSlice = Math.ceil(out.size / (64 * 1024));
  for (const pass of [1, 2]) {
    const slices = out.progress.slice(0, -1).filter((p) => p.pass === pass);
    assert.equal(slices.length, perSlice, `pass ${pass}`);
    assert.ok(slices.every((p, i) => p.total === out.size && !p.finished && (i === 0 || p.bytes > slices[i - 1].bytes)));
    assert.equal(slices.at(-1).bytes, out.size);
  }
  assert.equal(out.progress.length, 2 * perSlice + 1);
  const last = out.progress.at(-1);
  assert.deepEqual([last.finished, last.bytes, last.pass], [true, out.size, 2]);
  assert.equal(last.lines, out.progress.at(-2).lines);
  // WebAssembly memory never shrinks: the figure only grows, in 64 KiB pages.
  assert.ok(out.progress.every((p, i) => p.memory > 0 && p.memory % 65536 === 0 && (i === 0 || p.memory >= out.progress[i - 1].memory)));
});

test('signaltrace/worker: its own worker start and a compiled Module as wasm (how the app ships the worker)', async (t) => {
  const page = await open(t, '/site/plain.html');
  if (!page) return;
  const out = await page.evaluate(async (name) => {
    const { analyzeFile } = await import('/pkg/worker.js');
    const file = new File([await (await fetch(`/data/${name}`)).arrayBuffer()], name);
    const module = await WebAssembly.compileStreaming(fetch('/pkg/signaltrace_bg.wasm'));
    const bytes = await (await fetch('/pkg/signaltrace_bg.wasm')).arrayBuffer();
    const url = new URL('/pkg/worker-thread.js', location.href);
    let started = 0;
    const worker = () => {
      started += 1;
      return new Worker(url, { type: 'module' });
    };
    const viaModule = await analyzeFile(file, { logs: 'anomalous' }, { worker, wasm: module });
    const viaBytes = await analyzeFile(file, { logs: 'anomalous' }, { worker, wasm: new Uint8Array(bytes) });
    const missing = await analyzeFile(file, {}, { worker: () => new Worker('/pkg/no-such-worker.js', { type: 'module' }) })
      .then(() => 'resolved', (e) => e.message);
    if (started !== 2) throw new Error(`the worker option started ${started} workers, not 2`);
    return { viaModule: JSON.stringify(viaModule), viaBytes: JSON.stringify(viaBytes), missing };
  }, LOG);
  const cli = cliReport(['--logs', 'anomalous']);
  assert.equal(canonical(JSON.parse(out.viaModule)), cli);
  assert.equal(canonical(JSON.parse(out.viaBytes)), cli);
  assert.match(out.missing, /^signaltrace worker failed/);
});

test('signaltrace/worker: lines far out of time order are read a second time, for the exact report', async (t) => {
  const page = await open(t, '/site/plain.html');
  if (!page) return;
  const out = await page.evaluate(async (name) => {
    const { analyzeFile } = await import('/pkg/worker.js');
    const { analyze, ready } = await import('/pkg/index.js');
    await ready;
    const text = await (await fetch(`/data/${name}`)).text();
    const reversed = `${text.trimEnd().split('\n').reverse().join('\n')}\n`;
    const passes = [];
    const options = { filename: name, logs: 'anomalous' };
    const report = await analyzeFile(new File([reversed], name), options, {
      chunkSize: 16 * 1024,
      onProgress: (p) => passes.push(p.pass),
    });
    return { report: JSON.stringify(report), exact: JSON.stringify(analyze(reversed, options)), passes };
  }, LOG);
  assert.equal(canonical(JSON.parse(out.report)), canonical(JSON.parse(out.exact)));
  // Reversed: pass 2 reads the lost entities' times whole, pass 3 the
  // anomalous entities' rows (logs: 'anomalous').
  assert.deepEqual([...new Set(out.passes)], [1, 2, 3]);
  assert.ok(JSON.parse(out.report).logs.length > 0, 'the anomalous rows are there');
});

test('signaltrace/worker: a file split across workers gives the one-worker report, on every pass', async (t) => {
  const page = await open(t, '/site/plain.html');
  if (!page) return;
  const out = await page.evaluate(async (names) => {
    const { analyzeFile } = await import('/pkg/worker.js');
    const { analyze, ready } = await import('/pkg/index.js');
    await ready;
    const results = [];
    const cases = [];
    for (const name of names) {
      const text = await (await fetch(`/data/${name}`)).text();
      cases.push([name, text, { filename: name, logs: 'all' }]);
    }
    // Reversed (every entity far out of time order: a pass keeping their
    // times whole, then one for the anomalous rows), with a byte-order mark,
    // blank lines before the first event, malformed lines inside and no
    // newline at the end: every line number must come out right.
    const [name, text] = cases.find(([n]) => n === 'anomalous_exfiltration.jsonl');
    const lines = text.trimEnd().split('\n').reverse();
    for (let i = 5; i < lines.length; i += 97) lines[i] += '\n{"not": "an event"}\n';
    cases.push([`reversed-${name}`, `\ufeff\n \n${lines.join('\n')}`, { filename: name, logs: 'anomalous' }]);
    for (const [label, body, options] of cases) {
      let started = 0;
      let workers = 0;
      const passes = new Map();
      const report = await analyzeFile(new File([body], options.filename), options, {
        workers: 3,
        minSlice: 64 * 1024,
        chunkSize: 16 * 1024,
        worker: () => {
          started += 1;
          return new Worker('/pkg/worker-thread.js', { type: 'module' });
        },
        onProgress: (p) => {
          workers = p.workers;
          const seen = passes.get(p.pass) ?? [];
          seen.push(p.bytes);
          passes.set(p.pass, seen);
        },
      });
      results.push({
        label,
        size: new Blob([body]).size,
        started,
        workers,
        split: JSON.stringify(report),
        whole: JSON.stringify(analyze(body, options)),
        passes: [...passes.entries()],
      });
    }
    return results;
  }, ['anomalous_exfiltration.jsonl', 'baseline_large.jsonl', 'anomalous_scanning.jsonl', 'insider_sample.csv']);
  for (const r of out) {
    assert.equal(canonical(JSON.parse(r.split)), canonical(JSON.parse(r.whole)), r.label);
    // CSV is read by one worker (a quoted field may span lines); the rest by three.
    assert.equal(r.started, r.label.endsWith('.csv') ? 1 : 3, r.label);
    assert.equal(r.workers, r.started, `${r.label}: the progress says how many workers read`);
    for (const [pass, bytes] of r.passes) {
      assert.ok(bytes.every((b, i) => i === 0 || b >= bytes[i - 1]), `${r.label} pass ${pass}: progress never goes back`);
      assert.equal(bytes.at(-1), r.size, `${r.label} pass ${pass}: every byte read`);
    }
  }
  const reversed = out.find((r) => r.label.startsWith('reversed'));
  assert.deepEqual(reversed.passes.map(([pass]) => pass), [1, 2, 3]);
  assert.ok(JSON.parse(reversed.split).lines.rejected > 0, 'the malformed lines are reported');
});

test('signaltrace/worker: a file with an entity on most lines is read on by one worker, same report', async (t) => {
  const page = await open(t, '/site/plain.html');
  if (!page) return;
  const out = await page.evaluate(async () => {
    const { analyzeFile } = await import('/pkg/worker.js');
    const { analyze, ready } = await import('/pkg/index.js');
    await ready;
    // 72,000 client IPs with one request each (every 7th denied), 6,000 a
    // slice: merging slices of it would cost more than reading them.
    const lines = [];
    for (let i = 0; i < 72000; i++) {
      const time = new Date(Date.UTC(2026, 1, 10, 8) + i * 10).toISOString();
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const action = i % 7 === 0 ? 'DENY' : 'ALLOW';
      lines.push(JSON.stringify({ time, clientip: ip, url: `https://h${i % 50}.example/p`, action, responsesize: 1000 + ((i * 7919) % 9000) }));
    }
    const body = `${lines.join('\n')}\n`;
    const options = { filename: 'ips.jsonl', logs: 'anomalous' };
    let started = 0;
    const workers = [];
    // Each worker's termination, with the pass the progress was at then.
    const terminated = [];
    const bytes = new Map();
    let pass = 0;
    const report = await analyzeFile(new File([body], options.filename), options, {
      workers: 3,
      minSlice: 512 * 1024,
      chunkSize: 256 * 1024,
      worker: () => {
        started += 1;
        const worker = new Worker('/pkg/worker-thread.js', { type: 'module' });
        const n = started;
        const terminate = worker.terminate.bind(worker);
        worker.terminate = () => {
          terminated.push({ n, pass });
          terminate();
        };
        return worker;
      },
      onProgress: (p) => {
        workers.push(p.workers);
        pass = p.pass;
        bytes.set(p.pass, [...(bytes.get(p.pass) ?? []), p.bytes]);
      },
    });
    return {
      size: body.length, started, workers, terminated, bytes: [...bytes.entries()], split: JSON.stringify(report), whole: JSON.stringify(analyze(body, options)),
    };
  });
  assert.ok(out.size > 12 * 512 * 1024, 'big enough for twelve slices');
  assert.equal(canonical(JSON.parse(out.split)), canonical(JSON.parse(out.whole)));
  assert.ok(JSON.parse(out.split).anomaly_count > 0, 'the denied IPs are anomalies, their rows kept');
  assert.equal(out.started, 3, 'the helpers were started (and may have read a slice)');
  assert.equal(out.workers.at(-1), 1, 'the progress says one worker read on');
  // The helpers are stopped as soon as the first worker goes on alone (in
  // the first pass, not at the end), and the second pass has none.
  assert.deepEqual(out.terminated.filter((t) => t.n > 1), [{ n: 2, pass: 1 }, { n: 3, pass: 1 }]);
  assert.deepEqual(out.bytes.map(([p]) => p), [1, 2]);
  for (const [p, seen] of out.bytes) {
    assert.ok(seen.every((b, i) => i === 0 || b >= seen[i - 1]), `pass ${p}: progress never goes back`);
    assert.equal(seen.at(-1), out.size, `pass ${p}: every byte read`);
  }
});

test('signaltrace/worker: an AbortSignal cancels, errors are the detector messages', async (t) => {
  const page = await open(t, '/site/plain.html');
  if (!page) return;
  const out = await page.evaluate(async (name) => {
    const { analyzeFile } = await import('/pkg/worker.js');
    const file = new File([await (await fetch(`/data/${name}`)).arrayBuffer()], name);
    const settle = (p) => p.then((r) => ({ ok: typeof r }), (e) => ({ name: e.name, message: e.message }));
    // Aborted after the first slice: the worker is stopped, the promise rejects.
    const controller = new AbortController();
    let slices = 0;
    const cancelled = await settle(
      analyzeFile(file, {}, {
        chunkSize: 16 * 1024,
        signal: controller.signal,
        onProgress: () => {
          slices += 1;
          controller.abort();
        },
      }),
    );
    const before = await settle(analyzeFile(file, {}, { signal: AbortSignal.abort() }));
    const badOptions = await settle(analyzeFile(file, { rules: { deny_rate: 2 } }));
    const empty = await settle(analyzeFile(new Blob([]), {}));
    // A worker posting at once after start (no wait for the .wasm) loses nothing.
    const many = await Promise.all([1, 2, 3].map(() => analyzeFile(file, { logs: 'none' }).then((r) => r.anomaly_count)));
    return { cancelled, slices, before, badOptions, empty, many };
  }, LOG);
  assert.deepEqual(out.cancelled.name, 'AbortError');
  assert.equal(out.slices, 1, 'no progress after the abort');
  assert.equal(out.before.name, 'AbortError');
  assert.equal(out.badOptions.name, 'Error');
  assert.match(out.badOptions.message, /^invalid config: `rules.deny_rate`/);
  assert.equal(out.empty.message, 'input is empty: no log lines to analyze');
  assert.deepEqual(out.many, [1, 1, 1]);
});

test('signaltrace/worker: several files are the inputs of one analysis, as Analyzer.nextInput makes them', async (t) => {
  const page = await open(t, '/site/plain.html');
  if (!page) return;
  const text = (await import('node:fs')).readFileSync(join(dataDir, 'insider_sample.csv'), 'utf8');
  const [header, ...rows] = text.trimEnd().split('\n');
  const half = rows.length >> 1;
  const parts = [
    ['access.log.2', [header, ...rows.slice(half)].join('\n') + '\n'],
    ['access.log.1', [header, ...rows.slice(0, half)].join('\n') + '\n'],
  ];
  const json = await page.evaluate(async (parts) => {
    const { analyzeFile } = await import('/pkg/worker.js');
    const files = parts.map(([name, text]) => new File([text], name));
    return JSON.stringify(await analyzeFile(files, { logs: 'none' }, { chunkSize: 8192 }));
  }, parts);
  const analyzer = new pkg.mod.Analyzer({ logs: 'none', filename: parts[0][0] });
  analyzer.push(parts[0][1]);
  analyzer.nextInput(parts[1][0]);
  analyzer.push(parts[1][1]);
  assert.equal(canonical(JSON.parse(json)), canonical(analyzer.finish()));
  assert.deepEqual(JSON.parse(json).inputs.map((i) => i.name), ['access.log.2', 'access.log.1']);
});

test('a .wasm that fails to load (404) does not reject the import: ready does, and calls say why', async (t) => {
  const page = await open(t, '/site/plain.html');
  if (!page) return;
  await page.route('**/signaltrace_bg.wasm', (route) => route.fulfill({ status: 404, body: 'not found' }));
  const out = await page.evaluate(async () => {
    const mod = await import('/pkg/index.js'); // resolves although the load failed
    const ready = await mod.ready.then(() => 'resolved', (e) => `rejected: ${e.message}`);
    let call;
    try {
      mod.analyze('');
    } catch (e) {
      call = { message: e.message, cause: Boolean(e.cause) };
    }
    return { ready, call };
  });
  assert.match(out.ready, /^rejected: /);
  assert.match(out.call.message, /^signaltrace: the WebAssembly module failed to load: /);
  assert.equal(out.call.cause, true);
});

test("a CSP needs 'wasm-unsafe-eval'; without it the failure is catchable", async (t) => {
  const strict = await open(t, '/site/csp-strict.html');
  if (!strict) return;
  const blocked = await strict.evaluate(async () => {
    const { ready } = await import('/pkg/index.js');
    return ready.then(() => 'loaded', (e) => `rejected: ${e.name}: ${e.message}`);
  });
  assert.match(blocked, /^rejected: CompileError: .*(wasm-unsafe-eval|Content Security Policy)/);
  const allowed = await open(t, '/site/csp-wasm.html');
  const ok = await allowed.evaluate(async () => {
    const { ready, version } = await import('/pkg/index.js');
    await ready;
    return version();
  });
  assert.equal(ok, pkg.mod.version());
});

test('signaltrace/web loads on init(); `using` frees an Analyzer; calls after free() say so', async (t) => {
  const page = await open(t, '/site/plain.html');
  if (!page) return;
  const out = await page.evaluate(async () => {
    const web = await import('/pkg/web.js');
    let early;
    try {
      web.version();
    } catch (e) {
      early = e.message;
    }
    await web.init('/pkg/signaltrace_bg.wasm');
    await web.ready;
    // `using` is Chromium syntax since 134; compiled at run time here so
    // that the test file itself stays plain JavaScript for Node 20.
    const usingBlock = new Function(
      'Analyzer',
      `let kept;
       { using a = new Analyzer(); kept = a; a.push('x'); }
       try { kept.push('y'); return 'no error'; } catch (e) { return e.message; }`,
    );
    return { early, afterUsing: usingBlock(web.Analyzer) };
  });
  assert.match(out.early, /not loaded yet: await `ready` \(or `init\(\)`\) first/);
  assert.equal(out.afterUsing, 'this Analyzer has been freed');
});
