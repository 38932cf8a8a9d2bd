//! [`Wire`]: the compact binary form in which a slice's [`Partial`] crosses
//! from the worker that read it to the analyzer that merges it
//! ([`crate::Analyzer::finish_slice`], [`crate::Analyzer::merge_slice`]).
//!
//! Written by hand, not derived: it is part of the WebAssembly module the
//! browser downloads, and a serde format with derived impls for these
//! types cost about 50 KB of it. Integers are LEB128 (signed ones
//! zigzagged), strings and sequences are a length then their items, enums
//! their index. Only the same detector build reads what it wrote (the
//! slice carries the version); a malformed buffer is an error, never a
//! panic.
//!
//! [`Partial`]: crate::partial::Partial

use std::collections::VecDeque;
use std::hash::Hash;

use rustc_hash::FxHashMap;

use crate::names::Named;

/// A value that crosses as bytes.
pub(crate) trait Wire: Sized {
    fn encode(&self, out: &mut Vec<u8>);
    fn decode(r: &mut Reader<'_>) -> Result<Self, String>;
}

/// Reads what [`Wire::put`] wrote.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    fn byte(&mut self) -> Result<u8, String> {
        let (&b, rest) = self.buf.split_first().ok_or("it ends early")?;
        self.buf = rest;
        Ok(b)
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.buf.len() {
            return Err("it ends early".into());
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    /// A string: its length, then its UTF-8 bytes.
    fn text(&mut self) -> Result<&'a str, String> {
        let n = self.len()?;
        std::str::from_utf8(self.bytes(n)?).map_err(|_| "a string not UTF-8".into())
    }

    /// A length that must fit in what is left (every item takes a byte at
    /// least): a corrupt length cannot make a huge allocation.
    fn len(&mut self) -> Result<usize, String> {
        let n = usize::try_from(u64::decode(self)?).map_err(|_| "a length out of range")?;
        if n > self.buf.len() {
            return Err("a length past its end".into());
        }
        Ok(n)
    }
}

impl Wire for u64 {
    fn encode(&self, out: &mut Vec<u8>) {
        let mut v = *self;
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = r.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err("an integer too long".into())
    }
}

/// Unsigned integers narrower than u64, checked on the way back.
macro_rules! narrow {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                (*self as u64).encode(out);
            }
            fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
                <$t>::try_from(u64::decode(r)?).map_err(|_| "an integer out of range".into())
            }
        }
    )*};
}
narrow!(u8, u16, u32, usize);

impl Wire for i64 {
    fn encode(&self, out: &mut Vec<u8>) {
        (((*self << 1) ^ (*self >> 63)) as u64).encode(out);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
        let v = u64::decode(r)?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }
}

impl Wire for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err("a bad flag".into()),
        }
    }
}

/// Strings, owned or shared, cross as their text (a shared one decodes to a
/// string of its own).
macro_rules! text {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                self.len().encode(out);
                out.extend_from_slice(self.as_bytes());
            }
            fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
                Ok(r.text()?.into())
            }
        }
    )*};
}
text!(Box<str>, std::sync::Arc<str>, String);

impl<T: Wire> Wire for Box<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
        T::decode(r).map(Box::new)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        self.is_some().encode(out);
        if let Some(v) = self {
            v.encode(out);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
        Ok(if bool::decode(r)? {
            Some(T::decode(r)?)
        } else {
            None
        })
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
        Ok((A::decode(r)?, B::decode(r)?))
    }
}

impl<T: Wire, const N: usize> Wire for [T; N] {
    fn encode(&self, out: &mut Vec<u8>) {
        for v in self {
            v.encode(out);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
        let items: Vec<T> = (0..N).map(|_| T::decode(r)).collect::<Result<_, _>>()?;
        items
            .try_into()
            .map_err(|_| "an array of the wrong size".into())
    }
}

/// Sequences: a length, then the items.
macro_rules! sequence {
    ($($t:ident),*) => {$(
        impl<T: Wire> Wire for $t<T> {
            fn encode(&self, out: &mut Vec<u8>) {
                self.len().encode(out);
                for v in self {
                    v.encode(out);
                }
            }
            fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
                let n = r.len()?;
                (0..n).map(|_| T::decode(r)).collect()
            }
        }
    )*};
}
sequence!(Vec, VecDeque);

impl<K: Wire + Eq + Hash, V: Wire> Wire for FxHashMap<K, V> {
    fn encode(&self, out: &mut Vec<u8>) {
        self.len().encode(out);
        for (k, v) in self {
            k.encode(out);
            v.encode(out);
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, String> {
        let n = r.len()?;
        let mut map = FxHashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let (k, v) = <(K, V)>::decode(r)?;
            map.insert(k, v);
        }
        Ok(map)
    }
}

/// An enum of [`Named`] values, as its index in `ALL`.
pub(crate) fn put_named<T: Named + PartialEq>(v: T, out: &mut Vec<u8>) {
    let i = T::all().iter().position(|x| *x == v).unwrap_or(0);
    i.encode(out);
}

pub(crate) fn get_named<T: Named>(r: &mut Reader<'_>) -> Result<T, String> {
    let i = usize::decode(r)?;
    T::all()
        .get(i)
        .copied()
        .ok_or_else(|| "an unknown kind".into())
}

/// `Wire` for a struct, field by field (in the module that sees them).
macro_rules! wire_struct {
    ($t:ty { $($f:ident),* $(,)? }) => {
        impl $crate::wire::Wire for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                $( $crate::wire::Wire::encode(&self.$f, out); )*
            }
            fn decode(r: &mut $crate::wire::Reader<'_>) -> Result<Self, String> {
                Ok(Self { $( $f: $crate::wire::Wire::decode(r)?, )* })
            }
        }
    };
}
pub(crate) use wire_struct;

#[cfg(test)]
mod tests {
    use super::*;

    fn round<T: Wire + PartialEq + std::fmt::Debug>(v: T) {
        let mut out = Vec::new();
        v.encode(&mut out);
        let mut r = Reader::new(&out);
        assert_eq!(T::decode(&mut r).unwrap(), v);
        assert!(r.is_empty());
        // Every strict prefix is an error, not a panic.
        for n in 0..out.len() {
            let _ = T::decode(&mut Reader::new(&out[..n]));
        }
    }

    #[test]
    fn values_come_back() {
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            round(v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX, -1_700_000_000_000_000_000] {
            round(v);
        }
        round(Box::<str>::from("héllo"));
        round(std::sync::Arc::<str>::from("hôst"));
        round(Some((3u32, false)));
        round(Option::<u8>::None);
        round(vec![VecDeque::from([1i64, -2]), VecDeque::new()]);
        round([7u64; 24]);
        let mut m = FxHashMap::default();
        m.insert(Box::<str>::from("a"), 1u16);
        round(m);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(u64::decode(&mut Reader::new(&[0xff; 11])).is_err());
        assert!(u8::decode(&mut Reader::new(&[0x80, 0x02])).is_err());
        assert!(Vec::<u64>::decode(&mut Reader::new(&[0xff, 0xff, 0xff, 0x7f])).is_err());
        assert!(Box::<str>::decode(&mut Reader::new(&[2, 0xff, 0xfe])).is_err());
        assert!(bool::decode(&mut Reader::new(&[2])).is_err());
    }
}
