//! Reading the clocks of real logs: how an event's time is written
//! ([`TimeFormat`]) and which wall clock the office lives by ([`Zone`]).
//!
//! Every time still ends as UTC nanoseconds ([`Nanos`]). RFC 3339 keeps its
//! own fast parser ([`crate::time::parse_rfc3339`]); epoch numbers are read
//! by hand; strftime patterns go to `chrono`. A pattern without a zone names
//! a local time, read in the configured [`Zone`]: a wall-clock time that
//! occurs twice (the hour repeated when clocks go back) is the earlier
//! instant, and one that never occurs (the hour skipped when clocks go
//! forward) is rejected. IANA zones come from `chrono-tz` (feature `tz`),
//! or in WebAssembly builds without it from the JavaScript host's own zone
//! database through `Intl` ([`intl`]), so off-hours follow daylight-saving
//! time either way. Nothing here reads the machine's clock or time zone:
//! results never depend on where the detector runs.

#[cfg(all(target_arch = "wasm32", not(feature = "tz")))]
mod intl;
/// Every zone name the JavaScript host knows (`Intl.supportedValuesOf`), or
/// none on an engine too old to list them.
#[cfg(all(target_arch = "wasm32", not(feature = "tz")))]
pub use intl::supported_names as host_zone_names;

use std::fmt;
use std::str::FromStr;

use chrono::format::{Item, StrftimeItems};
use chrono::NaiveDateTime;
#[cfg(feature = "tz")]
use chrono::{Offset, TimeZone as _};

use crate::time::{self, Nanos, NANOS_PER_SEC};

/// How times are read and which wall clock decides off-hours: fixed once
/// per analysis from the config.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Clock {
    pub format: TimeFormat,
    pub zone: Zone,
}

impl Clock {
    /// Parses a time field as this clock's format says.
    #[inline]
    pub fn parse(&self, text: &str) -> Result<Nanos, String> {
        match self.format {
            // The common case, without the detour through `String` errors.
            TimeFormat::Rfc3339 => time::parse_rfc3339(text.as_bytes()).map_err(str::to_owned),
            _ => self.format.parse(text, &self.zone),
        }
    }

    /// Whether the format reads JSON numbers (epoch counts).
    pub fn takes_numbers(&self) -> bool {
        matches!(
            self.format,
            TimeFormat::EpochSeconds | TimeFormat::EpochMillis | TimeFormat::EpochMicros
        )
    }
}

/// How the time field of a log is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum TimeFormat {
    /// `2026-02-14T10:02:15.25+02:00` (the default).
    #[default]
    Rfc3339,
    /// Seconds since the Unix epoch, optionally fractional: `1771234567.25`.
    EpochSeconds,
    /// Milliseconds since the epoch: `1771234567890`.
    EpochMillis,
    /// Microseconds since the epoch.
    EpochMicros,
    /// A `chrono` strftime pattern such as `%d/%m/%Y %H:%M:%S`.
    Pattern(String),
}

impl TimeFormat {
    /// The named formats, as written in configs and flags.
    pub const NAMES: [&'static str; 4] = ["rfc3339", "epoch_s", "epoch_ms", "epoch_us"];

    pub fn as_str(&self) -> &str {
        match self {
            TimeFormat::Rfc3339 => "rfc3339",
            TimeFormat::EpochSeconds => "epoch_s",
            TimeFormat::EpochMillis => "epoch_ms",
            TimeFormat::EpochMicros => "epoch_us",
            TimeFormat::Pattern(p) => p,
        }
    }

    /// Parses one time field. `zone` places a pattern without an offset.
    /// The error is a short reason for a rejection report.
    pub fn parse(&self, text: &str, zone: &Zone) -> Result<Nanos, String> {
        match self {
            TimeFormat::Rfc3339 => time::parse_rfc3339(text.as_bytes()).map_err(str::to_owned),
            TimeFormat::EpochSeconds => epoch(text, NANOS_PER_SEC),
            TimeFormat::EpochMillis => epoch(text, 1_000_000),
            TimeFormat::EpochMicros => epoch(text, 1_000),
            TimeFormat::Pattern(p) => pattern(text, p, zone),
        }
    }
}

impl fmt::Display for TimeFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TimeFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "rfc3339" => Ok(TimeFormat::Rfc3339),
            "epoch_s" => Ok(TimeFormat::EpochSeconds),
            "epoch_ms" => Ok(TimeFormat::EpochMillis),
            "epoch_us" => Ok(TimeFormat::EpochMicros),
            p if p.contains('%') => {
                if StrftimeItems::new(p).any(|i| matches!(i, Item::Error)) {
                    return Err(format!("time format `{p}` is not a valid strftime pattern"));
                }
                Ok(TimeFormat::Pattern(p.to_owned()))
            }
            other => Err(format!(
                "unknown time format `{other}`: use one of {} or a strftime pattern like `%d/%m/%Y %H:%M:%S`",
                TimeFormat::NAMES.join(", ")
            )),
        }
    }
}

