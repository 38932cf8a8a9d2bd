//! Which format an input is in, decided by its first non-blank line.

use crate::config::{Config, EntityField, Format, FormatChoice};
use crate::error::Error;

use super::csv::CsvSchema;
use super::mapping::Mapping;
use super::Schema;

/// How the rest of the input is read, fixed by its first non-blank line.
pub(crate) struct Sniffed {
    pub schema: Schema,
    pub entity: EntityField,
    /// The first line was a CSV header (consumed, not an event).
    pub header: bool,
}

/// Decides the format from the first non-blank line's `content` (after the
/// line prelude): `auto` reads a line starting with `{` as JSONL and a text
/// line with a comma as a CSV header. Binary data (invalid UTF-8, control
/// bytes) is read as JSONL, so each line is rejected with its reason.
/// A CSV header without the needed columns is an error for the whole input.
pub(crate) fn sniff(content: &[u8], config: &Config) -> Result<Sniffed, Error> {
    let text = String::from_utf8_lossy(content);
    let is_text =
        std::str::from_utf8(content).is_ok() && !content.iter().any(|&c| c < 0x20 && c != b'\t');
    let csv = match config.input.format {
        FormatChoice::Jsonl => false,
        FormatChoice::Csv => true,
        FormatChoice::Auto => {
            let trimmed = text.trim_start();
            is_text && !trimmed.starts_with('{') && trimmed.contains(',')
        }
    };
    let format = if csv { Format::Csv } else { Format::Jsonl };
    let entity = config
        .entity
        .unwrap_or_else(|| EntityField::default_for(format));
    let mapping = Mapping::resolve(&config.fields, format)?;
    let schema = if csv {
        Schema::Csv(Box::new(CsvSchema::from_header(&text, &mapping, entity)?))
    } else {
        Schema::Jsonl(Box::new(mapping))
    };
    Ok(Sniffed {
        schema,
        entity,
        header: csv,
    })
}
