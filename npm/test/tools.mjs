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

/** Installs npm/recipes' devDependencies unless they are current. */
export function ensureTools() {
  const lock = join(recipesDir, 'package-lock.json');
  const installed = join(recipesDir, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return false;
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: recipesDir, stdio: ['ignore', 'pipe', 'inherit'] });
  return true;
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
