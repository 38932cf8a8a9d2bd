//! The raw-log table's state: which rows fit the filters, in which order,
//! and which page is shown. Pages keep a million-row table as cheap as a
//! hundred-row one: only one page of rows is ever in the DOM.
//!
//! The filters and the sort are a [`TableView`], which is also what the URL
//! fragment says (`#entity=…&host=…&q=…&sort=-time`): the results page reads
//! it from the fragment and writes every change back there, so the browser's
//! back and forward buttons, a reload and a shared link all restore it.
//! Nothing here judges a row: the evidence marks come from the detector.

use std::cmp::Ordering;

use detector::report::{EvidenceKind, LogRow};
use detector::Action;

/// Rows per page of the raw-log table.
pub const PAGE_SIZE: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFilter {
    #[default]
    All,
    AnomaliesOnly,
}

impl LogFilter {
    pub fn fits(self, row: &LogRow) -> bool {
        match self {
            LogFilter::All => true,
            LogFilter::AnomaliesOnly => row.is_anomalous,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LogFilter::All => "All",
            LogFilter::AnomaliesOnly => "Anomalies only",
        }
    }
}

/// A sortable column of the raw-log table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Time,
    ClientIp,
    User,
    Host,
    Resource,
    Action,
    Response,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Time,
        Column::ClientIp,
        Column::User,
        Column::Host,
        Column::Resource,
        Column::Action,
        Column::Response,
    ];

    /// Its name in the fragment (`sort=host`).
    pub fn key(self) -> &'static str {
        match self {
            Column::Time => "time",
            Column::ClientIp => "clientip",
            Column::User => "user",
            Column::Host => "host",
            Column::Resource => "resource",
            Column::Action => "action",
            Column::Response => "response",
        }
    }

    fn from_key(s: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == s)
    }

    fn compare(self, a: &LogRow, b: &LogRow) -> Ordering {
        match self {
            // The detector writes every time in one RFC 3339 form (UTC), so
            // text order is time order.
            Column::Time => a.time.cmp(&b.time),
            Column::ClientIp => a.clientip.cmp(&b.clientip),
            Column::User => a.user.cmp(&b.user),
            Column::Host => a.host.cmp(&b.host),
            Column::Resource => a.resource.cmp(&b.resource),
            Column::Action => a.action.as_str().cmp(b.action.as_str()),
            Column::Response => a.responsecode.cmp(&b.responsecode),
        }
    }
}

/// A column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Sort {
    /// What a click on `column`'s header does: sort by it ascending, or
    /// flip the direction when it is already the sort column.
    pub fn toggled(current: Option<Sort>, column: Column) -> Sort {
        match current {
            Some(s) if s.column == column => Sort {
                column,
                descending: !s.descending,
            },
            _ => Sort {
                column,
                descending: false,
            },
        }
    }
}

/// The raw-log table's filters and order; also the entity under
/// investigation (`entity`). Written to and read from the URL fragment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableView {
    /// Only this entity's rows; the results page investigates it.
    pub entity: Option<String>,
    /// Only rows to this host (CSV: host or resource, as evidence names
    /// destinations).
    pub host: Option<String>,
    pub action: Option<Action>,
    /// Only rows marked as this evidence by the detector.
    pub evidence: Option<EvidenceKind>,
    /// Text anywhere in the row, ignoring (ASCII) case.
    pub query: String,
    pub rows: LogFilter,
    /// `None`: file order.
    pub sort: Option<Sort>,
}

impl TableView {
    /// The view that opens `entity`'s investigation: its rows, no other filter.
    pub fn entity(entity: &str) -> TableView {
        TableView {
            entity: Some(entity.to_string()),
            ..TableView::default()
        }
    }

    /// Whether any filter narrows the rows.
    pub fn is_filtered(&self) -> bool {
        self.entity.is_some()
            || self.host.is_some()
            || self.action.is_some()
            || self.evidence.is_some()
            || !self.query.is_empty()
            || self.rows != LogFilter::All
    }

    /// The same view without its filters (the order stays).
    pub fn cleared(&self) -> TableView {
        TableView {
            sort: self.sort,
            ..TableView::default()
        }
    }

    /// Whether `row` passes every filter; `query` is already lower case.
    fn fits(&self, row: &LogRow, query: &str) -> bool {
        self.rows.fits(row)
            && self.entity.as_ref().is_none_or(|e| row.entity == *e)
            && self
                .host
                .as_ref()
                .is_none_or(|h| row.host.as_ref() == Some(h) || row.resource.as_ref() == Some(h))
            && self.action.is_none_or(|a| row.action == a)
            && self.evidence.is_none_or(|k| row.evidence.contains(&k))
            && (query.is_empty() || row_text_contains(row, query))
    }

