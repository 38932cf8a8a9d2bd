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
//
// With `workers > 1`, a big plain JSONL file is cut at line starts into
// slices. This worker reads the first; helper workers (started by
// worker.js, reached through MessagePorts) and this one, once free, take
// the others in file order, each read by an Analyzer of its own made with
// `sliceOf`, and what each adds up to (`finishSlice`) is merged here in file
// order (`mergeSlice`): the report is the one reading it whole gives. Every
// pass is split the same way, unless this worker went on alone (below).
import { Analyzer, init, splitHead } from './web.js';
import { memoryBytes } from './core.js';

// Slices per worker when a file is split: enough to even out a helper's
// late start and an uneven share of the machine.
const SLICES_PER_WORKER = 4;

// A slice's analysis crosses to this worker as bytes, entity by entity, and
// is merged here: for each entity that costs about as much as reading a few
// lines. When the first slice brings thousands of entities, more than one
// for every four lines (a million client IPs with a request each), merging
// the others would cost more than reading them: the helpers are stopped,
// what they have read is dropped, and this worker reads every other slice
// itself, in file order, on this pass and any later one. The report is the
// same either way.
const ALONE_ENTITIES = 4096;
const ALONE_LINES_PER_ENTITY = 4;

let loading;
// Resolves with the helpers' ports once worker.js has started them.
let helpersArrived;

const failure = (e) => ({ type: 'error', name: e?.name, message: String(e?.message ?? e) });

self.onmessage = ({ data }) => {
  if (data.type === 'helpers') helpersArrived?.(data.ports);
  else if (data.type === 'serve') serve(data.port, data.wasm);
  else analyzeJob(data);
};

/** The bytes of `file` from `start` to `end`. */
const bytesOf = async (file, start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer());

/**
 * Where to cut `file` into at most `count` slices of `minSlice` bytes or
 * more: `{ head, bounds }` (the slices are bounds[i]..bounds[i + 1]), or
 * null when it is read whole (too small, compressed, CSV).
 */
async function plan(file, options, count, minSlice) {
  count = Math.min(count, Math.floor(file.size / Math.max(1, minSlice)));
  if (!(count > 1)) return null;
  const start = await bytesOf(file, 0, Math.min(file.size, 1 << 20));
  const headLength = splitHead(start, options);
  if (headLength === undefined) return null;
  // The first line start at or after each k/count of the file (and after the head).
  const lineStart = async (k) => {
    for (let at = Math.max(headLength, Math.floor((file.size * k) / count)) - 1; at < file.size;) {
      const piece = await bytesOf(file, at, Math.min(file.size, at + (64 << 10)));
      const nl = piece.indexOf(10);
      if (nl >= 0) return at + nl + 1;
      at += piece.length;
    }
    return file.size;
  };
  const cuts = await Promise.all(Array.from({ length: count - 1 }, (_, k) => lineStart(k + 1)));
  const bounds = [0];
  for (const cut of cuts) if (cut < file.size && cut > bounds[bounds.length - 1]) bounds.push(cut);
  bounds.push(file.size);
  return bounds.length > 2 ? { head: start.slice(0, headLength), bounds } : null;
}

/**
 * Reads `file` from `start` to `end` into `analyzer` as a stream, calling
 * `progress` after every `chunkSize` bytes and at the end. The browser
 * reads ahead while a piece is analyzed, and its pieces (64 KiB from disk)
 * are still in the cache when they are copied into the WebAssembly memory
 * and parsed, where a 16 MiB `arrayBuffer()` piece went out to memory and
 * back (docs/PERFORMANCE.md).
 */
async function read(analyzer, file, start, end, chunkSize, progress) {
  const reader = file.slice(start, end).stream().getReader();
  let pushed = 0;
  let report = chunkSize;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // The stream's pieces are the browser's size (64 KiB from disk, a
    // whole in-memory Blob at once): pushed up to each progress point.
    for (let at = 0; at < value.length;) {
      const n = Math.min(value.length - at, report - pushed);
      analyzer.push(n === value.length ? value : value.subarray(at, at + n));
      at += n;
      pushed += n;
      if (pushed === report) {
        report += chunkSize;
        progress();
      }
    }
  }
  if (pushed > report - chunkSize) progress();
}

