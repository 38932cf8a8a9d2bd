//! The settings panel: what the analyst can change, how it is stored
//! (localStorage, as JSON) and the detector [`Config`] it produces.
//!
//! Only options an analyst reasons about are exposed; everything else keeps
//! the detector's default. Defaults are read from [`Config::default`], never
//! repeated here.

use detector::config::{LogsMode, OffHours, RuleThresholds};
use detector::{vocab, Config, EntityField, Fields, Preset};
use serde::{Deserialize, Serialize};

/// Above this file size the report keeps only the anomalous entities' raw
/// rows: a million rows would otherwise cost hundreds of MB in the page.
pub const ALL_LOGS_MAX_BYTES: u64 = 32 * 1024 * 1024;

/// Which field groups events: one of the detector's [`EntityField`]s, or
/// `None` to let the format decide. Stored as the field's name (or `auto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntityChoice(pub Option<EntityField>);

impl EntityChoice {
    /// Let the format decide (client IP for JSONL, user for CSV).
    pub const AUTO: EntityChoice = EntityChoice(None);

    /// `AUTO`, then every entity field in the detector's order.
    pub const ALL: [EntityChoice; 1 + EntityField::ALL.len()] = {
        let mut all = [EntityChoice::AUTO; 1 + EntityField::ALL.len()];
        let mut i = 0;
        while i < EntityField::ALL.len() {
            all[i + 1] = EntityChoice(Some(EntityField::ALL[i]));
            i += 1;
        }
        all
    };

    pub fn as_str(self) -> &'static str {
        self.0.map_or("auto", EntityField::as_str)
    }

    pub fn label(self) -> &'static str {
        self.0.map_or(
            "Automatic (IP for JSONL, user for CSV)",
            vocab::entity_label,
        )
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    fn field(self) -> Option<EntityField> {
        self.0
    }
}

impl Serialize for EntityChoice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EntityChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        EntityChoice::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown entity choice {name:?}")))
    }
}

/// The panel's values, in the units the form shows (percentages, megabytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub entity: EntityChoice,
    pub burst_requests_per_minute: u64,
    /// Percent, 0–100.
    pub deny_rate_percent: f64,
    /// Megabytes (10^6 bytes).
    pub data_transfer_mb: f64,
    pub unique_hosts: u64,
    /// Percent, 0–100.
    pub off_hours_percent: f64,
    /// Fewest events for the deny-rate and off-hours rules to fire.
    pub min_events: u64,
    pub off_hours_start: u32,
    pub off_hours_end: u32,
    /// An IANA time zone (`Europe/Berlin`) whose daylight-saving rules move
    /// the off-hours window, or `UTC` (the default) for the fixed
    /// `utc_offset_minutes`.
    pub timezone: String,
    /// Used when `timezone` is UTC.
    pub utc_offset_minutes: i32,
    /// Entities never reported, one per line (exact values).
    pub allowlist: String,
    /// A named field mapping (`ecs`), or the detector's own schema.
    pub preset: Option<Preset>,
}

impl Default for Settings {
    fn default() -> Self {
        let c = Config::default();
        Settings {
            entity: EntityChoice::AUTO,
            burst_requests_per_minute: c.rules.burst_requests_per_minute,
            deny_rate_percent: c.rules.deny_rate * 100.0,
            data_transfer_mb: c.rules.data_transfer_bytes as f64 / 1e6,
            unique_hosts: c.rules.unique_hosts,
            off_hours_percent: c.rules.off_hours_ratio * 100.0,
            min_events: c.rules.min_events,
            off_hours_start: c.off_hours.start_hour,
            off_hours_end: c.off_hours.end_hour,
            timezone: UTC.to_owned(),
            utc_offset_minutes: c.off_hours.utc_offset_minutes,
            allowlist: String::new(),
            preset: None,
        }
    }
}

/// The time-zone setting that means "the fixed UTC offset".
pub const UTC: &str = "UTC";

/// Above this size the report keeps no raw rows at all. The worker (and the
/// server) read such a file twice, so the rows held are only the anomalous
/// entities' — but when most entities are anomalous that is most of the
/// file, and a report over 512 MB of JSON is more than a browser can hold
/// as one string.
pub const ANOMALOUS_LOGS_MAX_BYTES: u64 = 1024 * 1024 * 1024;