    /// The fragment that restores this view (without the `#`), keys in a
    /// fixed order and only those set: `entity=10.0.0.5&sort=-time`.
    pub fn to_fragment(&self) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        if let Some(e) = &self.entity {
            parts.push(("entity", e.clone()));
        }
        if let Some(h) = &self.host {
            parts.push(("host", h.clone()));
        }
        if let Some(a) = self.action {
            parts.push(("action", a.as_str().to_string()));
        }
        if let Some(k) = self.evidence {
            parts.push(("evidence", k.as_str().to_string()));
        }
        if !self.query.is_empty() {
            parts.push(("q", self.query.clone()));
        }
        if self.rows == LogFilter::AnomaliesOnly {
            parts.push(("rows", "anomalies".to_string()));
        }
        if let Some(s) = self.sort {
            let dir = if s.descending { "-" } else { "" };
            parts.push(("sort", format!("{dir}{}", s.column.key())));
        }
        parts
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The view a fragment describes (with or without its `#`); unknown
    /// keys and values that name nothing are ignored.
    pub fn from_fragment(fragment: &str) -> TableView {
        let mut v = TableView::default();
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        for pair in fragment.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            let set = (!value.is_empty()).then(|| value.clone());
            match key {
                "entity" => v.entity = set,
                "host" => v.host = set,
                "action" => v.action = value.parse().ok(),
                "evidence" => v.evidence = value.parse().ok(),
                "q" => v.query = value,
                "rows" if value == "anomalies" => v.rows = LogFilter::AnomaliesOnly,
                "sort" => {
                    let (descending, key) = match value.strip_prefix('-') {
                        Some(rest) => (true, rest),
                        None => (false, value.as_str()),
                    };
                    v.sort = Column::from_key(key).map(|column| Sort { column, descending });
                }
                _ => {}
            }
        }
        v
    }
}

/// Whether `hay` contains `needle` (ASCII lower case), ignoring ASCII case.
/// ASCII only: Unicode case tables would cost the page more bytes than a
/// search of log fields (IPs, hosts, paths, codes) gains from them.
fn contains_ignoring_case(hay: &str, needle: &str) -> bool {
    let n = needle.len();
    n == 0
        || hay
            .as_bytes()
            .windows(n)
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether any of the row's shown fields contains `query` (lower case).
fn row_text_contains(row: &LogRow, query: &str) -> bool {
    let has = |s: &str| contains_ignoring_case(s, query);
    has(&row.time)
        || has(&row.entity)
        || row.clientip.as_deref().is_some_and(has)
        || row.user.as_deref().is_some_and(has)
        || row.host.as_deref().is_some_and(has)
        || row.resource.as_deref().is_some_and(has)
        || has(row.action.as_str())
        || row
            .responsecode
            .is_some_and(|c| c.to_string().contains(query))
}

/// Indices of the rows that fit `filter`, in file order.
pub fn matching(rows: &[LogRow], filter: LogFilter) -> Vec<u32> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| filter.fits(r))
        .map(|(i, _)| i as u32)
        .collect()
}

/// Indices of the rows that fit `view`, in its order (file order within
/// equal values, so a sort is stable).
pub fn select(rows: &[LogRow], view: &TableView) -> Vec<u32> {
    let query = view.query.trim().to_ascii_lowercase();
    let mut idx: Vec<u32> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| view.fits(r, &query))
        .map(|(i, _)| i as u32)
        .collect();
    if let Some(s) = view.sort {
        idx.sort_by(|&a, &b| {
            let o = s.column.compare(&rows[a as usize], &rows[b as usize]);
            if s.descending {
                o.reverse()
            } else {
                o
            }
        });
    }
    idx
}

/// Number of pages for `n` rows (at least 1, so "page 1 of 1" when empty).
pub fn page_count(n: usize) -> usize {
    n.div_ceil(PAGE_SIZE).max(1)
}

