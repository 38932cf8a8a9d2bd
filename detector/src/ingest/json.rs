//! A validating scanner for one JSON object per line.
//!
//! Log lines are flat objects with a handful of fields we need and several we
//! ignore. Building a full DOM for each (or deriving through serde) costs more
//! than the rest of the pipeline together, so this scanner walks the object
//! once, validates all of it exactly as RFC 8259 requires (strings, escapes,
//! surrogate pairs, numbers, nesting), and hands each top-level member to a
//! callback as a borrowed [`Value`]. Strings are decoded only when asked.
//! A differential test checks it accepts exactly what `serde_json` accepts.

use std::borrow::Cow;

/// Containers may nest fewer than this many levels deep, the line's own
/// object included: serde_json's limit (it refuses the 128th level).
const MAX_DEPTH: usize = 128;

/// Why a line is not a JSON object, and the byte column (1-based) where the
/// scanner gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: &'static str,
    pub column: usize,
}

/// A JSON string as written between its quotes.
#[derive(Debug, Clone, Copy)]
pub struct JsonStr<'a> {
    raw: &'a str,
    escaped: bool,
}

impl<'a> JsonStr<'a> {
    /// A string as the scanner found it: its text between the quotes, and
    /// whether that has escapes.
    #[inline(always)]
    pub(crate) fn from_raw(raw: &'a str, escaped: bool) -> Self {
        JsonStr { raw, escaped }
    }

    /// The text between the quotes, escapes as written.
    #[inline(always)]
    pub(crate) fn raw(&self) -> &'a str {
        self.raw
    }

    #[inline(always)]
    pub(crate) fn is_escaped(&self) -> bool {
        self.escaped
    }

    /// The string's value, borrowed when it has no escapes. The common,
    /// borrowed case is inlined; unescaping is out of line.
    #[inline(always)]
    pub fn decode(&self) -> Cow<'a, str> {
        if !self.escaped {
            return Cow::Borrowed(self.raw);
        }
        Cow::Owned(self.unescape())
    }

    #[cold]
    #[inline(never)]
    fn unescape(&self) -> String {
        let mut out = String::with_capacity(self.raw.len());
        let b = self.raw.as_bytes();
        let mut i = 0;
        let mut plain_start = 0;
        while i < b.len() {
            if b[i] != b'\\' {
                i += 1;
                continue;
            }
            out.push_str(&self.raw[plain_start..i]);
            let c = b[i + 1];
            i += 2;
            match c {
                b'n' => out.push('\n'),
                b't' => out.push('\t'),
                b'r' => out.push('\r'),
                b'b' => out.push('\u{8}'),
                b'f' => out.push('\u{c}'),
                b'u' => {
                    let hi = hex4(b, i).unwrap_or(0);
                    i += 4;
                    let cp = if (0xD800..0xDC00).contains(&hi) {
                        let lo = hex4(b, i + 2).unwrap_or(0);
                        i += 6;
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    } else {
                        hi
                    };
                    out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                }
                other => out.push(char::from(other)),
            }
            plain_start = i;
        }
        out.push_str(&self.raw[plain_start..]);
        out
    }
}

/// A member's value. Arrays and objects are validated and kept as their
/// text, so a mapped path can look inside them.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Str(JsonStr<'a>),
    /// The number's text, grammar-checked.
    Num(&'a str),
    Bool(bool),
    Null,
    /// An object's text, from `{` to `}`.
    Object(&'a str),
    /// An array's text, from `[` to `]`.
    Array(&'a str),
}

impl Value<'_> {
    /// The JSON type name, for "wrong type" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Num(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Null => "null",
            Value::Object(_) | Value::Array(_) => "an array or object",
        }
    }
}

fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let part = b.get(at..at + 4)?;
    let mut v = 0u32;
    for &c in part {
        v = v * 16 + char::from(c).to_digit(16)?;
    }
    Some(v)
}

/// Bytes that end a run of plain string content: `"`, `\\` and controls.
static STRING_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// The index of the first byte at or after `i` that is `"`, `\\` or a
/// control character (or `b.len()`). Sixteen bytes at a time where the
/// target has 128-bit vectors (x86_64, and wasm32 built with `simd128`, as
/// the npm package is), then eight at a time, then one.
#[inline]
fn plain_run(b: &[u8], i: usize) -> usize {
    #[cfg(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ))]
    let i = {
        use wide::u8x16;
        let mut i = i;
        let (quote, slash, last_control) =
            (u8x16::splat(b'"'), u8x16::splat(b'\\'), u8x16::splat(0x1f));
        while let Some(chunk) = b.get(i..i + 16) {
            let Ok(bytes) = <[u8; 16]>::try_from(chunk) else {
                break;
            };
            let v = u8x16::from(bytes);
            let special = v.simd_eq(quote) | v.simd_eq(slash) | v.min(last_control).simd_eq(v);
            let m = special.to_bitmask();
            if m != 0 {
                return i + m.trailing_zeros() as usize;
            }
            i += 16;
        }
        i
    };
    plain_run_swar(b, i)
}

