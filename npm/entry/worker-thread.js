// The module worker behind signaltrace/worker (worker.js starts it). Its
// message handler is installed before anything is awaited, so no message
// is lost while the .wasm loads: each job awaits the one load itself.
import { Analyzer, init } from './web.js';

let loading;

self.onmessage = async ({ data }) => {
  const { file, options, chunkSize, wasm } = data;
  try {
    loading ??= init(wasm);
    await loading;
    const analyzer = new Analyzer(options);
    try {
      for (let at = 0; at < file.size; at += chunkSize) {
        analyzer.push(new Uint8Array(await file.slice(at, at + chunkSize).arrayBuffer()));
        self.postMessage({
          type: 'progress',
          bytes: analyzer.bytesSeen,
          lines: analyzer.linesSeen,
          total: file.size,
        });
      }
      self.postMessage({ type: 'done', report: analyzer.finish() });
    } finally {
      analyzer.free();
    }
  } catch (e) {
    self.postMessage({ type: 'error', name: e?.name, message: String(e?.message ?? e) });
  }
};
