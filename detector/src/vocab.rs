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

/// Readable names of the features, in [`FEATURE_NAMES`] order.
pub const FEATURE_LABELS: [&str; 5] = [
    "Peak requests / minute",
    "Deny rate",
    "Data transferred",
    "Unique hosts",
    "Off-hours share",
];

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
    match FEATURE_UNITS.get(index) {
        Some(Unit::Share) => percent(v),
        Some(Unit::Megabytes) => megabytes(v),
        Some(Unit::Count) => plain(v),
        None => v.to_string(),
    }
}

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
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
