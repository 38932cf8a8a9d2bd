// The recipes' bundlers and the second TypeScript (npm/recipes/package.json,
// one lockfile): installed with `npm ci` when missing or older than the
// lockfile, so a warm run costs nothing. Shared by recipes.test.mjs and
// types.test.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './helpers.mjs';

export const recipesDir = join(repoRoot, 'npm', 'recipes');
export const toolsBin = join(recipesDir, 'node_modules', '.bin');

function current() {
  const lock = join(recipesDir, 'package-lock.json');
  const installed = join(recipesDir, 'node_modules', '.package-lock.json');
  return existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs;
}

/**
 * Installs npm/recipes' devDependencies unless they are current. Test files
 * may run in parallel: one installs (under a lock directory), the others wait.
 */
export function ensureTools() {
  if (current()) return false;
  const lock = join(recipesDir, '.install-lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (Date.now() > deadline) throw new Error(`waited 10 minutes for ${lock} (remove it if no install is running)`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    if (current()) return false;
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: recipesDir, stdio: ['ignore', 'pipe', 'inherit'] });
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Unpacks the tarball into `dir/node_modules/signaltrace`, as `npm install
 * TARBALL` would (the package has no dependencies), so that projects under
 * `dir` resolve 'signaltrace' to it and their tools to npm/recipes.
 */
export function unpackInto(dir, tarball) {
  const modules = join(dir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  const tmp = mkdtempSync(join(dir, 'unpack-'));
  execFileSync('tar', ['-xzf', tarball, '-C', tmp]);
  rmSync(join(modules, 'signaltrace'), { recursive: true, force: true });
  renameSync(join(tmp, 'package'), join(modules, 'signaltrace'));
  rmSync(tmp, { recursive: true, force: true });
  return join(modules, 'signaltrace');
}
