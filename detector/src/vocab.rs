//! The words and number formats every front end shares: entity nouns,
//! feature labels and units, and how counts, shares and sizes are written.
//!
//! The report's text (summary, explanations), the exports, the CLI's text
//! view and the browser app all format through here, so a deny rate reads
//! "66.7%" on an anomaly card and in its explanation alike.

use crate::config::EntityField;
use crate::features::FEATURE_NAMES;

/// "client IP" / "client IPs", "user" / "users", "host" / "hosts".
pub fn entity_noun(field: EntityField, n: u64) -> &'static str {
    match (field, n == 1) {
        (EntityField::Clientip, true) => "client IP",
        (EntityField::Clientip, false) => "client IPs",
        (EntityField::User, true) => "user",
        (EntityField::User, false) => "users",
        (EntityField::Host, true) => "host",
        (EntityField::Host, false) => "hosts",
    }
}

/// The entity field as a heading or form label: "Client IP", "User", "Host".
pub fn entity_label(field: EntityField) -> &'static str {
    match field {
        EntityField::Clientip => "Client IP",
        EntityField::User => "User",
        EntityField::Host => "Host",
    }
}

/// Readable names of the features, in [`FEATURE_NAMES`] order: headings
/// and table labels.
pub const FEATURE_LABELS: [&str; 5] = [
    "Peak requests per minute",
    "Deny rate",
    "Data transferred",
    "Distinct hosts",
    "Off-hours share",
];

/// The same names inside a sentence ("unusually many distinct hosts"), in
/// [`FEATURE_NAMES`] order.
pub const FEATURE_PHRASES: [&str; 5] = [
    "peak requests per minute",
    "deny rate",
    "data transferred",
    "distinct hosts",
    "off-hours share",
];

/// How a sentence says a feature is above / below its typical range
/// ("unusually many distinct hosts", "unusually little data transferred").
pub const FEATURE_DIRECTIONS: [(&str, &str); 5] = [
    ("high", "low"),
    ("high", "low"),
    ("much", "little"),
    ("many", "few"),
    ("high", "low"),
];

/// The smallest difference that counts, per feature in [`FEATURE_NAMES`]
/// order: 1 request, one percentage point, 1 KB, 1 host, one percentage
/// point. A value one step outside the typical range is not "unusual"
/// (2 requests a minute where most have 1), and the robust z-score's scale
/// never goes below it.
pub const FEATURE_RESOLUTION: [f64; 5] = [1.0, 0.01, 1000.0, 1.0, 0.01];

/// A feature in a sentence, with its value and the population's typical
/// range (P10–P90): "unusually many distinct hosts (22, typical 8–12)";
/// without "unusually …" unless the value lies more than the feature's
/// [`FEATURE_RESOLUTION`] outside the range.
pub fn feature_against_range(index: usize, value: f64, p10: f64, p90: f64) -> String {
    let phrase = FEATURE_PHRASES.get(index).copied().unwrap_or("feature");
    let (up, down) = FEATURE_DIRECTIONS
        .get(index)
        .copied()
        .unwrap_or(("high", "low"));
    let step = FEATURE_RESOLUTION.get(index).copied().unwrap_or(0.0);
    let lead = if value > p90 + step {
        format!("unusually {up} ")
    } else if value < p10 - step {
        format!("unusually {down} ")
    } else {
        String::new()
    };
    format!(
        "{lead}{phrase} ({}, typical {})",
        feature_value(index, value),
        feature_range(index, p10, p90)
    )
}

/// A readable name for a feature key of [`FEATURE_NAMES`] ("Feature" for
/// anything else).
pub fn feature_label(key: &str) -> &'static str {
    FEATURE_NAMES
        .iter()
        .position(|k| *k == key)
        .map_or("Feature", |i| FEATURE_LABELS[i])
}

/// The unit a feature's value is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count: "1,234", or "12.5" for a fractional median.
    Count,
    /// A share in [0, 1]: "90%", "66.7%".
    Share,
    /// Bytes, in decimal megabytes: "75.0 MB".
    Megabytes,
}

/// The unit of each feature, in [`FEATURE_NAMES`] order.
pub const FEATURE_UNITS: [Unit; 5] = [
    Unit::Count,
    Unit::Share,
    Unit::Megabytes,
    Unit::Count,
    Unit::Share,
];

/// A feature value in its unit, by index in [`FEATURE_NAMES`].
pub fn feature_value(index: usize, v: f64) -> String {
    let (number, unit) = number_and_unit(index, v);
    format!("{number}{unit}")
}

