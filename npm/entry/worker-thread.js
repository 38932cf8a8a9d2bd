// The module worker behind signaltrace/worker (worker.js starts it). Its
// message handler is installed before anything is awaited, so no message
// is lost while the .wasm loads: each job awaits the one load itself.
//
// The files can be read again, so event times are kept bounded (memory by
// entities, not events: docs/DESIGN.md "Memory"), as the CLI keeps them: an
// entity whose events are more than a minute out of time order is then read
// again whole, in a second pass over the same slices.
import { Analyzer, init } from './web.js';
import { memoryBytes } from './core.js';

let loading;

self.onmessage = async ({ data }) => {
  const { files, options, chunkSize, wasm } = data;
  try {
    loading ??= init(wasm);
    await loading;
    const total = files.reduce((sum, file) => sum + file.size, 0);
    // A File's own name names its input unless `filename` says otherwise.
    const first = { ...options };
    if (first.filename == null && typeof files[0]?.name === 'string') first.filename = files[0].name;
    let exact = [];
    for (let pass = 1; ; pass += 1) {
      const analyzer = new Analyzer(first);
      try {
        // A third pass (which cannot happen: the same slices merge the same
        // way) would keep every time.
        if (exact) analyzer.boundTimes(exact);
        const progress = (finished) => self.postMessage({
          type: 'progress', bytes: analyzer.bytesSeen, lines: analyzer.linesSeen, total, memory: memoryBytes(), finished, pass,
        });
        for (const [i, file] of files.entries()) {
          // Each further file is the next input of one analysis (rotated parts).
          if (i > 0) analyzer.nextInput(typeof file.name === 'string' ? file.name : null);
          for (let at = 0; at < file.size; at += chunkSize) {
            analyzer.push(new Uint8Array(await file.slice(at, at + chunkSize).arrayBuffer()));
            progress(false);
          }
        }
        const out = exact ? analyzer.finishBounded() : { report: analyzer.finish() };
        if (out.readAgain) {
          exact = exact.length === 0 ? out.readAgain : null;
          continue;
        }
        // Once more when the report is built: building it is the last of the
        // work, and the memory figure is then the worker's peak.
        progress(true);
        self.postMessage({ type: 'done', report: out.report });
        return;
      } finally {
        analyzer.free();
      }
    }
  } catch (e) {
    self.postMessage({ type: 'error', name: e?.name, message: String(e?.message ?? e) });
  }
};
