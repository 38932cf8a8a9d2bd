//! CSV access logs: a header names the columns, each later line is one event.
//!
//! Fields are split by `csv-core` (RFC 4180 quoting). The header decides which
//! column is which through the configured field mapping (`config::Fields`), so exports with
//! other names can be remapped. Mapping to the shared event: time =
//! timestamp, destination = resource, denied = !success, bytes = bytes,
//! source host = host.

use std::borrow::Cow;

use crate::clock::Clock;
use crate::config::EntityField;
use crate::error::Error;

use super::event::{Action, Event, RejectKind, Rejection};
use super::mapping::{Mapping, Slot};

/// Where CSV records end: at a `\n` outside a quoted field. RFC 4180 lets a
/// field that starts with `"` run to its closing `"` (a doubled `""` inside
/// is a quote) across line breaks, as exports with comment columns do. A
/// `"` in the middle of an unquoted field is an ordinary character, as in
/// `csv-core`, so one stray quote does not swallow the lines after it. The
/// state carries across chunks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum RecordState {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: its end, or the first of `""`.
    QuoteInQuoted,
}

impl RecordState {
    /// Steps over `data`, calling `on_end` with the offset of every `\n`
    /// that ends a record.
    #[inline]
    pub fn scan(&mut self, data: &[u8], mut on_end: impl FnMut(usize)) {
        use RecordState::*;
        let mut s = *self;
        let mut i = 0;
        while i < data.len() {
            if matches!(s, FieldStart | Unquoted) {
                // Outside quotes only a `"` at a field's start matters: jump
                // over runs without one, every `\n` in them ends a record.
                let run = memchr::memchr(b'"', &data[i..]).map_or(data.len(), |k| i + k);
                for nl in memchr::memchr_iter(b'\n', &data[i..run]) {
                    on_end(i + nl);
                }
                if run == data.len() {
                    s = match data.last() {
                        Some(b'\n' | b',') if data.len() > i => FieldStart,
                        _ if data.len() > i => Unquoted,
                        _ => s,
                    };
                    break;
                }
                let at_field_start = if run == i {
                    s == FieldStart
                } else {
                    matches!(data[run - 1], b'\n' | b',')
                };
                s = if at_field_start { Quoted } else { Unquoted };
                i = run + 1;
                continue;
            }
            let b = data[i];
            s = match (s, b) {
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (_, b'"') => Quoted,
                (_, b'\n') => {
                    on_end(i);
                    FieldStart
                }
                (_, b',') => FieldStart,
                _ => Unquoted,
            };
            i += 1;
        }
        *self = s;
    }
}

/// Column positions resolved from a header line.
#[derive(Debug, Clone)]
pub(crate) struct CsvSchema {
    width: usize,
    timestamp: usize,
    user: usize,
    resource: usize,
    bytes: usize,
    success: usize,
    host: Option<usize>,
    clientip: Option<usize>,
    /// Values of the action column that mean denied / allowed (compared
    /// ignoring ASCII case and surrounding spaces).
    deny: Vec<String>,
    allow: Vec<String>,
    /// The header names of timestamp, user, resource, bytes and action,
    /// for messages.
    names: [String; 5],
}

thread_local! {
    /// Building a `csv_core::Reader` compiles its state machine, which costs
    /// far more than reading a line; one per thread is reused and reset.
    /// The terminator is `\n` only: the analyzer has already framed the line
    /// (and stripped its `\r\n`), so a `\r` left inside is data. With
    /// csv-core's default (CRLF: any of `\r`, `\n`) a lone `\r` ended the
    /// record and the rest of the line was silently dropped.
    static READER: std::cell::RefCell<csv_core::Reader> = std::cell::RefCell::new(
        csv_core::ReaderBuilder::new()
            .terminator(csv_core::Terminator::Any(b'\n'))
            .build(),
    );
}

/// Splits one CSV line into fields (quotes removed, `""` unescaped).
pub fn split_fields(line: &str) -> Vec<String> {
    let input = line.as_bytes();
    let mut out = vec![0u8; input.len() + 1];
    let mut ends = vec![0usize; input.len() + 2];
    let nends = READER.with(|r| {
        let mut reader = r.borrow_mut();
        reader.reset();
        // Output buffers are sized so they cannot fill: one call consumes the
        // line; a second with no input completes its last record.
        let (res, _, nout, mut nends) = reader.read_record(input, &mut out, &mut ends);
        if res == csv_core::ReadRecordResult::InputEmpty {
            let (_, _, _, more) = reader.read_record(&[], &mut out[nout..], &mut ends[nends..]);
            nends += more;
        }
        nends
    });
    let mut fields = Vec::with_capacity(nends);
    let mut start = 0;
    for &end in &ends[..nends] {
        fields.push(String::from_utf8_lossy(&out[start..end]).into_owned());
        start = end;
    }
    fields
}

