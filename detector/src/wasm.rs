//! JavaScript bindings (feature `wasm`), published as the npm package
//! `signaltrace`. A thin shell over the crate's API, like the CLI:
//!
//! - **options in**: the [`Config`] JSON shape (any part of it; unknown fields
//!   are an error) plus an optional `filename`. They go through
//!   `JSON.stringify` and serde_json, so JavaScript gets exactly the config
//!   semantics of `signaltrace analyze --config FILE.json`.
//! - **reports out**: plain objects built with serde-wasm-bindgen's
//!   JSON-compatible serializer (`None` → `null`, maps → objects), so
//!   `JSON.stringify(report)` equals the CLI's report JSON after canonical
//!   serialization.
//! - **errors**: every [`Error`] is thrown as a JS `Error` whose message is the
//!   line the CLI prints after `signaltrace: `.
//!
//! The TypeScript declarations of `Report`, `Config` and everything they
//! contain are generated from the Rust types by `tsify`; `Options` below is
//! defined in terms of the generated `Config`.

use js_sys::Uint8Array;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::generate::{self, DEFAULT_SEED, SAMPLE_FILES};
use crate::{Config, Error, Report};

#[wasm_bindgen(typescript_custom_section)]
const OPTIONS_TS: &'static str = r#"
/**
 * Options of `analyze` and `new Analyzer`: any part of a `Config` (missing
 * fields take their defaults, unknown fields are an error), plus the file
 * name echoed in `Report.filename`.
 */
export type Options = Config & {
    filename?: string | null;
    /**
     * Replace entity values, users, client IPs and source hosts by keyed
     * hashes (HMAC) throughout the report; at least 8 characters. Never echoed
     * in `Report.config`, hence absent from the generated `Config` type.
     */
    pseudonymize?: string | null;
};
"#;

/// What the JavaScript options object resolves to.
struct Options {
    config: Config,
    filename: Option<String>,
}

impl Options {
    /// Reads `undefined`/`null` (all defaults) or an options object.
    fn from_js(value: &JsValue) -> Result<Options, Error> {
        if value.is_undefined() || value.is_null() {
            return Ok(Options {
                config: Config::default(),
                filename: None,
            });
        }
        if !value.is_object() || js_sys::Array::is_array(value) {
            return Err(invalid("options must be an object"));
        }
        // A shallow copy without `filename` is the config document. Parsed
        // from its JSON text, not through `serde_json::Value`: one Config
        // deserializer in the .wasm instead of two.
        let copy = js_sys::Object::assign(&js_sys::Object::new(), value.unchecked_ref());
        let key = JsValue::from_str("filename");
        let name = js_sys::Reflect::get(&copy, &key).unwrap_or(JsValue::UNDEFINED);
        let filename = if name.is_undefined() || name.is_null() {
            None
        } else {
            Some(
                name.as_string()
                    .ok_or_else(|| invalid("`filename` must be a string"))?,
            )
        };
        let _ = js_sys::Reflect::delete_property(&copy, &key);
        // `forest.seed` may be a BigInt (JSON has none) or a Number that is
        // no u64 (NaN, 1.5, -1): read it here, with a message that says so.
        let seed = take_seed(&copy)?;
        let text = js_sys::JSON::stringify(&copy)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| invalid("options must be a JSON-serializable object"))?;
        // Validated (allowlist parsed once) by `Analyzer::new`.
        let config: Config = serde_json::from_str(&text).map_err(|e| {
            // A position in text the caller never wrote means nothing.
            let message = e.to_string();
            let at = format!(" at line {} column {}", e.line(), e.column());
            Error::InvalidConfig(message.strip_suffix(&at).unwrap_or(&message).to_owned())
        })?;
        let mut config = config;
        if let Some(seed) = seed {
            config.forest.seed = seed;
        }
        Ok(Options { config, filename })
    }

    fn analyzer(self) -> Result<crate::Analyzer, Error> {
        let analyzer = crate::Analyzer::new(self.config)?;
        Ok(match self.filename {
            Some(name) => analyzer.with_filename(name),
            None => analyzer,
        })
    }
}