/// The slice of `indices` on 0-based `page` (clamped to the last page).
pub fn page(indices: &[u32], page: usize) -> &[u32] {
    let page = page.min(page_count(indices.len()) - 1);
    let start = page * PAGE_SIZE;
    let end = (start + PAGE_SIZE).min(indices.len());
    &indices[start.min(end)..end]
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so an
/// entity or host name (file content) can never add a key to the fragment.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Undoes [`encode`] (and any other percent-encoding); a `%` not followed by
/// two hex digits stays as it is, and bytes that are not UTF-8 become U+FFFD.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u64, anomalous: bool) -> LogRow {
        LogRow {
            input: 0,
            line,
            time: "2026-02-14T10:00:00Z".into(),
            entity: "10.0.0.1".into(),
            clientip: Some("10.0.0.1".into()),
            user: None,
            host: Some("a.example".into()),
            resource: None,
            action: Action::Allow,
            responsecode: Some(200),
            bytes: 1,
            is_anomalous: anomalous,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn anomalies_only_keeps_anomalous_rows_in_order() {
        let rows: Vec<LogRow> = (0..10).map(|i| row(i + 1, i % 3 == 0)).collect();
        assert_eq!(matching(&rows, LogFilter::All).len(), 10);
        assert_eq!(matching(&rows, LogFilter::AnomaliesOnly), [0, 3, 6, 9]);
        let view = TableView {
            rows: LogFilter::AnomaliesOnly,
            ..TableView::default()
        };
        assert_eq!(select(&rows, &view), [0, 3, 6, 9]);
    }

    #[test]
    fn pages_cover_every_row_once() {
        let idx: Vec<u32> = (0..250).collect();
        assert_eq!(page_count(250), 3);
        assert_eq!(page(&idx, 0).len(), 100);
        assert_eq!(page(&idx, 2), &idx[200..]);
        assert_eq!(page(&idx, 9), &idx[200..], "past the end clamps");
        assert_eq!(page_count(0), 1);
        assert!(page(&[], 0).is_empty());
    }

    fn sample_rows() -> Vec<LogRow> {
        let mut rows: Vec<LogRow> = (0..6).map(|i| row(i + 1, false)).collect();
        rows[1].entity = "10.0.0.2".into();
        rows[1].host = Some("B.example".into());
        rows[2].action = Action::Deny;
        rows[2].evidence = vec![EvidenceKind::Denials, EvidenceKind::Burst];
        rows[3].time = "2026-02-14T09:00:00Z".into();
        rows[4].responsecode = Some(404);
        rows[5].resource = Some("/payroll".into());
        rows[5].host = Some("fs01".into());
        rows
    }

    #[test]
    fn filters_combine_and_match_exactly() {
        let rows = sample_rows();
        let by = |v: TableView| select(&rows, &v);
        assert_eq!(by(TableView::entity("10.0.0.2")), [1]);
        assert_eq!(by(TableView::entity("10.0.0")), [] as [u32; 0], "exact");
        let host = TableView {
            host: Some("a.example".into()),
            ..TableView::entity("10.0.0.1")
        };
        assert_eq!(by(host), [0, 2, 3, 4]);
        let resource = TableView {
            host: Some("/payroll".into()),
            ..TableView::default()
        };
        assert_eq!(by(resource), [5], "CSV evidence names resources");
        let deny = TableView {
            action: Some(Action::Deny),
            ..TableView::default()
        };
        assert_eq!(by(deny), [2]);
        let burst = TableView {
            evidence: Some(EvidenceKind::Burst),
            ..TableView::default()
        };
        assert_eq!(by(burst), [2]);
    }

    #[test]
    fn search_is_case_insensitive_over_every_shown_field() {
        let rows = sample_rows();
        let q = |s: &str| {
            select(
                &rows,
                &TableView {
                    query: s.into(),
                    ..TableView::default()
                },
            )
        };
        assert_eq!(q("b.EXAMPLE"), [1]);
        assert_eq!(q("deny"), [2]);
        assert_eq!(q("404"), [4]);
        assert_eq!(q("T09:"), [3]);
        assert_eq!(q("PAYROLL"), [5]);
        assert_eq!(q("  "), [0, 1, 2, 3, 4, 5], "blank searches nothing");
    }

    #[test]
    fn sorts_are_stable_both_ways() {
        let rows = sample_rows();
        let sorted = |column, descending| {
            select(
                &rows,
                &TableView {
                    sort: Some(Sort { column, descending }),
                    ..TableView::default()
                },
            )
        };
        assert_eq!(sorted(Column::Time, false), [3, 0, 1, 2, 4, 5]);
        assert_eq!(sorted(Column::Time, true), [0, 1, 2, 4, 5, 3]);
        assert_eq!(sorted(Column::Response, true), [4, 0, 1, 2, 3, 5]);
        assert_eq!(sorted(Column::Action, false), [0, 1, 3, 4, 5, 2]);
        let s = Sort::toggled(None, Column::Host);
        assert!(!s.descending);
        assert!(Sort::toggled(Some(s), Column::Host).descending);
        assert!(!Sort::toggled(Some(s), Column::Time).descending);
    }

    #[test]
    fn fragment_round_trips_and_escapes_file_content() {
        let v = TableView {
            entity: Some("eve&sort=x#1 ü".into()),
            host: Some("a.example".into()),
            action: Some(Action::Deny),
            evidence: Some(EvidenceKind::OffHours),
            query: "50% off+".into(),
            rows: LogFilter::AnomaliesOnly,
            sort: Some(Sort {
                column: Column::Time,
                descending: true,
            }),
        };
        let f = v.to_fragment();
        assert_eq!(
            f,
            "entity=eve%26sort%3Dx%231%20%C3%BC&host=a.example&action=DENY&evidence=off_hours\
             &q=50%25%20off%2B&rows=anomalies&sort=-time"
        );
        assert_eq!(TableView::from_fragment(&format!("#{f}")), v);
        assert_eq!(TableView::from_fragment(""), TableView::default());
        assert_eq!(TableView::default().to_fragment(), "");
        assert_eq!(
            TableView::from_fragment("#entity=&action=MAYBE&sort=-nope&x=1&q=%zz"),
            TableView {
                query: "%zz".into(),
                ..TableView::default()
            },
            "unknown values are ignored"
        );
        assert_eq!(decode("%E2%82%AC+%"), "€+%");
        assert_eq!(decode("%FF"), "\u{FFFD}");
    }
}
