// `globalThis.signaltrace.analyze` of both hosts (host-web.js, host-file.js),
// what app/src/host.rs calls: the files, their names, the detector config as
// JSON, a progress callback and an AbortSignal in; a promise of the report
// as JSON out. The work is `analyzeFile` of the npm package's
// signaltrace/worker; `where()` says where its worker and .wasm are.
//
// A big JSONL file is split across one worker per core, at most MAX_WORKERS
// (signaltrace/worker's `workers`: the same report, sooner).
const MAX_WORKERS = 4;
export const workers = () => Math.max(1, Math.min(navigator.hardwareConcurrency || 1, MAX_WORKERS));

export const analyzeWith = (analyzeFile, where) => async (files, names, config, onProgress, signal) => {
  // A file dropped inside a folder is named by its path (webkitRelativePath):
  // a File with that name, over the same bytes (no copy).
  const named = files.map((f, i) => (f.name === names[i] ? f : new File([f], names[i], { type: f.type })));
  const report = await analyzeFile(named, JSON.parse(config), { onProgress, signal, workers: workers(), ...(await where()) });
  return JSON.stringify(report);
};
