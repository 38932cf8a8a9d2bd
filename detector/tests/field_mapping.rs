//! Field mapping: an Elastic Common Schema log read with the `ecs` preset
//! gives the report of the same events in the default schema; mapped paths
//! reach into nested objects; the report echoes the mapping it used; a
//! mapping that cannot work is one clear error naming the field.
//!
//! `tests/inputs/exfiltration_ecs.jsonl` is `data/anomalous_exfiltration.jsonl`
//! rewritten as ECS documents:
//!
//! ```sh
//! jq -c '{"@timestamp": .time, "event": {"kind":"event","category":["web"],
//!   "type": (if .action=="DENY" then ["access","denied"] else ["access","allowed"] end)},
//!   "source": {"ip": .clientip}, "user": {"name": .user},
//!   "url": {"full": .url, "original": .url},
//!   "http": {"request": {"method": .method, "bytes": .requestsize},
//!            "response": {"status_code": .responsecode, "bytes": .responsesize}},
//!   "user_agent": {"original": .useragent}}' data/anomalous_exfiltration.jsonl
//! ```

use std::path::Path;

use detector::{Config, Error, Fields, Preset};

fn read(path: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn ecs_config() -> Config {
    let mut c = Config::default();
    c.fields.preset = Some(Preset::Ecs);
    c
}

/// The report as JSON without its config echo and its inputs (whose sizes
/// differ by design: an ECS line is longer).
fn body(report: &detector::Report) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(&detector::export::json(report, false)).unwrap();
    v.as_object_mut().unwrap().remove("config");
    v.as_object_mut().unwrap().remove("inputs");
    v
}

#[test]
fn ecs_preset_gives_the_default_schema_report() {
    let plain = detector::analyze(
        &read("../data/anomalous_exfiltration.jsonl"),
        &Config::default(),
    )
    .unwrap();
    let ecs =
        detector::analyze(&read("tests/inputs/exfiltration_ecs.jsonl"), &ecs_config()).unwrap();
    assert!(plain.anomaly_count > 0);
    assert_eq!(
        body(&plain),
        body(&ecs),
        "features, anomalies and rows agree"
    );
    // The echo shows the mapping that was used, resolved.
    let f = &ecs.config.fields;
    assert_eq!(f.preset, Some(Preset::Ecs));
    assert_eq!(f.time, ["@timestamp"]);
    assert_eq!(f.url, ["url.full", "url.original"]);
    assert_eq!(f.deny_values, ["denied"]);
    assert!(f.allow_values.is_empty());
    assert_eq!(plain.config.fields.bytes, ["responsesize"]);
}

#[test]
fn explicit_fields_override_the_preset_and_read_alternatives() {
    // Drop url.full from every line: the preset falls back to url.original.
    let text = String::from_utf8(read("tests/inputs/exfiltration_ecs.jsonl")).unwrap();
    let no_full: String = text
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["url"].as_object_mut().unwrap().remove("full");
            v.to_string() + "\n"
        })
        .collect();
    let plain = detector::analyze(
        &read("../data/anomalous_exfiltration.jsonl"),
        &Config::default(),
    )
    .unwrap();
    let r = detector::analyze(no_full.as_bytes(), &ecs_config()).unwrap();
    assert_eq!(body(&plain), body(&r));

    // Grouping by the mapped user path.
    let mut c = ecs_config();
    c.entity = Some(detector::EntityField::User);
    let by_user = detector::analyze(no_full.as_bytes(), &c).unwrap();
    assert!(by_user.entities.iter().any(|e| e.entity.contains('@')));

    // An explicit field beats the preset's.
    let mut c = ecs_config();
    c.fields.set("clientip", vec!["host.ip".into()]).unwrap();
    let e = detector::analyze(no_full.as_bytes(), &c).unwrap_err();
    assert!(
        e.to_string().contains("missing required field `host.ip`"),
        "{e}"
    );
}

#[test]
fn a_mapped_field_no_line_has_is_an_error_naming_it() {
    let mut c = Config::default();
    c.fields.set("user", vec!["usr.name".into()]).unwrap();
    let e = detector::analyze(&read("../data/anomalous_exfiltration.jsonl"), &c).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, Error::InvalidConfig(_)), "{msg}");
    assert!(
        msg.contains("`fields.user`") && msg.contains("usr.name"),
        "{msg}"
    );
}

#[test]
fn unusable_mappings_are_clear_errors() {
    let e = Config::from_json(r#"{"fields": {"preset": "elk"}}"#).unwrap_err();
    assert!(e.to_string().contains("ecs"), "lists the presets: {e}");
    let e = Config::from_json(r#"{"fields": {"clientip": ""}}"#).unwrap_err();
    assert!(e.to_string().contains("fields.clientip"), "{e}");
    let e = Config::from_json(r#"{"fields": {"deny_values": ["x"], "allow_values": "x"}}"#)
        .unwrap_err();
    assert!(e.to_string().contains("both"), "{e}");
    let e = Fields::default().set("ip", vec![]).unwrap_err();
    assert!(e.to_string().contains("clientip"), "lists the names: {e}");

    // A preset for JSON on a CSV input, a CSV-only field on JSONL.
    let csv = read("../data/insider_sample.csv");
    let e = detector::analyze(&csv, &ecs_config()).unwrap_err();
    assert!(e.to_string().contains("preset `ecs`"), "{e}");
    let mut c = Config::default();
    c.fields.host = vec!["src".into()];
    let e = detector::analyze(&read("../data/baseline_small.jsonl"), &c).unwrap_err();
    assert!(e.to_string().contains("`fields.host`"), "{e}");
    // A CSV column the user named must exist.
    let mut c = Config::default();
    c.fields.clientip = vec!["src_ip".into()];
    let e = detector::analyze(&csv, &c).unwrap_err();
    assert!(e.to_string().contains("`src_ip`"), "{e}");
}

#[test]
fn config_files_take_one_path_or_a_list() {
    let c = Config::from_json(
        r#"{"fields": {"preset": "ecs", "url": "url.original", "bytes": ["a.b", "c"]}}"#,
    )
    .unwrap();
    assert_eq!(c.fields.url, ["url.original"]);
    assert_eq!(c.fields.bytes, ["a.b", "c"]);
}

#[test]
fn csv_action_values_are_configurable() {
    let csv = "time,who,dest,size,outcome\n\
               2026-02-10T01:00:00Z,ann,a.example,10,Blocked\n\
               2026-02-10T01:00:01Z,ann,b.example,10,ok\n\
               2026-02-10T01:00:02Z,bob,a.example,10,maybe\n";
    let mut c = Config::default();
    for (k, v) in [
        ("time", "time"),
        ("user", "who"),
        ("resource", "dest"),
        ("bytes", "size"),
        ("action", "outcome"),
        ("deny_values", "blocked"),
        ("allow_values", "ok"),
    ] {
        c.fields.set(k, vec![v.into()]).unwrap();
    }
    let r = detector::analyze(csv.as_bytes(), &c).unwrap();
    assert_eq!(r.total_logs, 2);
    let ann = r.entities.iter().find(|e| e.entity == "ann").unwrap();
    assert_eq!(ann.features.deny_rate, 0.5, "Blocked matches ignoring case");
    assert_eq!(r.parse_errors.len(), 1);
    assert_eq!(
        r.parse_errors[0].reason,
        r#"`outcome` must be ok or blocked (got "maybe")"#
    );
}