/// [`plain_run`] eight bytes at a time: in each of the bit tricks the
/// lowest flagged byte is always a true match (a borrow only propagates
/// upwards from one), so the first flag is exact.
#[inline]
fn plain_run_swar(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let quote = w ^ (ONES * u64::from(b'"'));
        let slash = w ^ (ONES * u64::from(b'\\'));
        let flags = (quote.wrapping_sub(ONES) & !quote)
            | (slash.wrapping_sub(ONES) & !slash)
            | (w.wrapping_sub(ONES * 0x20) & !w);
        let m = flags & HIGH;
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !STRING_SPECIAL[usize::from(b[i])] {
        i += 1;
    }
    i
}

struct Scanner<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

type Res<T> = Result<T, JsonError>;

impl<'a> Scanner<'a> {
    fn err<T>(&self, message: &'static str) -> Res<T> {
        Err(JsonError {
            message,
            column: self.i + 1,
        })
    }

    /// Skips whitespace. Log lines rarely have any, so the first test is
    /// the one that ends the loop for every other byte.
    #[inline(always)]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if c > b' ' || !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8, message: &'static str) -> Res<()> {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            self.err(message)
        }
    }

    /// At an opening quote: scans and validates a string. Inlined, as is
    /// [`Self::value`], so the result stays in registers: returned through
    /// memory it was read back wider than written, a stalled store forward
    /// on every member.
    #[inline(always)]
    fn string(&mut self) -> Res<JsonStr<'a>> {
        self.i += 1;
        let start = self.i;
        let mut escaped = false;
        loop {
            self.i = plain_run(self.b, self.i);
            match self.b.get(self.i) {
                Some(b'"') => {
                    let raw = &self.s[start..self.i];
                    self.i += 1;
                    return Ok(JsonStr { raw, escaped });
                }
                Some(b'\\') => {
                    escaped = true;
                    self.escape()?;
                }
                Some(_) => return self.err("control character in string"),
                None => return self.err("unterminated string"),
            }
        }
    }

    /// At a backslash: validates one escape sequence (a surrogate pair counts as one).
    fn escape(&mut self) -> Res<()> {
        self.i += 1;
        match self.b.get(self.i) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.i += 1;
                Ok(())
            }
            Some(b'u') => {
                let Some(hi) = hex4(self.b, self.i + 1) else {
                    return self.err("invalid \\u escape");
                };
                self.i += 5;
                if (0xDC00..0xE000).contains(&hi) {
                    return self.err("lone surrogate in \\u escape");
                }
                if (0xD800..0xDC00).contains(&hi) {
                    let lo = if self.b.get(self.i) == Some(&b'\\')
                        && self.b.get(self.i + 1) == Some(&b'u')
                    {
                        hex4(self.b, self.i + 2)
                    } else {
                        None
                    };
                    match lo {
                        Some(lo) if (0xDC00..0xE000).contains(&lo) => self.i += 6,
                        _ => return self.err("lone surrogate in \\u escape"),
                    }
                }
                Ok(())
            }
            _ => self.err("invalid escape"),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    #[inline(never)]
    fn number(&mut self) -> Res<&'a str> {
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.err("invalid number"),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        Ok(&self.s[start..self.i])
    }

    /// At a digit 1–9: a whole number without sign, fraction or exponent
    /// (byte counts, status codes) is read here, inline; anything else
    /// starts over in [`Self::number`].
    #[inline(always)]
    fn positive_number(&mut self) -> Res<&'a str> {
        let start = self.i;
        self.digits();
        if let Some(b'.' | b'e' | b'E') = self.b.get(self.i) {
            self.i = start;
            return self.number();
        }
        Ok(&self.s[start..self.i])
    }

    fn literal(&mut self, word: &'static [u8]) -> Res<()> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            self.err("invalid literal")
        }
    }

    #[inline(always)]
    fn value(&mut self, depth: usize) -> Res<Value<'a>> {
        match self.b.get(self.i) {
            Some(b'"') => self.string().map(Value::Str),
            Some(b'1'..=b'9') => self.positive_number().map(Value::Num),
            Some(b'-' | b'0') => self.number().map(Value::Num),
            Some(b't') => self.literal(b"true").map(|_| Value::Bool(true)),
            Some(b'f') => self.literal(b"false").map(|_| Value::Bool(false)),
            Some(b'n') => self.literal(b"null").map(|_| Value::Null),
            Some(b'[') => {
                let start = self.i;
                self.array(depth + 1, &mut |_| {})?;
                Ok(Value::Array(&self.s[start..self.i]))
            }
            Some(b'{') => {
                let start = self.i;
                self.object(depth + 1)?;
                Ok(Value::Object(&self.s[start..self.i]))
            }
            None => self.err("unexpected end of line"),
            _ => self.err("expected a value"),
        }
    }

    /// [`Self::value`] handed to `emit` with `key`, which for a string or a whole
    /// number is called where the value was read. Returned from one place
    /// for every kind, the value was assembled in memory from parts and
    /// read back wider than written, a stalled store forward on every
    /// member (the caller then copied it into its field); called from
    /// each arm, the parts go from registers to the field.
    #[inline(always)]
    fn value_with<K: Copy>(
        &mut self,
        depth: usize,
        key: K,
        emit: &mut impl FnMut(K, Value<'a>),
    ) -> Res<()> {
        match self.b.get(self.i) {
            Some(b'"') => {
                let s = self.string()?;
                emit(key, Value::Str(s));
            }
            Some(b'1'..=b'9') => {
                let n = self.positive_number()?;
                emit(key, Value::Num(n));
            }
            _ => {
                let v = self.rare_value(depth)?;
                emit(key, v);
            }
        }
        Ok(())
    }

    /// [`Self::value`] out of line, for the kinds log lines seldom have.
    #[inline(never)]
    fn rare_value(&mut self, depth: usize) -> Res<Value<'a>> {
        self.value(depth)
    }

    /// At `[`: scans the elements, passing each to `f`.
    #[inline(never)]
    fn array(&mut self, depth: usize, f: &mut dyn FnMut(Value<'a>)) -> Res<()> {
        if depth >= MAX_DEPTH {
            return self.err("nesting too deep");
        }
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            let v = self.value(depth)?;
            f(v);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return self.err("expected , or ] in array"),
            }
        }
    }

    /// A nested object inside an ignored value.
    #[inline(never)]
    fn object(&mut self, depth: usize) -> Res<()> {
        if depth >= MAX_DEPTH {
            return self.err("nesting too deep");
        }
        self.members(depth, &no_known_keys, &mut |_, _| {})
    }

    /// At `{`: scans members, passing each (key, value) to `f`. Each key is
    /// first offered to `known` (see [`for_each_known_member`]); a key it
    /// does not recognise is scanned as a string.
    fn members(
        &mut self,
        depth: usize,
        known: &impl Fn(&[u8], usize) -> Option<(u8, usize)>,
        f: &mut impl FnMut(Key<'a>, Value<'a>),
    ) -> Res<()> {
        self.i += 1;
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return self.err("expected a quoted key");
            }
            let key = match known(self.b, self.i + 1) {
                Some((id, len)) => {
                    // `len` bytes after the quote are the name, its closing
                    // quote and the colon, as `known` promises.
                    self.i += 1 + len;
                    Key::Known(id)
                }
                None => {
                    let key = self.string()?;
                    self.ws();
                    self.expect(b':', "expected : after key")?;
                    Key::Other(key)
                }
            };
            self.ws();
            self.value_with(depth, key, f)?;
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return self.err("expected , or } in object"),
            }
        }
    }
}

