//! Exports of a report. The CSV of anomalies is the detector's
//! (`detector::export`), so the app, the CLI and the server export the same
//! file; the JSON export is the report text exactly as produced.

pub use detector::export::anomalies_csv;

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_report() -> detector::Report {
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
}