/// Which raw rows to keep for a file of `size` bytes.
pub fn logs_mode_for(size: u64) -> LogsMode {
    if size > ANOMALOUS_LOGS_MAX_BYTES {
        LogsMode::None
    } else if size > ALL_LOGS_MAX_BYTES {
        LogsMode::Anomalous
    } else {
        LogsMode::All
    }
}

impl Settings {
    /// Reads stored settings; anything unreadable falls back to defaults
    /// (a stale or hand-edited localStorage value must not break the page).
    pub fn from_stored(json: Option<&str>) -> Settings {
        json.and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default()
    }

    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The allowlist's entries: trimmed, non-empty lines.
    pub fn allowlist_entries(&self) -> Vec<String> {
        self.allowlist
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The IANA zone the analyst chose, if any (blank and `UTC` mean the
    /// fixed offset).
    pub fn named_zone(&self) -> Option<&str> {
        let zone = self.timezone.trim();
        (!zone.is_empty() && !zone.eq_ignore_ascii_case(UTC)).then_some(zone)
    }

    /// The detector configuration, validated by the detector itself so the
    /// message names the field and its range.
    pub fn to_config(&self, logs: LogsMode) -> Result<Config, String> {
        let json = self.to_config_json(logs)?;
        Config::from_json(&json).map_err(|e| e.to_string())
    }

    /// The configuration as the JSON document both the worker and the
    /// server's `config` multipart part accept.
    pub fn to_config_json(&self, logs: LogsMode) -> Result<String, String> {
        if !(self.data_transfer_mb.is_finite() && self.data_transfer_mb >= 0.0) {
            return Err("data transfer threshold must be a positive number of MB".into());
        }
        let defaults = Config::default();
        let c = Config {
            entity: self.entity.field(),
            rules: RuleThresholds {
                burst_requests_per_minute: self.burst_requests_per_minute,
                deny_rate: self.deny_rate_percent / 100.0,
                data_transfer_bytes: (self.data_transfer_mb * 1e6).round() as u64,
                unique_hosts: self.unique_hosts,
                off_hours_ratio: self.off_hours_percent / 100.0,
                min_events: self.min_events,
            },
            off_hours: OffHours {
                start_hour: self.off_hours_start,
                end_hour: self.off_hours_end,
                utc_offset_minutes: self.utc_offset_minutes,
                timezone: self.named_zone().map(str::to_owned),
            },
            logs,
            allowlist: self.allowlist_entries(),
            fields: Fields {
                preset: self.preset,
                ..Fields::default()
            },
            ..defaults
        };
        serde_json::to_string(&c).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_settings_make_the_default_config() {
        let c = Settings::default().to_config(LogsMode::All).unwrap();
        let expected = Config {
            logs: LogsMode::All,
            ..Config::default()
        };
        assert_eq!(c, expected);
    }

    #[test]
    fn form_units_convert_to_detector_units() {
        let s = Settings {
            deny_rate_percent: 45.0,
            data_transfer_mb: 12.5,
            off_hours_percent: 80.0,
            entity: EntityChoice(Some(EntityField::User)),
            utc_offset_minutes: -300,
            ..Settings::default()
        };
        let c = s.to_config(LogsMode::None).unwrap();
        assert_eq!(c.rules.deny_rate, 0.45);
        assert_eq!(c.rules.data_transfer_bytes, 12_500_000);
        assert_eq!(c.rules.off_hours_ratio, 0.8);
        assert_eq!(c.entity, Some(EntityField::User));
        assert_eq!(c.off_hours.utc_offset_minutes, -300);
        assert_eq!(c.logs, LogsMode::None);
    }

    #[test]
    fn a_named_zone_reaches_the_config_and_utc_keeps_the_offset() {
        let zoned = |timezone: &str| Settings {
            timezone: timezone.into(),
            utc_offset_minutes: 60,
            ..Settings::default()
        };
        let json = |s: Settings| -> serde_json::Value {
            serde_json::from_str(&s.to_config_json(LogsMode::All).unwrap()).unwrap()
        };
        let berlin = json(zoned(" Europe/Berlin "));
        assert_eq!(berlin["off_hours"]["timezone"], "Europe/Berlin");
        for utc in ["UTC", "utc", "", "  "] {
            let fixed = json(zoned(utc));
            assert!(fixed["off_hours"].get("timezone").is_none(), "{utc:?}");
            assert_eq!(fixed["off_hours"]["utc_offset_minutes"], 60);
        }
        assert_eq!(Settings::default().timezone, "UTC");
        assert_eq!(Settings::default().named_zone(), None);
        // Stored settings from before the field existed mean UTC.
        let old = Settings::from_stored(Some(r#"{"utc_offset_minutes": -300}"#));
        assert_eq!((old.named_zone(), old.utc_offset_minutes), (None, -300));
    }

    #[test]
    fn out_of_range_value_reports_the_detector_message() {
        let s = Settings {
            deny_rate_percent: 150.0,
            ..Settings::default()
        };
        let e = s.to_config(LogsMode::All).unwrap_err();
        assert!(e.contains("rules.deny_rate"), "{e}");
        let s = Settings {
            off_hours_start: 3,
            off_hours_end: 3,
            ..Settings::default()
        };
        assert!(s
            .to_config(LogsMode::All)
            .unwrap_err()
            .contains("off_hours"));
    }

    #[test]
    fn stored_settings_round_trip_and_garbage_falls_back() {
        let s = Settings {
            unique_hosts: 7,
            allowlist: "10.0.0.1\n".into(),
            ..Settings::default()
        };
        assert_eq!(Settings::from_stored(Some(&s.to_stored())), s);
        assert_eq!(
            Settings::from_stored(Some("{not json")),
            Settings::default()
        );
        assert_eq!(Settings::from_stored(None), Settings::default());
        // A partial document (older app version) keeps the other defaults.
        let partial = Settings::from_stored(Some(r#"{"unique_hosts": 3}"#));
        assert_eq!(partial.unique_hosts, 3);
        assert_eq!(partial.burst_requests_per_minute, 100);
    }

    #[test]
    fn entity_choices_are_auto_then_the_detector_fields() {
        let names: Vec<&str> = EntityChoice::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names, ["auto", "clientip", "user", "host"]);
        assert_eq!(EntityChoice::parse("host").unwrap().label(), "Host");
        assert_eq!(EntityChoice::parse("nope"), None);
        // Stored as before: the lowercase name.
        let s = Settings {
            entity: EntityChoice(Some(EntityField::Clientip)),
            ..Settings::default()
        };
        assert!(s.to_stored().contains(r#""entity":"clientip""#));
        assert_eq!(Settings::from_stored(Some(&s.to_stored())), s);
    }

    #[test]
    fn allowlist_entries_are_trimmed_lines() {
        let s = Settings {
            allowlist: " 10.0.0.1 \n\n  scanner.corp\n".into(),
            ..Settings::default()
        };
        assert_eq!(s.allowlist_entries(), ["10.0.0.1", "scanner.corp"]);
    }

    #[test]
    fn allowlist_lines_become_the_config_allowlist_and_bad_cidr_is_refused() {
        let s = Settings {
            allowlist: "10.0.0.1\n 192.168.0.0/16 \n".into(),
            ..Settings::default()
        };
        let c = s.to_config(LogsMode::All).unwrap();
        assert_eq!(c.allowlist, ["10.0.0.1", "192.168.0.0/16"]);
        let bad = Settings {
            allowlist: "10.0.0.0/99".into(),
            ..Settings::default()
        };
        assert!(bad.to_config(LogsMode::All).is_err());
    }

    #[test]
    fn big_files_keep_only_anomalous_rows() {
        assert_eq!(logs_mode_for(ALL_LOGS_MAX_BYTES), LogsMode::All);
        assert_eq!(logs_mode_for(ALL_LOGS_MAX_BYTES + 1), LogsMode::Anomalous);
        assert_eq!(logs_mode_for(ANOMALOUS_LOGS_MAX_BYTES), LogsMode::Anomalous);
        assert_eq!(logs_mode_for(ANOMALOUS_LOGS_MAX_BYTES + 1), LogsMode::None);
    }
}