/// Scans `line` as one JSON object and calls `f(key, value)` for each
/// top-level member in order. Fails unless the whole line is exactly one
/// valid JSON object (surrounding whitespace allowed).
pub fn for_each_member<'a>(line: &'a str, mut f: impl FnMut(JsonStr<'a>, Value<'a>)) -> Res<()> {
    for_each_known_member(line, no_known_keys, |key, value| {
        // `no_known_keys` recognises nothing, so every key is `Other`.
        if let Key::Other(key) = key {
            f(key, value);
        }
    })
}

/// A member's key as [`for_each_known_member`] hands it over.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    /// A key the caller's `known` function recognised, by the id it gave.
    Known(u8),
    /// Any other key, including a known name written with escapes.
    Other(JsonStr<'a>),
}

fn no_known_keys(_: &[u8], _: usize) -> Option<(u8, usize)> {
    None
}

/// [`for_each_member`] for a caller that looks for a few keys: at each
/// top-level key, `known(bytes, at)` sees the line's bytes and the index
/// just after the key's opening quote. When the bytes there are one of its
/// names written plainly (no escapes), then `"` and `:` at once, it returns
/// `Some((id, len))` with `len` counting the name, quote and colon; the
/// member goes to `f` as [`Key::Known`] without the key being scanned as
/// a string. Such bytes are a valid JSON key whatever follows, so the line
/// is accepted or rejected exactly as [`for_each_member`] would.
///
/// Kept out of line (as is `url_host`): whether LLVM inlined it into the
/// JSONL parser changed with unrelated edits elsewhere in the crate, and
/// inlined it took about 1 % more instructions per line (callgrind, 100k
/// lines: 759.1M out of line, 772.2M inlined).
#[inline(never)]
pub fn for_each_known_member<'a>(
    line: &'a str,
    known: impl Fn(&[u8], usize) -> Option<(u8, usize)>,
    mut f: impl FnMut(Key<'a>, Value<'a>),
) -> Res<()> {
    let mut sc = Scanner {
        s: line,
        b: line.as_bytes(),
        i: 0,
    };
    sc.ws();
    if sc.b.get(sc.i) != Some(&b'{') {
        return if sc.i >= sc.b.len() {
            sc.err("empty line")
        } else {
            sc.err("a log line must be a JSON object")
        };
    }
    sc.members(1, &known, &mut f)?;
    sc.ws();
    if sc.i != sc.b.len() {
        return sc.err("trailing characters after the object");
    }
    Ok(())
}

