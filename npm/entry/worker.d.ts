// signaltrace/worker: analyze a File or Blob in a module worker.
import type { Options, Report } from './index.js';

export type { Options, Report } from './index.js';

/** Progress of `analyzeFile`: after each slice, and once more when the report is built. */
export interface Progress {
    /** Bytes read so far. */
    bytes: number;
    /** The size of all files: `bytes / total` is the share done. */
    total: number;
    /** Complete lines seen so far. */
    lines: number;
    /**
     * The workers' WebAssembly memory in bytes, summed over the workers
     * sharing the file (it never shrinks: its peak so far).
     */
    memory: number;
    /**
     * How many workers read the files: 1, or with `workers > 1` for a file
     * split across them, this worker and its helpers. Back to 1 when the
     * file's first slice brings thousands of entities, more than one per
     * four lines (a million client IPs with a request each): merging the
     * slices' analyses would then cost more than reading them, so this
     * worker reads on alone (after merging the slices helpers took).
     */
    workers: number;
    /** `true` on the last call, made when the report is built (the promise resolves next). */
    finished: boolean;
    /**
     * Which reading of the files this is, from 1; `bytes` starts again from
     * 0 on each. The files are read again for `logs: 'anomalous'` (first
     * the analysis, then only the anomalous entities' rows, so memory is
     * bounded by those rows) and when some entity's events were more than a
     * minute out of time order (event times are kept bounded; its times are
     * then read again whole).
     */
    pass: number;
}

/** What `analyzeFile` reads: a `File` or `Blob` (typed structurally, so no `dom` lib is needed). */
export interface BlobLike {
    readonly size: number;
    /** A `File`'s name names its input (unless `options.filename` is given, for the first). */
    readonly name?: string;
    slice(start?: number, end?: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** An `AbortSignal` (typed structurally). */
export interface AbortSignalLike {
    readonly aborted: boolean;
    readonly reason?: any;
    addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
    removeEventListener(type: "abort", listener: () => void): void;
}

export interface AnalyzeFileControls {
    /** Called after each slice is analyzed. */
    onProgress?: (progress: Progress) => void;
    /** Aborting stops the worker and rejects with `signal.reason`. */
    signal?: AbortSignalLike;
    /**
     * Progress is reported after every this many bytes read; 16 MiB by
     * default. The file is read as a stream (`Blob.stream()`, ahead of the
     * analysis, in the browser's small pieces, which are still in the cache
     * when analyzed).
     */
    chunkSize?: number;
    /**
     * The .wasm the worker loads: a URL (next to the package by default), or
     * its bytes or a compiled `WebAssembly.Module`, handed to the worker as they
     * are. (Typed structurally, like `WasmSource`: no `dom` lib needed.)
     */
    wasm?: string | { readonly href: string } | ArrayBuffer | ArrayBufferView | object;
    /**
     * Starts the worker yourself, when `worker-thread.js` is not beside this
     * module: e.g. a bundle of it with its imports served elsewhere or from a
     * `blob:` URL, as a module or a classic worker (what the browser app
     * does). By default `new Worker(new URL('./worker-thread.js',
     * import.meta.url), { type: 'module' })`.
     */
    worker?: () => WorkerLike;
    /**
     * How many workers may share one big file; 1 by default. With more, a
     * single plain JSONL file of at least `2 × minSlice` bytes is cut at line
     * starts into up to this many slices, each read by a worker of its own
     * (started like the first, by `worker`), and their analyses are merged
     * in file order: the same report, sooner on several cores. Several
     * files, compressed files and CSV are read by one worker. In a browser,
     * `navigator.hardwareConcurrency` (capped: the app takes at most 4) is
     * the usual choice.
     */
    workers?: number;
    /** The smallest slice a file is cut into with `workers > 1`: 16 MiB by default. */
    minSlice?: number;
}

/** A `Worker` (typed structurally, so no `dom` lib is needed). */
export interface WorkerLike {
    postMessage(message: any): void;
    terminate(): void;
    onmessage: ((event: any) => any) | null;
    onerror: ((event: any) => any) | null;
}

/**
 * Analyzes `file` in a module worker, reading it in slices; resolves with
 * the report `analyze(bytes, options)` gives. Several files are the inputs
 * of one analysis, in order (rotated parts: `Report.inputs` lists them).
 * Rejects with the detector's error (an `Error` with the CLI's message), or
 * with `signal.reason` when cancelled.
 */
export function analyzeFile(
    file: BlobLike | readonly BlobLike[],
    options?: Options,
    controls?: AnalyzeFileControls,
): Promise<Report>;