/** An analyzer for one pass: `exact` and `rowsFor` as the pass needs them. */
function analyzerFor({ options, exact, rowsFor }) {
  const analyzer = new Analyzer(options);
  if (exact) analyzer.boundTimes(exact);
  if (rowsFor) analyzer.rowsFor(rowsFor);
  return analyzer;
}

/**
 * Reads one slice (`job`: the file, `start`, `end`, `head`, `chunkSize` and
 * the pass's `options`, `exact`, `rowsFor`) into an analyzer of its own;
 * resolves with its `finishSlice()` bytes. `progress(analyzer)` after each
 * chunk.
 */
async function readSlice(job, progress) {
  const analyzer = analyzerFor(job);
  try {
    analyzer.sliceOf(job.head);
    await read(analyzer, job.file, job.start, job.end, job.chunkSize, () => progress(analyzer));
    return analyzer.finishSlice();
  } finally {
    analyzer.free();
  }
}

// A helper: reads the slices it is sent on `port`, one job at a time.
function serve(port, wasm) {
  port.onmessage = async ({ data: job }) => {
    try {
      loading ??= init(wasm);
      await loading;
      const slice = await readSlice(job, (analyzer) => port.postMessage({
        type: 'progress', bytes: analyzer.bytesSeen, lines: analyzer.linesSeen, memory: memoryBytes(),
      }));
      port.postMessage({ type: 'slice', slice, memory: memoryBytes() }, [slice.buffer]);
    } catch (e) {
      port.postMessage(failure(e));
    }
  };
}

/** Sends `job` to the helper on `port`; resolves with its slice's bytes. */
function sliceOn(port, job, onProgress) {
  return new Promise((resolve, reject) => {
    port.onmessage = ({ data }) => {
      if (data.type === 'progress') onProgress(data);
      else if (data.type === 'slice') {
        onProgress({ memory: data.memory });
        resolve(data.slice);
      } else {
        const ErrorType = data.name === 'TypeError' ? TypeError : Error;
        reject(new ErrorType(data.message));
      }
    };
    port.postMessage(job);
  });
}

/** A promise with its settling functions; a rejection is handled where it is awaited. */
function deferred() {
  let settle;
  const promise = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  promise.catch(() => {});
  return { promise, ...settle };
}

