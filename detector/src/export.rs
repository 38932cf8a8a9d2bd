//! Renderings of a finished report: the JSON the CLI and server print, a
//! CSV of anomalies for spreadsheets and SIEM imports, a Markdown incident
//! summary for a ticket, and the CLI's text view for a terminal. Pure
//! formatting: every value comes from the report, every word and number
//! format from `vocab`.

use std::fmt::Write as _;

use crate::ingest::decompress::Compression;
use crate::names::named;
use crate::report::{Anomaly, Input, Report, StatisticsStatus};
use crate::vocab::{
    byte_size, counted, entity_label, entity_noun, megabytes, percent, percent_fixed, thousands,
};

/// Which rendering of a report a front end writes (`--export`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    /// The full report as JSON.
    #[default]
    Json,
    /// One row per anomaly ([`anomalies_csv`]).
    Csv,
    /// An incident summary ([`markdown`]).
    Markdown,
}

named!(ExportFormat, "export format", { Json => "json", Csv => "csv", Markdown => "markdown" });

/// The report as the CLI prints it and `POST /api/analyze` returns it:
/// serde_json, indented when `pretty`, then a newline.
pub fn json(r: &Report, pretty: bool) -> String {
    let mut s = if pretty {
        serde_json::to_string_pretty(r)
    } else {
        serde_json::to_string(r)
    }
    .unwrap_or_else(|e| unreachable!("a report always serializes: {e}"));
    s.push('\n');
    s
}

/// `r` rendered as `format` (JSON compact unless `pretty`).
pub fn render(r: &Report, format: ExportFormat, pretty: bool) -> String {
    match format {
        ExportFormat::Json => json(r, pretty),
        ExportFormat::Csv => anomalies_csv(r),
        ExportFormat::Markdown => markdown(r),
    }
}

/// Column names of [`anomalies_csv`], in order.
pub const CSV_COLUMNS: [&str; 17] = [
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
    "top_features",
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

/// The top attributed features as `feature_contributions` ranks them, with
/// their shares: "unique_hosts_count=0.2410; deny_rate=0.1500" (at most
/// three; empty when statistics were skipped).
fn top_features(a: &Anomaly) -> String {
    let top: Vec<String> = a
        .feature_contributions
        .iter()
        .filter(|c| c.share > 0.0)
        .take(3)
        .map(|c| format!("{}={:.4}", c.feature, c.share))
        .collect();
    top.join("; ")
}

/// One row per anomaly, most severe first, with a header row.
pub fn anomalies_csv(r: &Report) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for a in &r.anomalies {
        let rules: Vec<&str> = a.triggered_rules.iter().map(|x| x.as_str()).collect();
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
            field(&top_features(a)),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Report text made inert in Markdown, for every line of [`markdown`]:
/// entity values, file names, the summary and explanations may carry what
/// an attacker chose (a user name like `<img src=x onerror=…>`), and a
/// ticket system must show it as text, not run or format it. Characters
/// that open HTML, emphasis, code, links, tables, headings or entities are
/// backslash-escaped (CommonMark: any ASCII punctuation may be; a `_`
/// inside a word cannot emphasize and stays as it is); line breaks become
/// spaces so a value cannot start a line of its own.
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // `_` inside a word (insider_sample, deny_rate) cannot emphasize.
        let intraword = |k: Option<usize>| {
            k.and_then(|k| chars.get(k))
                .is_some_and(|c| c.is_alphanumeric())
        };
        if c == '_' && intraword(i.checked_sub(1)) && intraword(Some(i + 1)) {
            out.push(c);
            continue;
        }
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An incident summary an analyst can paste into a ticket. Every value
/// from the report goes through [`markdown_text`].
pub fn markdown(r: &Report) -> String {
    let md = markdown_text;
    let mut m = String::new();
    let name = match r.inputs.len() {
        0 | 1 => r.filename.as_deref().unwrap_or("input").to_string(),
        n => format!("{n} files"),
    };
    let _ = writeln!(m, "# signaltrace incident summary: {}\n", md(&name));
    let _ = writeln!(
        m,
        "**Risk level: {}** — {} of {} {} anomalous.\n",
        r.risk_level.as_str(),
        thousands(r.anomaly_count),
        thousands(r.entity_count),
        entity_noun(r.entity_field, r.entity_count)
    );
    let _ = writeln!(m, "{}\n", md(&r.summary));
    let _ = writeln!(
        m,
        "- Time range: {} → {} ({:.1} h)\n- Events analyzed: {} ({} lines; {} rejected)\n- Detection: {} rule-based, {} statistical, {} hybrid",
        md(&r.time_range.start),
        md(&r.time_range.end),
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
                md(r.statistics.reason.as_deref().unwrap_or(""))
            );
        }
    }
    if r.inputs.len() > 1 {
        let _ = writeln!(m, "- Inputs, in the order read:");
        for (i, input) in r.inputs.iter().enumerate() {
            let _ = writeln!(m, "  - {}", md(&input_summary(r, i, input)));
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
    markdown_anomalies(&mut m, r);
    m
}

/// The anomalies table, then one section per anomaly.
fn markdown_anomalies(m: &mut String, r: &Report) {
    let md = markdown_text;
    let _ = writeln!(m, "\n## Anomalies\n");
    let _ = writeln!(
        m,
        "| {} | severity | confidence | method | rules | peak/min | deny | transferred | hosts | off-hours | score |",
        entity_label(r.entity_field)
    );
    let _ = writeln!(m, "|---|---|---|---|---|---|---|---|---|---|---|");
    for a in &r.anomalies {
        let rules: Vec<&str> = a.triggered_rules.iter().map(|x| x.as_str()).collect();
        let f = &a.features;
        let _ = writeln!(
            m,
            "| {} | {} | {:.2} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&a.entity),
            a.severity.as_str(),
            a.confidence,
            a.detection_method.as_str(),
            if rules.is_empty() {
                "—".to_string()
            } else {
                md(&rules.join(", "))
            },
            thousands(f.requests_per_minute_peak),
            percent(f.deny_rate),
            megabytes(f.total_bytes_transferred as f64),
            thousands(f.unique_hosts_count),
            percent(f.off_hours_request_ratio),
            a.isolation_score
                .map(|s| format!("{s:.2}"))
                .unwrap_or_else(|| "n/a".into())
        );
    }
    for a in &r.anomalies {
        let _ = writeln!(
            m,
            "\n### {} {}\n\n{}\n\nActive {} → {}, {}.\n\nEvidence:\n",
            a.severity.as_str(),
            md(&a.entity),
            md(&a.explanation),
            md(&a.first_seen),
            md(&a.last_seen),
            counted(a.request_count, "event", "events")
        );
        for line in evidence_lines(r, a) {
            let _ = writeln!(m, "- {}", md(&line));
        }
    }
}

/// "host (12)" items of a top list.
fn host_list<'a>(items: impl Iterator<Item = (&'a str, String)>) -> String {
    let parts: Vec<String> = items.map(|(h, n)| format!("{h} ({n})")).collect();
    parts.join(", ")
}

