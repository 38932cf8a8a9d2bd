//! Compressed input: the fuzzed bytes follow a gzip or zstd magic number
//! (the first byte chooses), so the decoders see arbitrary, mostly broken
//! streams. Nothing may panic; a result must be the same whether the bytes
//! arrive in one push or in small ones; a report keeps its invariants.
#![no_main]

use detector::{Analyzer, Config, LogsMode};
use libfuzzer_sys::fuzz_target;

/// A gzip member header (deflate, no flags) and a zstd frame magic.
const GZIP: &[u8] = &[0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff];
const ZSTD: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let mut input = if choice & 1 == 0 { GZIP.to_vec() } else { ZSTD.to_vec() };
    input.extend_from_slice(rest);
    let mut config = Config::default();
    config.logs = LogsMode::None;
    // A small cap, so the bomb check is reached too.
    config.input.max_decompressed_bytes = 1 << 20;
    let whole = detector::analyze(&input, &config);

    let step = usize::from(choice >> 1) % 61 + 1;
    let mut a = Analyzer::new(config).unwrap();
    let pushed = input.chunks(step).try_for_each(|c| a.push(c));
    let chunked = pushed.and_then(|()| a.finish());
    match (&whole, &chunked) {
        (Ok(w), Ok(c)) => assert!(w == c, "chunked report differs"),
        (Err(w), Err(c)) => assert_eq!(w.to_string(), c.to_string()),
        _ => panic!(
            "one push gave {:?}, chunked gave {:?}",
            whole.as_ref().err(),
            chunked.as_ref().err()
        ),
    }
});
