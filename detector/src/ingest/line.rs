//! The prelude every line goes through before a parser sees it, wherever
//! it was framed (the analyzer's carry buffer, a worker's block, the line
//! that decides the format): the line ending's `\r` and, on line 1, a UTF-8
//! byte-order mark are removed; then the line is too long, blank, or content.

use super::event::{RejectKind, Rejection};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A framed line after the prelude.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// Longer than `input.max_line_bytes` (after `\r` and BOM removal).
    TooLong,
    /// Only ASCII whitespace.
    Blank,
    /// Something to parse (not necessarily UTF-8).
    Content(&'a [u8]),
}

/// Classifies line `line_no` (1-based), given without its `\n`.
#[inline]
pub(crate) fn classify(line_no: u64, raw: &[u8], max_line_bytes: usize) -> Line<'_> {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let raw = if line_no == 1 {
        raw.strip_prefix(BOM).unwrap_or(raw)
    } else {
        raw
    };
    if raw.len() > max_line_bytes {
        Line::TooLong
    } else if raw.trim_ascii().is_empty() {
        Line::Blank
    } else {
        Line::Content(raw)
    }
}

/// The content as text, or the `not_utf8` rejection. `simdutf8` checks a
/// proxy line in about half the instructions `std::str::from_utf8` takes
/// (AVX2, 64 bytes a step) and accepts exactly the same bytes.
#[inline]
pub(crate) fn text(content: &[u8]) -> Result<&str, Rejection> {
    simdutf8::basic::from_utf8(content)
        .map_err(|_| Rejection::new(RejectKind::NotUtf8, "line is not valid UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prelude_strips_cr_and_a_first_line_bom() {
        assert_eq!(
            classify(1, b"\xEF\xBB\xBF{}\r", 64),
            Line::Content(b"{}".as_slice())
        );
        assert_eq!(
            classify(2, b"\xEF\xBB\xBF{}", 64),
            Line::Content(b"\xEF\xBB\xBF{}".as_slice())
        );
        assert_eq!(classify(3, b" \t\r", 64), Line::Blank);
        assert_eq!(
            classify(4, b"12345\r", 5),
            Line::Content(b"12345".as_slice())
        );
        assert_eq!(classify(4, b"123456", 5), Line::TooLong);
        assert_eq!(text(b"\xff").unwrap_err().kind, RejectKind::NotUtf8);
    }

    proptest::proptest! {
        /// Accepted exactly when `std::str::from_utf8` accepts, from ASCII
        /// lines of every length to broken, overlong and surrogate sequences.
        #[test]
        fn text_is_std_utf8(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    6 => 0x20u8..0x7f,
                    1 => 0x80u8..=0xff,
                    1 => proptest::sample::select(vec![0xc0, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5]),
                ],
                0..200,
            ),
            text_too in "[ -~é€😀]{0,100}",
        ) {
            proptest::prop_assert_eq!(text(&bytes).ok(), std::str::from_utf8(&bytes).ok());
            let valid = text_too.as_bytes();
            proptest::prop_assert_eq!(text(valid).ok(), Some(text_too.as_str()));
        }
    }
}