/// "01 h 12, 02 h 10, 03 h 8": the busiest hours of a profile, at most 5.
fn busiest_hours(profile: &[u64]) -> String {
    let mut hours: Vec<(usize, u64)> = profile
        .iter()
        .copied()
        .enumerate()
        .filter(|h| h.1 > 0)
        .collect();
    hours.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let parts: Vec<String> = hours
        .iter()
        .take(5)
        .map(|(h, n)| format!("{h:02}:00 ({})", thousands(*n)))
        .collect();
    parts.join(", ")
}

/// The share of all events inside the off-hours window (whole local hours,
/// so `events_by_hour` gives it exactly).
fn population_off_hours_share(r: &Report) -> f64 {
    let window = &r.config.off_hours;
    let total: u64 = r.events_by_hour.iter().sum();
    let off: u64 = r
        .events_by_hour
        .iter()
        .enumerate()
        .filter(|(h, _)| window.contains(*h as i64 * 3600))
        .map(|(_, n)| n)
        .sum();
    off as f64 / total.max(1) as f64
}

/// An anomaly's evidence, one line per kind, in plain text (the text view
/// and the Markdown summary share it).
pub fn evidence_lines(r: &Report, a: &Anomaly) -> Vec<String> {
    let e = &a.evidence;
    let mut lines = Vec::new();
    if let Some(b) = &e.burst {
        lines.push(format!(
            "Busiest minute: {} from {} to {}",
            counted(b.count, "event", "events"),
            b.start,
            b.end
        ));
    }
    if let Some(d) = &e.denials {
        lines.push(format!(
            "Denied: {} of {}; most denied: {}",
            thousands(d.count),
            counted(a.request_count, "event", "events"),
            host_list(
                d.top_hosts
                    .iter()
                    .map(|h| (h.host.as_str(), thousands(h.count)))
            )
        ));
    }
    if let Some(t) = &e.transfer {
        let largest: Vec<String> = t
            .largest_events
            .iter()
            .map(|x| {
                let at = match r.inputs.len() {
                    0 | 1 => format!("line {}", x.line),
                    _ => format!("{} line {}", input_name(r, x.input), x.line),
                };
                format!(
                    "{} to {} at {} ({at})",
                    byte_size(x.bytes as f64),
                    x.host,
                    x.time
                )
            })
            .collect();
        lines.push(format!(
            "Transferred: {}; by host: {}; largest events: {}",
            byte_size(t.bytes as f64),
            host_list(
                t.top_hosts
                    .iter()
                    .map(|h| (h.host.as_str(), byte_size(h.bytes as f64)))
            ),
            largest.join("; ")
        ));
    }
    let h = &e.hosts;
    lines.push(format!(
        "Hosts: {}; most requested: {}",
        counted(h.count, "distinct host", "distinct hosts"),
        host_list(h.top.iter().map(|x| (x.host.as_str(), thousands(x.count))))
    ));
    if let Some(o) = &e.off_hours {
        lines.push(format!(
            "Off-hours: {} of {} ({}; all events: {}); busiest hours: {}",
            thousands(o.count),
            counted(a.request_count, "event", "events"),
            percent(a.features.off_hours_request_ratio),
            percent(population_off_hours_share(r)),
            busiest_hours(&e.events_by_hour),
        ));
    }
    lines
}