/// An epoch count in units of `unit` nanoseconds: digits with an optional
/// sign and fraction (`1771234567.25`), fraction kept to the nanosecond.
fn epoch(text: &str, unit: i64) -> Result<Nanos, String> {
    let bad = || format!("expected a number of {} since 1970", unit_name(unit));
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() || !whole.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if !frac.bytes().all(|c| c.is_ascii_digit()) || digits.ends_with('.') {
        return Err(bad());
    }
    let range = || format!("{} since 1970 out of the supported range", unit_name(unit));
    let whole: i64 = whole.parse().map_err(|_| range())?;
    let mut part = 0i64;
    let mut scale = unit / 10;
    for c in frac.bytes() {
        part += i64::from(c - b'0') * scale;
        scale /= 10;
    }
    let t = whole
        .checked_mul(unit)
        .and_then(|t| t.checked_add(part))
        .ok_or_else(range)?;
    let t = if negative { -t } else { t };
    time::check_range(t).map_err(|_| range())?;
    Ok(t)
}

fn unit_name(unit: i64) -> &'static str {
    match unit {
        NANOS_PER_SEC => "seconds",
        1_000_000 => "milliseconds",
        _ => "microseconds",
    }
}

/// Whether a pattern gives its own UTC offset.
fn has_offset(pattern: &str) -> bool {
    StrftimeItems::new(pattern).any(|i| {
        matches!(
            i,
            Item::Fixed(chrono::format::Fixed::TimezoneOffset)
                | Item::Fixed(chrono::format::Fixed::TimezoneOffsetColon)
                | Item::Fixed(chrono::format::Fixed::TimezoneOffsetDoubleColon)
                | Item::Fixed(chrono::format::Fixed::TimezoneOffsetTripleColon)
                | Item::Fixed(chrono::format::Fixed::TimezoneOffsetColonZ)
                | Item::Fixed(chrono::format::Fixed::TimezoneOffsetZ)
                | Item::Fixed(chrono::format::Fixed::RFC2822)
                | Item::Fixed(chrono::format::Fixed::RFC3339)
        )
    })
}

fn pattern(text: &str, pattern: &str, zone: &Zone) -> Result<Nanos, String> {
    let mismatch =
        |e: chrono::ParseError| format!("does not match the time format `{pattern}`: {e}");
    let utc = if has_offset(pattern) {
        chrono::DateTime::parse_from_str(text, pattern)
            .map_err(mismatch)?
            .naive_utc()
    } else {
        let local = NaiveDateTime::parse_from_str(text, pattern).map_err(mismatch)?;
        zone.to_utc(local)?
    };
    let t = utc
        .and_utc()
        .timestamp_nanos_opt()
        .ok_or_else(|| "time out of the supported range".to_owned())?;
    time::check_range(t).map_err(str::to_owned)?;
    Ok(t)
}

/// The wall clock that decides what "off-hours" means: a fixed offset from
/// UTC, or an IANA zone whose offset follows daylight-saving time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    /// Minutes east of UTC.
    Fixed(i32),
    #[cfg(feature = "tz")]
    Named(chrono_tz::Tz),
    /// An IANA zone from the JavaScript host's database (`Intl`), in
    /// WebAssembly builds without chrono-tz.
    #[cfg(all(target_arch = "wasm32", not(feature = "tz")))]
    Host(intl::HostZone),
}

impl Default for Zone {
    fn default() -> Self {
        Zone::Fixed(0)
    }
}

