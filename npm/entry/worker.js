// signaltrace/worker: analyze a File or Blob in a module worker, off the
// main thread, with progress and cancellation. One worker per call (and,
// with `workers > 1`, helpers for the slices of a big file); they read the
// file in chunks (no copy of the whole file anywhere) and end with the
// call. Bundlers (Vite, webpack 5, Parcel) see the
// `new Worker(new URL(...), { type: 'module' })` below and bundle
// worker-thread.js with its .wasm.

/**
 * Resolves with the report of `file` (a `File` or `Blob`, or an array of
 * them: the inputs of one analysis, as `Analyzer.nextInput` makes), as
 * `analyze(bytes, options)` would give; rejects with the detector's error,
 * or with `signal.reason` when `signal` aborts (the worker is stopped).
 */
export function analyzeFile(file, options, {
  onProgress, signal, chunkSize = 16 << 20, wasm, worker: start, workers = 1, minSlice = 16 << 20,
} = {}) {
  // Whole workers, at least one; whole bytes between progress calls, at least one.
  workers = Number.isFinite(workers) ? Math.max(1, Math.floor(workers)) : 1;
  chunkSize = Number.isFinite(chunkSize) ? Math.max(1, Math.floor(chunkSize)) : 16 << 20;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    // `worker`: starts worker-thread.js from elsewhere (a bundle of it with
    // its imports, as the browser app ships it: a classic worker, maybe from
    // a blob: URL).
    const launch = () => (start ? start() : new Worker(new URL('./worker-thread.js', import.meta.url), { type: 'module' }));
    const worker = launch();
    // Helper workers, each reading one slice of a split file.
    const helpers = [];
    let stopped = false;
    const stop = () => {
      stopped = true;
      worker.terminate();
      for (const h of helpers) h.terminate();
      signal?.removeEventListener('abort', onAbort);
    };
    const failed = (event) => {
      event.preventDefault?.();
      stop();
      reject(new Error(`signaltrace worker failed: ${event.message ?? 'could not load worker-thread.js'}`));
    };
    function onAbort() {
      stop();
      reject(signal.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = ({ data }) => {
      if (data.type === 'helpers') {
        // The worker split the file: start its helpers, each linked to it
        // by a MessageChannel of its own.
        const ports = [];
        for (let i = 0; i < data.count && !stopped; i += 1) {
          const helper = launch();
          helpers.push(helper);
          helper.onerror = failed;
          const channel = new MessageChannel();
          helper.postMessage({ type: 'serve', port: channel.port1, wasm: source }, [channel.port1]);
          ports.push(channel.port2);
        }
        if (!stopped) worker.postMessage({ type: 'helpers', ports }, ports);
      } else if (data.type === 'helpers-stop') {
        // The worker reads on alone (a file of many entities): the helpers
        // and whatever they were reading are not needed any more.
        for (const h of helpers) h.terminate();
        helpers.length = 0;
      } else if (data.type === 'progress') {
        onProgress?.({
          bytes: data.bytes, lines: data.lines, total: data.total, memory: data.memory, workers: data.workers, finished: data.finished, pass: data.pass,
        });
      } else if (data.type === 'done') {
        stop();
        resolve(data.report);
      } else if (data.type === 'error') {
        stop();
        const ErrorType = data.name === 'TypeError' ? TypeError : Error;
        reject(new ErrorType(data.message));
      }
    };
    worker.onerror = failed;
    // Sent at once: the worker queues it until the .wasm has loaded. A URL
    // travels as its text; bytes and a compiled WebAssembly.Module are
    // cloned to the worker as they are.
    const source = typeof wasm === 'string' || wasm instanceof URL || (wasm && typeof wasm.href === 'string') ? String(wasm) : wasm;
    worker.postMessage({
      type: 'analyze', files: Array.isArray(file) ? file : [file], options, chunkSize, wasm: source, workers, minSlice,
    });
  });
}
