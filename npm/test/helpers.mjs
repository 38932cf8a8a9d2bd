// Shared by the package tests: install the packed tarball into a fresh
// project the way a user would, find the CLI, and serialize reports
// canonically.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const dataDir = join(repoRoot, 'data');

/** Every sample file in data/ (the CLI-equality tests cover all of them). */
export const dataFiles = readdirSync(dataDir)
  .filter((name) => !name.startsWith('.'))
  .sort();

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The tarball to test: $SIGNALTRACE_TARBALL (scripts/test-wasm.sh packs it),
 * else npm/pkg packed now into `scratch`.
 */
export function tarball(scratch) {
  if (process.env.SIGNALTRACE_TARBALL) return process.env.SIGNALTRACE_TARBALL;
  const pkg = join(repoRoot, 'npm', 'pkg');
  if (!existsSync(join(pkg, 'package.json'))) {
    throw new Error('npm/pkg is missing: run scripts/build-npm.sh (or set SIGNALTRACE_TARBALL)');
  }
  const name = npm(['pack', '--silent', '--pack-destination', scratch], pkg).trim().split('\n').pop();
  return join(scratch, name);
}

/**
 * Installs the package into a new temporary project and imports it from
 * there with a bare `'signaltrace'` specifier (Node's own ESM resolution,
 * `exports` conditions and all). Call `cleanup` when done.
 */
export async function installPackage() {
  const dir = mkdtempSync(join(tmpdir(), 'signaltrace-consumer-'));
  const file = tarball(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  // The package has no dependencies: installing it needs no network.
  npm(['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', file], dir);
  writeFileSync(join(dir, 'entry.mjs'), "export * from 'signaltrace';\n");
  const mod = await import(pathToFileURL(join(dir, 'entry.mjs')).href);
  return { dir, tarball: file, mod, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The `signaltrace` CLI: $SIGNALTRACE_BIN, else target/{release,debug}. */
export function cliPath() {
  const candidates = [
    process.env.SIGNALTRACE_BIN,
    join(repoRoot, 'target', 'debug', 'signaltrace'),
    join(repoRoot, 'target', 'release', 'signaltrace'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error('signaltrace CLI not found: cargo build -p signaltrace, or set SIGNALTRACE_BIN');
  }
  return found;
}

/** Runs the CLI; returns { status, stdout, stderr } without throwing. */
export function runCli(args) {
  try {
    const stdout = execFileSync(cliPath(), args, {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    if (typeof e.status !== 'number') throw e;
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Canonical JSON: object keys sorted, numbers as JavaScript prints them
 * (so serde_json's `1.0` and JavaScript's `1` agree), no whitespace.
 */
export function canonical(value) {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
      : v,
  );
}

/** A small seeded PRNG (mulberry32), so a failing chunking can be replayed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Chromium flags for a closed machine: no sandbox as root, no background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.md': 'text/plain; charset=utf-8',
};

/**
 * Serves directories on 127.0.0.1 (a free port), e.g. `{ '/pkg/': dir }`.
 * Returns `{ url, close }`. Only paths inside the mapped directories.
 */
export async function serveStatic(routes) {
  const { createServer } = await import('node:http');
  const { createReadStream, statSync } = await import('node:fs');
  const { extname, resolve, sep } = await import('node:path');
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    for (const [prefix, dir] of Object.entries(routes)) {
      if (!path.startsWith(prefix)) continue;
      const file = resolve(dir, path.slice(prefix.length));
      if (!file.startsWith(resolve(dir) + sep)) break;
      let size;
      try {
        const st = statSync(file);
        if (!st.isFile()) break;
        size = st.size;
      } catch {
        break;
      }
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'content-length': size,
        'cache-control': 'no-store',
      });
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}
