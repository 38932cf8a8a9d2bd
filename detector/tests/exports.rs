//! The exports treat report text as data: an entity named like markup or a
//! spreadsheet formula comes out inert in Markdown and correctly quoted in
//! CSV.

use detector::{Config, EntityField, Report};

/// A user the attacker named, 150 requests in one minute, 90% denied:
/// Critical by rules alone (too few entities for the forest).
fn report_for_user(user: &str) -> Report {
    let user_json = serde_json::to_string(user).unwrap();
    let mut log = String::new();
    for i in 0..150 {
        let action = if i % 10 == 0 { "ALLOW" } else { "DENY" };
        log.push_str(&format!(
            "{{\"time\":\"2026-02-14T11:00:{:02}Z\",\"clientip\":\"203.0.113.45\",\"user\":{user_json},\"url\":\"https://login.example/\",\"action\":\"{action}\",\"responsesize\":10}}\n",
            i % 60
        ));
    }
    log.push_str("{\"time\":\"2026-02-14T11:00:00Z\",\"clientip\":\"10.0.0.1\",\"user\":\"alice\",\"url\":\"https://a.example/\",\"action\":\"ALLOW\",\"responsesize\":10}\n");
    let config = Config {
        entity: Some(EntityField::User),
        ..Config::default()
    };
    let mut analyzer = detector::Analyzer::new(config)
        .unwrap()
        .with_filename("<b>logs</b>_*1*.jsonl");
    analyzer.push(log.as_bytes()).unwrap();
    let report = analyzer.finish().unwrap();
    assert_eq!(report.anomalies[0].entity, user);
    report
}

const HOSTILE: &str = "<img src=x onerror=alert(1)>|*bold* _it_ `code` [link](http://x)\n# heading";

#[test]
fn markdown_escapes_hostile_entity_names_on_every_line() {
    let report = report_for_user(HOSTILE);
    let md = detector::export::markdown(&report);
    let escaped = detector::export::markdown_text(HOSTILE);
    assert_eq!(
        escaped,
        r"\<img src=x onerror=alert(1)\>\|\*bold\* \_it\_ \`code\` \[link\](http://x) \# heading"
    );
    // Summary line, table row and section heading all carry the escaped name.
    assert!(md.matches(&escaped).count() >= 3, "{md}");
    assert!(md
        .lines()
        .any(|l| l.contains("Most severe:") && l.contains(&escaped)));
    for line in md.lines() {
        // Nothing from the name can start a line or open markup.
        assert!(!line.starts_with("# heading"), "{line}");
        let b = line.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if matches!(c, b'<' | b'>' | b'`' | b'[' | b']') {
                assert!(
                    i > 0 && b[i - 1] == b'\\',
                    "unescaped {:?} in {line}",
                    c as char
                );
            }
        }
    }
    assert!(md.starts_with(r"# signaltrace incident summary: \<b\>logs\</b\>\_\*1\*.jsonl"));
    // A `_` inside a word cannot emphasize and stays readable.
    assert_eq!(
        detector::export::markdown_text("insider_sample.csv _x_"),
        r"insider_sample.csv \_x\_"
    );
}

#[test]
fn csv_quotes_quotes_and_line_breaks_and_defuses_formulas() {
    let name = "=HYPERLINK(\"http://x\",\"y\")\nsecond, line\r";
    let report = report_for_user(name);
    let csv = detector::export::anomalies_csv(&report);
    let row = csv.split("\r\n").nth(1).unwrap();
    assert!(
        row.starts_with(
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\nsecond, line\r\",user,Critical,"
        ),
        "{row:?}"
    );
    let plain = report_for_user("say \"hi\"");
    let csv = detector::export::anomalies_csv(&plain);
    assert!(csv.contains("\r\n\"say \"\"hi\"\"\",user,"), "{csv:?}");
}
