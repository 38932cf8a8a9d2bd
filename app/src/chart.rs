//! Geometry of the two charts, in SVG user units: the activity chart
//! (events per bucket, anomaly windows marked) and the population scatter
//! (two features of every entity, outliers marked). Pure, so it is tested
//! natively; the view only turns these numbers into SVG elements.

use detector::report::{Activity, EntityReport};
use detector::time::{parse_rfc3339, NANOS_PER_SEC};

/// Seconds since the epoch of an RFC 3339 time from a report.
pub fn epoch_seconds(rfc3339: &str) -> Option<i64> {
    parse_rfc3339(rfc3339.as_bytes())
        .ok()
        .map(|n| n.div_euclid(NANOS_PER_SEC))
}

/// A plot area: `width` × `height` with `pad` units of margin for axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub pad_left: f64,
    pub pad_bottom: f64,
    pub pad_top: f64,
    pub pad_right: f64,
}

impl Frame {
    pub fn plot_width(&self) -> f64 {
        self.width - self.pad_left - self.pad_right
    }
    pub fn plot_height(&self) -> f64 {
        self.height - self.pad_top - self.pad_bottom
    }
    pub fn bottom(&self) -> f64 {
        self.height - self.pad_bottom
    }
}

/// The activity histogram as bars plus the x-spans of anomaly windows.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityChart {
    /// (x, y, width, height) per non-empty bucket.
    pub bars: Vec<(f64, f64, f64, f64)>,
    pub max_count: u64,
    pub start: i64,
    pub end: i64,
}

impl ActivityChart {
    pub fn new(activity: &Activity, frame: &Frame) -> Option<Self> {
        let start = epoch_seconds(&activity.start)?;
        let n = activity.counts.len().max(1) as f64;
        let end = start + activity.bucket_seconds as i64 * activity.counts.len() as i64;
        let max_count = activity.counts.iter().copied().max().unwrap_or(0).max(1);
        let bw = frame.plot_width() / n;
        let bars = activity
            .counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, &c)| {
                let h = frame.plot_height() * c as f64 / max_count as f64;
                let x = frame.pad_left + i as f64 * bw;
                (x, frame.bottom() - h, bw.max(0.5), h)
            })
            .collect();
        Some(ActivityChart {
            bars,
            max_count,
            start,
            end,
        })
    }

    /// The x coordinate of a time (clamped to the plot).
    pub fn x_of(&self, frame: &Frame, epoch: i64) -> f64 {
        let span = (self.end - self.start).max(1) as f64;
        let t = ((epoch - self.start) as f64 / span).clamp(0.0, 1.0);
        frame.pad_left + t * frame.plot_width()
    }

    /// The x-span of [first, last]; at least 3 units wide so a window of one
    /// minute in a day-long file stays visible.
    pub fn span_of(&self, frame: &Frame, first: &str, last: &str) -> Option<(f64, f64)> {
        let a = self.x_of(frame, epoch_seconds(first)?);
        let b = self.x_of(frame, epoch_seconds(last)? + 60);
        let w = (b - a).max(3.0);
        Some((a.min(frame.pad_left + frame.plot_width() - w), w))
    }
}

/// An axis of the scatter: linear, or log10(1 + v) for heavy-tailed
/// features such as bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub min: f64,
    pub max: f64,
    pub log: bool,
}

impl Axis {
    /// A linear axis runs from 0 (every feature is non-negative, and a zero
    /// origin keeps distances honest) to the largest value; a log axis
    /// (log10(1 + v)) from the decade below the smallest value, so values
    /// bunched in one decade still spread out.
    pub fn fit(values: impl Iterator<Item = f64>, log: bool) -> Axis {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values {
            let v = if log { (1.0 + v.max(0.0)).log10() } else { v };
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !hi.is_finite() {
            return Axis {
                min: 0.0,
                max: 1.0,
                log,
            };
        }
        let min = if log { lo.floor().max(0.0) } else { 0.0 };
        let max = if hi - min < 1e-12 { min + 1.0 } else { hi };
        Axis { min, max, log }
    }

    /// Position of `v` in [0, 1] along the axis.
    pub fn unit(&self, v: f64) -> f64 {
        let v = if self.log {
            (1.0 + v.max(0.0)).log10()
        } else {
            v
        };
        ((v - self.min) / (self.max - self.min)).clamp(0.0, 1.0)
    }

    /// The value at position `t` in [0, 1] (for tick labels).
    pub fn value_at(&self, t: f64) -> f64 {
        let v = self.min + t * (self.max - self.min);
        if self.log {
            10f64.powf(v) - 1.0
        } else {
            v
        }
    }
}

/// Features whose spread is better read on a log axis.
pub fn log_scale_fits(feature_index: usize) -> bool {
    matches!(feature_index, 0 | 2 | 3)
}

/// One point of the scatter.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub entity_index: usize,
}