/// Scans `text` as one JSON array (as [`Value::Array`] holds it) and calls
/// `f` for each element in order.
pub fn for_each_element<'a>(text: &'a str, mut f: impl FnMut(Value<'a>)) -> Res<()> {
    let mut sc = Scanner {
        s: text,
        b: text.as_bytes(),
        i: 0,
    };
    sc.ws();
    if sc.b.get(sc.i) != Some(&b'[') {
        return sc.err("expected an array");
    }
    sc.array(1, &mut f)?;
    sc.ws();
    if sc.i != sc.b.len() {
        return sc.err("trailing characters after the array");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(s: &str) -> Result<Vec<(String, String)>, JsonError> {
        let mut out = Vec::new();
        for_each_member(s, |k, v| {
            let v = match v {
                Value::Str(s) => format!("s:{}", s.decode()),
                Value::Num(n) => format!("n:{n}"),
                Value::Bool(b) => format!("b:{b}"),
                Value::Null => "null".into(),
                Value::Object(_) | Value::Array(_) => "composite".into(),
            };
            out.push((k.decode().into_owned(), v));
        })?;
        Ok(out)
    }

    #[test]
    fn scans_flat_object() {
        let m = members(r#" {"a": "x\"y\u00e9\ud83d\ude00", "b": -1.5e3, "c": true, "d": null, "e": [1, {"f": []}]} "#)
            .unwrap();
        assert_eq!(m[0], ("a".into(), "s:x\"yé😀".into()));
        assert_eq!(m[1], ("b".into(), "n:-1.5e3".into()));
        assert_eq!(m[2], ("c".into(), "b:true".into()));
        assert_eq!(m[3], ("d".into(), "null".into()));
        assert_eq!(m[4], ("e".into(), "composite".into()));
    }

    #[test]
    fn plain_run_finds_the_first_special_byte() {
        for (text, want) in [
            ("abcdefghijklmnop\"", 16),
            ("abc\"defghijklmnop", 3),
            ("abcdefgh\\ijk", 8),
            ("abcdefghij\u{1}k", 10),
            ("abc\u{1f}defghijklmnopqrstu", 3),
            ("abcdefghijk\tlmnopqrstuvwxyz", 11),
            ("é\u{fffd}abcdefg\"", 12),
            ("\u{7f}\u{80}\u{a2}\u{dc}abcdefgh", 15),
            ("0123456789abcdef0123456789\"", 26),
            ("0123456789abcdef\\", 16),
            ("0123456789abcde\u{1}", 15),
            ("0123456789abcdefghijklmnopqrstu\u{1f}", 31),
            ("", 0),
        ] {
            assert_eq!(
                plain_run(text.as_bytes(), 0),
                want.min(text.len()),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        /// Sixteen, eight or one byte at a time, from any start: the first
        /// `"`, `\\` or control byte, as a byte-by-byte search finds it.
        #[test]
        fn plain_run_is_a_byte_search(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => 0x20u8..=0xff,
                    1 => proptest::sample::select(vec![b'"', b'\\', 0, 0x1f, 0x7f, 0x80, 0x9f]),
                ],
                0..80,
            ),
            start in 0usize..80,
        ) {
            let start = start.min(bytes.len());
            let want = (start..bytes.len())
                .find(|&i| STRING_SPECIAL[usize::from(bytes[i])])
                .unwrap_or(bytes.len());
            proptest::prop_assert_eq!(plain_run(&bytes, start), want);
            proptest::prop_assert_eq!(plain_run_swar(&bytes, start), want);
        }
    }

    #[test]
    fn rejects_invalid_json() {
        for s in [
            "",
            "[]",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\u{1}\"}",
            "{\"a\":1} x",
            "{'a':1}",
            "{\"a\":tru}",
        ] {
            assert!(members(s).is_err(), "{s:?} should be rejected");
        }
    }
}
