//! Every threshold and option the detector uses, with their defaults
//! (docs/DESIGN.md).
//!
//! A `Config` deserializes from a partial document (missing fields take their
//! defaults; unknown fields are an error so a typo never silently changes
//! nothing) and is echoed, resolved, in every report.

use serde::{Deserialize, Serialize};

use crate::allowlist::Allowlist;
use crate::clock::{Clock, TimeFormat, Zone};
use crate::error::Error;
use crate::names::named;

/// Input format. `Auto` looks at the first non-blank line: `{` means JSONL,
/// anything else a CSV header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum FormatChoice {
    #[default]
    Auto,
    Jsonl,
    Csv,
}

named!(FormatChoice, "format", { Auto => "auto", Jsonl => "jsonl", Csv => "csv" });

/// The format an input was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jsonl,
    Csv,
}

named!(Format, "format", { Jsonl => "jsonl", Csv => "csv" });

/// Which field groups events into entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum EntityField {
    /// The client IP address (JSONL default).
    Clientip,
    /// The user name (CSV default).
    User,
    /// JSONL: the destination host of the URL. CSV: the source `host` column.
    Host,
}

impl EntityField {
    pub fn default_for(format: Format) -> Self {
        match format {
            Format::Jsonl => EntityField::Clientip,
            Format::Csv => EntityField::User,
        }
    }
}

named!(EntityField, "entity field", {
    Clientip => "clientip",
    User => "user",
    Host => "host",
});

/// Which raw rows the report carries in `logs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum LogsMode {
    /// Every accepted event.
    #[default]
    All,
    /// Only events of anomalous entities.
    Anomalous,
    /// No rows: memory then depends on the number of entities, not events.
    None,
}

named!(LogsMode, "logs mode", { All => "all", Anomalous => "anomalous", None => "none" });

/// Which entities the report lists in `entities`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum PopulationMode {
    /// Every entity.
    All,
    /// Only the anomalous ones (as in `anomalies`).
    Anomalous,
    /// None: `entities` is empty; `entity_count` still counts them all.
    None,
}

named!(PopulationMode, "population mode", { All => "all", Anomalous => "anomalous", None => "none" });

/// Without a `population` choice, the report lists every entity up to this
/// many, and only the anomalous ones above (docs/DESIGN.md "Report").
pub const POPULATION_ALL_UP_TO: u64 = 10_000;

impl PopulationMode {
    /// The mode that applies to `entities` entities when `chosen` was asked for.
    pub fn applied(chosen: Option<PopulationMode>, entities: u64) -> PopulationMode {
        match chosen {
            Some(mode) => mode,
            None if entities <= POPULATION_ALL_UP_TO => PopulationMode::All,
            None => PopulationMode::Anomalous,
        }
    }
}

/// Rule thresholds. A rule fires when the feature is at or above its threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(default, deny_unknown_fields)]
pub struct RuleThresholds {
    /// `High Burst`: requests_per_minute_peak ≥ this.
    pub burst_requests_per_minute: u64,
    /// `High Deny Rate`: deny_rate ≥ this (0–1).
    pub deny_rate: f64,
    /// `Extreme Data Transfer`: total_bytes_transferred ≥ this many bytes.
    pub data_transfer_bytes: u64,
    /// `High Unique Hosts`: unique_hosts_count ≥ this.
    pub unique_hosts: u64,
    /// `High Off-Hours Activity`: off_hours_request_ratio ≥ this (0–1).
    pub off_hours_ratio: f64,
    /// The ratio rules (`High Deny Rate`, `High Off-Hours Activity`) fire
    /// only for entities with at least this many events: one denied event
    /// is a deny rate of 100%. 1 keeps the rules as first defined.
    pub min_events: u64,
}

impl Default for RuleThresholds {
    fn default() -> Self {
        Self {
            burst_requests_per_minute: 100,
            deny_rate: 0.6,
            data_transfer_bytes: 50_000_000,
            unique_hosts: 20,
            off_hours_ratio: 0.7,
            min_events: 1,
        }
    }
}

