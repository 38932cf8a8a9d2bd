//! The spelled names of the detector's enums, defined once.
//!
//! Every closed set the front ends offer or show — formats, entity fields,
//! logs modes, rules, severities, risk levels, detection methods, rejection
//! kinds, actions — gets from `named!` an `ALL` array in declaration
//! order, `as_str` (the same spelling serde writes in the report), `FromStr`
//! and `Display`, so a CLI flag, an HTTP query parameter or a settings form
//! parses and lists the detector's own values instead of mirroring them.

use std::fmt;

/// A closed set of values with one spelling each (implemented by the
/// crate-internal `named!` macro).
pub trait Named: Copy + Sized + 'static {
    /// What one value is called in messages ("entity field").
    const KIND: &'static str;
    /// Every value, in declaration order.
    fn all() -> &'static [Self];
    /// The value's spelling, as serialized in the report.
    fn name(self) -> &'static str;
    /// The value spelled `s` (exact match), as `FromStr` does.
    fn from_name(s: &str) -> Result<Self, UnknownName> {
        parse(s)
    }
}

/// A name that is none of a [`Named`] set's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was being parsed ("entity field").
    pub kind: &'static str,
    /// The text that did not match.
    pub got: String,
    /// Every accepted spelling.
    pub expected: Vec<&'static str>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} \"{}\" (expected one of: {})",
            self.kind,
            self.got,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}

/// Parses `s` as one of `T`'s spellings (exact match).
pub fn parse<T: Named>(s: &str) -> Result<T, UnknownName> {
    T::all()
        .iter()
        .copied()
        .find(|v| v.name() == s)
        .ok_or_else(|| UnknownName {
            kind: T::KIND,
            got: s.to_string(),
            expected: T::all().iter().map(|v| v.name()).collect(),
        })
}

/// Gives an enum its names: `named!(Severity, "severity", { Low => "Low", … })`.
/// The list is the one place a variant's spelling is written.
macro_rules! named {
    ($ty:ident, $kind:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: [$ty; [$(stringify!($variant)),+].len()] = [$($ty::$variant),+];

            /// The value's spelling, as serialized in the report.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl $crate::names::Named for $ty {
            const KIND: &'static str = $kind;
            fn all() -> &'static [Self] {
                &$ty::ALL
            }
            fn name(self) -> &'static str {
                self.as_str()
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::names::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::names::parse(s)
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use named;
