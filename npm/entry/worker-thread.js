// The module worker behind signaltrace/worker (worker.js starts it). Its
// message handler is installed before anything is awaited, so no message
// is lost while the .wasm loads: each job awaits the one load itself.
//
// The files can be read again, so, as the CLI does with files:
// - event times are kept bounded (memory by entities, not events:
//   docs/DESIGN.md "Memory"); an entity whose events are more than a minute
//   out of time order is read again whole, in a further pass over the slices;
// - `logs: 'anomalous'` (without `pseudonymize`) is a pass without rows, then
//   a pass keeping only the anomalous entities' rows, so memory is bounded by
//   those rows instead of every row until the end.
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
    const rowsLater = first.logs === 'anomalous' && first.pseudonymize == null;
    let pass = 0;
    // One analysis of every file; `exact`: the entities whose times are kept
    // whole (null: every entity's), `rowsFor`: whose rows are kept.
    const analyze = async (opts, exact, rowsFor) => {
      pass += 1;
      const analyzer = new Analyzer(opts);
      try {
        if (exact) analyzer.boundTimes(exact);
        if (rowsFor) analyzer.rowsFor(rowsFor);
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
        // Read before free(): the final counts, for the last progress call.
        return { ...out, bytes: analyzer.bytesSeen, lines: analyzer.linesSeen, pass };
      } finally {
        analyzer.free();
      }
    };
    let exact = [];
    let out;
    for (;;) {
      out = await analyze(rowsLater ? { ...first, logs: 'none' } : first, exact);
      if (!out.readAgain) break;
      // A third pass (which cannot happen: the same slices merge the same
      // way) would keep every time.
      exact = exact?.length === 0 ? out.readAgain : null;
    }
    if (rowsLater) {
      out = await analyze(first, exact, out.report.anomalies.map((a) => a.entity));
      if (out.readAgain) throw new Error('internal error: the file changed while it was read again');
    }
    // Once more when the report is built: building it is the last of the
    // work, and the memory figure is then the worker's peak.
    self.postMessage({
      type: 'progress', bytes: out.bytes, lines: out.lines, total, memory: memoryBytes(), finished: true, pass: out.pass,
    });
    self.postMessage({ type: 'done', report: out.report });
  } catch (e) {
    self.postMessage({ type: 'error', name: e?.name, message: String(e?.message ?? e) });
  }
};