impl Zone {
    /// Minutes east of UTC at the instant `t`.
    #[cfg_attr(
        all(not(feature = "tz"), not(target_arch = "wasm32")),
        allow(unused_variables)
    )]
    pub fn offset_minutes_at(&self, t: Nanos) -> i32 {
        match self {
            Zone::Fixed(m) => *m,
            #[cfg(feature = "tz")]
            Zone::Named(tz) => {
                let secs = t.div_euclid(NANOS_PER_SEC);
                let utc = chrono::DateTime::from_timestamp(secs, 0)
                    .unwrap_or_default()
                    .naive_utc();
                tz.offset_from_utc_datetime(&utc).fix().local_minus_utc() / 60
            }
            #[cfg(all(target_arch = "wasm32", not(feature = "tz")))]
            Zone::Host(zone) => zone.offset_seconds(t.div_euclid(NANOS_PER_SEC)) / 60,
        }
    }

    /// Seconds into the local day at the instant `t`.
    pub fn second_of_day(&self, t: Nanos) -> i64 {
        time::second_of_day(t, self.offset_minutes_at(t))
    }

    /// The UTC instant of a local wall-clock time (see the module docs for
    /// times that occur twice or never).
    fn to_utc(self, local: NaiveDateTime) -> Result<NaiveDateTime, String> {
        match self {
            Zone::Fixed(m) => Ok(local - chrono::Duration::minutes(i64::from(m))),
            #[cfg(feature = "tz")]
            Zone::Named(tz) => match tz.from_local_datetime(&local) {
                chrono::LocalResult::Single(t) => Ok(t.naive_utc()),
                chrono::LocalResult::Ambiguous(earlier, _) => Ok(earlier.naive_utc()),
                chrono::LocalResult::None => Err(format!(
                    "local time {local} does not exist in {} (the clocks skipped it)",
                    tz.name()
                )),
            },
            #[cfg(all(target_arch = "wasm32", not(feature = "tz")))]
            Zone::Host(zone) => zone.to_utc(local).ok_or_else(|| {
                format!(
                    "local time {local} does not exist in {} (the clocks skipped it)",
                    zone.name()
                )
            }),
        }
    }

    /// Whether this is an IANA zone (not a fixed offset).
    pub fn is_named(&self) -> bool {
        !matches!(self, Zone::Fixed(_))
    }

    /// An IANA name (`Europe/Berlin`), `UTC`, or an offset `±HH:MM`.
    pub fn name(&self) -> String {
        match self {
            Zone::Fixed(0) => "UTC".to_owned(),
            Zone::Fixed(m) => {
                let sign = if *m < 0 { '-' } else { '+' };
                format!("{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
            }
            #[cfg(feature = "tz")]
            Zone::Named(tz) => tz.name().to_owned(),
            #[cfg(all(target_arch = "wasm32", not(feature = "tz")))]
            Zone::Host(zone) => zone.name(),
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for Zone {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("utc") || s == "Z" {
            return Ok(Zone::Fixed(0));
        }
        if let Some(m) = parse_offset(s) {
            return Ok(Zone::Fixed(m));
        }
        #[cfg(feature = "tz")]
        if let Ok(tz) = s.parse::<chrono_tz::Tz>() {
            return Ok(Zone::Named(tz));
        }
        #[cfg(all(target_arch = "wasm32", not(feature = "tz")))]
        if let Some(zone) = intl::HostZone::find(s) {
            return Ok(Zone::Host(zone));
        }
        #[cfg(all(not(feature = "tz"), not(target_arch = "wasm32")))]
        if s.contains('/') {
            return Err(format!(
                "time zone `{s}`: named time zones are not part of this build (a native build \
                 without the detector's `tz` feature has no zone database); use an offset \
                 like +01:00"
            ));
        }
        Err(format!(
            "unknown time zone `{s}`: use an IANA name such as {}, `UTC`, or an offset like +01:00",
            suggestions(s).join(", ")
        ))
    }
}

/// `±HH:MM` (or `±HHMM`, `±HH`) within ±18 hours, in minutes.
fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.len() {
        2 => (rest, "00"),
        4 => rest.split_at(2),
        5 if rest.as_bytes()[2] == b':' => (&rest[..2], &rest[3..]),
        _ => return None,
    };
    if !h.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 18 && m < 60 && h * 60 + m <= 18 * 60).then_some(sign * (h * 60 + m))
}

/// The IANA names closest to a misspelled one, from chrono-tz's database.
#[cfg(feature = "tz")]
fn suggestions(s: &str) -> Vec<String> {
    closest(s, chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()))
}

