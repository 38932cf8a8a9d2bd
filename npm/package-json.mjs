// Writes the package.json of npm/pkg to stdout from `cargo metadata` on
// stdin, so the package version and license are always the crate's.
// Used by scripts/build-npm.sh.
let input = '';
for await (const chunk of process.stdin) input += chunk;
const crate = JSON.parse(input).packages.find((p) => p.name === 'signaltrace-detector');
if (!crate) throw new Error('signaltrace-detector not found in cargo metadata');

const pkg = {
  name: 'signaltrace',
  version: crate.version,
  description:
    'Find attackers and misbehaving insiders in web-proxy and access logs: the signaltrace detector as WebAssembly, with TypeScript types.',
  license: crate.license,
  // repository, homepage and bugs: only from a real URL in Cargo.toml (the
  // workspace has none yet, `example.invalid`), never made up here.
  ...(crate.repository && !/\.invalid\b/.test(crate.repository)
    ? { repository: { type: 'git', url: crate.repository } }
    : {}),
  ...(crate.homepage && !/\.invalid\b/.test(crate.homepage) ? { homepage: crate.homepage } : {}),
  keywords: [
    'security',
    'logs',
    'log-analysis',
    'anomaly-detection',
    'isolation-forest',
    'proxy-logs',
    'insider-threat',
    'webassembly',
    'wasm',
    'web-worker',
  ],
  type: 'module',
  main: './node.js',
  module: './index.js',
  types: './index.d.ts',
  exports: {
    '.': {
      types: './index.d.ts',
      node: './node.js',
      default: './index.js',
    },
    './web': {
      types: './web.d.ts',
      default: './web.js',
    },
    './inline': {
      types: './inline.d.ts',
      default: './inline.js',
    },
    './worker': {
      types: './worker.d.ts',
      default: './worker.js',
    },
    './signaltrace_bg.wasm': './signaltrace_bg.wasm',
    './package.json': './package.json',
  },
  files: [
    'index.js',
    'index.d.ts',
    'node.js',
    'web.js',
    'web.d.ts',
    'inline.js',
    'inline.d.ts',
    'wasm-inline.js',
    'worker.js',
    'worker.d.ts',
    'worker-thread.js',
    'core.js',
    'signaltrace.js',
    'signaltrace_bg.wasm',
    'README.md',
    'LICENSE',
  ],
  sideEffects: ['./index.js', './node.js', './inline.js', './core.js'],
  // Node 18 is past its end of life and untested; 20 is the oldest tested.
  engines: { node: '>=20' },
};
process.stdout.write(JSON.stringify(pkg, null, 2) + '\n');
