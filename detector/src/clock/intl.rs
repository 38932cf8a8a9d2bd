//! IANA time zones from the JavaScript host's own database, for WebAssembly
//! builds without the `tz` feature (the npm package and the browser app
//! leave chrono-tz's 900 KB of zone data out).
//!
//! A zone is an `Intl.DateTimeFormat` for that `timeZone`: constructing it
//! checks the name (an unknown one throws a `RangeError`), and
//! `formatToParts` gives the local wall-clock time of a UTC instant, whose
//! difference from the instant is the zone's offset there. Offsets are cached
//! per 15-minute UTC bucket (a bucket holding a clock change keeps the second
//! it happens at) in a direct-mapped table, so a million events cost a few
//! `Intl` calls per bucket, not a million.
//!
//! [`HostZone`] is a small `Copy` handle into a per-thread registry, so
//! [`super::Zone`] stays `Copy` (and `Send`/`Sync`) as with chrono-tz.

use std::cell::RefCell;

use chrono::{NaiveDate, NaiveDateTime};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat`, with a constructor that hands back the
    /// `RangeError` of an unknown zone (js-sys's own does not catch it).
    #[wasm_bindgen(js_namespace = Intl)]
    type DateTimeFormat;

    #[wasm_bindgen(constructor, js_namespace = Intl, catch)]
    fn new(locale: &str, options: &Object) -> Result<DateTimeFormat, JsValue>;

    /// The instant in milliseconds since the epoch, as `{type, value}` parts.
    #[wasm_bindgen(method, js_class = "Intl.DateTimeFormat", js_name = formatToParts)]
    fn format_to_parts(this: &DateTimeFormat, epoch_ms: f64) -> Array;

    #[wasm_bindgen(method, js_class = "Intl.DateTimeFormat", js_name = resolvedOptions)]
    fn resolved_options(this: &DateTimeFormat) -> ResolvedOptions;

    type ResolvedOptions;

    #[wasm_bindgen(method, getter, js_name = timeZone)]
    fn time_zone(this: &ResolvedOptions) -> Option<String>;

    /// One part of `formatToParts`.
    type Part;

    #[wasm_bindgen(method, getter, js_name = type)]
    fn kind(this: &Part) -> String;

    #[wasm_bindgen(method, getter)]
    fn value(this: &Part) -> String;
}

/// Seconds in one cache bucket. No zone changes its clocks twice within it.
const BUCKET_SECS: i64 = 15 * 60;

/// Cache slots per zone: bucket `k` lives in slot `k % SLOTS`, so any 85
/// days in a row fit (200 KB per zone in use).
const SLOTS: usize = 1 << 13;

/// The offsets of one bucket: `before` until the second `change`, `after`
/// from then on (`change` is `i64::MAX` when the clocks did not change).
#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    before: i32,
    change: i64,
    after: i32,
}

impl Bucket {
    fn at(self, second: i64) -> i32 {
        if second < self.change {
            self.before
        } else {
            self.after
        }
    }
}

struct Entry {
    name: String,
    format: DateTimeFormat,
    /// `(bucket number, its offsets)`; `i64::MIN` marks an empty slot.
    slots: Vec<(i64, Bucket)>,
}

thread_local! {
    static ZONES: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// An IANA zone the JavaScript host knows, by its index in this thread's
/// registry (one entry per distinct name, never removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HostZone(u32);

impl HostZone {
    /// The zone called `name` exactly, if the host knows it. As chrono-tz,
    /// names are case-sensitive: `europe/berlin` is not a zone here either,
    /// so every front end accepts the same names.
    pub fn find(name: &str) -> Option<HostZone> {
        if name.is_empty() || name.starts_with(['+', '-']) {
            // Offsets are not names (newer engines accept "+01:00" as a
            // timeZone; the detector reads those as fixed offsets).
            return None;
        }
        ZONES.with(|zones| {
            let mut zones = zones.borrow_mut();
            if let Some(i) = zones.iter().position(|z| z.name == name) {
                return Some(HostZone(i as u32));
            }
            let format = formatter(name)?;
            let resolved = format.resolved_options().time_zone().unwrap_or_default();
            if resolved != name && resolved.eq_ignore_ascii_case(name) {
                // Only the case differs from the host's spelling.
                return None;
            }
            zones.push(Entry {
                name: name.to_owned(),
                format,
                slots: Vec::new(),
            });
            Some(HostZone(zones.len() as u32 - 1))
        })
    }

    /// The name as configured (`Europe/Berlin`).
    pub fn name(self) -> String {
        ZONES.with(|zones| zones.borrow()[self.0 as usize].name.clone())
    }

    /// Seconds east of UTC at the UTC second `second`.
    pub fn offset_seconds(self, second: i64) -> i32 {
        ZONES.with(|zones| zones.borrow_mut()[self.0 as usize].offset(second))
    }

    /// The UTC instant of a local wall-clock time: the earlier one when it
    /// occurs twice, `None` when the clocks skipped it.
    pub fn to_utc(self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        let wall = local.and_utc().timestamp();
        // The offsets a day either side bracket any clock change near
        // `wall`; an offset is right when the instant it gives has it.
        let mut first: Option<i64> = None;
        for day in [-86_400, 86_400] {
            let offset = i64::from(self.offset_seconds(wall + day));
            let utc = wall - offset;
            if i64::from(self.offset_seconds(utc)) == offset {
                first = Some(first.map_or(utc, |f| f.min(utc)));
            }
        }
        first.map(|utc| local - chrono::Duration::seconds(wall - utc))
    }
}

impl Entry {
    fn offset(&mut self, second: i64) -> i32 {
        let key = second.div_euclid(BUCKET_SECS);
        if self.slots.is_empty() {
            self.slots = vec![(i64::MIN, Bucket::default()); SLOTS];
        }
        let slot = key.rem_euclid(SLOTS as i64) as usize;
        let (k, bucket) = self.slots[slot];
        if k == key {
            return bucket.at(second);
        }
        let bucket = self.measure(key * BUCKET_SECS);
        self.slots[slot] = (key, bucket);
        bucket.at(second)
    }

    /// The offsets of the bucket starting at the UTC second `start`.
    fn measure(&self, start: i64) -> Bucket {
        let end = start + BUCKET_SECS - 1;
        let (before, after) = (self.ask(start), self.ask(end));
        if before == after {
            return Bucket {
                before,
                change: i64::MAX,
                after,
            };
        }
        // The first second with the new offset.
        let (mut lo, mut hi) = (start, end);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.ask(mid) == before {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Bucket {
            before,
            change: hi,
            after,
        }
    }

    /// The host's offset at the UTC second `second`: its local wall-clock
    /// time, read as if it were UTC, minus the instant.
    fn ask(&self, second: i64) -> i32 {
        let parts = self.format.format_to_parts(second as f64 * 1000.0);
        let (mut year, mut month, mut day) = (0i32, 0u32, 0u32);
        let (mut hour, mut minute, mut sec) = (0i64, 0i64, 0i64);
        for part in parts.iter() {
            let part: Part = part.unchecked_into();
            let number = || {
                part.value()
                    .bytes()
                    .filter(u8::is_ascii_digit)
                    .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'))
            };
            match part.kind().as_str() {
                "year" => year = number() as i32,
                "month" => month = number() as u32,
                "day" => day = number() as u32,
                // Some engines once wrote midnight as 24 even with h23.
                "hour" => hour = number() % 24,
                "minute" => minute = number(),
                "second" => sec = number(),
                _ => {}
            }
        }
        let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
            return 0;
        };
        let wall = date
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp()
            + hour * 3600
            + minute * 60
            + sec;
        (wall - second) as i32
    }
}

/// `new Intl.DateTimeFormat('en-US', {timeZone: name, …})` with every
/// numeric field, 24-hour clock, Gregorian calendar and Latin digits; `None`
/// when the host does not know the zone.
fn formatter(name: &str) -> Option<DateTimeFormat> {
    let options = Object::new();
    for (key, value) in [
        ("timeZone", name),
        ("calendar", "gregory"),
        ("numberingSystem", "latn"),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
    ] {
        Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    DateTimeFormat::new("en-US", &options).ok()
}

/// Every zone name the host lists (`Intl.supportedValuesOf('timeZone')`),
/// or none on an engine too old to have it.
pub fn supported_names() -> Vec<String> {
    let list = || -> Option<Array> {
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let values_of: Function = Reflect::get(&intl, &"supportedValuesOf".into())
            .ok()?
            .dyn_into()
            .ok()?;
        values_of
            .call1(&intl, &"timeZone".into())
            .ok()?
            .dyn_into()
            .ok()
    };
    list()
        .map(|names| names.iter().filter_map(|n| n.as_string()).collect())
        .unwrap_or_default()
}