/// The IANA names closest to a misspelled one, from the JavaScript host's
/// list (`Intl.supportedValuesOf('timeZone')`).
#[cfg(all(target_arch = "wasm32", not(feature = "tz")))]
fn suggestions(s: &str) -> Vec<String> {
    let names = intl::supported_names();
    closest(s, names.iter().map(String::as_str))
}

/// The names closest to a misspelled one (same region first), so the error
/// shows valid choices without listing all six hundred.
#[cfg(any(feature = "tz", target_arch = "wasm32"))]
fn closest<'a>(s: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let want = s.to_ascii_lowercase();
    let region = want.split('/').next().unwrap_or("");
    let scored: Vec<(usize, &str)> = names
        .map(|name| {
            let lower = name.to_ascii_lowercase();
            let same_region = lower.split('/').next() == Some(region);
            (
                edit_distance(&want, &lower) + if same_region { 0 } else { 3 },
                name,
            )
        })
        .collect();
    // The four best in (distance, name) order; picked rather than sorted,
    // which keeps a sort's code out of the WebAssembly builds.
    let mut names: Vec<String> = Vec::new();
    let mut taken: Option<(usize, &str)> = None;
    for _ in 0..4 {
        let next = scored
            .iter()
            .filter(|s| taken.is_none_or(|t| **s > t))
            .min();
        let Some(&next) = next else { break };
        names.push(format!("`{}`", next.1));
        taken = Some(next);
    }
    for common in ["`Europe/Berlin`", "`America/New_York`"] {
        if names.len() < 6 && !names.iter().any(|n| n == common) {
            names.push(common.to_owned());
        }
    }
    names
}

/// Without a zone database there are no names to suggest.
#[cfg(all(not(feature = "tz"), not(target_arch = "wasm32")))]
fn suggestions(_: &str) -> Vec<String> {
    vec!["`UTC`".to_owned()]
}

