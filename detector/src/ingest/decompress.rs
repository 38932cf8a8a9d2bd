//! Compressed input, recognised by its first bytes and decoded as it is
//! pushed: gzip (RFC 1952, any number of members, as `cat a.gz b.gz` makes)
//! and Zstandard (RFC 8878, any number of frames, skippable frames skipped).
//!
//! [`Decoder`] sits in front of line framing. It hands decompressed bytes to
//! a sink in pieces of at most a few hundred KiB, so memory stays bounded
//! whatever the compression ratio, and it stops with an error once a file
//! decompresses past `limit` bytes — a decompression bomb costs a bounded
//! amount of work, not the machine. Plain input passes through untouched
//! (no copy). Both decoders are pure Rust and build for wasm32.

use std::fmt;
use std::io::Write as _;

use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};
use serde::{Deserialize, Serialize};

/// The container a file arrived in (the report's `inputs[].compression`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// The name used in reports and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }

    /// Recognises a container from a file's first bytes. `None` while too
    /// few bytes are known to tell (fewer than four that could still be a
    /// magic number).
    fn sniff(head: &[u8]) -> Option<Compression> {
        const GZIP: [u8; 2] = [0x1f, 0x8b];
        const ZSTD: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
        let n = head.len().min(4);
        if head.len() >= 2 && head[..2] == GZIP {
            return Some(Compression::Gzip);
        }
        if head[..n] == ZSTD[..n] || (head.len() == 1 && head[0] == GZIP[0]) {
            return (head.len() >= 4).then_some(Compression::Zstd);
        }
        Some(Compression::None)
    }
}

/// Why a compressed file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The data is not valid for its container, or ends early.
    Corrupt { format: Compression, reason: String },
    /// The file decompressed past the configured limit.
    TooLarge { format: Compression, limit: u64 },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Corrupt { format, reason } => {
                write!(f, "corrupt or truncated {} data: {reason}", format.as_str())
            }
            DecodeError::TooLarge { format, limit } => write!(
                f,
                "{} data decompresses to more than {limit} bytes (input.max_decompressed_bytes); \
                 refusing a possible decompression bomb",
                format.as_str()
            ),
        }
    }
}

/// Largest piece handed to the sink at once (gzip's are smaller).
const PIECE: usize = 256 * 1024;

/// Decodes one file's bytes as they are pushed. See the module docs.
pub struct Decoder {
    state: State,
    limit: u64,
    produced: u64,
}

enum State {
    /// Fewer than four bytes seen: the container is not known yet.
    Sniffing(Vec<u8>),
    Plain,
    Gzip(Box<flate2::write::MultiGzDecoder<Vec<u8>>>),
    Zstd(Box<Zstd>),
}

impl Decoder {
    /// A decoder that fails once more than `limit` decompressed bytes come
    /// out of a compressed file (plain input is not limited).
    pub fn new(limit: u64) -> Self {
        Decoder {
            state: State::Sniffing(Vec::new()),
            limit,
            produced: 0,
        }
    }

    /// The container, once known.
    pub fn compression(&self) -> Option<Compression> {
        match &self.state {
            State::Sniffing(_) => None,
            State::Plain => Some(Compression::None),
            State::Gzip(_) => Some(Compression::Gzip),
            State::Zstd(_) => Some(Compression::Zstd),
        }
    }

    /// Settles the container from `data`, the file's first bytes, when
    /// nothing was held back yet and they are enough to tell; the caller
    /// can then hand plain input on without a copy.
    pub fn decide(&mut self, data: &[u8]) {
        if let State::Sniffing(head) = &self.state {
            if head.is_empty() {
                if let Some(kind) = Compression::sniff(data) {
                    self.state = State::start(kind);
                }
            }
        }
    }