/// The off-hours window `[start_hour, end_hour)` in local time, where local
/// time is UTC shifted by `utc_offset_minutes`. A window with start > end
/// wraps midnight (22 → 6 means 22:00–06:00).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(default, deny_unknown_fields)]
pub struct OffHours {
    pub start_hour: u32,
    pub end_hour: u32,
    pub utc_offset_minutes: i32,
    /// An IANA time zone (`Europe/Berlin`) whose daylight-saving rules
    /// decide local time; replaces `utc_offset_minutes` when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

impl Default for OffHours {
    fn default() -> Self {
        Self {
            start_hour: 0,
            end_hour: 5,
            utc_offset_minutes: 0,
            timezone: None,
        }
    }
}

impl OffHours {
    /// Whether a second of the local day (0..86400) falls in the window.
    pub fn contains(&self, second_of_day: i64) -> bool {
        let start = i64::from(self.start_hour) * 3600;
        let end = i64::from(self.end_hour) * 3600;
        if start <= end {
            (start..end).contains(&second_of_day)
        } else {
            second_of_day >= start || second_of_day < end
        }
    }
}

/// Isolation forest parameters (scikit-learn's names in comments).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(default, deny_unknown_fields)]
pub struct ForestConfig {
    /// Number of trees (`n_estimators`).
    pub trees: usize,
    /// Entities per tree, capped at the population (`max_samples`).
    pub sample_size: usize,
    /// Expected outlier share (`contamination`), in (0, 0.5].
    pub contamination: f64,
    /// An outlier needs an isolation score at least this.
    pub score_threshold: f64,
    /// An outlier with no rule is Medium (not Low) at or above this score.
    pub high_score_threshold: f64,
    /// Below this many entities the forest is skipped.
    pub min_entities: usize,
    /// Seed of the ChaCha20 generator (in JavaScript a Number or a BigInt
    /// up to 2^53 - 1, which a report can echo exactly).
    #[cfg_attr(feature = "wasm", tsify(type = "number | bigint"))]
    pub seed: u64,
}

impl Default for ForestConfig {
    fn default() -> Self {
        Self {
            trees: 100,
            sample_size: 256,
            contamination: 0.1,
            score_threshold: 0.6,
            high_score_threshold: 0.75,
            min_entities: 20,
            seed: 42,
        }
    }
}

/// 64 GiB: about 170 million proxy-log lines, a few days of a busy proxy.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: u64 = 64 << 30;

/// Limits on input lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(default, deny_unknown_fields)]
pub struct InputConfig {
    /// Format, or `auto` to detect it.
    pub format: FormatChoice,
    /// A line longer than this (without its line ending) is rejected.
    pub max_line_bytes: usize,
    /// How many rejected lines are listed with their reasons (all are counted).
    pub max_reported_errors: usize,
    /// Turn any rejected line into an error for the whole input.
    pub strict: bool,
    /// How times are written: `rfc3339`, `epoch_s`, `epoch_ms`, `epoch_us`,
    /// or a strftime pattern (`%d/%m/%Y %H:%M:%S`); a pattern without a
    /// zone is read in the off-hours time zone.
    pub time_format: String,
    /// A gzip or zstd input that decompresses past this many bytes is an
    /// error (a decompression bomb costs bounded work). Plain input is not
    /// limited.
    pub max_decompressed_bytes: u64,
}

impl Default for InputConfig {
    fn default() -> Self {
        Self {
            format: FormatChoice::Auto,
            max_line_bytes: 1 << 20,
            max_reported_errors: 100,
            strict: false,
            time_format: "rfc3339".to_owned(),
            max_decompressed_bytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
        }
    }
}

named!(Preset, "preset", { Ecs => "ecs" });

/// A named field mapping for a well-known log schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Elastic Common Schema web/proxy events (Elastic Agent, Filebeat):
    /// `@timestamp`, `source.ip`, `user.name`, `url.full` (else
    /// `url.original`), `http.response.bytes` (else
    /// `http.response.body.bytes`), `http.response.status_code`; denied when
    /// `event.type` is or contains `denied`.
    Ecs,
}

