//! The raw-rows stage: the report's `logs`, in input and line order, filtered by the
//! logs mode and pseudonymized like the rest of the report.

use rustc_hash::FxHashMap;

use crate::config::{EntityField, Format, LogsMode};
use crate::ingest::event::Action;
use crate::partial::StoredRow;
use crate::privacy::{self, Pseudonymizer};
use crate::report::LogRow;
use crate::time::format_rfc3339;

use super::evidence::RowMarks;

/// Stage 7: `None` for `logs = none`; else every kept row, or only the
/// anomalous entities' rows for `logs = anomalous`. `marks` has an entry
/// for each anomalous entity: which of its rows are evidence.
pub(crate) fn raw_rows(
    mut rows: Vec<StoredRow>,
    mode: LogsMode,
    format: Format,
    entity_field: EntityField,
    pseudonymizer: Option<&Pseudonymizer>,
    marks: &FxHashMap<&str, RowMarks>,
) -> Option<Vec<LogRow>> {
    if mode == LogsMode::None {
        return None;
    }
    let entity_kind = privacy::entity_kind(entity_field);
    rows.sort_unstable_by_key(|r| (r.input, r.line));
    let hide = |kind: &str, v: Option<Box<str>>| {
        v.map(|v| match pseudonymizer {
            Some(p) => p.pseudonym(kind, &v),
            None => v.into_string(),
        })
    };
    let kept = rows
        .into_iter()
        .filter_map(|r| {
            let entity = match pseudonymizer {
                Some(p) => p.pseudonym(entity_kind, &r.entity),
                None => r.entity.into_string(),
            };
            let mark = marks.get(entity.as_str());
            if mode == LogsMode::Anomalous && mark.is_none() {
                return None;
            }
            let evidence = mark.map_or_else(Vec::new, |m| {
                let denied = r.action == Action::Deny;
                m.kinds(r.time, denied, r.off_hours, r.input, r.line)
            });
            let (host, resource) = match format {
                Format::Jsonl => (Some(r.destination.into_string()), None),
                Format::Csv => (
                    hide("host", r.source_host),
                    Some(r.destination.into_string()),
                ),
            };
            Some(LogRow {
                input: r.input as usize,
                line: r.line,
                time: format_rfc3339(r.time),
                entity,
                clientip: hide("ip", r.clientip),
                user: hide("user", r.user),
                host,
                resource,
                action: r.action,
                responsecode: r.responsecode,
                bytes: r.bytes,
                is_anomalous: mark.is_some(),
                evidence,
            })
        })
        .collect();
    Some(kept)
}
