// The hand-written declarations (index.d.ts, worker.d.ts) as consumers see
// them: `tsc --strict` with TypeScript 5 (npm/, `typescript`) and 7
// (npm/recipes, `typescript@7`, the native compiler) in the module modes
// node16, nodenext and bundler, each with and without the `dom` lib and
// `@types/node` (twelve configurations each); `@ts-expect-error` lines prove that mistakes are errors.
// Then: the types equal wasm-bindgen's generated ones in shape (so the hand
// copy cannot drift from the Rust types), `using` compiles and runs in Node.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { installPackage, repoRoot } from './helpers.mjs';
import { ensureTools, recipesDir } from './tools.mjs';

const COMPILERS = {
  'TypeScript 5': join(repoRoot, 'npm', 'node_modules', 'typescript', 'bin', 'tsc'),
  'TypeScript 7': join(recipesDir, 'node_modules', 'typescript7', 'bin', 'tsc'),
};
const MODES = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

const CHECK = `import { analyze, Analyzer, defaultConfig, generate, init, ready, sampleFiles, version } from 'signaltrace';
import type { Config, EntityReport, FeatureName, Options, RejectKind, Report, Rule, Severity } from 'signaltrace';
import * as web from 'signaltrace/web';
import * as inline from 'signaltrace/inline';
import { analyzeFile } from 'signaltrace/worker';
import type { AbortSignalLike, BlobLike, Progress } from 'signaltrace/worker';

export async function main(file: BlobLike, signal: AbortSignalLike): Promise<unknown[]> {
  await ready;
  await init();
  await web.init('/assets/signaltrace_bg.wasm');
  await inline.ready;
  const options: Options = { filename: 'x.jsonl', forest: { seed: 7n }, logs: 'none', entity: 'user', fields: { time: ['ts', 'time'], clientip: 'ip' } };
  const privacy: Options = { allowlist: ['10.0.0.0/8'], pseudonymize: 'a secret key', off_hours: { timezone: 'Europe/Berlin' } };
  const report: Report = analyze(generate(sampleFiles()[0]), options);
  analyze(new ArrayBuffer(0), privacy);
  const severities: Severity[] = report.anomalies.map((a) => a.severity);
  const features: FeatureName[] = report.anomalies[0].feature_context.map((c) => c.feature);
  const rules: Rule[] = report.anomalies[0].triggered_rules;
  const rejected: number = report.rejection_counts.invalid_json ?? 0;
  const kinds: RejectKind[] = report.parse_errors.map((e) => e.kind);
  const score: number | null = report.entities[0].isolation_score;
  const entity: EntityReport = report.entities[0];
  const analyzer = new Analyzer();
  analyzer.push(new Uint8Array(0));
  analyzer.push('text');
  const progress: number = analyzer.bytesSeen + analyzer.linesSeen;
  const finished: Report = analyzer.finish();
  analyzer.free();
  new Analyzer()[Symbol.dispose]();
  // Resolved config: every field present, no \`| undefined\`.
  const config: Config = defaultConfig();
  const denyRate: number = config.rules.deny_rate;
  const seed: number = report.config.forest.seed;
  const timeFields: string[] = report.config.fields.time;
  const fromWorker: Report = await analyzeFile(file, options, {
    signal,
    chunkSize: 1 << 20,
    onProgress: (p: Progress) => p.bytes / p.total,
  });
  const v: string = version();
  return [severities, features, rules, rejected, kinds, score, entity, progress, finished, denyRate, seed, timeFields, fromWorker, v];
}

export function mistakes(report: Report): void {
  // @ts-expect-error an unknown option is a type error
  analyze('x', { rules: { deny_rat: 0.5 } });
  // @ts-expect-error logs is "all" | "anomalous" | "none"
  analyze('x', { logs: 'some' });
  // @ts-expect-error the report has no such field
  report.anomaly_total;
  // @ts-expect-error feature names are a closed set
  const f: FeatureName = 'deny';
  // @ts-expect-error rejection kinds are a closed set
  report.rejection_counts.bogus;
  // @ts-expect-error severities are a closed set
  const s: Severity = 'Severe';
  // @ts-expect-error a number is no input
  analyze(42);
  void f;
  void s;
}
`;

