//! What happens to one line: the `line` prelude (line ending, BOM, length,
//! blank), then — once `sniff` has fixed the format from the first
//! non-blank line — the JSONL parser (`jsonl`, on the validating scanner
//! in `json`) or the CSV parser (`csv`) turns it into an `Event` or a
//! `Rejection` with its [`RejectKind`] and reason (`event`).
//!
//! This module knows the input formats and nothing about features or
//! framing: the analyzer frames bytes into numbered lines and threads, and
//! `partial` adds the events up.

pub(crate) mod csv;
pub(crate) mod decompress;
pub(crate) mod event;
pub(crate) mod json;
pub(crate) mod jsonl;
pub(crate) mod line;
pub(crate) mod mapping;
pub(crate) mod sniff;
pub(crate) mod url;

use crate::clock::Clock;
use crate::config::{EntityField, Format};

use self::csv::CsvSchema;
use self::event::{Event, Rejection};
use self::mapping::Mapping;

/// The two values of this room that the report carries (also at the crate
/// root); everything else here is internal.
pub use self::event::{Action, RejectKind};

/// How the lines of one input are read, fixed by its first non-blank line.
#[derive(Debug, Clone)]
pub(crate) enum Schema {
    Jsonl(Box<Mapping>),
    Csv(Box<CsvSchema>),
}

impl Schema {
    pub fn format(&self) -> Format {
        match self {
            Schema::Jsonl(_) => Format::Jsonl,
            Schema::Csv(..) => Format::Csv,
        }
    }

    /// Parses one non-blank, UTF-8 line into an event.
    #[inline]
    pub fn parse<'a>(
        &self,
        line: &'a str,
        entity: EntityField,
        clock: &Clock,
    ) -> Result<Event<'a>, Rejection> {
        match self {
            Schema::Jsonl(mapping) => jsonl::parse(line, entity, clock, mapping),
            Schema::Csv(csv) => csv.parse(line, entity, clock),
        }
    }
}