/// Where the detector finds each field it reads: in JSONL a path into the
/// object (`source.ip` is the member `ip` of the object `source`, or a
/// member literally named `source.ip`); in CSV a header name (matched
/// ignoring ASCII case and surrounding spaces). Each field lists
/// alternatives, the first one present wins (`url.full`, else
/// `url.original`). An empty list means the format's default (or the
/// preset's); a report echoes the mapping it used, resolved.
///
/// Defaults, JSONL: `time`, `clientip`, `user`, `url`, bytes
/// `responsesize`, `responsecode`, action `action` with `DENY`/`ALLOW`.
/// CSV: `timestamp`, `clientip`, `user`, `host` (the source host),
/// `resource` (the destination), `bytes`, action `success` with
/// `false`/`true`. JSONL reads no `host`/`resource` (the destination is the
/// URL's host); CSV reads no `url`/`responsecode`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(default, deny_unknown_fields)]
pub struct Fields {
    /// A named mapping (`ecs`) under the fields given here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<Preset>,
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub time: Vec<String>,
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub clientip: Vec<String>,
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub user: Vec<String>,
    /// JSONL: the absolute URL whose host is the destination.
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub url: Vec<String>,
    /// CSV: the destination (resource) column.
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub resource: Vec<String>,
    /// CSV: the source host column (for `entity = "host"`).
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub host: Vec<String>,
    /// Bytes transferred (a whole number ≥ 0).
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub bytes: Vec<String>,
    /// JSONL: the HTTP status code (optional).
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub responsecode: Vec<String>,
    /// The field that says whether a request was denied: a string, a
    /// boolean or number (read as its text), or an array of strings.
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub action: Vec<String>,
    /// Values of `action` that mean denied (an array: any element).
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub deny_values: Vec<String>,
    /// Values of `action` that mean allowed. When empty, every other value
    /// (and a missing `action`) means allowed; otherwise `action` is
    /// required and any value in neither list rejects the line.
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(feature = "wasm", tsify(type = "string | string[]", optional))]
    pub allow_values: Vec<String>,
}

impl Fields {
    /// The keys `set` takes, as the config spells them.
    pub const KEYS: [&'static str; 11] = [
        "time",
        "clientip",
        "user",
        "url",
        "resource",
        "host",
        "bytes",
        "responsecode",
        "action",
        "deny_values",
        "allow_values",
    ];

    /// Sets one field's alternatives by its config key (`--field
    /// url=url.full,url.original`).
    pub fn set(&mut self, key: &str, values: Vec<String>) -> Result<(), Error> {
        let slot = match key {
            "time" => &mut self.time,
            "clientip" => &mut self.clientip,
            "user" => &mut self.user,
            "url" => &mut self.url,
            "resource" => &mut self.resource,
            "host" => &mut self.host,
            "bytes" => &mut self.bytes,
            "responsecode" => &mut self.responsecode,
            "action" => &mut self.action,
            "deny_values" => &mut self.deny_values,
            "allow_values" => &mut self.allow_values,
            _ => {
                return Err(Error::InvalidConfig(format!(
                    "unknown field `{key}` (fields: {})",
                    Self::KEYS.join(", ")
                )))
            }
        };
        *slot = values;
        Ok(())
    }

    /// What can be checked before the format is known: no empty names, no
    /// value both deny and allow.
    fn validate(&self) -> Result<(), Error> {
        let named = [
            ("time", &self.time),
            ("clientip", &self.clientip),
            ("user", &self.user),
            ("url", &self.url),
            ("resource", &self.resource),
            ("host", &self.host),
            ("bytes", &self.bytes),
            ("responsecode", &self.responsecode),
            ("action", &self.action),
            ("deny_values", &self.deny_values),
            ("allow_values", &self.allow_values),
        ];
        for (key, names) in named {
            if names.iter().any(|p| p.trim().is_empty()) {
                return Err(Error::InvalidConfig(format!(
                    "`fields.{key}` must not contain an empty name"
                )));
            }
        }
        if let Some(v) = self
            .deny_values
            .iter()
            .find(|v| self.allow_values.contains(v))
        {
            return Err(Error::InvalidConfig(format!(
                "`fields`: \"{v}\" is in both deny_values and allow_values"
            )));
        }
        Ok(())
    }
}