impl CsvSchema {
    /// Resolves the columns of `header` for grouping by `entity`: each
    /// field's first alternative present in the header.
    pub fn from_header(
        header: &str,
        mapping: &Mapping,
        entity: EntityField,
    ) -> Result<Self, Error> {
        let cols = split_fields(header);
        let find = |slot: Slot| {
            mapping.paths[slot as usize].iter().find_map(|name| {
                cols.iter()
                    .position(|c| c.trim().eq_ignore_ascii_case(name.trim()))
            })
        };
        // The header as the user would recognise it: printable, and short.
        let shown: String = cols
            .join(",")
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .take(120)
            .collect();
        let need = |slot: Slot| {
            find(slot).ok_or_else(|| {
                Error::BadHeader(format!(
                    "no `{}` column (header has: {shown}); map columns with `fields.{}` in \
                     the config or --field {}=COLUMN",
                    mapping.name(slot),
                    slot.key(),
                    slot.key(),
                ))
            })
        };
        let schema = CsvSchema {
            width: cols.len(),
            timestamp: need(Slot::Time)?,
            user: need(Slot::User)?,
            resource: need(Slot::Resource)?,
            bytes: need(Slot::Bytes)?,
            success: need(Slot::Action)?,
            host: find(Slot::Host),
            clientip: find(Slot::Clientip),
            deny: mapping.deny.clone(),
            allow: mapping.allow.clone(),
            names: [
                Slot::Time,
                Slot::User,
                Slot::Resource,
                Slot::Bytes,
                Slot::Action,
            ]
            .map(|s| {
                let alts = &mapping.paths[s as usize];
                let present =
                    |n: &&String| cols.iter().any(|c| c.trim().eq_ignore_ascii_case(n.trim()));
                alts.iter().find(present).cloned().unwrap_or_default()
            }),
        };
        // A column the user named must exist even when it is optional.
        for slot in [Slot::Host, Slot::Clientip] {
            if mapping.explicit & slot.bit() != 0 {
                need(slot)?;
            }
        }
        match entity {
            EntityField::Host if schema.host.is_none() => need(Slot::Host).map(|_| schema),
            EntityField::Clientip if schema.clientip.is_none() => {
                need(Slot::Clientip).map(|_| schema)
            }
            _ => Ok(schema),
        }
    }

    pub fn parse<'a>(
        &self,
        line: &'a str,
        entity: EntityField,
        clock: &Clock,
    ) -> Result<Event<'a>, Rejection> {
        let f = split_fields(line);
        if f.len() != self.width {
            return Err(Rejection::new(
                RejectKind::WrongFieldCount,
                format!("expected {} fields, found {}", self.width, f.len()),
            ));
        }
        let ts = f[self.timestamp].trim();
        let time = clock.parse(ts).map_err(|why| {
            Rejection::new(
                RejectKind::InvalidTime,
                format!(
                    "invalid `{}` \"{}\": {why}",
                    self.names[0],
                    ts.chars().take(60).collect::<String>()
                ),
            )
        })?;
        let user = f[self.user].clone();
        if user.is_empty() {
            return Err(Rejection::new(
                RejectKind::MissingField,
                format!("empty `{}`", self.names[1]),
            ));
        }
        let resource = f[self.resource].clone();
        if resource.is_empty() {
            return Err(Rejection::new(
                RejectKind::MissingField,
                format!("empty `{}`", self.names[2]),
            ));
        }
        let bytes_text = f[self.bytes].trim();
        let bytes = if bytes_text.starts_with('-')
            && bytes_text[1..].bytes().all(|c| c.is_ascii_digit())
            && bytes_text.len() > 1
        {
            return Err(Rejection::new(
                RejectKind::InvalidValue,
                format!(
                    "`{}` must not be negative (got {bytes_text})",
                    self.names[3]
                ),
            ));
        } else {
            bytes_text.parse::<u64>().map_err(|_| {
                Rejection::new(
                    RejectKind::WrongType,
                    format!(
                        "`{}` must be a whole number (got \"{}\")",
                        self.names[3],
                        bytes_text.chars().take(30).collect::<String>()
                    ),
                )
            })?
        };
        let action_text = f[self.success].trim();
        let is = |values: &[String]| {
            values
                .iter()
                .any(|v| v.trim().eq_ignore_ascii_case(action_text))
        };
        let action = if is(&self.deny) {
            Action::Deny
        } else if self.allow.is_empty() || is(&self.allow) {
            Action::Allow
        } else {
            let mut values: Vec<&str> = self.allow.iter().map(String::as_str).collect();
            values.extend(self.deny.iter().map(String::as_str));
            return Err(Rejection::new(
                RejectKind::InvalidValue,
                format!(
                    "`{}` must be {} (got \"{}\")",
                    self.names[4],
                    values.join(" or "),
                    action_text.chars().take(30).collect::<String>()
                ),
            ));
        };
        let host = self.host.map(|i| f[i].clone());
        let clientip = self.clientip.map(|i| f[i].clone());
        let entity_value = match entity {
            EntityField::User => user.clone(),
            EntityField::Host => match &host {
                Some(h) if !h.is_empty() => h.clone(),
                _ => return Err(Rejection::new(RejectKind::MissingField, "empty `host`")),
            },
            EntityField::Clientip => match &clientip {
                Some(c) if !c.is_empty() => c.clone(),
                _ => return Err(Rejection::new(RejectKind::MissingField, "empty `clientip`")),
            },
        };
        Ok(Event {
            time,
            entity: Cow::Owned(entity_value),
            clientip: clientip.map(Cow::Owned),
            user: Some(Cow::Owned(user)),
            destination: Cow::Owned(resource),
            source_host: host.map(Cow::Owned),
            action,
            bytes,
            responsecode: None,
            seen: u16::MAX,
        })
    }
}