async function analyzeJob({ files, options, chunkSize, wasm, workers = 1, minSlice = 16 << 20 }) {
  try {
    loading ??= init(wasm);
    await loading;
    const total = files.reduce((sum, file) => sum + file.size, 0);
    // A File's own name names its input unless `filename` says otherwise.
    const first = { ...options };
    if (first.filename == null && typeof files[0]?.name === 'string') first.filename = files[0].name;
    const rowsLater = first.logs === 'anomalous' && first.pseudonymize == null;
    // Several slices per worker, handed to whichever worker is free: a
    // worker that starts late or runs slow takes fewer.
    const split = files.length === 1 && workers > 1
      ? await plan(files[0], first, workers * SLICES_PER_WORKER, minSlice)
      : null;
    // The workers reading the file: this one and its helpers, which start
    // while this one reads the first slice.
    const reading = split ? Math.min(workers, split.bounds.length - 1) : 1;
    let helpers = Promise.resolve([]);
    if (split) {
      helpers = new Promise((resolve) => {
        helpersArrived = resolve;
      });
      self.postMessage({ type: 'helpers', count: reading - 1 });
    }
    const helperMemory = [];
    // Set when this worker goes on alone: the helpers are stopped, and no
    // slice of theirs is used from then on.
    let helpersStopped = false;
    let pass = 0;
    // One analysis of every file; `exact`: the entities whose times are kept
    // whole (null: every entity's), `rowsFor`: whose rows are kept.
    const analyze = async (opts, exact, rowsFor) => {
      pass += 1;
      const analyzer = analyzerFor({ options: opts, exact, rowsFor });
      // This pass's slices, unless the helpers were stopped on an earlier pass.
      const slices = helpersStopped ? null : split;
      // The workers reading in this pass (1 once this one reads on alone).
      let readers = slices ? reading : 1;
      // Bytes and lines read of the slices not merged yet, by slice.
      const unmerged = new Map();
      // The most bytes and lines shown so far: progress never goes back,
      // not even when the helpers' unmerged slices are dropped.
      let shown = { bytes: 0, lines: 0 };
      try {
        const sum = (values, key) => [...values].reduce((n, v) => n + (key ? v[key] : v), 0);
        const memory = () => memoryBytes() + sum(helperMemory);
        const progress = (finished) => {
          shown = {
            bytes: Math.max(shown.bytes, analyzer.bytesSeen + sum(unmerged.values(), 'bytes')),
            lines: Math.max(shown.lines, analyzer.linesSeen + sum(unmerged.values(), 'lines')),
          };
          self.postMessage({
            type: 'progress', ...shown, total, memory: memory(), workers: readers, finished, pass,
          });
        };
        if (slices) {
          const { head, bounds } = slices;
          const [file] = files;
          const count = bounds.length - 1;
          const done = Array.from({ length: count }, deferred);
          // Slices read and not merged yet, by index.
          const ready = new Map();
          // Slice 0 is this worker's; the rest go out in file order.
          let taken = 1;
          const job = (i) => ({ file, start: bounds[i], end: bounds[i + 1], head, options: opts, exact, rowsFor, chunkSize });
          helpers.then((ports) => ports.forEach(async (port, h) => {
            for (let i = taken; i < count && !helpersStopped; i = taken) {
              taken += 1;
              try {
                const slice = await sliceOn(port, job(i), (p) => {
                  if (helpersStopped) return;
                  if (p.bytes !== undefined) unmerged.set(i, p);
                  helperMemory[h] = p.memory;
                  progress(false);
                });
                // A slice that arrives after this worker went on alone is dropped.
                if (helpersStopped) return;
                ready.set(i, slice);
                done[i].resolve();
              } catch (e) {
                done[i].reject(e);
                return;
              }
            }
          }));
          let merged = 1;
          // Merges, in file order, every slice read so far.
          const mergeReady = () => {
            for (; ready.has(merged); merged += 1) {
              analyzer.mergeSlice(ready.get(merged));
              ready.delete(merged);
              // Its bytes and lines now count in the analyzer's own.
              unmerged.delete(merged);
            }
          };
          await read(analyzer, file, 0, bounds[1], chunkSize, () => progress(false));
          const entities = analyzer.entitiesSeen;
          helpersStopped = entities >= ALONE_ENTITIES && entities * ALONE_LINES_PER_ENTITY > analyzer.linesSeen;
          if (helpersStopped) {
            // Stopped, the helpers free their cores (for the browser's
            // reading of the file) and their memory; what they read is
            // dropped, and this worker reads the rest of the file on.
            readers = 1;
            ready.clear();
            unmerged.clear();
            self.postMessage({ type: 'helpers-stop' });
            await read(analyzer, file, bounds[1], file.size, chunkSize, () => progress(false));
          } else {
            // Then this worker takes slices like a helper, merging as it goes.
            for (let i = taken; i < count; i = taken) {
              taken += 1;
              ready.set(i, await readSlice(job(i), (a) => {
                unmerged.set(i, { bytes: a.bytesSeen, lines: a.linesSeen });
                progress(false);
              }));
              mergeReady();
            }
            for (; merged < count; mergeReady()) await done[merged].promise;
          }
        } else {
          for (const [i, file] of files.entries()) {
            // Each further file is the next input of one analysis (rotated parts).
            if (i > 0) analyzer.nextInput(typeof file.name === 'string' ? file.name : null);
            await read(analyzer, file, 0, file.size, chunkSize, () => progress(false));
          }
        }
        const before = memory();
        const out = exact ? analyzer.finishBounded() : { report: analyzer.finish() };
        // Read before free(): the final counts, for the last progress call.
        return {
          ...out, bytes: analyzer.bytesSeen, lines: analyzer.linesSeen, pass, memory: Math.max(before, memory()), workers: readers,
        };
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
    // work, and the memory figure is then the workers' peak.
    self.postMessage({
      type: 'progress', bytes: out.bytes, lines: out.lines, total, memory: out.memory, workers: out.workers, finished: true, pass: out.pass,
    });
    self.postMessage({ type: 'done', report: out.report });
  } catch (e) {
    self.postMessage(failure(e));
  }
}
