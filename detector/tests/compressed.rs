//! Compressed input: a gzip or zstd file gives the report of the plain file,
//! in any chunking and on any number of threads; a broken or oversized
//! archive is one clear error naming the file, never a flood of rejections.

use std::io::Write;
use std::path::Path;

use detector::{Analyzer, Compression, Config, Error};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../data")
            .join(name),
    )
    .unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

/// The report's JSON for `input` pushed in `chunk`-byte pieces, without
/// `inputs` (its bytes and compression are the container's).
fn report(input: &[u8], chunk: usize, threads: usize, config: &Config) -> Result<String, Error> {
    let mut a = Analyzer::new(config.clone())?
        .with_filename("access.log")
        .with_threads(threads);
    for piece in input.chunks(chunk) {
        a.push_owned(piece.to_vec())?;
    }
    let mut r = a.finish()?;
    let expected = match input.first() {
        Some(0x1f) => Compression::Gzip,
        Some(0x28) => Compression::Zstd,
        _ => Compression::None,
    };
    assert_eq!(r.inputs.len(), 1);
    assert_eq!(r.inputs[0].compression, expected);
    assert_eq!(r.inputs[0].bytes, input.len() as u64);
    assert_eq!(r.inputs[0].lines, r.lines.total);
    r.inputs.clear();
    Ok(detector::export::json(&r, false))
}

#[test]
fn gzip_and_zstd_files_give_the_plain_files_report() {
    let config = Config::default();
    for name in ["anomalous_credential_stuffing.jsonl", "insider_sample.csv"] {
        let plain = sample(name);
        let expected = report(&plain, 1 << 20, 1, &config).unwrap();
        for packed in [gzip(&plain), zstd(&plain)] {
            for (chunk, threads) in [(1 << 20, 1), (4093, 1), (777, 2), (1 << 20, 2)] {
                assert_eq!(
                    report(&packed, chunk, threads, &config).unwrap(),
                    expected,
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn concatenated_gzip_members_read_as_one_file() {
    let plain = sample("anomalous_scanning.jsonl");
    let cut = plain.len() / 3;
    let cut = cut + plain[cut..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut packed = gzip(&plain[..cut]);
    packed.extend(gzip(&plain[cut..]));
    let config = Config::default();
    assert_eq!(
        report(&packed, 65_536, 2, &config).unwrap(),
        report(&plain, 1 << 20, 1, &config).unwrap()
    );
}

#[test]
fn a_truncated_archive_is_one_error_naming_the_file() {
    let plain = sample("baseline_small.jsonl");
    for packed in [gzip(&plain), zstd(&plain)] {
        let cut = &packed[..packed.len() * 2 / 3];
        let err = report(cut, 4096, 1, &Config::default()).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Compressed { .. }), "{text}");
        assert!(
            text.starts_with("access.log: corrupt or truncated "),
            "{text}"
        );
    }
}

#[test]
fn a_decompression_bomb_stops_at_the_configured_limit() {
    let mut line = br#"{"time":"2026-02-14T10:02:15Z","clientip":"10.0.0.1","url":"https://a.example/","action":"ALLOW","responsesize":1}"#.to_vec();
    line.push(b'\n');
    let plain: Vec<u8> = line
        .iter()
        .copied()
        .cycle()
        .take(line.len() * 40_000)
        .collect();
    let mut config = Config::default();
    config.input.max_decompressed_bytes = 1 << 20;
    for packed in [gzip(&plain), zstd(&plain)] {
        let err = report(&packed, 1 << 16, 1, &config).unwrap_err();
        assert!(
            err.to_string()
                .contains("decompresses to more than 1048576 bytes"),
            "{err}"
        );
    }
    config.input.max_decompressed_bytes = plain.len() as u64;
    assert!(report(&gzip(&plain), 1 << 16, 1, &config).is_ok());
}

#[test]
fn the_decompression_limit_is_validated() {
    let mut config = Config::default();
    config.input.max_decompressed_bytes = 1000;
    let err = Analyzer::new(config).err().unwrap().to_string();
    assert!(err.contains("input.max_decompressed_bytes"), "{err}");
}