// Real DOM and Node values fit the structural worker types.
const DOM_CHECK = `import { analyzeFile } from 'signaltrace/worker';
export const fromDom = (file: File) => analyzeFile(file, {}, { signal: new AbortController().signal });
// The app's way: its own worker start (a DOM Worker), a compiled module.
export const ownWorker = (file: File, wasm: WebAssembly.Module) =>
  analyzeFile(file, {}, { worker: () => new Worker('worker.js'), wasm, onProgress: (p) => p.memory + Number(p.finished) });
`;
const NODE_CHECK = `import { analyzeFile } from 'signaltrace/worker';
export const fromNode = () => analyzeFile(new Blob(['x']), {}, { signal: AbortSignal.timeout(1000) });
`;

// Hand-written vs generated (wasm-bindgen + tsify, from the Rust types): the
// same fields at every depth (optionality, one-or-many and literal unions aside), the
// hand-written report and resolved config assignable to the generated
// ones, and every option the generated Options accept accepted.
const DRIFT = `import type * as G from './generated.js';
import type * as H from 'signaltrace';
type Shape<T> = T extends readonly (infer E)[] ? Shape<E> : T extends object ? { [K in keyof T]-?: Shape<Exclude<T[K], undefined>> } : 'leaf';
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// rejection_counts: Record<string, number> there, keyed by RejectKind here.
type Counted<R> = Omit<R, 'rejection_counts'>;
const reportShape: Same<Shape<Counted<H.Report>>, Shape<Counted<G.Report>>> = true;
const configShape: Same<Shape<H.Config>, Shape<G.Config>> = true;
const optionsShape: Same<Shape<H.Options>, Shape<G.Options>> = true;
const reportFits: [H.Report] extends [G.Report] ? true : false = true;
const configFits: [H.Config] extends [G.Config] ? true : false = true;
const optionsAccepted: [G.Options] extends [H.Options] ? true : false = true;
export const all = [reportShape, configShape, optionsShape, reportFits, configFits, optionsAccepted];
`;

let pkg;
before(async () => {
  ensureTools();
  pkg = await installPackage();
  writeFileSync(join(pkg.dir, 'check.ts'), CHECK);
  writeFileSync(join(pkg.dir, 'dom-check.ts'), DOM_CHECK);
  writeFileSync(join(pkg.dir, 'node-check.ts'), NODE_CHECK);
});
after(() => pkg?.cleanup());

// TypeScript 5 in this process, all configurations sharing one cache of
// parsed and bound files (lib.dom.d.ts, @types/node, the package's
// declarations), as its language service does: the same diagnostics as
// `tsc -p tsconfig.NAME.json` (written too, to reproduce a failure), in a
// fraction of the time of one `tsc` process per configuration.
const ts5 = createRequire(import.meta.url)(join(repoRoot, 'npm', 'node_modules', 'typescript'));
const parsed = new Map();
function tsc5(configPath) {
  const { config, error } = ts5.readConfigFile(configPath, ts5.sys.readFile);
  assert.equal(error, undefined);
  const { options, fileNames } = ts5.parseJsonConfigFileContent(config, ts5.sys, pkg.dir);
  const host = ts5.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, languageVersion, ...rest));
    return parsed.get(key);
  };
  const program = ts5.createProgram(fileNames, options, host);
  const diagnostics = ts5.getPreEmitDiagnostics(program);
  return ts5.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => pkg.dir,
    getNewLine: () => '\n',
  });
}

