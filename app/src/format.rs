//! How numbers, sizes, times and feature names read on screen.
//!
//! Counts, shares, sizes and feature labels are the detector's own
//! ([`detector::vocab`]), so a number on a card reads exactly as in the
//! explanation beside it; only screen-specific formats (clock times,
//! durations, throughput) are defined here.

/// `1234567` → `1,234,567`.
pub use detector::vocab::thousands;

/// A count with its noun, singular for 1: `1 event`, `2,020 events`.
pub use detector::vocab::counted;

/// Decimal byte sizes: `75_300_000` → `75.3 MB`.
pub fn bytes(n: f64) -> String {
    detector::vocab::byte_size(n)
}

/// A share in [0, 1]: `0.9` → `90%`, `2/3` → `66.7%` (as in explanations).
pub fn percent(x: f64) -> String {
    detector::vocab::percent(x)
}

/// `2026-02-14T10:02:15Z` → `2026-02-14 10:02:15 UTC` (other text unchanged).
pub fn timestamp(rfc3339: &str) -> String {
    match rfc3339.split_once('T') {
        Some((date, rest)) => {
            let time = rest.trim_end_matches('Z');
            let time = time.split('.').next().unwrap_or(time);
            format!("{date} {time} UTC")
        }
        None => rfc3339.to_string(),
    }
}

/// Just the clock part of an RFC 3339 time: `10:02:15`.
pub fn clock(rfc3339: &str) -> String {
    rfc3339
        .split_once('T')
        .map(|(_, t)| t.get(..8).unwrap_or(t).to_string())
        .unwrap_or_else(|| rfc3339.to_string())
}

/// Hours as `3 h 25 min` or `42 min`.
pub fn duration_hours(h: f64) -> String {
    let minutes = (h * 60.0).round() as u64;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// A readable name for a feature key in `FEATURE_NAMES`.
pub fn feature_label(key: &str) -> &'static str {
    detector::vocab::feature_label(key)
}

/// A feature value in its natural unit, by index in `FEATURE_NAMES`.
pub fn feature_value(index: usize, v: f64) -> String {
    detector::vocab::feature_value(index, v)
}

/// Throughput in MB/s from bytes and milliseconds.
pub fn rate(bytes_done: u64, millis: f64) -> String {
    if millis <= 0.0 {
        return "—".into();
    }
    format!("{:.1} MB/s", bytes_done as f64 / 1e6 / (millis / 1000.0))
}

/// What the page calls a kind of evidence: the headings of the detector's
/// own evidence lines (`detector::export::evidence_lines`: "Busiest minute",
/// "Denied", "Transferred", "Off-hours"), the transfer mark being one of the
/// largest events.
pub fn evidence_label(kind: detector::report::EvidenceKind) -> &'static str {
    use detector::report::EvidenceKind;
    match kind {
        EvidenceKind::Burst => "Busiest minute",
        EvidenceKind::Denials => "Denied",
        EvidenceKind::Transfer => "Largest transfer",
        EvidenceKind::OffHours => "Off-hours",
    }
}

/// The local time the hour-of-day profiles are in: the IANA zone's name, or
/// the fixed offset (`UTC`, `UTC+02:00`, `UTC-05:30`).
pub fn local_zone(off: &detector::config::OffHours) -> String {
    if let Some(tz) = &off.timezone {
        return tz.clone();
    }
    let m = off.utc_offset_minutes;
    if m == 0 {
        return "UTC".into();
    }
    let sign = if m < 0 { '-' } else { '+' };
    let m = m.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn bytes_use_decimal_units() {
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(1500.0), "1.5 KB");
        assert_eq!(bytes(75_300_000.0), "75.3 MB");
        assert_eq!(bytes(370_000_000.0), "370 MB");
    }

    #[test]
    fn times_read_without_the_t() {
        assert_eq!(timestamp("2026-02-14T10:02:15Z"), "2026-02-14 10:02:15 UTC");
        assert_eq!(
            timestamp("2026-02-14T10:02:15.25Z"),
            "2026-02-14 10:02:15 UTC"
        );
        assert_eq!(clock("2026-02-14T10:02:15Z"), "10:02:15");
        assert_eq!(duration_hours(0.5), "30 min");
        assert_eq!(duration_hours(3.0), "3 h");
        assert_eq!(duration_hours(23.9), "23 h 54 min");
    }

    #[test]
    fn feature_values_use_their_units() {
        assert_eq!(feature_value(1, 0.9), "90%");
        // The same as the explanation's "deny rate 66.7%", not "67%".
        assert_eq!(feature_value(1, 2.0 / 3.0), "66.7%");
        assert_eq!(percent(2.0 / 3.0), "66.7%");
        assert_eq!(feature_value(2, 75_000_000.0), "75.0 MB");
        assert_eq!(feature_value(0, 150.0), "150");
        assert_eq!(feature_value(3, 2.5), "2.5");
    }

    #[test]
    fn zones_read_as_offsets_or_names() {
        let mut off = detector::config::OffHours::default();
        assert_eq!(local_zone(&off), "UTC");
        off.utc_offset_minutes = -330;
        assert_eq!(local_zone(&off), "UTC-05:30");
        off.utc_offset_minutes = 120;
        assert_eq!(local_zone(&off), "UTC+02:00");
        off.timezone = Some("Europe/Berlin".into());
        assert_eq!(local_zone(&off), "Europe/Berlin");
    }
}