/// Removes `forest.seed` from the options copy (replacing `forest` by a
/// copy of its own) and returns it: a whole Number or a BigInt from 0 to
/// 2^53 − 1. (The CLI takes all of u64, but the report echoes the seed, and
/// a JavaScript report holds Numbers: larger seeds could not be echoed.)
fn take_seed(options: &js_sys::Object) -> Result<Option<u64>, Error> {
    let forest_key = JsValue::from_str("forest");
    let forest = js_sys::Reflect::get(options, &forest_key).unwrap_or(JsValue::UNDEFINED);
    if !forest.is_object() || js_sys::Array::is_array(&forest) {
        return Ok(None);
    }
    let forest = js_sys::Object::assign(&js_sys::Object::new(), forest.unchecked_ref());
    let seed_key = JsValue::from_str("seed");
    let seed = js_sys::Reflect::get(&forest, &seed_key).unwrap_or(JsValue::UNDEFINED);
    if seed.is_undefined() {
        return Ok(None);
    }
    let bad = || {
        invalid("`forest.seed` must be a whole number (a Number or a BigInt) from 0 to 2^53 - 1")
    };
    let value = if seed.is_bigint() {
        let text: String = js_sys::BigInt::unchecked_from_js(seed)
            .to_string(10)
            .map_err(|_| bad())?
            .into();
        text.parse::<u64>()
            .ok()
            .filter(|&v| v <= MAX_SAFE_INTEGER)
            .ok_or_else(bad)?
    } else {
        let n = seed.as_f64().ok_or_else(bad)?;
        if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE_INTEGER as f64) {
            return Err(bad());
        }
        n as u64
    };
    let _ = js_sys::Reflect::delete_property(&forest, &seed_key);
    let _ = js_sys::Reflect::set(options, &forest_key, &forest);
    Ok(Some(value))
}

/// `Number.MAX_SAFE_INTEGER`: the largest integer a JavaScript Number holds
/// exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

fn invalid(why: &str) -> Error {
    Error::InvalidConfig(why.to_string())
}

/// A value as a plain JS object equal to its serde_json form.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(&format!("cannot convert the result to JavaScript: {e}")))
}

fn report_to_js(report: &Report) -> Result<JsValue, JsValue> {
    to_js(report)
}

/// Bytes copied from JavaScript into WebAssembly memory at a time. Large
/// inputs are pushed piece by piece through one buffer of this size, so
/// analyzing a 400 MB `Uint8Array` does not grow the (never shrinking)
/// WebAssembly memory by 400 MB. Small enough that what one piece adds
/// (a new entity per line at worst: a few hundred bytes for a line of a
/// hundred) fits in the [`headroom`] reserved before it.
const COPY_PIECE: u32 = 1 << 20;

/// Spare heap kept ahead of the allocator: at least this much…
const HEADROOM_MIN: usize = 4 << 20;
/// …and at least this fraction (1/n) of the memory already in use.
const HEADROOM_FRACTION: usize = 8;

/// Makes sure the allocator has spare heap before work that may allocate a
/// lot (a chunk that brings new entities, a slice to merge, a report).
///
/// The allocator (dlmalloc, Rust's on `wasm32-unknown-unknown`) grows the
/// WebAssembly memory 64 KiB at a time, and each `memory.grow` costs V8
/// about a third of a millisecond however small: the state of a million
/// entities (800 MB) took 12,000 of them, 4 s of a 10 s analysis in Node.
/// Allocating a block as large as a fraction of the memory and freeing it
/// at once makes the allocator grow the memory by that block in one step,
/// and the freed block joins the heap's free top for the allocations that
/// follow: the number of grows becomes logarithmic in the memory, as a
/// `Vec` doubles. When the heap already has the room, this costs one
/// allocation and one free. Fresh pages are not touched, so the host
/// commits them only when used.
fn headroom() {
    #[cfg(target_arch = "wasm32")]
    {
        let in_use = core::arch::wasm32::memory_size::<0>() * 65536;
        let mut spare = Vec::<u8>::new();
        // Near the 4 GiB limit the block may not fit: then nothing is
        // reserved, and the allocator grows the memory as it did.
        let _ = spare.try_reserve_exact((in_use / HEADROOM_FRACTION).max(HEADROOM_MIN));
    }
}