/// Places every entity by features `fx` and `fy` (indices in
/// `FEATURE_NAMES`).
pub fn scatter(
    entities: &[EntityReport],
    fx: usize,
    fy: usize,
    frame: &Frame,
) -> (Vec<Point>, Axis, Axis) {
    let ax = Axis::fit(
        entities.iter().map(|e| e.features.vector()[fx]),
        log_scale_fits(fx),
    );
    let ay = Axis::fit(
        entities.iter().map(|e| e.features.vector()[fy]),
        log_scale_fits(fy),
    );
    let points = entities
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let v = e.features.vector();
            Point {
                x: frame.pad_left + ax.unit(v[fx]) * frame.plot_width(),
                y: frame.bottom() - ay.unit(v[fy]) * frame.plot_height(),
                entity_index: i,
            }
        })
        .collect();
    (points, ax, ay)
}

/// Where one feature of an entity sits in the population, on a strip
/// `width` units wide: the typical band (P10–P90), the median and the
/// entity's value, each an x in [0, width]. The axis is the one the
/// population scatter uses for that feature (log for counts and bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeStrip {
    pub band_x: f64,
    pub band_width: f64,
    pub median_x: f64,
    pub value_x: f64,
}

impl RangeStrip {
    pub fn new(axis: &Axis, p10: f64, median: f64, p90: f64, value: f64, width: f64) -> Self {
        let x = |v: f64| axis.unit(v) * width;
        let (a, b) = (x(p10), x(p90));
        RangeStrip {
            band_x: a,
            band_width: (b - a).max(2.0),
            median_x: x(median),
            value_x: x(value),
        }
    }
}

/// The axis of feature `feature` over the population (and `value`, so the
/// entity's own point is always on the strip).
pub fn feature_axis(entities: &[EntityReport], feature: usize, value: f64) -> Axis {
    Axis::fit(
        entities
            .iter()
            .map(|e| e.features.vector()[feature])
            .chain(std::iter::once(value)),
        log_scale_fits(feature),
    )
}

