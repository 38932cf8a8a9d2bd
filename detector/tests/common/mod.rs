//! Helpers shared by the integration tests: building JSONL lines by hand.
#![allow(dead_code)]

use detector::{Config, Report};

pub const T0: &str = "2026-02-10T10:00:00";

/// One JSONL proxy line.
pub fn line(time: &str, ip: &str, host: &str, action: &str, bytes: u64) -> String {
    format!(
        r#"{{"time":"{time}","clientip":"{ip}","user":"u@x.com","method":"GET","url":"https://{host}/p","action":"{action}","responsecode":200,"requestsize":100,"responsesize":{bytes},"useragent":"ua","category":"c"}}"#
    )
}

/// RFC 3339 for 2026-02-10 plus `ms` milliseconds after 10:00:00Z.
pub fn at_ms(ms: i64) -> String {
    let base = 10 * 3_600_000 + ms;
    let (h, rest) = (base / 3_600_000, base % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    format!("2026-02-10T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

pub fn analyze(text: &str) -> Report {
    detector::analyze(text.as_bytes(), &Config::default()).expect("analyzable")
}

pub fn entity<'r>(r: &'r Report, name: &str) -> &'r detector::report::EntityReport {
    r.entities
        .iter()
        .find(|e| e.entity == name)
        .unwrap_or_else(|| panic!("entity {name} missing"))
}

/// Twenty-five quiet background IPs (one request each at 10:00) so the
/// forest runs; returns their lines.
pub fn background() -> Vec<String> {
    (0..25)
        .map(|i| {
            line(
                &at_ms(i * 1000),
                &format!("10.0.0.{i}"),
                "a.example",
                "ALLOW",
                1000,
            )
        })
        .collect()
}
