//! Timestamps: RFC 3339 parsing into UTC nanoseconds, and formatting back.
//!
//! Every event time is held as [`Nanos`], nanoseconds since the Unix epoch in
//! UTC. Offsets in the input (`+02:00`) are applied at parse time, so two
//! spellings of one instant compare equal. Fractional seconds are kept to the
//! nanosecond (further digits are truncated). The representable range is
//! 1678-01-01 to 2261-12-31, far wider than any log.

use std::cell::Cell;

/// Nanoseconds since 1970-01-01T00:00:00Z.
pub type Nanos = i64;

pub const NANOS_PER_SEC: i64 = 1_000_000_000;
pub const NANOS_PER_MINUTE: i64 = 60 * NANOS_PER_SEC;
pub const NANOS_PER_HOUR: i64 = 3_600 * NANOS_PER_SEC;
pub const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SEC;

/// The message for text that is not shaped like an RFC 3339 time.
const BAD_RFC3339: &str = "expected RFC 3339 like 2026-02-14T10:02:15Z";

const MIN_YEAR: i64 = 1678;
const MAX_YEAR: i64 = 2261;
/// Local seconds from the epoch to the first minute of `MIN_YEAR` and to the
/// first minute after `MAX_YEAR`.
const FIRST_SUPPORTED_MINUTE: i64 = days_from_civil(MIN_YEAR, 1, 1) * 86_400;
const AFTER_SUPPORTED_MINUTES: i64 = days_from_civil(MAX_YEAR + 1, 1, 1) * 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`]: (year, month, day).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = s.get(at..at + n)?;
    let mut v = 0i64;
    for &c in part {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(v)
}

/// Parses an RFC 3339 date-time (`2026-02-14T10:02:15.25+02:00`) into UTC.
///
/// Accepts `T`, `t` or a space between date and time, `Z`/`z` or a numeric
/// `±HH:MM` offset, and any number of fractional digits. Rejects anything
/// else — in particular a time without an offset, which names no instant.
/// The error is a short reason suitable for a rejection report.
pub fn parse_rfc3339(s: &[u8]) -> Result<Nanos, &'static str> {
    if s.len() < 20 {
        return Err(BAD_RFC3339);
    }
    // The date, hour and minute ("2026-02-14T10:02:") as one key: log lines
    // come in time order, so most share them with the line before.
    let mut first = [0u8; 16];
    first.copy_from_slice(&s[..16]);
    let key = u128::from_le_bytes(first);
    let (last_key, last_minute) = LAST_MINUTE.with(Cell::get);
    let minute_secs = if key == last_key && s[16] == b':' {
        last_minute
    } else {
        let secs = minute_start(s)?;
        LAST_MINUTE.with(|c| c.set((key, secs)));
        secs
    };
    let second = digits(s, 17, 2).ok_or(BAD_RFC3339)?;
    if second > 59 {
        return Err("time of day out of range");
    }
    let mut i = 19;
    let mut frac: i64 = 0;
    if s.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        // Nanoseconds: the first nine digits; any further are truncated.
        while let Some(&c) = s.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            if i - start < 9 {
                frac = frac * 10 + i64::from(c - b'0');
            }
            i += 1;
        }
        if i == start {
            return Err("empty fractional seconds");
        }
        const POW10: [i64; 9] = [
            100_000_000,
            10_000_000,
            1_000_000,
            100_000,
            10_000,
            1_000,
            100,
            10,
            1,
        ];
        frac *= POW10[(i - start).min(9) - 1];
    }
    let offset_secs = match s.get(i) {
        Some(b'Z' | b'z') => {
            i += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(s, i + 1, 2).ok_or(BAD_RFC3339)?;
            if s.get(i + 3) != Some(&b':') {
                return Err("offset must be ±HH:MM");
            }
            let om = digits(s, i + 4, 2).ok_or(BAD_RFC3339)?;
            if oh > 23 || om > 59 {
                return Err("offset out of range");
            }
            i += 6;
            let v = oh * 3600 + om * 60;
            if sign == b'-' {
                -v
            } else {
                v
            }
        }
        None => return Err("missing UTC offset (Z or ±HH:MM)"),
        _ => return Err(BAD_RFC3339),
    };
    if i != s.len() {
        return Err("unexpected characters after the offset");
    }
    // The year's range, checked last as it always was: a minute start is
    // in it exactly when its year is.
    if !(FIRST_SUPPORTED_MINUTE..AFTER_SUPPORTED_MINUTES).contains(&minute_secs) {
        return Err("year out of supported range 1678-2261");
    }
    let secs = minute_secs + second - offset_secs;
    // The range holds for the UTC instant too (an offset can move it into
    // 1677 or 2262), so every accepted time prints as one that parses. (No
    // overflow: 2262-01-01T23:59Z is still inside i64 nanoseconds.)
    let t = secs * NANOS_PER_SEC + frac;
    check_range(t)?;
    Ok(t)
}

thread_local! {
    /// The last minute [`parse_rfc3339`] read on this thread: the first 16
    /// bytes of its text as one word, and the seconds from the epoch to its
    /// start. Only a valid minute is kept (no valid text starts with 16 zero
    /// bytes), and the answer is a function of those bytes alone, so reusing
    /// it changes no result and no error.
    static LAST_MINUTE: Cell<(u128, i64)> = const { Cell::new((0, 0)) };
}

/// The start of the minute `s` names (its first 17 bytes, `s` being at least
/// 20 long), as seconds from the epoch in the text's own offset, with the
/// checks and messages of [`parse_rfc3339`] for those bytes.
fn minute_start(s: &[u8]) -> Result<i64, &'static str> {
    let year = digits(s, 0, 4).ok_or(BAD_RFC3339)?;
    let month = digits(s, 5, 2).ok_or(BAD_RFC3339)?;
    let day = digits(s, 8, 2).ok_or(BAD_RFC3339)?;
    let hour = digits(s, 11, 2).ok_or(BAD_RFC3339)?;
    let minute = digits(s, 14, 2).ok_or(BAD_RFC3339)?;
    // The seconds' digits are checked before the separators, as always.
    digits(s, 17, 2).ok_or(BAD_RFC3339)?;
    if s[4] != b'-' || s[7] != b'-' || s[13] != b':' || s[16] != b':' {
        return Err(BAD_RFC3339);
    }
    if !matches!(s[10], b'T' | b't' | b' ') {
        return Err(BAD_RFC3339);
    }
    if !(1..=12).contains(&month) {
        return Err("month out of range");
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err("day out of range");
    }
    if hour > 23 || minute > 59 {
        return Err("time of day out of range");
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60)
}

/// Formats a UTC instant as RFC 3339 with `Z`. Fractional seconds are printed
/// only when present, in groups of three digits (ms, µs or ns).
pub fn format_rfc3339(t: Nanos) -> String {
    let secs = t.div_euclid(NANOS_PER_SEC);
    let nanos = t.rem_euclid(NANOS_PER_SEC);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    // Digit by digit: a report of a million entities formats two times for
    // each, and `format!` took a tenth of writing it.
    let mut out = String::with_capacity(30);
    push_digits(&mut out, y, 4);
    out.push('-');
    push_digits(&mut out, m, 2);
    out.push('-');
    push_digits(&mut out, d, 2);
    out.push('T');
    push_digits(&mut out, sod / 3600, 2);
    out.push(':');
    push_digits(&mut out, (sod / 60) % 60, 2);
    out.push(':');
    push_digits(&mut out, sod % 60, 2);
    if nanos != 0 {
        out.push('.');
        if nanos % 1_000_000 == 0 {
            push_digits(&mut out, nanos / 1_000_000, 3);
        } else if nanos % 1_000 == 0 {
            push_digits(&mut out, nanos / 1_000, 6);
        } else {
            push_digits(&mut out, nanos, 9);
        }
    }
    out.push('Z');
    out
}

/// `v` (0 ≤ v < 10^width; the supported years have four digits) in
/// exactly `width` digits, zero-padded.
fn push_digits(out: &mut String, v: i64, width: u32) {
    for k in (0..width).rev() {
        let digit = (v / 10_i64.pow(k)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// Seconds into the local day for an instant, given a UTC offset in minutes.
pub fn second_of_day(t: Nanos, utc_offset_minutes: i32) -> i64 {
    let local = t.div_euclid(NANOS_PER_SEC) + i64::from(utc_offset_minutes) * 60;
    local.rem_euclid(86_400)
}

/// Accepts an instant within the supported years (see the module docs).
pub fn check_range(t: Nanos) -> Result<(), &'static str> {
    let first = days_from_civil(MIN_YEAR, 1, 1) * 86_400 * NANOS_PER_SEC;
    let end = days_from_civil(MAX_YEAR + 1, 1, 1).saturating_mul(86_400 * NANOS_PER_SEC);
    if (first..end).contains(&t) {
        Ok(())
    } else {
        Err("year out of supported range 1678-2261")
    }
}

/// Whole days since the epoch, used by the generator to lay out dates.
pub fn epoch_day(year: i64, month: i64, day: i64) -> i64 {
    days_from_civil(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Nanos, &'static str> {
        parse_rfc3339(s.as_bytes())
    }

    #[test]
    fn utc_and_offset_spellings_are_the_same_instant() {
        assert_eq!(
            p("2026-02-14T10:02:15Z").unwrap(),
            p("2026-02-14T12:02:15+02:00").unwrap()
        );
        assert_eq!(
            p("2026-02-14T00:30:00-01:00").unwrap(),
            p("2026-02-14T01:30:00Z").unwrap()
        );
    }

    #[test]
    fn epoch_and_known_instant() {
        assert_eq!(p("1970-01-01T00:00:00Z").unwrap(), 0);
        // date -u -d 2026-02-14T10:02:15Z +%s
        assert_eq!(
            p("2026-02-14T10:02:15Z").unwrap(),
            1_771_063_335 * NANOS_PER_SEC
        );
    }

    #[test]
    fn fractional_seconds_are_kept() {
        let a = p("2026-02-14T10:02:15.5Z").unwrap();
        let b = p("2026-02-14T10:02:15.123456789Z").unwrap();
        let base = p("2026-02-14T10:02:15Z").unwrap();
        assert_eq!(a - base, 500_000_000);
        assert_eq!(b - base, 123_456_789);
        assert_eq!(
            p("2026-02-14T10:02:15.1234567891Z").unwrap() - base,
            123_456_789
        );
    }

    #[test]
    fn rejects_malformed_times() {
        for s in [
            "",
            "2026-02-14",
            "2026-02-14T10:02:15",
            "2026-13-14T10:02:15Z",
            "2026-02-30T10:02:15Z",
            "2025-02-29T10:02:15Z",
            "2026-02-14T24:00:00Z",
            "2026-02-14T10:60:00Z",
            "2026-02-14T10:02:15.Z",
            "2026-02-14T10:02:15+0200",
            "2026-02-14T10:02:15Zjunk",
            "2026/02/14T10:02:15Z",
            "0001-01-01T00:00:00Z",
            "１２３４-02-14T10:02:15Z",
        ] {
            assert!(p(s).is_err(), "{s} should be rejected");
        }
        assert!(p("2024-02-29T10:02:15Z").is_ok());
        assert!(p("2026-02-14 10:02:15z").is_ok());
    }

    #[test]
    fn the_remembered_minute_changes_no_answer() {
        let texts = [
            "2026-02-14T10:02:15Z",
            "2026-02-14T10:02:59.999+01:00",
            "2026-02-14T10:02:60Z",
            "2026-02-14T10:02:1xZ",
            "2026-02-14T10:02:15.Z",
            "2026-02-14T10:02:15",
            "2026-02-14T10:02:15Zjunk",
            "2026-02-14T10:02:15+0200",
            "2026-02-14t10:02:15Z",
            "2026-02-14T10:02-15Z",
            "2026-02-30T10:02:15Z",
            "1500-01-01T00:00:00Z",
            "1500-01-01T00:00:00.Z",
            "1677-12-31T23:59:59-01:00",
            "1678-01-01T00:00:00+01:00",
            "1678-01-01T00:00:00Z",
            "2261-12-31T23:59:59Z",
            "2261-12-31T23:59:59-01:00",
            "2262-01-01T00:00:00Z",
            "0000-00-00T00:00:00Z",
        ];
        let fresh = |t: &str| {
            LAST_MINUTE.with(|c| c.set((0, 0)));
            p(t)
        };
        for before in texts {
            for t in texts {
                let want = fresh(t);
                fresh(before).ok();
                assert_eq!(p(t), want, "{t} after {before}");
            }
        }
        assert!(fresh("2026-02-14T10:02:15Z").is_ok());
        assert_eq!(p("2026-02-14T10:02:60Z"), Err("time of day out of range"));
        assert_eq!(
            fresh("1500-01-01T00:00:00.Z"),
            Err("empty fractional seconds")
        );
    }

    #[test]
    fn format_round_trips() {
        for s in [
            "2026-02-14T10:02:15Z",
            "2026-02-14T10:02:15.250Z",
            "2026-02-14T10:02:15.000250Z",
            "2026-02-14T10:02:15.000000250Z",
            "1969-12-31T23:59:59.500Z",
        ] {
            assert_eq!(format_rfc3339(p(s).unwrap()), s);
        }
    }

    /// The digit-by-digit formatter against the `format!` it replaced, over
    /// the supported range, and every time it prints parses back to itself.
    #[test]
    fn format_matches_format_macro() {
        fn reference(t: Nanos) -> String {
            let secs = t.div_euclid(NANOS_PER_SEC);
            let nanos = t.rem_euclid(NANOS_PER_SEC);
            let sod = secs.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            let (h, mi, se) = (sod / 3600, (sod / 60) % 60, sod % 60);
            let frac = match nanos {
                0 => String::new(),
                n if n % 1_000_000 == 0 => format!(".{:03}", n / 1_000_000),
                n if n % 1_000 == 0 => format!(".{:06}", n / 1_000),
                n => format!(".{n:09}"),
            };
            format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{se:02}{frac}Z")
        }
        let first = p("1678-01-01T00:00:00Z").unwrap();
        let last = p("2261-12-31T23:59:59.999999999Z").unwrap();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // The range is wider than i64 nanoseconds can subtract.
            let span = (i128::from(last) - i128::from(first)) as u64;
            let mut t = (i128::from(first) + i128::from(x % span)) as i64;
            // Whole seconds, milliseconds and microseconds too.
            t -= t.rem_euclid([NANOS_PER_SEC, 1_000_000, 1_000, 1][(i % 4) as usize]);
            let text = format_rfc3339(t);
            assert_eq!(text, reference(t));
            assert_eq!(p(&text), Ok(t), "{text}");
        }
        for t in [first, last, 0, -1] {
            assert_eq!(format_rfc3339(t), reference(t));
        }
    }

    #[test]
    fn second_of_day_applies_offset() {
        let t = p("2026-02-14T23:30:00Z").unwrap();
        assert_eq!(second_of_day(t, 0), 23 * 3600 + 1800);
        assert_eq!(second_of_day(t, 120), 3600 + 1800);
        assert_eq!(second_of_day(t, -60 * 24), 23 * 3600 + 1800);
    }
}