#[cfg(test)]
mod tests {
    /// The record scanner, one byte at a time, as RFC 4180 reads.
    fn reference_ends(data: &[u8]) -> Vec<usize> {
        use RecordState::*;
        let mut s = FieldStart;
        let mut ends = Vec::new();
        for (i, &b) in data.iter().enumerate() {
            s = match (s, b) {
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (FieldStart | QuoteInQuoted, b'"') => Quoted,
                (_, b'\n') => {
                    ends.push(i);
                    FieldStart
                }
                (_, b',') => FieldStart,
                _ => Unquoted,
            };
        }
        ends
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn record_scanner_matches_the_bytewise_reference_in_any_chunking(
            data in proptest::collection::vec(proptest::sample::select(b"a,\"\n\r".to_vec()), 0..80),
            cuts in proptest::collection::vec(0usize..80, 0..4),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            cuts.push(0);
            cuts.push(data.len());
            cuts.sort_unstable();
            let mut state = RecordState::default();
            let mut ends = Vec::new();
            for w in cuts.windows(2) {
                state.scan(&data[w[0]..w[1]], |i| ends.push(w[0] + i));
            }
            proptest::prop_assert_eq!(ends, reference_ends(&data));
        }
    }

    use super::*;

    #[test]
    fn splits_quoted_fields() {
        assert_eq!(
            split_fields(r#"a,"b,c","d""e",,"#),
            vec!["a", "b,c", "d\"e", "", ""]
        );
        assert_eq!(split_fields("x"), vec!["x"]);
    }

    #[test]
    fn header_maps_columns_and_rows_parse() {
        let names = Mapping::resolve(&Default::default(), crate::config::Format::Csv).unwrap();
        let s = CsvSchema::from_header(
            "timestamp,user,host,action,resource,bytes,success,extra",
            &names,
            EntityField::User,
        )
        .unwrap();
        let e = s
            .parse(
                "2025-03-11T09:15:43Z,alice,laptop-01,LOGIN,Okta,10,FALSE,x",
                EntityField::User,
                &Clock::default(),
            )
            .unwrap();
        assert_eq!(e.entity, "alice");
        assert_eq!(e.destination, "Okta");
        assert_eq!(e.action, Action::Deny);
        assert_eq!(e.bytes, 10);
        let bad = |l: &str| {
            s.parse(l, EntityField::User, &Clock::default())
                .unwrap_err()
                .kind
        };
        assert_eq!(
            bad("2025-03-11T09:15:43Z,alice,h,a,r,10,true"),
            RejectKind::WrongFieldCount
        );
        assert_eq!(
            bad("2025-03-11,alice,h,a,r,10,true,x"),
            RejectKind::InvalidTime
        );
        assert_eq!(
            bad("2025-03-11T09:15:43Z,,h,a,r,10,true,x"),
            RejectKind::MissingField
        );
        assert_eq!(
            bad("2025-03-11T09:15:43Z,alice,h,a,,10,true,x"),
            RejectKind::MissingField
        );
        assert_eq!(
            bad("2025-03-11T09:15:43Z,alice,h,a,r,1.5,true,x"),
            RejectKind::WrongType
        );
        assert_eq!(
            bad("2025-03-11T09:15:43Z,alice,h,a,r,10,yes,x"),
            RejectKind::InvalidValue
        );
    }

    #[test]
    fn missing_column_is_a_header_error() {
        let e = CsvSchema::from_header(
            "timestamp,user,host",
            &Mapping::resolve(&Default::default(), crate::config::Format::Csv).unwrap(),
            EntityField::User,
        )
        .unwrap_err();
        assert!(e.to_string().contains("`resource`"), "{e}");
    }
}