    /// Feeds the next bytes of the file; decoded bytes go to `sink`.
    pub fn push(&mut self, input: &[u8], sink: &mut dyn FnMut(&[u8])) -> Result<(), DecodeError> {
        if let State::Sniffing(head) = &mut self.state {
            let kind = if head.is_empty() {
                // The common case: the first push decides on its own bytes.
                Compression::sniff(input)
            } else {
                head.extend_from_slice(input);
                Compression::sniff(head)
            };
            let Some(kind) = kind else {
                if head.is_empty() {
                    head.extend_from_slice(input);
                }
                return Ok(());
            };
            let head = std::mem::take(head);
            self.state = State::start(kind);
            let input = if head.is_empty() { input } else { &head[..] };
            return self.push(input, sink);
        }
        let format = self.compression().unwrap_or(Compression::None);
        let mut out = Out {
            sink,
            produced: &mut self.produced,
            limit: self.limit,
            format,
        };
        match &mut self.state {
            State::Sniffing(_) => unreachable!("handled above"),
            State::Plain => {
                (out.sink)(input);
                Ok(())
            }
            State::Gzip(gz) => gzip_push(gz, input, &mut out),
            State::Zstd(z) => z.push(input, &mut out),
        }
    }

    /// Ends the file: fails if a compressed stream stopped mid-way.
    pub fn finish(&mut self, sink: &mut dyn FnMut(&[u8])) -> Result<(), DecodeError> {
        if let State::Sniffing(head) = &mut self.state {
            let head = std::mem::take(head);
            self.state = State::start(Compression::sniff(&head).unwrap_or(Compression::None));
            if !head.is_empty() {
                self.push(&head, sink)?;
            }
        }
        let format = self.compression().unwrap_or(Compression::None);
        let mut out = Out {
            sink,
            produced: &mut self.produced,
            limit: self.limit,
            format,
        };
        match &mut self.state {
            State::Gzip(gz) => {
                let finished = gz.try_finish().map_err(|e| corrupt(format, &e));
                let rest = std::mem::take(gz.get_mut());
                out.emit(&rest)?;
                finished
            }
            State::Zstd(z) => z.finish(&mut out),
            _ => Ok(()),
        }
    }
}

/// Where decoded bytes go, counted against the limit.
struct Out<'a> {
    sink: &'a mut dyn FnMut(&[u8]),
    produced: &'a mut u64,
    limit: u64,
    format: Compression,
}

impl Out<'_> {
    fn emit(&mut self, piece: &[u8]) -> Result<(), DecodeError> {
        if piece.is_empty() {
            return Ok(());
        }
        *self.produced += piece.len() as u64;
        if *self.produced > self.limit {
            return Err(DecodeError::TooLarge {
                format: self.format,
                limit: self.limit,
            });
        }
        (self.sink)(piece);
        Ok(())
    }
}

/// flate2's writer decodes at most its 32 KiB buffer per `write` call, so
/// looping over `write` (not `write_all`) keeps each piece small.
fn gzip_push(
    gz: &mut flate2::write::MultiGzDecoder<Vec<u8>>,
    mut input: &[u8],
    out: &mut Out<'_>,
) -> Result<(), DecodeError> {
    while !input.is_empty() {
        let n = gz.write(input).map_err(|e| corrupt(out.format, &e))?;
        let piece = std::mem::take(gz.get_mut());
        out.emit(&piece)?;
        *gz.get_mut() = reuse(piece);
        if n == 0 {
            return Err(corrupt(out.format, &"the decoder made no progress"));
        }
        input = &input[n..];
    }
    Ok(())
}

/// An emptied buffer, keeping its allocation.
fn reuse(mut v: Vec<u8>) -> Vec<u8> {
    v.clear();
    v
}

fn corrupt(format: Compression, reason: &dyn fmt::Display) -> DecodeError {
    DecodeError::Corrupt {
        format,
        reason: reason.to_string(),
    }
}

impl State {
    fn start(kind: Compression) -> State {
        match kind {
            Compression::None => State::Plain,
            Compression::Gzip => State::Gzip(Box::new(flate2::write::MultiGzDecoder::new(
                Vec::with_capacity(64 * 1024),
            ))),
            Compression::Zstd => State::Zstd(Box::default()),
        }
    }
}
/// Zstandard, pushed: compressed bytes wait in `pending` until a whole frame
/// header or block is there, then ruzstd decodes exactly that one block, so
/// each step's output is at most one block (128 KiB) plus what the window
/// holds back.
#[derive(Default)]
struct Zstd {
    decoder: FrameDecoder,
    pending: Vec<u8>,
    /// Consumed prefix of `pending`.
    at: usize,
    stage: ZstdStage,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum ZstdStage {
    /// Between frames: a frame (or a skippable frame) starts here.
    #[default]
    FrameStart,
    /// Inside a frame's blocks.
    Blocks { checksum: bool },
    /// Inside a skippable frame: bytes left to skip.
    Skip(u64),
}

const ZSTD_MAGIC: u32 = 0xFD2F_B528;

impl Zstd {
    fn push(&mut self, input: &[u8], out: &mut Out<'_>) -> Result<(), DecodeError> {
        self.pending.extend_from_slice(input);
        while self.step(out)? {}
        // Keep only the unconsumed tail.
        self.pending.drain(..self.at);
        self.at = 0;
        Ok(())
    }