/// A range of a feature's values with the unit once: "8–12", "0–10%",
/// "1.2–15.0 MB"; one value when both ends read the same ("1", "0%").
/// A size that would read "0.0 MB" reads "<0.1" ("<0.1–2.3 MB").
pub fn feature_range(index: usize, lo: f64, hi: f64) -> String {
    let (a, unit) = number_and_unit(index, lo);
    let (b, _) = number_and_unit(index, hi);
    if a == b {
        format!("{a}{unit}")
    } else {
        format!("{a}–{b}{unit}")
    }
}

/// A feature value's number and its unit suffix ("66.7", "%").
fn number_and_unit(index: usize, v: f64) -> (String, &'static str) {
    match FEATURE_UNITS.get(index) {
        Some(Unit::Share) => {
            let mut p = percent(v);
            p.pop();
            (p, "%")
        }
        Some(Unit::Megabytes) if v > 0.0 && v < 50_000.0 => ("<0.1".to_string(), " MB"),
        Some(Unit::Megabytes) => (format!("{:.1}", v / 1e6), " MB"),
        Some(Unit::Count) => (plain(v), ""),
        None => (v.to_string(), ""),
    }
}

/// A count with its noun, singular for 1: "1 event", "2,020 events".
pub fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share in [0, 1]: 0.9 → "90%", 2/3 → "66.7%" (one decimal unless whole).
pub fn percent(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{}%", p.round() as i64)
    } else {
        format!("{p:.1}%")
    }
}

/// A share in [0, 1] always with one decimal: 0.9 → "90.0%" (the CLI's
/// aligned text view).
pub fn percent_fixed(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A number that may be fractional (a median): "12", "1,200", "12.5".
pub fn plain(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 && x.abs() < 1e15 {
        thousands(x.round() as u64)
    } else {
        format!("{x:.1}")
    }
}

/// Decimal megabytes with one decimal: 75000000 → "75.0 MB".
pub fn megabytes(b: f64) -> String {
    format!("{:.1} MB", b / 1e6)
}

/// A size in the largest decimal unit below it: 512 → "512 B",
/// 1500 → "1.5 KB", 370000000 → "370 MB" (files, uploads, throughput).
pub fn byte_size(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{} B", v as u64)
    } else if v >= 100.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(percent(0.9), "90%");
        assert_eq!(percent(2.0 / 3.0), "66.7%");
        assert_eq!(percent_fixed(0.9), "90.0%");
        assert_eq!(plain(12.5), "12.5");
        assert_eq!(plain(1200.0), "1,200");
        assert_eq!(megabytes(75_000_000.0), "75.0 MB");
        assert_eq!(byte_size(512.0), "512 B");
        assert_eq!(byte_size(1500.0), "1.5 KB");
        assert_eq!(byte_size(370_000_000.0), "370 MB");
    }

    #[test]
    fn feature_values_and_labels_follow_feature_order() {
        assert_eq!(feature_value(0, 150.0), "150");
        assert_eq!(feature_value(1, 2.0 / 3.0), "66.7%");
        assert_eq!(feature_value(2, 75_000_000.0), "75.0 MB");
        assert_eq!(feature_value(3, 2.5), "2.5");
        assert_eq!(feature_value(4, 0.7), "70%");
        assert_eq!(feature_label("deny_rate"), "Deny rate");
        assert_eq!(feature_range(3, 8.0, 12.0), "8–12");
        assert_eq!(feature_range(1, 0.0, 0.1), "0–10%");
        assert_eq!(feature_range(2, 1.2e6, 15e6), "1.2–15.0 MB");
        assert_eq!(feature_range(0, 1.0, 1.0), "1");
        assert_eq!(feature_range(2, 1000.0, 1000.0), "<0.1 MB");
        assert_eq!(feature_range(2, 1000.0, 2.3e6), "<0.1–2.3 MB");
        assert_eq!(feature_range(2, 0.0, 0.0), "0.0 MB");
        assert_eq!(
            feature_against_range(3, 22.0, 8.0, 12.0),
            "unusually many distinct hosts (22, typical 8–12)"
        );
        assert_eq!(
            feature_against_range(0, 2.0, 1.0, 1.0),
            "peak requests per minute (2, typical 1)"
        );
        assert_eq!(
            feature_against_range(3, 1.0, 5.0, 6.0),
            "unusually few distinct hosts (1, typical 5–6)"
        );
        assert_eq!(counted(1, "event", "events"), "1 event");
        assert_eq!(counted(2020, "event", "events"), "2,020 events");
        assert_eq!(feature_label("nope"), "Feature");
    }

    #[test]
    fn entity_nouns_agree_with_the_count() {
        assert_eq!(entity_noun(EntityField::Clientip, 1), "client IP");
        assert_eq!(entity_noun(EntityField::Clientip, 0), "client IPs");
        assert_eq!(entity_noun(EntityField::User, 2), "users");
        assert_eq!(entity_label(EntityField::Host), "Host");
    }
}
