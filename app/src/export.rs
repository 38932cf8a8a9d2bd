//! Exports of a report: the CSV of anomalies (pure formatting of
//! `report.anomalies`, no detection logic). The JSON export is the report
//! text exactly as the detector or server produced it.

use detector::Report;

/// Column names of the anomalies CSV, in order.
pub const ANOMALY_CSV_HEADER: [&str; 15] = [
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
];

/// One CSV field per RFC 4180. Values an attacker controls (user names,
/// hosts) may start with `=`, `+`, `-` or `@`; such a field gets a leading
/// `'` so a spreadsheet shows it instead of evaluating it as a formula.
fn field(s: &str) -> String {
    let guarded = match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if s.parse::<f64>().is_err() => format!("'{s}"),
        _ => s.to_string(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The anomalies as CSV (header line, one line per anomaly, `\r\n` endings),
/// followed by an `explanation` column.
pub fn anomalies_csv(report: &Report) -> String {
    let mut out = String::new();
    let mut header: Vec<&str> = ANOMALY_CSV_HEADER.to_vec();
    header.push("explanation");
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for a in &report.anomalies {
        let rules: Vec<&str> = a.triggered_rules.iter().map(|r| r.name()).collect();
        let f = &a.features;
        let row = [
            a.entity.clone(),
            report.entity_field.as_str().to_string(),
            a.severity.as_str().to_string(),
            format!("{:.4}", a.confidence),
            a.detection_method.as_str().to_string(),
            rules.join("; "),
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
            a.explanation.clone(),
        ];
        let fields: Vec<String> = row.iter().map(|s| field(s)).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_report() -> Report {
        // Credential stuffing: 150 requests from one IP in a minute, 90% denied,
        // on top of 25 quiet clients.
        let mut log = String::new();
        for c in 0..25 {
            for m in 0..5 {
                log.push_str(&format!(
                    "{{\"time\":\"2026-02-14T10:{m:02}:00Z\",\"clientip\":\"10.0.0.{c}\",\"url\":\"https://h{m}.example/\",\"action\":\"ALLOW\",\"responsesize\":100}}\n"
                ));
            }
        }
        for i in 0..150 {
            let action = if i % 10 == 0 { "ALLOW" } else { "DENY" };
            log.push_str(&format!(
                "{{\"time\":\"2026-02-14T11:00:{:02}Z\",\"clientip\":\"203.0.113.45\",\"url\":\"https://login.example/\",\"action\":\"{action}\",\"responsesize\":10}}\n",
                i % 60
            ));
        }
        detector::analyze(log.as_bytes(), &detector::Config::default()).unwrap()
    }

    #[test]
    fn csv_has_a_header_and_one_row_per_anomaly() {
        let report = sample_report();
        assert!(report.anomaly_count >= 1);
        let csv = anomalies_csv(&report);
        let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len() as u64, 1 + report.anomaly_count);
        assert!(lines[0].starts_with("entity,entity_field,severity,confidence"));
        let first = lines[1];
        assert!(
            first.starts_with("203.0.113.45,clientip,Critical,"),
            "{first}"
        );
        assert!(first.contains("High Burst; High Deny Rate"), "{first}");
        assert!(first.contains(",150,"), "{first}");
    }

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@evil"), "'@evil");
        assert_eq!(field("-0.5"), "-0.5");
    }
}