/// Two hour-of-day profiles side by side, each as shares of its own total
/// so an entity with 40 events reads against a population of a million:
/// per hour, (x, width) of the slot and the heights of the entity's and the
/// population's bars. The taller share fills the plot.
#[derive(Debug, Clone, PartialEq)]
pub struct HourProfile {
    pub slots: Vec<HourSlot>,
    /// The largest share of either profile (the top of the plot).
    pub max_share: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HourSlot {
    pub hour: usize,
    pub x: f64,
    pub width: f64,
    pub entity_share: f64,
    pub population_share: f64,
    pub entity_height: f64,
    pub population_height: f64,
}

impl HourProfile {
    /// `entity` may be empty (no profile of its own): its bars are then 0.
    pub fn new(entity: &[u64], population: &[u64], frame: &Frame) -> Self {
        let share = |v: &[u64], h: usize| {
            let total: u64 = v.iter().sum();
            v.get(h).map_or(0.0, |&n| n as f64 / total.max(1) as f64)
        };
        let max_share = (0..24)
            .map(|h| share(entity, h).max(share(population, h)))
            .fold(0.0, f64::max);
        let top = if max_share > 0.0 { max_share } else { 1.0 };
        let width = frame.plot_width() / 24.0;
        let slots = (0..24)
            .map(|hour| {
                let (e, p) = (share(entity, hour), share(population, hour));
                HourSlot {
                    hour,
                    x: frame.pad_left + hour as f64 * width,
                    width,
                    entity_share: e,
                    population_share: p,
                    entity_height: frame.plot_height() * e / top,
                    population_height: frame.plot_height() * p / top,
                }
            })
            .collect();
        HourProfile { slots, max_share }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Frame = Frame {
        width: 1000.0,
        height: 200.0,
        pad_left: 40.0,
        pad_bottom: 20.0,
        pad_top: 10.0,
        pad_right: 10.0,
    };

    #[test]
    fn tallest_bar_fills_the_plot_and_empty_buckets_have_no_bar() {
        let a = Activity {
            start: "2026-02-14T10:00:00Z".into(),
            bucket_seconds: 60,
            counts: vec![5, 0, 10],
        };
        let c = ActivityChart::new(&a, &FRAME).unwrap();
        assert_eq!(c.bars.len(), 2);
        assert_eq!(c.max_count, 10);
        let (x, y, _, h) = c.bars[1];
        assert_eq!(h, FRAME.plot_height());
        assert_eq!(y, FRAME.pad_top);
        assert!((x - (40.0 + 2.0 * 950.0 / 3.0)).abs() < 1e-9);
        assert_eq!(c.end - c.start, 180);
    }

    #[test]
    fn anomaly_window_maps_inside_the_plot() {
        let a = Activity {
            start: "2026-02-14T00:00:00Z".into(),
            bucket_seconds: 600,
            counts: vec![1; 144],
        };
        let c = ActivityChart::new(&a, &FRAME).unwrap();
        let (x, w) = c
            .span_of(&FRAME, "2026-02-14T12:00:00Z", "2026-02-14T12:00:30Z")
            .unwrap();
        assert!((x - (40.0 + 475.0)).abs() < 1e-6, "{x}");
        assert!(w >= 3.0);
        assert!(c
            .span_of(&FRAME, "garbage", "2026-02-14T12:00:30Z")
            .is_none());
    }

    #[test]
    fn log_axis_spreads_heavy_tails_and_constant_axis_is_safe() {
        let ax = Axis::fit([0.0, 9.0, 99.0].into_iter(), true);
        assert!((ax.unit(9.0) - 0.5).abs() < 1e-9);
        assert!((ax.value_at(0.5) - 9.0).abs() < 1e-9);
        // Values within one decade start at that decade, not at zero.
        let bunched = Axis::fit([499_999.0, 1_099_999.0].into_iter(), true);
        assert_eq!(bunched.min, 5.0);
        assert!(bunched.unit(499_999.0) > 0.5);
        let lin = Axis::fit([3.0, 6.0].into_iter(), false);
        assert_eq!(lin.unit(3.0), 0.5, "linear axes start at zero");
        let zeros = Axis::fit([0.0, 0.0].into_iter(), false);
        assert_eq!(zeros.unit(0.0), 0.0);
        let empty = Axis::fit(std::iter::empty(), false);
        assert_eq!((empty.min, empty.max), (0.0, 1.0));
    }

    #[test]
    fn hour_profiles_are_shares_and_the_taller_fills_the_plot() {
        let mut entity = vec![0u64; 24];
        entity[2] = 3;
        entity[3] = 1;
        let population = vec![10u64; 24];
        let p = HourProfile::new(&entity, &population, &FRAME);
        assert_eq!(p.slots.len(), 24);
        assert!((p.max_share - 0.75).abs() < 1e-12);
        assert_eq!(p.slots[2].entity_height, FRAME.plot_height());
        assert!((p.slots[3].entity_share - 0.25).abs() < 1e-12);
        assert!((p.slots[0].population_share - 1.0 / 24.0).abs() < 1e-12);
        assert!((p.slots[23].x + p.slots[23].width - (FRAME.width - FRAME.pad_right)).abs() < 1e-9);
        let alone = HourProfile::new(&[], &population, &FRAME);
        assert_eq!(alone.slots[5].entity_height, 0.0);
        assert_eq!(alone.slots[5].population_height, FRAME.plot_height());
        let empty = HourProfile::new(&[], &[], &FRAME);
        assert_eq!(empty.slots[0].population_height, 0.0);
    }

    #[test]
    fn range_strip_places_band_median_and_value() {
        let axis = Axis::fit([0.0, 100.0].into_iter(), false);
        let s = RangeStrip::new(&axis, 10.0, 20.0, 30.0, 100.0, 200.0);
        assert_eq!((s.band_x, s.band_width), (20.0, 40.0));
        assert_eq!(s.median_x, 40.0);
        assert_eq!(s.value_x, 200.0);
        let narrow = RangeStrip::new(&axis, 5.0, 5.0, 5.0, 0.0, 200.0);
        assert_eq!(narrow.band_width, 2.0, "a one-value band stays visible");
    }
}