#[cfg(any(feature = "tz", target_arch = "wasm32"))]
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Nanos {
        time::parse_rfc3339(s.as_bytes()).unwrap()
    }

    #[test]
    fn epoch_formats_name_the_same_instant_as_rfc3339() {
        let utc = Zone::default();
        let t = at("2026-02-16T09:36:07.89Z");
        assert_eq!(TimeFormat::EpochMillis.parse("1771234567890", &utc), Ok(t));
        assert_eq!(TimeFormat::EpochSeconds.parse("1771234567.89", &utc), Ok(t));
        assert_eq!(
            TimeFormat::EpochMicros.parse("1771234567890000", &utc),
            Ok(t)
        );
        assert_eq!(
            TimeFormat::EpochSeconds.parse("1771234567", &utc),
            Ok(at("2026-02-16T09:36:07Z"))
        );
        for bad in ["", "12a", "1.", ".5", "1e9", "99999999999999999999"] {
            assert!(TimeFormat::EpochMillis.parse(bad, &utc).is_err(), "{bad}");
        }
    }

    #[test]
    fn patterns_without_a_zone_are_read_in_the_configured_zone() {
        let f: TimeFormat = "%m/%d/%Y %H:%M:%S".parse().unwrap();
        let utc = Zone::default();
        assert_eq!(
            f.parse("03/11/2025 09:15:43", &utc),
            Ok(at("2025-03-11T09:15:43Z"))
        );
        let berlin: Zone = "Europe/Berlin".parse().unwrap();
        // Winter (+01:00) and summer (+02:00) on either side of 2026-03-29.
        assert_eq!(
            f.parse("03/28/2026 09:00:00", &berlin),
            Ok(at("2026-03-28T08:00:00Z"))
        );
        assert_eq!(
            f.parse("03/30/2026 09:00:00", &berlin),
            Ok(at("2026-03-30T07:00:00Z"))
        );
        // 02:30 never happened on 2026-03-29; 02:30 happened twice on 2026-10-25.
        assert!(f
            .parse("03/29/2026 02:30:00", &berlin)
            .unwrap_err()
            .contains("does not exist"));
        assert_eq!(
            f.parse("10/25/2026 02:30:00", &berlin),
            Ok(at("2026-10-25T00:30:00Z"))
        );
        let plus2: Zone = "+02:00".parse().unwrap();
        assert_eq!(
            f.parse("03/11/2025 09:15:43", &plus2),
            Ok(at("2025-03-11T07:15:43Z"))
        );
    }

    #[test]
    fn patterns_with_an_offset_ignore_the_zone() {
        let f: TimeFormat = "%d/%b/%Y:%H:%M:%S %z".parse().unwrap();
        let berlin: Zone = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            f.parse("10/Oct/2025:13:55:36 -0700", &berlin),
            Ok(at("2025-10-10T20:55:36Z"))
        );
        assert!(f.parse("10/Oct/2025 13:55:36", &berlin).is_err());
    }

    #[test]
    fn named_zones_follow_daylight_saving_time() {
        let berlin: Zone = "Europe/Berlin".parse().unwrap();
        assert_eq!(berlin.offset_minutes_at(at("2026-03-29T00:59:59Z")), 60);
        assert_eq!(berlin.offset_minutes_at(at("2026-03-29T01:00:00Z")), 120);
        assert_eq!(berlin.offset_minutes_at(at("2026-10-25T00:59:59Z")), 120);
        assert_eq!(berlin.offset_minutes_at(at("2026-10-25T01:00:00Z")), 60);
        // 03:30 UTC is 04:30 in Berlin's winter and 05:30 in its summer.
        assert_eq!(
            berlin.second_of_day(at("2026-03-28T03:30:00Z")),
            4 * 3600 + 1800
        );
        assert_eq!(
            berlin.second_of_day(at("2026-03-30T03:30:00Z")),
            5 * 3600 + 1800
        );
        let ny: Zone = "America/New_York".parse().unwrap();
        assert_eq!(ny.offset_minutes_at(at("2026-07-01T12:00:00Z")), -240);
        assert_eq!(ny.offset_minutes_at(at("2026-12-01T12:00:00Z")), -300);
    }

    #[test]
    fn zone_names_and_offsets_parse_and_print() {
        for (text, name) in [
            ("UTC", "UTC"),
            ("+01:00", "+01:00"),
            ("-0530", "-05:30"),
            ("+09", "+09:00"),
            ("Europe/Berlin", "Europe/Berlin"),
        ] {
            assert_eq!(text.parse::<Zone>().unwrap().name(), name);
        }
        for bad in ["+25:00", "+01:60", "01:00", "Mars/Olympus"] {
            assert!(bad.parse::<Zone>().is_err(), "{bad}");
        }
        let err = "Europe/Berln".parse::<Zone>().unwrap_err();
        assert!(err.contains("`Europe/Berlin`"), "{err}");
    }

    #[test]
    fn unknown_formats_list_the_valid_ones() {
        let err = "epoch".parse::<TimeFormat>().unwrap_err();
        assert!(
            err.contains("rfc3339, epoch_s, epoch_ms, epoch_us"),
            "{err}"
        );
        assert!("%Q".parse::<TimeFormat>().is_err());
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod differential {
        use proptest::prelude::*;

        use crate::time::parse_rfc3339;

        /// RFC 3339 texts in the documented subset (no leap seconds), with
        /// out-of-range days, hours and offsets mixed in.
        fn rfc3339_like() -> impl Strategy<Value = String> {
            (
                // The supported range is of the UTC instant; keep clear of
                // its edges, where an offset moves a time out of it.
                (1679i64..=2260, 1u32..=12, 1u32..=31),
                (0u32..=24, 0u32..=59, 0u32..=59),
                prop::option::of("[0-9]{1,12}"),
                prop::sample::select(vec!['T', 't', ' ']),
                prop_oneof![
                    Just("Z".to_owned()),
                    Just("z".to_owned()),
                    (prop::bool::ANY, 0u32..=24, 0u32..=59).prop_map(|(neg, h, m)| format!(
                        "{}{h:02}:{m:02}",
                        if neg { '-' } else { '+' }
                    )),
                ],
            )
                .prop_map(|((y, mo, d), (h, mi, s), frac, sep, off)| {
                    let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
                    format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{frac}{off}")
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4000))]
            #[test]
            fn fast_rfc3339_agrees_with_chrono(text in rfc3339_like()) {
                let ours = parse_rfc3339(text.as_bytes()).ok();
                let theirs = chrono::DateTime::parse_from_rfc3339(&text)
                    .ok()
                    .and_then(|t| t.timestamp_nanos_opt());
                prop_assert_eq!(ours, theirs, "{}", text);
            }
        }
    }
}
