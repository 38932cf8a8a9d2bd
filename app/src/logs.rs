//! The raw-log table's state: which rows fit the filter and which page is
//! shown. Pages keep a million-row table as cheap as a hundred-row one:
//! only one page of rows is ever in the DOM.

use detector::report::LogRow;

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

/// Indices of the rows that fit `filter`, in file order.
pub fn matching(rows: &[LogRow], filter: LogFilter) -> Vec<u32> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| filter.fits(r))
        .map(|(i, _)| i as u32)
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use detector::Action;

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
}
