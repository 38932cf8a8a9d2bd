//! The `signaltrace` command as a user runs it: real files, real process,
//! exit codes and stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

use common::TempDir;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_signaltrace"))
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data")
        .join(name)
}

/// A test's own directory, removed when the test ends (pass or fail).
fn scratch(tag: &str) -> TempDir {
    TempDir::new(&format!("cli-{tag}"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// Runs the command with `input` on its standard input.
fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Exit code 2 and exactly one stderr line containing `needle`.
fn fails_with(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
    assert!(out.stdout.is_empty());
}

/// The report without what names and measures its inputs.
fn forget_inputs(report: &mut serde_json::Value) {
    report["filename"] = serde_json::Value::Null;
    report["inputs"] = serde_json::Value::Null;
}

#[test]
fn analyze_prints_the_detectors_report_for_every_sample() {
    for name in detector::generate::SAMPLE_FILES {
        let out = run(&["analyze", data(name).to_str().unwrap()]);
        let bytes = std::fs::read(data(name)).unwrap();
        let mut a = detector::Analyzer::new(detector::Config::default())
            .unwrap()
            .with_filename(name);
        a.push(&bytes).unwrap();
        let expected = serde_json::to_value(a.finish().unwrap()).unwrap();
        assert_eq!(json(&out), expected, "{name}");
    }
}

#[test]
fn stdin_is_read_with_a_dash() {
    let bytes = std::fs::read(data("anomalous_scanning.jsonl")).unwrap();
    let r = json(&run_with_stdin(&["analyze", "-", "--no-logs"], &bytes));
    assert_eq!(r["filename"], "-");
    assert_eq!(r["anomalies"][0]["entity"], "198.51.100.89");
    assert!(r.get("logs").is_none());
}

#[test]
fn logs_options_choose_the_raw_rows() {
    let f = data("anomalous_credential_stuffing.jsonl");
    let all = json(&run(&["analyze", f.to_str().unwrap()]));
    assert_eq!(all["logs"].as_array().unwrap().len(), 2150);
    let anomalous = json(&run(&[
        "analyze",
        f.to_str().unwrap(),
        "--logs",
        "anomalous",
    ]));
    let rows = anomalous["logs"].as_array().unwrap();
    assert_eq!(rows.len(), 150);
    assert!(rows
        .iter()
        .all(|r| r["is_anomalous"] == true && r["clientip"] == "203.0.113.45"));
    let none = json(&run(&["analyze", f.to_str().unwrap(), "--no-logs"]));
    assert!(none.get("logs").is_none());
}

#[test]
fn pretty_and_text_outputs() {
    let f = data("anomalous_exfiltration.jsonl");
    let pretty = run(&["analyze", f.to_str().unwrap(), "--pretty", "--no-logs"]);
    assert!(String::from_utf8_lossy(&pretty.stdout).starts_with("{\n  \"schema_version\""));
    let text = run(&["analyze", f.to_str().unwrap(), "--text"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Risk level: High"), "{text}");
    assert!(text.contains("[Critical] 192.168.1.150"), "{text}");
    assert!(
        text.contains("Extreme Data Transfer, High Off-Hours Activity"),
        "{text}"
    );
}

#[test]
fn seed_and_config_file_are_applied_and_echoed() {
    let dir = scratch("config");
    let toml = dir.join("c.toml");
    std::fs::write(&toml, "[rules]\nunique_hosts = 31\n[forest]\nseed = 9\n").unwrap();
    let f = data("anomalous_scanning.jsonl");
    let r = json(&run(&[
        "analyze",
        f.to_str().unwrap(),
        "--no-logs",
        "--config",
        toml.to_str().unwrap(),
    ]));
    assert_eq!(r["config"]["rules"]["unique_hosts"], 31);
    assert_eq!(r["statistics"]["seed"], 9);
    // 30 hosts no longer reach the raised threshold.
    assert_eq!(
        r["anomalies"][0]["triggered_rules"],
        serde_json::json!(["High Deny Rate"])
    );
    // A flag beats the file.
    let r = json(&run(&[
        "analyze",
        f.to_str().unwrap(),
        "--no-logs",
        "--config",
        toml.to_str().unwrap(),
        "--seed",
        "5",
    ]));
    assert_eq!(r["statistics"]["seed"], 5);
    let js = dir.join("c.json");
    std::fs::write(&js, r#"{"entity": "user"}"#).unwrap();
    let r = json(&run(&[
        "analyze",
        f.to_str().unwrap(),
        "--no-logs",
        "--config",
        js.to_str().unwrap(),
    ]));
    assert_eq!(r["entity_field"], "user");
}

#[test]
fn unusable_inputs_exit_2_with_one_line() {
    let dir = scratch("bad");
    fails_with(
        &run(&["analyze", dir.join("missing.jsonl").to_str().unwrap()]),
        "cannot open",
    );
    fails_with(&run(&["analyze", dir.to_str().unwrap()]), "is a directory");
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, "\n\n").unwrap();
    fails_with(
        &run(&["analyze", empty.to_str().unwrap()]),
        "input is empty",
    );
    let junk = dir.join("junk.jsonl");
    std::fs::write(&junk, "{\"a\":1}\nhello\n").unwrap();
    fails_with(
        &run(&["analyze", junk.to_str().unwrap()]),
        "no valid log line: 2 of 2 lines rejected (first: junk.jsonl line 1:",
    );
    let csv = dir.join("bad.csv");
    std::fs::write(&csv, "time,who,what\n1,2,3\n").unwrap();
    fails_with(
        &run(&["analyze", csv.to_str().unwrap()]),
        "unusable CSV header",
    );
    let strict = dir.join("strict.jsonl");
    let good = std::fs::read_to_string(data("baseline_small.jsonl")).unwrap();
    std::fs::write(
        &strict,
        format!("{}nope\n", &good[..good.find('\n').unwrap() + 1]),
    )
    .unwrap();
    fails_with(
        &run(&["analyze", strict.to_str().unwrap(), "--strict"]),
        "strict mode: line 2 rejected",
    );
}

#[test]
fn bad_configs_exit_2_naming_the_field() {
    let dir = scratch("badconfig");
    let f = data("baseline_small.jsonl");
    let unknown = dir.join("u.toml");
    std::fs::write(&unknown, "[rules]\ndeny_rat = 0.5\n").unwrap();
    fails_with(
        &run(&[
            "analyze",
            f.to_str().unwrap(),
            "--config",
            unknown.to_str().unwrap(),
        ]),
        "deny_rat",
    );
    let range = dir.join("r.json");
    std::fs::write(&range, r#"{"forest": {"contamination": 0.9}}"#).unwrap();
    fails_with(
        &run(&[
            "analyze",
            f.to_str().unwrap(),
            "--config",
            range.to_str().unwrap(),
        ]),
        "`forest.contamination` must be in (0, 0.5]",
    );
    fails_with(
        &run(&[
            "analyze",
            f.to_str().unwrap(),
            "--config",
            dir.join("none.toml").to_str().unwrap(),
        ]),
        "cannot read config",
    );
}

#[test]
fn generate_reproduces_data_byte_for_byte() {
    let dir = scratch("gen");
    let out = run(&["generate", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success());
    for name in detector::generate::SAMPLE_FILES {
        assert!(
            std::fs::read(dir.join(name)).unwrap() == std::fs::read(data(name)).unwrap(),
            "{name}"
        );
    }
    let big = dir.join("big.jsonl");
    assert!(run(&[
        "generate",
        "--events",
        "5000",
        "--out",
        big.to_str().unwrap()
    ])
    .status
    .success());
    let text = std::fs::read_to_string(&big).unwrap();
    assert_eq!(text.lines().count(), 5000);
    let r = json(&run(&["analyze", big.to_str().unwrap(), "--no-logs"]));
    assert_eq!(r["total_logs"], 5000);
    assert_eq!(r["rejected_lines"], 0);
}

#[test]
fn threshold_flags_beat_the_config_file() {
    let dir = scratch("flags");
    let toml = dir.join("c.toml");
    std::fs::write(&toml, "[rules]\ndeny_rate = 0.95\n").unwrap();
    let f = data("anomalous_scanning.jsonl");
    let f = f.to_str().unwrap();
    let r = json(&run(&[
        "analyze",
        f,
        "--no-logs",
        "--config",
        toml.to_str().unwrap(),
    ]));
    assert_eq!(
        r["anomalies"][0]["triggered_rules"],
        serde_json::json!(["High Unique Hosts"])
    );
    let r = json(&run(&[
        "analyze",
        f,
        "--no-logs",
        "--config",
        toml.to_str().unwrap(),
        "--deny-rate",
        "0.5",
        "--unique-hosts",
        "40",
        "--off-hours",
        "22-6",
        "--utc-offset",
        "-05:30",
        "--trees",
        "50",
        "--contamination",
        "0.2",
        "--min-events",
        "3",
    ]));
    assert_eq!(r["config"]["rules"]["deny_rate"], 0.5);
    assert_eq!(r["config"]["rules"]["min_events"], 3);
    assert_eq!(
        r["config"]["off_hours"],
        serde_json::json!({"start_hour": 22, "end_hour": 6, "utc_offset_minutes": -330})
    );
    assert_eq!(r["statistics"]["trees"], 50);
    // The scan ran 11:00–11:09 UTC, which is 05:30 local at UTC−05:30:
    // inside the 22–6 window.
    assert_eq!(
        r["anomalies"][0]["triggered_rules"],
        serde_json::json!(["High Deny Rate", "High Off-Hours Activity"])
    );
    fails_with(&run(&["analyze", f, "--utc-offset", "2h"]), "--utc-offset");
    fails_with(&run(&["analyze", f, "--off-hours", "late"]), "--off-hours");
    fails_with(
        &run(&["analyze", f, "--deny-rate", "1.5"]),
        "`rules.deny_rate` must be a number from 0 to 1",
    );
    fails_with(
        &run(&["analyze", f, "--min-events", "0"]),
        "`rules.min_events` must be at least 1",
    );
}

#[test]
fn allowlist_flag_accepts_values_and_ranges() {
    let f = data("anomalous_credential_stuffing.jsonl");
    let r = json(&run(&[
        "analyze",
        f.to_str().unwrap(),
        "--no-logs",
        "--allowlist",
        "10.9.9.9,203.0.113.0/24",
    ]));
    assert_eq!(r["anomaly_count"], 0);
    assert_eq!(r["allowlisted_count"], 1);
    assert_eq!(
        r["config"]["allowlist"],
        serde_json::json!(["10.9.9.9", "203.0.113.0/24"])
    );
    fails_with(
        &run(&["analyze", f.to_str().unwrap(), "--allowlist", "10.0.0.0/99"]),
        "10.0.0.0/99",
    );
}

#[test]
fn pseudonymize_key_from_the_environment_hides_identifiers() {
    let f = data("anomalous_exfiltration.jsonl");
    let out = bin()
        .args(["analyze", f.to_str().unwrap()])
        .env("SIGNALTRACE_PSEUDONYMIZE_KEY", "an office secret")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        !text.contains("192.168.1.150")
            && !text.contains("@company.com")
            && !text.contains("an office secret")
    );
    let r = json(&out);
    assert_eq!(r["pseudonymized"], true);
    assert!(r["anomalies"][0]["entity"]
        .as_str()
        .unwrap()
        .starts_with("ip-"));
}

#[test]
fn exports_go_to_stdout_or_a_file() {
    let dir = scratch("export");
    let f = data("insider_sample.csv");
    let out = run(&["analyze", f.to_str().unwrap(), "--export", "csv"]);
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("oscar.novak,user,Critical,"));
    let md = dir.join("incident.md");
    let out = run(&[
        "analyze",
        f.to_str().unwrap(),
        "--export",
        "markdown",
        "--output",
        md.to_str().unwrap(),
    ]);
    assert!(out.status.success() && out.stdout.is_empty());
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.starts_with("# signaltrace incident summary: insider_sample.csv"));
    assert!(md.contains("### Critical oscar.novak"));
}

/// Compresses `src` with a real command-line tool into `dst`.
fn compress_with(tool: &str, args: &[&str], src: &Path, dst: &Path) {
    let out = Command::new(tool)
        .args(args)
        .arg(src)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed for this test: {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dst, out.stdout).unwrap();
}

#[test]
fn gzip_and_zstd_files_give_the_plain_files_report() {
    let dir = scratch("compressed");
    for name in ["anomalous_exfiltration.jsonl", "insider_sample.csv"] {
        let plain = data(name);
        let mut expected = json(&run(&["analyze", plain.to_str().unwrap()]));
        forget_inputs(&mut expected);
        let gz = dir.join(format!("{name}.gz"));
        let zst = dir.join(format!("{name}.zst"));
        // Two gzip members, as `cat a.gz b.gz` or log rotation makes.
        compress_with("gzip", &["-c"], &plain, &gz);
        let text = std::fs::read(&plain).unwrap();
        let cut = text.len() / 2
            + text[text.len() / 2..]
                .iter()
                .position(|&b| b == b'\n')
                .unwrap()
            + 1;
        let (head, tail) = (dir.join("head"), dir.join("tail"));
        std::fs::write(&head, &text[..cut]).unwrap();
        std::fs::write(&tail, &text[cut..]).unwrap();
        compress_with("gzip", &["-c"], &head, &gz);
        compress_with("gzip", &["-c"], &tail, &dir.join("tail.gz"));
        let mut members = std::fs::read(&gz).unwrap();
        members.extend(std::fs::read(dir.join("tail.gz")).unwrap());
        std::fs::write(&gz, members).unwrap();
        compress_with("zstd", &["-c", "-q"], &plain, &zst);
        for packed in [&gz, &zst] {
            let mut got = json(&run(&[
                "analyze",
                packed.to_str().unwrap(),
                "--threads",
                "2",
            ]));
            forget_inputs(&mut got);
            assert!(got == expected, "{}", packed.display());
        }
        // The same through standard input.
        let mut got = json(&run_with_stdin(
            &["analyze", "-"],
            &std::fs::read(&zst).unwrap(),
        ));
        assert_eq!(got["inputs"][0]["compression"], "zstd");
        forget_inputs(&mut got);
        assert!(got == expected);
    }
}

#[test]
fn a_truncated_archive_exits_2_naming_the_file() {
    let dir = scratch("truncated");
    let gz = dir.join("access.jsonl.gz");
    compress_with("gzip", &["-c"], &data("baseline_small.jsonl"), &gz);
    let bytes = std::fs::read(&gz).unwrap();
    std::fs::write(&gz, &bytes[..bytes.len() / 2]).unwrap();
    let out = run(&["analyze", gz.to_str().unwrap()]);
    fails_with(&out, "access.jsonl.gz: corrupt or truncated gzip data");
}

#[test]
fn time_format_and_timezone_flags_are_applied_and_checked() {
    let file = data("anomalous_exfiltration.jsonl");
    let path = file.to_str().unwrap();
    let r = json(&run(&[
        "analyze",
        path,
        "--no-logs",
        "--timezone",
        "Europe/Berlin",
    ]));
    assert_eq!(r["config"]["off_hours"]["timezone"], "Europe/Berlin");
    // The planted 01:00–04:30 UTC transfers are 02:00–05:30 in Berlin's
    // winter: fewer of them fall before 05:00.
    let berlin = r["anomalies"][0]["features"]["off_hours_request_ratio"]
        .as_f64()
        .unwrap();
    let utc = json(&run(&["analyze", path, "--no-logs"]))["anomalies"][0]["features"]
        ["off_hours_request_ratio"]
        .as_f64()
        .unwrap();
    assert!(berlin < utc, "{berlin} vs {utc}");
    fails_with(
        &run(&["analyze", path, "--timezone", "Europe/Berln"]),
        "`Europe/Berlin`",
    );
    fails_with(
        &run(&["analyze", path, "--utc-offset", "Europe/Berlin"]),
        "use --timezone",
    );
    fails_with(
        &run(&["analyze", path, "--time-format", "epoch"]),
        "rfc3339, epoch_s, epoch_ms, epoch_us",
    );
    fails_with(
        &run(&["analyze", path, "--max-decompressed-bytes", "10"]),
        "input.max_decompressed_bytes",
    );
}

#[test]
fn quoted_csv_fields_may_span_lines() {
    let dir = scratch("multiline");
    let csv = dir.join("export.csv");
    let mut text = String::from("timestamp,user,host,action,resource,bytes,success,comment\n");
    for u in 0..25 {
        text.push_str(&format!(
            "2025-03-10T09:{u:02}:00Z,user{u},pc-{u},READ,Jira,{},true,\"note {u}\nsecond line\"\n",
            100 + u
        ));
    }
    text.push_str("2025-03-10T10:00:00Z,late,pc-x,READ,Jira,bad,true,x\n");
    std::fs::write(&csv, &text).unwrap();
    let r = json(&run(&["analyze", csv.to_str().unwrap(), "--no-logs"]));
    assert_eq!(r["total_logs"], 25);
    assert_eq!(r["lines"]["total"], 52);
    assert_eq!(r["lines"]["continuation"], 25);
    // Header, then 25 records of two lines each: the bad row is line 52.
    assert_eq!(r["parse_errors"][0]["line"], 52);
}

/// The report without the parts that name the input or echo the config.
fn body(mut v: serde_json::Value) -> serde_json::Value {
    let o = v.as_object_mut().unwrap();
    o.remove("config");
    o.remove("filename");
    o.remove("inputs");
    v
}

#[test]
fn preset_and_field_flags_map_other_schemas() {
    let ecs = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../detector/tests/inputs/exfiltration_ecs.jsonl");
    let ecs = ecs.to_str().unwrap();
    let plain = json(&run(&[
        "analyze",
        data("anomalous_exfiltration.jsonl").to_str().unwrap(),
    ]));
    let mapped = json(&run(&["analyze", ecs, "--preset", "ecs"]));
    assert_eq!(mapped["config"]["fields"]["preset"], "ecs");
    assert_eq!(mapped["config"]["fields"]["clientip"][0], "source.ip");
    assert_eq!(body(plain.clone()), body(mapped));

    // The same mapping spelled out with --field, alternatives comma-separated.
    let spelled = json(&run(&[
        "analyze",
        ecs,
        "--field",
        "time=@timestamp",
        "--field",
        "clientip=source.ip",
        "--field",
        "user=user.name",
        "--field",
        "url=url.missing,url.full",
        "--field",
        "bytes=http.response.bytes",
        "--field",
        "responsecode=http.response.status_code",
        "--field",
        "action=event.type",
        "--field",
        "deny_values=denied",
        "--field",
        "allow_values=allowed",
    ]));
    assert_eq!(spelled["config"]["fields"]["url"][1], "url.full");
    assert_eq!(body(plain), body(spelled));

    fails_with(
        &run(&["analyze", ecs, "--field", "clientip"]),
        "expected NAME=PATH",
    );
    fails_with(
        &run(&["analyze", ecs, "--field", "ip=source.ip"]),
        "clientip",
    );
    let out = run(&["analyze", ecs, "--preset", "elk"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ecs"));
    // A mapped field that no line has.
    fails_with(
        &run(&[
            "analyze",
            ecs,
            "--preset",
            "ecs",
            "--field",
            "user=usr.name",
        ]),
        "`fields.user`",
    );
}

/// What does not depend on how the log was cut into files: the entities
/// with their features and scores, the anomalies, the counts.
fn findings(report: &serde_json::Value) -> serde_json::Value {
    let keys = [
        "entities",
        "anomalies",
        "timeline",
        "total_logs",
        "entity_count",
        "statistics",
        "population_medians",
        "time_range",
        "activity",
    ];
    let mut found: serde_json::Map<String, serde_json::Value> = keys
        .iter()
        .map(|k| (k.to_string(), report[k].clone()))
        .collect();
    // The largest events point at (input, line), which the cut changes, and
    // equal sizes are ranked by that place: compare their sizes only.
    for a in found["anomalies"].as_array_mut().unwrap() {
        let transfer = &mut a["evidence"]["transfer"];
        if transfer.is_object() {
            let sizes: Vec<serde_json::Value> = transfer["largest_events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["bytes"].clone())
                .collect();
            transfer["largest_events"] = sizes.into();
        }
    }
    found.into()
}

#[test]
fn rotated_parts_in_any_order_give_the_whole_files_findings() {
    let dir = scratch("rotated");
    let whole = data("anomalous_credential_stuffing.jsonl");
    let text = std::fs::read(&whole).unwrap();
    // Three parts cut at line ends; the middle one gzip-compressed.
    let line_end_after = |at: usize| at + text[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let (a, b) = (
        line_end_after(text.len() / 3),
        line_end_after(text.len() * 2 / 3),
    );
    let parts = [
        dir.join("access.log.2"),
        dir.join("access.log.1"),
        dir.join("access.log"),
    ];
    std::fs::write(&parts[0], &text[..a]).unwrap();
    std::fs::write(dir.join("middle"), &text[a..b]).unwrap();
    compress_with("gzip", &["-c"], &dir.join("middle"), &parts[1]);
    std::fs::write(&parts[2], &text[b..]).unwrap();
    let expected = json(&run(&["analyze", whole.to_str().unwrap()]));
    let p = |i: usize| parts[i].to_str().unwrap().to_string();
    for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
        let args: Vec<String> = ["analyze".to_string()]
            .into_iter()
            .chain(order.iter().map(|&i| p(i)))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let got = json(&run(&args));
        assert!(findings(&got) == findings(&expected), "{order:?}");
        let inputs = got["inputs"].as_array().unwrap();
        assert_eq!(inputs.len(), 3);
        let names: Vec<&str> = inputs.iter().map(|i| i["name"].as_str().unwrap()).collect();
        let want: Vec<String> = order
            .iter()
            .map(|&i| parts[i].file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, want);
        let gz = order.iter().position(|&i| i == 1).unwrap();
        assert_eq!(inputs[gz]["compression"], "gzip");
        assert_eq!(got["filename"], inputs[0]["name"]);
        let lines: u64 = inputs.iter().map(|i| i["lines"].as_u64().unwrap()).sum();
        assert_eq!(lines, got["lines"]["total"].as_u64().unwrap());
    }
    // Standard input as one of the parts; the text view lists the inputs.
    let middle = std::fs::read(&parts[1]).unwrap();
    let out = run_with_stdin(&["analyze", &p(0), "-", &p(2), "--text"], &middle);
    assert!(out.status.success());
    let view = String::from_utf8(out.stdout).unwrap();
    assert!(
        view.lines().next().unwrap().ends_with("— 3 files"),
        "{view}"
    );
    assert!(view.contains("\n  -: "), "{view}");
    assert!(view.contains("(gzip)"), "{view}");
}

#[test]
fn several_files_name_the_file_in_rejections_and_errors() {
    let dir = scratch("several");
    let good = dir.join("good.jsonl");
    std::fs::copy(data("baseline_small.jsonl"), &good).unwrap();
    let bad = dir.join("bad.jsonl");
    let first = std::fs::read_to_string(&good).unwrap();
    let first = &first[..first.find('\n').unwrap() + 1];
    std::fs::write(&bad, format!("{first}nope\n")).unwrap();
    let (good, bad) = (good.to_str().unwrap(), bad.to_str().unwrap());
    let report = json(&run(&["analyze", good, bad]));
    let errors = report["parse_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["file"], "bad.jsonl");
    assert_eq!(errors[0]["input"], 1);
    assert_eq!(errors[0]["line"], 2);
    let text = run(&["analyze", good, bad, "--text"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("  bad.jsonl line 2: "));
    fails_with(
        &run(&["analyze", good, bad, "--strict"]),
        "bad.jsonl: strict mode: line 2 rejected",
    );
    let missing = dir.join("missing.jsonl");
    fails_with(
        &run(&["analyze", good, missing.to_str().unwrap()]),
        &format!("cannot open {}", missing.display()),
    );
    fails_with(&run(&["analyze", "-", good, "-"]), "only once");
    fails_with(
        &run(&[
            "analyze",
            good,
            data("insider_sample.csv").to_str().unwrap(),
        ]),
        "insider_sample.csv is CSV but good.jsonl is JSONL",
    );
    let truncated = dir.join("cut.gz");
    compress_with("gzip", &["-c"], Path::new(good), &truncated);
    let bytes = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    fails_with(
        &run(&["analyze", good, truncated.to_str().unwrap(), good]),
        "cut.gz: corrupt or truncated gzip data",
    );
}

/// `--logs anomalous` on files reads them twice (the analysis, then only the
/// anomalous entities' rows); standard input is read once, holding every row
/// until the end. Both give the same report, for each sample, for one and two
/// threads, and for a log far out of time order (bounded times read again).
#[test]
fn logs_anomalous_reads_files_again_for_the_rows_with_the_same_report() {
    let dir = scratch("rows-again");
    let text = std::fs::read_to_string(data("anomalous_scanning.jsonl")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    let reversed = dir.join("reversed.jsonl");
    std::fs::write(&reversed, lines.join("\n") + "\n").unwrap();
    let mut files: Vec<PathBuf> = detector::generate::SAMPLE_FILES
        .iter()
        .map(|n| data(n))
        .collect();
    files.push(reversed);
    let mut rows_seen = 0;
    for file in &files {
        for threads in ["1", "2"] {
            let args = ["--logs", "anomalous", "--threads", threads];
            let mut from_file = json(&run(
                &[&["analyze", file.to_str().unwrap()][..], &args].concat()
            ));
            let mut from_stdin = json(&run_with_stdin(
                &[&["analyze", "-"][..], &args].concat(),
                &std::fs::read(file).unwrap(),
            ));
            forget_inputs(&mut from_file);
            forget_inputs(&mut from_stdin);
            for errors in [&mut from_file, &mut from_stdin] {
                for e in errors["parse_errors"].as_array_mut().unwrap() {
                    e["file"] = serde_json::Value::Null;
                }
            }
            assert!(
                from_file == from_stdin,
                "{} threads {threads}",
                file.display()
            );
            assert_eq!(from_file["config"]["logs"], "anomalous");
            rows_seen += from_file["logs"].as_array().unwrap().len();
        }
    }
    assert!(rows_seen > 0, "some sample has anomalous rows");
}

/// One plain JSONL file on several threads is read in slices (cut at line
/// starts, merged in file order: `--min-slice`); the report is the one
/// thread's, for each sample, a log far out of time order with malformed
/// lines, every logs mode, two and three threads. CSV and compressed files
/// are read whole, with the same report.
#[test]
fn a_file_read_in_slices_gives_the_one_thread_report() {
    let dir = scratch("slices");
    let text = std::fs::read_to_string(data("anomalous_exfiltration.jsonl")).unwrap();
    let mut lines: Vec<String> = text.lines().rev().map(str::to_string).collect();
    for l in lines.iter_mut().step_by(89) {
        l.push_str("\n{\"broken\": \n");
    }
    let reversed = dir.join("reversed.jsonl");
    std::fs::write(&reversed, lines.join("\n")).unwrap();
    let gz = dir.join("scanning.jsonl.gz");
    compress_with("gzip", &["-c"], &data("anomalous_scanning.jsonl"), &gz);
    let mut files: Vec<PathBuf> = detector::generate::SAMPLE_FILES
        .iter()
        .map(|n| data(n))
        .collect();
    files.extend([reversed, gz]);
    for file in &files {
        for logs in ["none", "all", "anomalous"] {
            let analyze = |more: &[&str]| {
                run(&[
                    &["analyze", file.to_str().unwrap(), "--logs", logs][..],
                    more,
                ]
                .concat())
            };
            let one = analyze(&["--threads", "1"]);
            for threads in ["2", "3"] {
                let sliced = analyze(&["--threads", threads, "--min-slice", "20000"]);
                assert!(
                    json(&sliced) == json(&one),
                    "{} logs {logs} threads {threads}",
                    file.display()
                );
            }
        }
    }
}