    fn finish(&mut self, out: &mut Out<'_>) -> Result<(), DecodeError> {
        while self.step(out)? {}
        if self.stage != ZstdStage::FrameStart || self.at < self.pending.len() {
            return Err(corrupt(out.format, &"the data ends inside a frame"));
        }
        Ok(())
    }

    /// Does one unit of work if its bytes are all there; false when it
    /// needs more input.
    fn step(&mut self, out: &mut Out<'_>) -> Result<bool, DecodeError> {
        let buf = &self.pending[self.at..];
        match self.stage {
            ZstdStage::Skip(left) => {
                let n = (buf.len() as u64).min(left) as usize;
                self.at += n;
                self.stage = if left == n as u64 {
                    ZstdStage::FrameStart
                } else {
                    ZstdStage::Skip(left - n as u64)
                };
                // Leaving an empty skippable frame is progress too: with
                // `n > 0` alone, two empty ones in a row stopped `finish`
                // early ("ends inside a frame") where pushes in pieces went
                // on (fuzz target `compressed`).
                Ok(n > 0 || left == 0)
            }
            ZstdStage::FrameStart => {
                let Some(magic) = buf.get(..4) else {
                    return Ok(false);
                };
                let magic = u32::from_le_bytes(magic.try_into().expect("4 bytes"));
                if magic & 0xFFFF_FFF0 == 0x184D_2A50 {
                    let Some(size) = buf.get(4..8) else {
                        return Ok(false);
                    };
                    let size = u32::from_le_bytes(size.try_into().expect("4 bytes"));
                    self.at += 8;
                    self.stage = ZstdStage::Skip(u64::from(size));
                    return Ok(true);
                }
                if magic != ZSTD_MAGIC {
                    return Err(corrupt(out.format, &"unexpected bytes after a frame"));
                }
                let Some(&descriptor) = buf.get(4) else {
                    return Ok(false);
                };
                let single_segment = descriptor & 0x20 != 0;
                let fcs = match descriptor >> 6 {
                    0 => usize::from(single_segment),
                    1 => 2,
                    2 => 4,
                    _ => 8,
                };
                let dict = [0, 1, 2, 4][usize::from(descriptor & 3)];
                let header = 5 + usize::from(!single_segment) + dict + fcs;
                if buf.len() < header {
                    return Ok(false);
                }
                let mut src = &buf[..header];
                self.decoder
                    .reset(&mut src)
                    .map_err(|e| corrupt(out.format, &e))?;
                self.at += header - src.len();
                self.stage = ZstdStage::Blocks {
                    checksum: descriptor & 0x04 != 0,
                };
                Ok(true)
            }
            ZstdStage::Blocks { checksum } => {
                let Some(h) = buf.get(..3) else {
                    return Ok(false);
                };
                let h = u32::from(h[0]) | u32::from(h[1]) << 8 | u32::from(h[2]) << 16;
                let last = h & 1 != 0;
                let size = (h >> 3) as usize;
                let content = match (h >> 1) & 3 {
                    0 | 2 => size,
                    1 => 1,
                    _ => return Err(corrupt(out.format, &"reserved block type")),
                };
                let need = 3 + content + if last && checksum { 4 } else { 0 };
                if buf.len() < need {
                    return Ok(false);
                }
                let mut src = &buf[..need];
                self.decoder
                    .decode_blocks(&mut src, BlockDecodingStrategy::UptoBlocks(1))
                    .map_err(|e| corrupt(out.format, &e))?;
                self.at += need - src.len();
                self.drain(out)?;
                if last {
                    if checksum
                        && self.decoder.get_checksum_from_data()
                            != self.decoder.get_calculated_checksum()
                    {
                        return Err(corrupt(out.format, &"checksum mismatch"));
                    }
                    self.stage = ZstdStage::FrameStart;
                }
                Ok(true)
            }
        }
    }

