//! Exports of a finished report: a CSV of anomalies for spreadsheets and
//! SIEM imports, and a Markdown incident summary for a ticket. Pure
//! formatting: every value comes from the report.

use std::fmt::Write as _;

use crate::report::{Report, StatisticsStatus};
use crate::vocab::{megabytes, percent, thousands};

/// Column names of [`anomalies_csv`], in order.
pub const CSV_COLUMNS: [&str; 16] = [
    "entity",
    "entity_field",
    "severity",
    "confidence",
    "detection_method",
    "triggered_rules",
    "requests_per_minute_peak",
    "deny_rate",
    "total_bytes_transferred",
    "unique_hosts_count",
    "off_hours_request_ratio",
    "isolation_score",
    "request_count",
    "first_seen",
    "last_seen",
    "explanation",
];

/// One CSV field: quoted when needed (RFC 4180), and defused when a
/// spreadsheet would read it as a formula (OWASP: a leading `=`, `+`, `-`,
/// `@`, tab or CR gets a `'` prefix). Attackers control user names and
/// hosts; a plain number such as `-0.5` is left as it is.
fn field(value: &str) -> String {
    let defused =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
            format!("'{value}")
        } else {
            value.to_string()
        };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// One row per anomaly, most severe first, with a header row.
pub fn anomalies_csv(r: &Report) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for a in &r.anomalies {
        let rules: Vec<&str> = a.triggered_rules.iter().map(|x| x.name()).collect();
        let f = &a.features;
        let row = [
            field(&a.entity),
            r.entity_field.as_str().to_string(),
            a.severity.as_str().to_string(),
            format!("{:.4}", a.confidence),
            a.detection_method.as_str().to_string(),
            field(&rules.join("; ")),
            f.requests_per_minute_peak.to_string(),
            format!("{:.4}", f.deny_rate),
            f.total_bytes_transferred.to_string(),
            f.unique_hosts_count.to_string(),
            format!("{:.4}", f.off_hours_request_ratio),
            a.isolation_score
                .map(|s| format!("{s:.4}"))
                .unwrap_or_default(),
            a.request_count.to_string(),
            a.first_seen.clone(),
            a.last_seen.clone(),
            field(&a.explanation),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Escapes text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// An incident summary an analyst can paste into a ticket.
pub fn markdown(r: &Report) -> String {
    let mut m = String::new();
    let name = r.filename.as_deref().unwrap_or("input");
    let _ = writeln!(m, "# signaltrace incident summary: {}\n", cell(name));
    let _ = writeln!(
        m,
        "**Risk level: {}** — {} anomalous of {} {}.\n",
        r.risk_level.as_str(),
        r.anomaly_count,
        thousands(r.entity_count),
        r.entity_field.as_str()
    );
    let _ = writeln!(m, "{}\n", r.summary);
    let _ = writeln!(
        m,
        "- Time range: {} → {} ({:.1} h)\n- Events analyzed: {} ({} lines; {} rejected)\n- Detection: {} rule-based, {} statistical, {} hybrid",
        r.time_range.start,
        r.time_range.end,
        r.time_range.duration_hours,
        thousands(r.total_logs),
        thousands(r.lines.total),
        thousands(r.rejected_lines),
        r.detection_breakdown.rule_based,
        r.detection_breakdown.statistical,
        r.detection_breakdown.hybrid
    );
    match r.statistics.status {
        StatisticsStatus::Ran => {
            let _ = writeln!(
                m,
                "- Isolation forest: {} trees, sample {}, seed {}, contamination {}",
                r.statistics.trees,
                r.statistics.sample_size,
                r.statistics.seed,
                r.statistics.contamination
            );
        }
        StatisticsStatus::Skipped => {
            let _ = writeln!(
                m,
                "- Isolation forest skipped: {}",
                r.statistics.reason.as_deref().unwrap_or("")
            );
        }
    }
    if r.allowlisted_count > 0 {
        let _ = writeln!(m, "- Allowlisted (never flagged): {}", r.allowlisted_count);
    }
    if r.pseudonymized {
        let _ = writeln!(m, "- Identifiers are pseudonymized (keyed hashes).");
    }
    if r.anomalies.is_empty() {
        let _ = writeln!(m, "\nNo anomalies.");
        return m;
    }
    let _ = writeln!(m, "\n## Anomalies\n");
    let _ = writeln!(m, "| {} | severity | confidence | method | rules | peak/min | deny | transferred | hosts | off-hours | score |", r.entity_field.as_str());
    let _ = writeln!(m, "|---|---|---|---|---|---|---|---|---|---|---|");
    for a in &r.anomalies {
        let rules: Vec<&str> = a.triggered_rules.iter().map(|x| x.name()).collect();
        let f = &a.features;
        let _ = writeln!(
            m,
            "| `{}` | {} | {:.2} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&a.entity),
            a.severity.as_str(),
            a.confidence,
            a.detection_method.as_str(),
            if rules.is_empty() {
                "—".to_string()
            } else {
                rules.join(", ")
            },
            f.requests_per_minute_peak,
            percent(f.deny_rate),
            megabytes(f.total_bytes_transferred as f64),
            f.unique_hosts_count,
            percent(f.off_hours_request_ratio),
            a.isolation_score
                .map(|s| format!("{s:.2}"))
                .unwrap_or_else(|| "n/a".into())
        );
    }
    for a in &r.anomalies {
        let _ = writeln!(
            m,
            "\n### {} `{}`\n\n{}\n\nActive {} → {}, {} requests.",
            a.severity.as_str(),
            cell(&a.entity),
            a.explanation,
            a.first_seen,
            a.last_seen,
            thousands(a.request_count)
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1+2"), "'-1+2");
        assert_eq!(field("@SUM"), "'@SUM");
        assert_eq!(field("-0.5"), "-0.5");
    }
}