/// How the views name input `i`: its name, else `input N`.
fn input_name(r: &Report, i: usize) -> String {
    match r.inputs.get(i).and_then(|input| input.name.as_deref()) {
        Some(name) => name.to_string(),
        None => format!("input {}", i + 1),
    }
}

/// One input in a line: name, lines, rejections, container.
fn input_summary(r: &Report, i: usize, input: &Input) -> String {
    let mut line = format!(
        "{}: {} lines, {} accepted, {} rejected",
        input_name(r, i),
        thousands(input.lines),
        thousands(input.accepted),
        thousands(input.rejected)
    );
    if input.compression != Compression::None {
        let _ = write!(line, " ({})", input.compression.as_str());
    }
    line
}

/// The CLI's `--text` view: what an analyst reads in a terminal.
pub fn text(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "signaltrace {} — {}",
        crate::VERSION,
        match r.inputs.len() {
            0 | 1 => r.filename.as_deref().unwrap_or("-").to_string(),
            n => format!("{n} files"),
        }
    );
    if r.inputs.len() > 1 {
        for (i, input) in r.inputs.iter().enumerate() {
            let _ = writeln!(s, "  {}", input_summary(r, i, input));
        }
    }
    let _ = writeln!(s, "Risk level: {}", r.risk_level.as_str());
    let _ = writeln!(s, "{}", r.summary);
    let _ = writeln!(
        s,
        "Lines: {} total, {} accepted, {} rejected, {} blank",
        r.lines.total, r.lines.accepted, r.lines.rejected, r.lines.blank
    );
    match r.statistics.status {
        StatisticsStatus::Ran => {
            let _ = writeln!(
                s,
                "Isolation forest: {} trees, sample {}, seed {}, cut-off score {:.3}",
                r.statistics.trees,
                r.statistics.sample_size,
                r.statistics.seed,
                r.statistics.contamination_threshold.unwrap_or(0.0)
            );
        }
        StatisticsStatus::Skipped => {
            let _ = writeln!(
                s,
                "Isolation forest skipped: {}",
                r.statistics.reason.as_deref().unwrap_or("")
            );
        }
    }
    if r.anomalies.is_empty() {
        let _ = writeln!(s, "\nNo anomalies.");
    }
    for a in &r.anomalies {
        let _ = writeln!(
            s,
            "\n[{}] {}  confidence {:.2}  {}  score {}",
            a.severity.as_str(),
            a.entity,
            a.confidence,
            a.detection_method.as_str(),
            a.isolation_score
                .map(|x| format!("{x:.3}"))
                .unwrap_or_else(|| "n/a".into())
        );
        if !a.triggered_rules.is_empty() {
            let names: Vec<&str> = a.triggered_rules.iter().map(|r| r.as_str()).collect();
            let _ = writeln!(s, "  rules: {}", names.join(", "));
        }
        let f = &a.features;
        let _ = writeln!(
            s,
            "  peak/min {}  deny {}  bytes {}  hosts {}  off-hours {}  events {}",
            f.requests_per_minute_peak,
            percent_fixed(f.deny_rate),
            f.total_bytes_transferred,
            f.unique_hosts_count,
            percent_fixed(f.off_hours_request_ratio),
            a.request_count
        );
        let _ = writeln!(s, "  {}", a.explanation);
        for line in evidence_lines(r, a) {
            let _ = writeln!(s, "  - {line}");
        }
    }
    if !r.parse_errors.is_empty() {
        let _ = writeln!(s, "\nRejected lines (first {}):", r.parse_errors.len());
        for e in &r.parse_errors {
            let _ = match r.inputs.len() {
                0 | 1 => writeln!(s, "  line {}: {}", e.line, e.reason),
                _ => writeln!(
                    s,
                    "  {} line {}: {}",
                    input_name(r, e.input),
                    e.line,
                    e.reason
                ),
            };
        }
    }
    s
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