/// A field given as one string or a list of alternatives. (A visitor, not
/// an untagged enum: serde's buffering for those costs the .wasm 20 KB.)
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct OneOrMany;
    impl<'de> serde::de::Visitor<'de> for OneOrMany {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or an array of strings")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_owned()])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(OneOrMany)
}

/// Everything that shapes an analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[cfg_attr(feature = "wasm", tsify(missing_as_null))]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub input: InputConfig,
    /// Grouping field; `None` means the format's default.
    pub entity: Option<EntityField>,
    pub rules: RuleThresholds,
    pub off_hours: OffHours,
    pub forest: ForestConfig,
    /// Which raw rows the report carries.
    pub logs: LogsMode,
    /// Which entities the report lists; `None` (the default): all up to
    /// [`POPULATION_ALL_UP_TO`], else the anomalous ones. The report's
    /// `config.population` says which applied.
    pub population: Option<PopulationMode>,
    /// Where each field is read from (JSONL paths, CSV columns).
    pub fields: Fields,
    /// Entities never flagged: exact values, or CIDR ranges for IP entities.
    /// They stay in the population (and in the forest) marked `allowlisted`.
    pub allowlist: Vec<String>,
    /// Replace entity values, users, client IPs and source hosts by keyed
    /// hashes throughout the report. The key is never echoed.
    #[serde(skip_serializing)]
    pub pseudonymize: Option<String>,
}

/// What validating a config parsed, kept for the analysis.
pub(crate) struct Validated {
    pub allowlist: Allowlist,
    pub clock: Clock,
}

fn check(ok: bool, field: &str, allowed: &str) -> Result<(), Error> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidConfig(format!("`{field}` must be {allowed}")))
    }
}

fn unit(x: f64) -> bool {
    x.is_finite() && (0.0..=1.0).contains(&x)
}