/// Pushes `input` into `analyzer`: a string (as UTF-8), an `ArrayBuffer` or
/// any `ArrayBuffer` view (`Uint8Array`, Node's `Buffer`, `DataView`, …).
fn push_js(
    analyzer: &mut crate::Analyzer,
    input: &JsValue,
    scratch: &mut Vec<u8>,
) -> Result<(), JsValue> {
    if let Some(text) = input.as_string() {
        headroom();
        return Ok(analyzer.push(text.as_bytes())?);
    }
    let (buffer, offset, length) = if input.is_instance_of::<js_sys::ArrayBuffer>() {
        let buffer: &js_sys::ArrayBuffer = input.unchecked_ref();
        (buffer.clone(), 0, buffer.byte_length())
    } else if js_sys::ArrayBuffer::is_view(input) {
        // Every view has these three getters; read them as a Uint8Array's.
        let view: &Uint8Array = input.unchecked_ref();
        (view.buffer(), view.byte_offset(), view.byte_length())
    } else {
        return Err(type_error(
            "input must be a string, a Uint8Array or an ArrayBuffer",
        ));
    };
    let mut at = 0;
    while at < length {
        let n = COPY_PIECE.min(length - at);
        let piece = Uint8Array::new_with_byte_offset_and_length(&buffer, offset + at, n);
        scratch.resize(n as usize, 0);
        piece.copy_to(scratch);
        headroom();
        analyzer.push(scratch)?;
        at += n;
    }
    Ok(())
}

/// A JS `Error` with `message`.
fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// Detector errors are thrown as JS `Error`s with the CLI's message.
impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        js_error(&e.to_string())
    }
}

/// Analyzes a whole log (JSONL or CSV) in one call and returns the report.
///
/// `input` is the log text or its bytes. Throws an `Error` when the input or
/// the options are unusable (the CLI's message, without `signaltrace: `).
#[wasm_bindgen(js_name = analyze, unchecked_return_type = "Report")]
pub fn analyze(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let mut analyzer = Options::from_js(&options.unwrap_or(JsValue::UNDEFINED))?.analyzer()?;
    push_js(&mut analyzer, &input, &mut Vec::new())?;
    headroom();
    report_to_js(&analyzer.finish()?)
}

/// Incremental analysis: `push` chunks split anywhere (a file read in pieces,
/// a stream), watch the progress getters, then `finish` for the report —
/// the same report `analyze` gives for the whole input.
#[wasm_bindgen(js_name = Analyzer)]
pub struct StreamingAnalyzer {
    /// `None` once finished.
    inner: Option<crate::Analyzer>,
    bytes_seen: u64,
    lines_seen: u64,
    entities_seen: u64,
    /// Reused copy buffer for chunks that arrive as bytes.
    scratch: Vec<u8>,
}

