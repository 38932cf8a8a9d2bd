//! Errors that end an analysis. A single bad line is not one of these: it is
//! a rejection, counted in the report. These are for inputs and options that
//! leave nothing to analyze. Every message is one line, fit for a CLI's stderr,
//! an HTTP 400 body or a JavaScript `Error`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The input had no non-blank line.
    EmptyInput,
    /// A CSV header and no row after it.
    HeaderOnly,
    /// Lines were present but none was usable.
    NoValidLines {
        lines: u64,
        rejected: u64,
        /// The first rejection, "line N: reason".
        first: Option<String>,
    },
    /// Strict mode and at least one line was rejected.
    Strict { line: u64, reason: String },
    /// A CSV header that cannot be used.
    BadHeader(String),
    /// An option out of range or a config document that does not parse.
    InvalidConfig(String),
    /// A gzip or zstd input that is corrupt, truncated, or decompresses
    /// past `input.max_decompressed_bytes`.
    Compressed {
        /// The input's name, when the front end gave one.
        file: Option<String>,
        reason: String,
    },
    /// Inputs of one analysis in different formats (one JSONL, one CSV).
    MixedFormats {
        /// The first input that decided the format, and that format
        /// (`jsonl` or `csv`).
        first: String,
        first_format: &'static str,
        /// The input whose format differs, and its format.
        other: String,
        other_format: &'static str,
    },
    /// An error that belongs to one named input of several (a CSV header,
    /// a strict-mode rejection): `file: error`.
    InFile { file: String, error: Box<Error> },
    /// Bounded mode (`Analyzer::with_bounded_times`) met events of some
    /// entities too far out of order to keep their peak exact:
    /// `Analyzer::finish_bounded` names them for a second pass.
    OutOfOrder { entities: u64 },
    /// A file split across analyzers (`Analyzer::slice_of`,
    /// `Analyzer::merge_slice`) used in a way that cannot give the whole
    /// file's analysis.
    Slice(String),
}

impl Error {
    /// `self` attributed to the input `label` (when it has one).
    pub(crate) fn in_file(self, label: Option<String>) -> Error {
        match label {
            Some(file) => Error::InFile {
                file,
                error: Box::new(self),
            },
            None => self,
        }
    }
}

/// How messages name input `index` of `count`: its name, else `input N`
/// when there are several, else nothing (one unnamed input).
pub(crate) fn input_label(name: Option<&str>, index: usize, count: usize) -> Option<String> {
    match name {
        Some(name) => Some(name.to_string()),
        None if count > 1 => Some(format!("input {}", index + 1)),
        None => None,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EmptyInput => write!(f, "input is empty: no log lines to analyze"),
            Error::HeaderOnly => write!(f, "the CSV has a header but no rows to analyze"),
            Error::NoValidLines {
                lines,
                rejected,
                first,
            } => {
                write!(f, "no valid log line: {rejected} of {lines} lines rejected")?;
                if let Some(first) = first {
                    write!(f, " (first: {first})")?;
                }
                Ok(())
            }
            Error::Strict { line, reason } => {
                write!(f, "strict mode: line {line} rejected: {reason}")
            }
            Error::BadHeader(why) => write!(f, "unusable CSV header: {why}"),
            Error::InvalidConfig(why) => write!(f, "invalid config: {why}"),
            Error::Compressed { file, reason } => match file {
                Some(file) => write!(f, "{file}: {reason}"),
                None => write!(f, "{reason}"),
            },
            Error::MixedFormats {
                first,
                first_format,
                other,
                other_format,
            } => write!(
                f,
                "{other} is {} but {first} is {}: the inputs of one analysis must share a format",
                other_format.to_ascii_uppercase(),
                first_format.to_ascii_uppercase()
            ),
            Error::InFile { file, error } => write!(f, "{file}: {error}"),
            Error::Slice(why) => write!(f, "cannot analyze the file in slices: {why}"),
            Error::OutOfOrder { entities } => write!(
                f,
                "the events of {entities} entities are out of time order by more than a minute: \
                 analyze again keeping their times whole"
            ),
        }
    }
}

impl std::error::Error for Error {}
