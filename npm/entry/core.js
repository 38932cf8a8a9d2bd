// The API every entry point exports, over wasm-bindgen's module
// (signaltrace.js): one load state per page/worker/process, a clear error
// before the module has loaded, after a failed load and after free().
// Internal: the entry points (index.js, node.js, web.js, inline.js) decide
// when and from where the .wasm loads.
import initWasm, * as wasm from './signaltrace.js';

let loaded = false;
let exports;
let failure;
let loading;
let settle;

/** Settles when the module has loaded; rejects (catchably) with the load error. */
export const ready = new Promise((resolve, reject) => {
  settle = { resolve, reject };
});
// A failed load is reported by `ready`, `init()` and every call, never as
// an unhandled rejection that would take a page or a process down.
ready.catch(() => {});

function succeeded(instance) {
  exports = instance;
  loaded = true;
  settle.resolve();
}

function failed(error) {
  failure = error;
  settle.reject(error);
}

/**
 * Starts loading from `source` (a URL, bytes, a Response, a Module, or a
 * promise of one) unless a load has started; returns that load's promise.
 */
export function load(source) {
  loading ??= Promise.resolve(source)
    // wasm-bindgen's own `{ module_or_path }` form is accepted too.
    .then((s) => initWasm(s && typeof s === 'object' && 'module_or_path' in s ? s : { module_or_path: s }))
    .then(succeeded, (e) => {
      failed(e);
      throw e;
    });
  return loading;
}

/** Loads synchronously from bytes or a Module; a failure is kept, not thrown. */
export function loadSync(module) {
  if (loading) return;
  loading = ready;
  try {
    succeeded(wasm.initSync({ module }));
  } catch (e) {
    failed(e);
  }
}

/**
 * The size of this module's WebAssembly memory in bytes (0 before it has
 * loaded). WebAssembly memory never shrinks, so this is its peak. Internal:
 * signaltrace/worker reports it with its progress.
 */
export function memoryBytes() {
  return exports?.memory?.buffer.byteLength ?? 0;
}

/** Records a failure found before loading could start (a missing file). */
export function loadFailed(error) {
  if (loading) return;
  loading = ready;
  failed(error);
}

function check() {
  if (loaded) return;
  if (failure !== undefined) {
    const why = failure instanceof Error ? failure.message : String(failure);
    throw new Error(`signaltrace: the WebAssembly module failed to load: ${why}`, { cause: failure });
  }
  throw new Error('signaltrace: the WebAssembly module is not loaded yet: await `ready` (or `init()`) first');
}

/** Analyzes a whole log in one call and returns the report. */
export function analyze(input, options) {
  check();
  return wasm.analyze(input, options);
}

/**
 * Incremental analysis over wasm-bindgen's Analyzer. `finish()` frees the
 * WebAssembly object at once (its buffers and the struct), keeping only the
 * final counts; after `free()` every call says so instead of wasm-bindgen's
 * "null pointer passed to rust".
 */
export class Analyzer {
  #inner;
  #state = 'open';
  #bytes = 0;
  #lines = 0;
  #entities = 0;

  constructor(options) {
    check();
    this.#inner = new wasm.Analyzer(options);
  }

  #open() {
    if (this.#state === 'open') return this.#inner;
    throw new Error(
      this.#state === 'freed' ? 'this Analyzer has been freed' : 'this Analyzer has already finished',
    );
  }

  push(chunk) {
    this.#open().push(chunk);
  }

  nextInput(name) {
    this.#open().nextInput(name);
  }

  get bytesSeen() {
    if (this.#state === 'freed') this.#open();
    return this.#inner ? this.#inner.bytesSeen : this.#bytes;
  }

  get linesSeen() {
    if (this.#state === 'freed') this.#open();
    return this.#inner ? this.#inner.linesSeen : this.#lines;
  }

  get entitiesSeen() {
    if (this.#state === 'freed') this.#open();
    return this.#inner ? this.#inner.entitiesSeen : this.#entities;
  }

  boundTimes(exact) {
    this.#open().boundTimes(exact ?? null);
  }

  rowsFor(entities) {
    this.#open().rowsFor(entities);
  }

  finishBounded() {
    return this.#end((inner) => inner.finishBounded());
  }

  sliceOf(head) {
    this.#open().sliceOf(head);
  }

  finishSlice() {
    return this.#end((inner) => inner.finishSlice());
  }

  mergeSlice(slice) {
    this.#open().mergeSlice(slice);
  }

  finish() {
    return this.#end((inner) => inner.finish());
  }

  #end(finish) {
    const inner = this.#open();
    this.#bytes = inner.bytesSeen;
    this.#lines = inner.linesSeen;
    this.#entities = inner.entitiesSeen;
    this.#state = 'finished';
    this.#inner = undefined;
    try {
      return finish(inner);
    } finally {
      inner.free();
    }
  }

  free() {
    this.#inner?.free();
    this.#inner = undefined;
    this.#state = 'freed';
  }
}

// `using analyzer = new Analyzer()` (where the engine has Symbol.dispose:
// Node 20+, current browsers).
if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(Analyzer.prototype, Symbol.dispose, {
    value: function dispose() {
      this.free();
    },
    writable: true,
    configurable: true,
  });
}

/**
 * Whether a file starting with `head` can be analyzed in slices: the bytes
 * through its deciding line, or `undefined` (see `Analyzer.sliceOf`).
 */
export function splitHead(head, options) {
  check();
  return wasm.splitHead(head, options);
}

/** Every option with its default value. */
export function defaultConfig() {
  check();
  return wasm.defaultConfig();
}

/** The bytes of a sample log (seed 42 unless given). */
export function generate(name, seed) {
  check();
  return wasm.generate(name, seed);
}

/** Names of the sample logs. */
export function sampleFiles() {
  check();
  return wasm.sampleFiles();
}

/** The detector's version. */
export function version() {
  check();
  return wasm.version();
}
