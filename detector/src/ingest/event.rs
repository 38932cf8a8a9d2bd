//! What a line becomes: an [`Event`], or a [`Rejection`] with its
//! [`RejectKind`] and reason.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::names::named;
use crate::time::Nanos;

/// The category of a rejected line; counted per kind in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    NotUtf8,
    LineTooLong,
    InvalidJson,
    MissingField,
    WrongType,
    DuplicateField,
    InvalidTime,
    InvalidUrl,
    InvalidAction,
    InvalidClientip,
    InvalidValue,
    WrongFieldCount,
}

named!(RejectKind, "rejection kind", {
    NotUtf8 => "not_utf8",
    LineTooLong => "line_too_long",
    InvalidJson => "invalid_json",
    MissingField => "missing_field",
    WrongType => "wrong_type",
    DuplicateField => "duplicate_field",
    InvalidTime => "invalid_time",
    InvalidUrl => "invalid_url",
    InvalidAction => "invalid_action",
    InvalidClientip => "invalid_clientip",
    InvalidValue => "invalid_value",
    WrongFieldCount => "wrong_field_count",
});

impl RejectKind {
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Why a line was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejection {
    pub kind: RejectKind,
    pub message: String,
}

impl Rejection {
    pub fn new(kind: RejectKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// A line longer than `input.max_line_bytes`.
    pub fn too_long(max_line_bytes: usize) -> Self {
        Self::new(
            RejectKind::LineTooLong,
            format!("line is longer than the limit of {max_line_bytes} bytes"),
        )
    }
}

/// ALLOW or DENY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum Action {
    #[serde(rename = "ALLOW")]
    Allow,
    #[serde(rename = "DENY")]
    Deny,
}

named!(Action, "action", { Allow => "ALLOW", Deny => "DENY" });

impl crate::wire::Wire for RejectKind {
    fn encode(&self, out: &mut Vec<u8>) {
        crate::wire::put_named(*self, out);
    }
    fn decode(r: &mut crate::wire::Reader<'_>) -> Result<Self, String> {
        crate::wire::get_named(r)
    }
}

impl crate::wire::Wire for Action {
    fn encode(&self, out: &mut Vec<u8>) {
        crate::wire::put_named(*self, out);
    }
    fn decode(r: &mut crate::wire::Reader<'_>) -> Result<Self, String> {
        crate::wire::get_named(r)
    }
}

/// One accepted log event, borrowing from its line where it can.
#[derive(Debug, Clone)]
pub(crate) struct Event<'a> {
    pub time: Nanos,
    /// The grouping value (client IP, user or host, per the config).
    pub entity: Cow<'a, str>,
    pub clientip: Option<Cow<'a, str>>,
    pub user: Option<Cow<'a, str>>,
    /// Destination: the URL's host (JSONL) or the resource (CSV).
    pub destination: Cow<'a, str>,
    /// The CSV `host` column (source host); JSONL has none.
    pub source_host: Option<Cow<'a, str>>,
    pub action: Action,
    pub bytes: u64,
    pub responsecode: Option<u16>,
    /// Which mapped fields ([`super::mapping::Slot`] bits) the line had.
    pub seen: u16,
}