function tsc(compiler, name, compilerOptions, files) {
  const config = `tsconfig.${name}.json`;
  writeFileSync(
    join(pkg.dir, config),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        skipLibCheck: false,
        typeRoots: [join(recipesDir, 'node_modules', '@types')],
        ...compilerOptions,
      },
      files,
    }),
  );
  if (compiler === COMPILERS['TypeScript 5']) {
    const errors = tsc5(join(pkg.dir, config));
    if (errors) assert.fail(`${name}: tsc failed:\n${errors}`);
    return;
  }
  try {
    execFileSync(process.execPath, [compiler, '-p', config], { cwd: pkg.dir, encoding: 'utf8' });
  } catch (e) {
    assert.fail(`${name}: tsc failed:\n${e.stdout}${e.stderr}`);
  }
}

for (const [compilerName, compiler] of Object.entries(COMPILERS)) {
  test(`${compilerName}: --strict in node16, nodenext and bundler, with and without dom and @types/node`, (t) => {
    assert.ok(existsSync(compiler), `${compiler} (scripts/setup-wasm.sh, npm/recipes)`);
    const version = execFileSync(process.execPath, [compiler, '--version'], { encoding: 'utf8' }).trim();
    t.diagnostic(version);
    for (const [mode, options] of Object.entries(MODES)) {
      for (const dom of [false, true]) {
        for (const node of [false, true]) {
          const name = `${compilerName.replace(' ', '')}-${mode}-${dom ? 'dom' : 'nodom'}-${node ? 'node' : 'nonode'}`;
          const files = ['check.ts', ...(dom ? ['dom-check.ts'] : []), ...(node ? ['node-check.ts'] : [])];
          tsc(compiler, name, { ...options, lib: dom ? ['es2022', 'dom'] : ['es2022'], types: node ? ['node'] : [] }, files);
        }
      }
    }
  });
}

test('the hand-written types have the shape of the generated ones (TypeScript 5)', () => {
  const generated = join(repoRoot, 'npm', 'pkg', '.generated', 'signaltrace.d.ts');
  assert.ok(existsSync(generated), 'scripts/build-npm.sh keeps wasm-bindgen declarations in npm/pkg/.generated');
  copyFileSync(generated, join(pkg.dir, 'generated.d.ts'));
  writeFileSync(join(pkg.dir, 'drift.ts'), DRIFT);
  tsc(COMPILERS['TypeScript 5'], 'drift', { ...MODES.nodenext, lib: ['es2022', 'dom', 'esnext.disposable'], types: [] }, [
    'drift.ts',
  ]);
});

test('`using` compiles (TypeScript 5 and 7, lib esnext) and frees the Analyzer in Node', () => {
  const src = `import { Analyzer } from 'signaltrace';
let kept: Analyzer | undefined;
{
  using analyzer = new Analyzer();
  analyzer.push('x');
  kept = analyzer;
}
try {
  kept.push('y');
  console.log('no error');
} catch (e) {
  console.log((e as Error).message);
}
`;
  const out = join(pkg.dir, 'using-out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(pkg.dir, 'using.ts'), src);
  tsc(COMPILERS['TypeScript 7'], 'using-7', { ...MODES.nodenext, lib: ['esnext'], types: ['node'] }, ['using.ts']);
  // Checked and emitted by TypeScript 5 for es2022 (`using` lowered to Symbol.dispose).
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  execFileSync(
    process.execPath,
    [COMPILERS['TypeScript 5'], 'using.ts', '--outDir', out, '--target', 'es2022', '--module', 'nodenext', '--lib', 'esnext', '--types', 'node', '--typeRoots', join(recipesDir, 'node_modules', '@types'), '--strict'],
    { cwd: pkg.dir, encoding: 'utf8' },
  );
  const printed = execFileSync(process.execPath, [join(out, 'using.js')], { cwd: pkg.dir, encoding: 'utf8' });
  assert.equal(printed.trim(), 'this Analyzer has been freed');
});