impl Config {
    /// Parses a JSON config document (partial documents are fine).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let c: Config =
            serde_json::from_str(text).map_err(|e| Error::InvalidConfig(e.to_string()))?;
        c.validate()?;
        Ok(c)
    }

    /// Checks every field's range; the error names the field and the range.
    pub fn validate(&self) -> Result<(), Error> {
        self.validated().map(drop)
    }

    /// [`Config::validate`], keeping what validation parsed (the allowlist,
    /// the time format and zone) for the analysis to use.
    pub(crate) fn validated(&self) -> Result<Validated, Error> {
        let r = &self.rules;
        check(
            r.burst_requests_per_minute >= 1,
            "rules.burst_requests_per_minute",
            "at least 1",
        )?;
        check(unit(r.deny_rate), "rules.deny_rate", "a number from 0 to 1")?;
        check(
            r.data_transfer_bytes >= 1,
            "rules.data_transfer_bytes",
            "at least 1",
        )?;
        check(r.unique_hosts >= 1, "rules.unique_hosts", "at least 1")?;
        check(
            unit(r.off_hours_ratio),
            "rules.off_hours_ratio",
            "a number from 0 to 1",
        )?;
        check(r.min_events >= 1, "rules.min_events", "at least 1")?;
        let o = &self.off_hours;
        check(
            o.start_hour <= 23,
            "off_hours.start_hour",
            "an hour from 0 to 23",
        )?;
        check(
            o.end_hour <= 24,
            "off_hours.end_hour",
            "an hour from 0 to 24",
        )?;
        check(
            o.start_hour != o.end_hour,
            "off_hours.end_hour",
            "different from off_hours.start_hour",
        )?;
        check(
            (-14 * 60..=14 * 60).contains(&o.utc_offset_minutes),
            "off_hours.utc_offset_minutes",
            "from -840 to 840",
        )?;
        let f = &self.forest;
        check(
            (1..=10_000).contains(&f.trees),
            "forest.trees",
            "from 1 to 10000",
        )?;
        check(
            (2..=100_000).contains(&f.sample_size),
            "forest.sample_size",
            "from 2 to 100000",
        )?;
        check(
            f.contamination.is_finite() && f.contamination > 0.0 && f.contamination <= 0.5,
            "forest.contamination",
            "in (0, 0.5]",
        )?;
        check(
            unit(f.score_threshold),
            "forest.score_threshold",
            "a number from 0 to 1",
        )?;
        check(
            unit(f.high_score_threshold),
            "forest.high_score_threshold",
            "a number from 0 to 1",
        )?;
        check(f.min_entities >= 2, "forest.min_entities", "at least 2")?;
        let allowlist = Allowlist::new(&self.allowlist)?;
        self.fields.validate()?;
        if let Some(key) = &self.pseudonymize {
            check(
                key.len() >= 8,
                "pseudonymize",
                "a key of at least 8 characters",
            )?;
        }
        let i = &self.input;
        check(
            (64..=(1 << 30)).contains(&i.max_line_bytes),
            "input.max_line_bytes",
            "from 64 to 1073741824",
        )?;
        check(
            i.max_reported_errors <= 1_000_000,
            "input.max_reported_errors",
            "at most 1000000",
        )?;
        check(
            i.max_decompressed_bytes >= 1 << 20,
            "input.max_decompressed_bytes",
            "at least 1048576",
        )?;
        let format = i
            .time_format
            .parse::<TimeFormat>()
            .map_err(|e| Error::InvalidConfig(format!("`input.time_format`: {e}")))?;
        let zone = match &self.off_hours.timezone {
            Some(name) => match name.parse::<Zone>() {
                Ok(zone) if zone.is_named() => zone,
                Ok(_) => {
                    return Err(Error::InvalidConfig(format!(
                        "`off_hours.timezone` must be an IANA name such as Europe/Berlin; \
                         for a fixed offset like {name} use `off_hours.utc_offset_minutes`"
                    )))
                }
                Err(e) => return Err(Error::InvalidConfig(format!("`off_hours.timezone`: {e}"))),
            },
            None => Zone::Fixed(self.off_hours.utc_offset_minutes),
        };
        Ok(Validated {
            allowlist,
            clock: Clock { format, zone },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_json_takes_defaults() {
        let c =
            Config::from_json(r#"{"rules": {"deny_rate": 0.5}, "forest": {"seed": 7}}"#).unwrap();
        assert_eq!(c.rules.deny_rate, 0.5);
        assert_eq!(c.rules.burst_requests_per_minute, 100);
        assert_eq!(c.forest.seed, 7);
        assert_eq!(c.forest.trees, 100);
    }

    #[test]
    fn unknown_field_is_an_error() {
        let e = Config::from_json(r#"{"rules": {"deny_rat": 0.5}}"#).unwrap_err();
        assert!(e.to_string().contains("deny_rat"), "{e}");
    }

    #[test]
    fn out_of_range_names_field_and_range() {
        let e = Config::from_json(r#"{"rules": {"deny_rate": 1.5}}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid config: `rules.deny_rate` must be a number from 0 to 1"
        );
        let e = Config::from_json(r#"{"forest": {"contamination": 0}}"#).unwrap_err();
        assert!(e.to_string().contains("forest.contamination"));
    }

    #[test]
    fn off_hours_window_wraps_midnight() {
        let w = OffHours {
            start_hour: 22,
            end_hour: 6,
            utc_offset_minutes: 0,
            timezone: None,
        };
        assert!(w.contains(23 * 3600));
        assert!(w.contains(5 * 3600 + 3599));
        assert!(!w.contains(6 * 3600));
        assert!(!w.contains(12 * 3600));
        let d = OffHours::default();
        assert!(d.contains(0) && d.contains(5 * 3600 - 1) && !d.contains(5 * 3600));
    }
}