#[wasm_bindgen(js_class = Analyzer)]
impl StreamingAnalyzer {
    /// Validates the options; throws on a bad one.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
    ) -> Result<StreamingAnalyzer, JsValue> {
        let inner = Options::from_js(&options.unwrap_or(JsValue::UNDEFINED))?.analyzer()?;
        Ok(StreamingAnalyzer {
            inner: Some(inner),
            bytes_seen: 0,
            lines_seen: 0,
            entities_seen: 0,
            scratch: Vec::new(),
        })
    }

    /// Adds the next chunk (bytes, or text encoded as UTF-8). Throws when the
    /// input is unusable as a whole (a CSV header without the needed
    /// columns), or after `finish`.
    pub fn push(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] chunk: JsValue,
    ) -> Result<(), JsValue> {
        let inner = self.inner.as_mut().ok_or_else(finished)?;
        push_js(inner, &chunk, &mut self.scratch)?;
        self.recount();
        Ok(())
    }

    /// Ends the current input as `finish` ends the last one (its last line,
    /// a truncated archive) and starts the next, named `name`: several
    /// inputs (rotated parts of a log, in any order) make one analysis, each
    /// with its own line numbers, compression and format detection (a CSV
    /// part has its own header). Listed in `Report.inputs`; rejections and
    /// errors name the input. Throws like `push`.
    #[wasm_bindgen(js_name = nextInput)]
    pub fn next_input(&mut self, name: Option<String>) -> Result<(), JsValue> {
        let inner = self.inner.as_mut().ok_or_else(finished)?;
        inner.next_input(name.as_deref())?;
        self.recount();
        Ok(())
    }

    /// Keeps the progress counts, which stay readable after `finish`.
    fn recount(&mut self) {
        if let Some(inner) = &self.inner {
            self.bytes_seen = inner.bytes_seen();
            self.lines_seen = inner.lines_seen();
            self.entities_seen = inner.entities_seen();
        }
    }

    /// Bytes pushed so far, over all inputs.
    #[wasm_bindgen(getter, js_name = bytesSeen)]
    pub fn bytes_seen(&self) -> f64 {
        self.bytes_seen as f64
    }

    /// Complete lines seen so far (a line still open at the end of the last
    /// chunk is not counted yet).
    #[wasm_bindgen(getter, js_name = linesSeen)]
    pub fn lines_seen(&self) -> f64 {
        self.lines_seen as f64
    }

    /// Distinct entities (client IPs or users) in the lines seen so far.
    #[wasm_bindgen(getter, js_name = entitiesSeen)]
    pub fn entities_seen(&self) -> f64 {
        self.entities_seen as f64
    }

    /// Keeps event times bounded (docs/DESIGN.md "Memory"), so memory grows
    /// with entities, not events: each entity keeps the times of its first
    /// and last two minutes and its best window, exact for events in time
    /// order or up to a minute late. For an input that can be read again:
    /// `finishBounded` then names the entities to read again whole (`exact`
    /// on a second analyzer of the same input). Call before any `push`.
    #[wasm_bindgen(js_name = boundTimes)]
    pub fn bound_times(&mut self, exact: Option<Vec<String>>) -> Result<(), JsValue> {
        let inner = self.inner.take().ok_or_else(finished)?;
        if inner.bytes_seen() > 0 {
            self.inner = Some(inner);
            return Err(js_error("boundTimes must be called before the first push"));
        }
        self.inner = Some(inner.with_bounded_times(exact.unwrap_or_default()));
        Ok(())
    }

    /// With rows kept (`logs` other than `none`): only these entities' rows
    /// (their keys as read, not pseudonymized). For a second pass over an
    /// input once its anomalous entities are known, so `logs: 'anomalous'`
    /// holds only their rows. Call before any `push`.
    #[wasm_bindgen(js_name = rowsFor)]
    pub fn rows_for(&mut self, entities: Vec<String>) -> Result<(), JsValue> {
        let inner = self.inner.take().ok_or_else(finished)?;
        if inner.bytes_seen() > 0 {
            self.inner = Some(inner);
            return Err(js_error("rowsFor must be called before the first push"));
        }
        self.inner = Some(inner.with_rows_for(entities));
        Ok(())
    }

    /// Makes this analyzer read a later slice of a file split across
    /// analyzers (workers): `head` is the file's first `splitHead(head)`
    /// bytes (through the line that decides its format), the chunks pushed
    /// next are the slice, from a line start to a line start or the file's
    /// end. `finishSlice` then gives what the slice adds, for `mergeSlice`
    /// on the analyzer of the bytes before it. Call after `boundTimes` and
    /// `rowsFor` (the merging analyzer needs the same), before any `push`.
    #[wasm_bindgen(js_name = sliceOf)]
    pub fn slice_of(&mut self, head: &[u8]) -> Result<(), JsValue> {
        let inner = self.inner.take().ok_or_else(finished)?;
        if inner.bytes_seen() > 0 {
            self.inner = Some(inner);
            return Err(js_error("sliceOf must be called before the first push"));
        }
        // A failed call leaves nothing to analyze with: the analyzer ends.
        self.inner = Some(inner.slice_of(head)?);
        Ok(())
    }

    /// Ends a slice (`sliceOf`): what its lines add up to, as bytes for
    /// `mergeSlice` (sized by its entities and kept rows, not its lines).
    #[wasm_bindgen(js_name = finishSlice)]
    pub fn finish_slice(&mut self) -> Result<Vec<u8>, JsValue> {
        let inner = self.inner.take().ok_or_else(finished)?;
        self.scratch = Vec::new();
        headroom();
        Ok(inner.finish_slice()?)
    }

    /// Adds a later slice's `finishSlice` bytes: the lines that follow
    /// everything this analyzer has read (the file's first slice, then the
    /// slices merged before, in file order).
    #[wasm_bindgen(js_name = mergeSlice)]
    pub fn merge_slice(&mut self, slice: &[u8]) -> Result<(), JsValue> {
        let inner = self.inner.as_mut().ok_or_else(finished)?;
        headroom();
        inner.merge_slice(slice)?;
        self.recount();
        Ok(())
    }

    /// Like `finish`, after `boundTimes`: `{report}`, or `{readAgain}` with
    /// the entities whose events were too far out of time order to keep
    /// their peak exact (analyze the input again, `boundTimes(readAgain)`).
    #[wasm_bindgen(js_name = finishBounded, unchecked_return_type = "{ report: Report } | { readAgain: string[] }")]
    pub fn finish_bounded(&mut self) -> Result<JsValue, JsValue> {
        let inner = self.inner.take().ok_or_else(finished)?;
        self.scratch = Vec::new();
        headroom();
        let out = js_sys::Object::new();
        match inner.finish_bounded()? {
            crate::Finished::Report(report) => {
                js_sys::Reflect::set(&out, &"report".into(), &report_to_js(&report)?)?;
            }
            crate::Finished::ReadAgain(entities) => {
                let list: js_sys::Array = entities.iter().map(|e| JsValue::from_str(e)).collect();
                js_sys::Reflect::set(&out, &"readAgain".into(), &list)?;
            }
        }
        Ok(out.into())
    }

    /// Ends the input and returns the report. Throws on unusable input; the
    /// analyzer cannot be used afterwards.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let inner = self.inner.take().ok_or_else(finished)?;
        // The analyzer is gone; the copy buffer for pushes goes too, so a
        // finished analyzer holds nothing until `free()` or collection.
        self.scratch = Vec::new();
        headroom();
        report_to_js(&inner.finish()?)
    }
}