    /// Hands over what the decoder can release (all of it once the frame
    /// is finished), in pieces.
    fn drain(&mut self, out: &mut Out<'_>) -> Result<(), DecodeError> {
        let mut piece = vec![0u8; PIECE];
        loop {
            let n = std::io::Read::read(&mut self.decoder, &mut piece)
                .map_err(|e| corrupt(out.format, &e))?;
            if n == 0 {
                return Ok(());
            }
            out.emit(&piece[..n])?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]], limit: u64) -> Result<Vec<u8>, DecodeError> {
        let mut d = Decoder::new(limit);
        let mut out = Vec::new();
        for c in chunks {
            d.push(c, &mut |p| out.extend_from_slice(p))?;
        }
        d.finish(&mut |p| out.extend_from_slice(p))?;
        Ok(out)
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn zstd(data: &[u8]) -> Vec<u8> {
        ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
    }

    fn sample() -> Vec<u8> {
        (0..20_000)
            .map(|i| format!("{{\"n\":{i},\"host\":\"h{}.example\"}}\n", i % 37))
            .collect::<String>()
            .into_bytes()
    }

    /// Every way of cutting `data` into three pushes.
    fn in_pieces(data: &[u8], step: usize) -> Vec<Vec<&[u8]>> {
        (0..data.len())
            .step_by(step)
            .map(|k| vec![&data[..k / 2], &data[k / 2..k], &data[k..]])
            .collect()
    }

    #[test]
    fn plain_input_passes_through_in_any_chunking() {
        let data = b"{\"a\":1}\n{\"b\":2}\n";
        for chunks in in_pieces(data, 1) {
            assert_eq!(decode(&chunks, 10).unwrap(), data);
        }
        assert_eq!(decode(&[b"\x1f"], 10).unwrap(), b"\x1f");
        assert_eq!(decode(&[b"(\xb5/"], 10).unwrap(), b"(\xb5/");
        assert_eq!(decode(&[], 10).unwrap(), b"");
    }

    #[test]
    fn gzip_members_decode_in_any_chunking() {
        let data = sample();
        let mut gz = gzip(&data[..100_000]);
        gz.extend(gzip(&data[100_000..]));
        for chunks in in_pieces(&gz, gz.len() / 37) {
            assert_eq!(decode(&chunks, u64::MAX).unwrap(), data);
        }
    }

    #[test]
    fn zstd_frames_decode_in_any_chunking() {
        let data = sample();
        let mut z = zstd(&data[..100_000]);
        // A skippable frame between two frames.
        z.extend([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
        z.extend(zstd(&data[100_000..]));
        for chunks in in_pieces(&z, z.len() / 41) {
            assert_eq!(decode(&chunks, u64::MAX).unwrap(), data);
        }
    }

    #[test]
    fn truncated_archives_are_errors() {
        let data = sample();
        for packed in [gzip(&data), zstd(&data)] {
            for cut in [5, packed.len() / 2, packed.len() - 1] {
                let err = decode(&[&packed[..cut]], u64::MAX).unwrap_err();
                assert!(matches!(err, DecodeError::Corrupt { .. }), "{err}");
            }
        }
    }

    #[test]
    fn corrupt_archives_are_errors() {
        let data = sample();
        for mut packed in [gzip(&data), zstd(&data)] {
            let mid = packed.len() / 2;
            for b in &mut packed[mid..mid + 64] {
                *b ^= 0x5a;
            }
            let err = decode(&[&packed], u64::MAX).unwrap_err();
            assert!(err.to_string().starts_with("corrupt or truncated"), "{err}");
        }
    }

    #[test]
    fn zstd_checksum_is_verified() {
        let mut packed = zstd(&sample());
        let last = packed.len() - 1;
        packed[last] ^= 1;
        let err = decode(&[&packed], u64::MAX).unwrap_err();
        assert!(err.to_string().ends_with("checksum mismatch"), "{err}");
    }

    #[test]
    fn output_past_the_limit_stops_a_bomb() {
        let zeros = vec![b'0'; 5_000_000];
        for packed in [gzip(&zeros), zstd(&zeros)] {
            assert!(packed.len() < 50_000);
            let err = decode(&[&packed], 1_000_000).unwrap_err();
            assert!(matches!(
                err,
                DecodeError::TooLarge {
                    limit: 1_000_000,
                    ..
                }
            ));
            assert!(decode(&[&packed], 5_000_000).is_ok());
        }
    }
}