fn finished() -> JsValue {
    js_error("this Analyzer has already finished")
}

/// Whether a file that starts with `head` can be analyzed in slices
/// (`Analyzer.sliceOf`): the number of bytes through the line that decides
/// its format (it can be split at any line start from there), or
/// `undefined` when one analyzer must read it whole (compressed, CSV, or no
/// complete deciding line in `head`). Throws on bad options.
#[wasm_bindgen(js_name = splitHead)]
pub fn split_head(
    head: &[u8],
    #[wasm_bindgen(unchecked_optional_param_type = "Options")] options: Option<JsValue>,
) -> Result<Option<u32>, JsValue> {
    let config = Options::from_js(&options.unwrap_or(JsValue::UNDEFINED))?.config;
    Ok(crate::split_head(config, head).and_then(|n| u32::try_from(n).ok()))
}

/// Every option with its default value.
#[wasm_bindgen(js_name = defaultConfig, unchecked_return_type = "Config")]
pub fn default_config() -> Result<JsValue, JsValue> {
    to_js(&Config::default())
}

/// The detector's version (the Rust crate's, which is also the package's).
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// Names of the sample files `generate` makes.
#[wasm_bindgen(js_name = sampleFiles)]
pub fn sample_files() -> Vec<String> {
    SAMPLE_FILES.iter().map(|s| s.to_string()).collect()
}

/// The bytes of a sample file — the same bytes `signaltrace generate
/// --seed SEED` writes (seed 42 unless given). Throws for an unknown name or
/// a seed that is not a non-negative safe integer.
#[wasm_bindgen]
pub fn generate(name: &str, seed: Option<f64>) -> Result<Vec<u8>, JsValue> {
    let seed = match seed {
        None => DEFAULT_SEED,
        Some(s) if s.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&s) => s as u64,
        Some(s) => {
            return Err(js_error(&format!(
                "seed must be an integer from 0 to 2^53 - 1, not {s}"
            )))
        }
    };
    generate::sample(name, seed).ok_or_else(|| {
        js_error(&format!(
            "unknown sample file `{name}`: expected one of {}",
            SAMPLE_FILES.join(", ")
        ))
    })
}
