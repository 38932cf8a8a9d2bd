//! `POST /api/analyze` over real HTTP: same report as the CLI, errors with
//! the right status, bounded memory on oversized uploads, concurrency, and
//! graceful shutdown with a request in flight.

mod common;

use std::io::Write;
use std::net::Shutdown;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::*;

fn read_data(name: &str) -> Vec<u8> {
    std::fs::read(data_dir().join(name)).unwrap()
}

#[test]
fn every_sample_file_gives_the_cli_report() {
    let server = Server::start(&[]);
    let token = server.token();
    for name in DATA_FILES {
        let data = read_data(name);
        let path = data_dir().join(name);
        for (query, flags) in [
            ("", &[][..]),
            ("?logs=anomalous", &["--logs", "anomalous"][..]),
        ] {
            let r = server.analyze(&token, query, &[Part::file(name, &data)]);
            assert_eq!(r.status, 200, "{name}{query}: {}", r.text());
            assert_eq!(r.header("content-type"), Some("application/json"));
            let served = r.json();
            // The whole report: evidence, typical ranges, explanations and
            // the rows' evidence marks included.
            assert_eq!(served, cli_report(&path, flags), "{name}{query}");
            assert_eq!(served["filename"], name);
            for a in served["anomalies"].as_array().unwrap() {
                assert!(a["evidence"]["hosts"]["count"].as_u64() >= Some(1));
            }
            let marked = served["logs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|row| row.get("evidence").is_some());
            assert_eq!(marked, served["anomaly_count"] != 0, "{name}{query}");
        }
    }
}

#[test]
fn a_config_part_is_applied_like_the_cli_config_file() {
    let server = Server::start(&[]);
    let token = server.token();
    let config = r#"{"rules": {"deny_rate": 0.3, "unique_hosts": 10, "min_events": 2}, "forest": {"seed": 7}, "logs": "none"}"#;
    let dir = TempDir::new("config");
    let config_path = dir.path().join("config.json");
    std::fs::write(&config_path, config).unwrap();
    let name = "anomalous_scanning.jsonl";
    let data = read_data(name);
    let r = server.analyze(&token, "", &[Part::config(config), Part::file(name, &data)]);
    assert_eq!(r.status, 200, "{}", r.text());
    let expected = cli_report(
        &data_dir().join(name),
        &["--config", config_path.to_str().unwrap()],
    );
    assert_eq!(r.json(), expected);
    assert!(r.json().get("logs").is_none(), "logs none leaves logs out");
    assert_eq!(r.json()["config"]["forest"]["seed"], 7);
    assert_eq!(r.json()["config"]["rules"]["min_events"], 2);
    // The query overrides the config's `logs`.
    let r = server.analyze(
        &token,
        "?logs=all",
        &[Part::config(config), Part::file(name, &data)],
    );
    assert!(r.json()["logs"].as_array().is_some_and(|l| !l.is_empty()));
}

#[test]
fn a_config_part_maps_fields_like_the_cli_flags() {
    let server = Server::start(&[]);
    let token = server.token();
    let path = data_dir().join("../detector/tests/inputs/exfiltration_ecs.jsonl");
    let data = std::fs::read(&path).unwrap();
    let config = r#"{"fields": {"preset": "ecs", "url": ["url.missing", "url.full"]}}"#;
    let r = server.analyze(
        &token,
        "",
        &[Part::config(config), Part::file("ecs.jsonl", &data)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let mut expected = cli_report(
        &path,
        &["--preset", "ecs", "--field", "url=url.missing,url.full"],
    );
    expected["filename"] = "ecs.jsonl".into();
    expected["inputs"][0]["name"] = "ecs.jsonl".into();
    assert_eq!(r.json(), expected);
    assert_eq!(r.json()["config"]["fields"]["time"][0], "@timestamp");
    // A mapped field that no line has is the detector's 400.
    let r = server.analyze(
        &token,
        "",
        &[
            Part::config(r#"{"fields": {"preset": "ecs", "user": "usr.name"}}"#),
            Part::file("ecs.jsonl", &data),
        ],
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("fields.user"), "{}", r.text());
}

#[test]
fn an_empty_config_part_means_the_defaults() {
    let server = Server::start(&[]);
    let token = server.token();
    let name = "anomalous_scanning.jsonl";
    let data = read_data(name);
    let expected = cli_report(&data_dir().join(name), &[]);
    for empty in ["", " \r\n"] {
        let r = server.analyze(&token, "", &[Part::config(empty), Part::file(name, &data)]);
        assert_eq!(r.status, 200, "{empty:?}: {}", r.text());
        assert_eq!(r.json(), expected);
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
}

#[test]
fn unusable_uploads_are_400_with_the_detectors_reason() {
    let server = Server::start(&[]);
    let token = server.token();
    let data = read_data("baseline_small.jsonl");
    let cases: Vec<(&str, Vec<Part>, &str, &str)> = vec![
        (
            "garbage file",
            vec![Part::file("x.jsonl", b"\x00\x01 not a log\n")],
            "",
            "no valid log line",
        ),
        (
            "empty file",
            vec![Part::file("x.jsonl", b"")],
            "",
            "input is empty",
        ),
        (
            "bad config value",
            vec![
                Part::config(r#"{"rules": {"deny_rate": 3}}"#),
                Part::file("x.jsonl", &data),
            ],
            "",
            "rules.deny_rate",
        ),
        (
            "unknown config field",
            vec![Part::config(r#"{"nope": 1}"#), Part::file("x.jsonl", &data)],
            "",
            "invalid config",
        ),
        (
            "config after file",
            vec![Part::file("x.jsonl", &data), Part::config("{}")],
            "",
            "must come before",
        ),
        (
            "two config parts",
            vec![
                Part::config("{}"),
                Part::config(r#"{"forest": {"seed": 7}}"#),
                Part::file("x.jsonl", &data),
            ],
            "",
            "more than one `config` part",
        ),
        (
            "no file part",
            vec![Part::config("{}")],
            "",
            "missing the `file` part",
        ),
        (
            "bad logs query",
            vec![Part::file("x.jsonl", &data)],
            "?logs=some",
            "logs",
        ),
        (
            "strict",
            vec![
                Part::config(r#"{"input": {"strict": true}}"#),
                Part::file("x.jsonl", b"{\"bad\": 1}\n"),
            ],
            "",
            "strict mode",
        ),
    ];
    for (what, parts, query, reason) in cases {
        let r = server.analyze(&token, query, &parts);
        assert_eq!(r.status, 400, "{what}: {}", r.text());
        let e = r.error();
        assert!(e.contains(reason), "{what}: {e}");
    }
}

#[test]
fn malformed_multipart_is_400_and_other_content_types_415() {
    let server = Server::start(&[]);
    let auth = format!("Bearer {}", server.token());
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    let truncated = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\n\r\n{{\"time\":"
    );
    let bodies: Vec<(&str, String, Vec<u8>)> = vec![
        (
            "no boundary",
            "multipart/form-data".into(),
            b"whatever".to_vec(),
        ),
        (
            "not multipart inside",
            ct.clone(),
            b"just some bytes".to_vec(),
        ),
        ("truncated", ct.clone(), truncated.into_bytes()),
        (
            "part without headers end",
            ct.clone(),
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"").into_bytes(),
        ),
    ];
    for (what, content_type, body) in bodies {
        let r = server.request(
            "POST",
            "/api/analyze",
            &[("Authorization", &auth), ("Content-Type", &content_type)],
            &body,
        );
        assert_eq!(r.status, 400, "{what}: {}", r.text());
        r.error();
    }
    for content_type in [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
    ] {
        let r = server.request(
            "POST",
            "/api/analyze",
            &[("Authorization", &auth), ("Content-Type", content_type)],
            b"{}",
        );
        assert_eq!(r.status, 415, "{content_type}");
        assert!(r.error().contains("multipart/form-data"));
    }
}

/// `n` bytes of valid JSONL lines spread over a few client IPs.
fn log_block(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 256);
    let mut i = 0u64;
    while out.len() < n {
        let line = format!(
            "{{\"time\":\"2026-02-14T{:02}:{:02}:{:02}Z\",\"clientip\":\"10.0.0.{}\",\"user\":\"u{}\",\"method\":\"GET\",\"url\":\"https://h{}.example.com/p\",\"action\":\"ALLOW\",\"responsecode\":200,\"requestsize\":100,\"responsesize\":2000,\"useragent\":\"test\",\"category\":\"News\"}}\n",
            8 + (i / 3600) % 10,
            (i / 60) % 60,
            i % 60,
            i % 25,
            i % 25,
            i % 7
        );
        out.extend_from_slice(line.as_bytes());
        i += 1;
    }
    out.truncate(out.iter().rposition(|b| *b == b'\n').unwrap() + 1);
    out
}

#[test]
fn oversized_uploads_are_413_and_memory_stays_bounded() {
    const LIMIT_MB: usize = 64;
    const SENT_MB: usize = 256;
    let server = Server::start(&["--max-upload-mb", &LIMIT_MB.to_string()]);
    let token = server.token();
    let auth = format!("Bearer {token}");

    // Declared too large: refused before a byte of the body is read.
    let mut s = server.connect();
    let head = format!(
        "POST /api/analyze HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
        (SENT_MB as u64) << 20
    );
    s.write_all(head.as_bytes()).unwrap();
    let r = read_response(&mut s);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.error().contains("64 MiB"), "{}", r.error());

    // Streamed (chunked, no length): the server must stop reading at the limit.
    let block = log_block(1 << 20);
    // Warm up: a normal analysis, so the baseline includes the analyzer's own needs.
    let small = server.analyze(&token, "?logs=none", &[Part::file("warm.jsonl", &block)]);
    assert_eq!(small.status, 200, "{}", small.text());
    let before = server.vm_hwm_kib();

    let mut s = server.connect();
    let mut writer = s.try_clone().unwrap();
    let auth2 = auth.clone();
    // Rejected lines leave no per-line state in the analyzer (only counts), so
    // whatever memory grows here is the server holding upload bytes.
    let big_block = b"{\"filler\": \"not a log record, only bytes to make a large upload\"}\n"
        .repeat((1 << 20) / 68);
    let sender = std::thread::spawn(move || -> usize {
        let head = format!(
            "POST /api/analyze?logs=none HTTP/1.1\r\nHost: x\r\nAuthorization: {auth2}\r\n\
             Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        let preamble = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jsonl\"\r\n\r\n"
        );
        let mut sent = 0usize;
        if writer.write_all(head.as_bytes()).is_err() {
            return 0;
        }
        let mut chunk = |data: &[u8]| -> std::io::Result<()> {
            writer.write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
            writer.write_all(data)?;
            writer.write_all(b"\r\n")
        };
        if chunk(preamble.as_bytes()).is_err() {
            return 0;
        }
        for _ in 0..SENT_MB {
            if chunk(&big_block).is_err() {
                return sent;
            }
            sent += big_block.len();
        }
        let _ = chunk(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let _ = chunk(b"");
        sent
    });
    let r = read_response(&mut s);
    let _ = s.shutdown(Shutdown::Both);
    let sent = sender.join().unwrap();
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.error().contains("too large"));
    assert!(
        sent < SENT_MB / 2 * (1 << 20),
        "server kept reading: {} MB accepted of {SENT_MB} MB",
        sent >> 20
    );
    let after = server.vm_hwm_kib();
    eprintln!(
        "VmHWM before {before} KiB, after {after} KiB; client sent {} MB",
        sent >> 20
    );
    // Reading the upload whole would need LIMIT_MB more; streaming needs a
    // few 1 MB blocks.
    assert!(
        after - before < (LIMIT_MB as u64 / 4) * 1024,
        "peak memory grew by {} KiB",
        after - before
    );

    // The server is still fine afterwards.
    let r = server.analyze(&token, "?logs=none", &[Part::file("warm.jsonl", &block)]);
    assert_eq!(r.status, 200);
}

#[test]
fn fifty_concurrent_analyses_all_succeed() {
    let server = Arc::new(Server::start(&["--max-concurrent", "4"]));
    let token = server.token();
    let name = "anomalous_credential_stuffing.jsonl";
    let data = Arc::new(read_data(name));
    let expected = Arc::new(cli_report(&data_dir().join(name), &["--logs", "anomalous"]));
    let barrier = Arc::new(Barrier::new(50));
    let started = Instant::now();
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let (server, token, data, expected, barrier) = (
                Arc::clone(&server),
                token.clone(),
                Arc::clone(&data),
                Arc::clone(&expected),
                Arc::clone(&barrier),
            );
            std::thread::spawn(move || {
                barrier.wait();
                let r = server.analyze(&token, "?logs=anomalous", &[Part::file(name, &data)]);
                assert_eq!(r.status, 200, "{}", r.text());
                assert_eq!(r.json(), *expected);
            })
        })
        .collect();
    for h in handles {
        h.join().expect("request thread");
    }
    eprintln!("50 concurrent analyses in {:?}", started.elapsed());
}

#[test]
fn sigterm_lets_the_request_in_flight_finish() {
    let mut server = Server::start(&[]);
    let token = server.token();
    let name = "baseline_small.jsonl";
    let data = read_data(name);
    let (ct, body) = multipart(&[Part::file(name, &data)]);
    let mut s = server.connect();
    let head = format!(
        "POST /api/analyze HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let half = body.len() / 2;
    s.write_all(&body[..half]).unwrap();
    // Let the server start on the request, then ask it to stop.
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.pid();
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    s.write_all(&body[half..]).unwrap();
    let r = read_response(&mut s);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), cli_report(&data_dir().join(name), &[]));
    let status = server.terminate_wait();
    assert!(status.success(), "clean exit after SIGTERM: {status:?}");
    // New connections are refused once it is gone.
    assert!(std::net::TcpStream::connect(("127.0.0.1", server.port)).is_err());
}

/// `data` compressed by a real command-line tool.
fn compressed(tool: &str, data: &[u8]) -> Vec<u8> {
    let mut child = std::process::Command::new(tool)
        .args(["-c", "-q"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{tool} is needed for this test: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let input = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success());
    out.stdout
}

#[test]
fn gzip_and_zstd_uploads_give_the_plain_files_report() {
    let server = Server::start(&[]);
    let token = server.token();
    let name = "anomalous_credential_stuffing.jsonl";
    let mut expected = cli_report(&data_dir().join(name), &[]);
    expected["filename"] = serde_json::Value::Null;
    expected["inputs"] = serde_json::Value::Null;
    for (tool, ext) in [("gzip", "gz"), ("zstd", "zst")] {
        let packed = compressed(tool, &read_data(name));
        let upload = format!("{name}.{ext}");
        let r = server.analyze(&token, "", &[Part::file(&upload, &packed)]);
        assert_eq!(r.status, 200, "{upload}: {}", r.text());
        let mut served = r.json();
        assert_eq!(served["filename"], upload.as_str());
        assert_eq!(served["inputs"][0]["compression"], tool);
        served["filename"] = serde_json::Value::Null;
        served["inputs"] = serde_json::Value::Null;
        assert!(served == expected, "{upload}");
        let cut = &packed[..packed.len() / 2];
        let r = server.analyze(&token, "", &[Part::file(&upload, cut)]);
        assert_eq!(r.status, 400, "{}", r.text());
        let error = r.error();
        assert!(
            error.contains(&format!("{upload}: corrupt or truncated {tool}")),
            "{error}"
        );
    }
}

/// What does not depend on how the log was cut into files.
fn findings(report: &serde_json::Value) -> serde_json::Value {
    let keys = [
        "entities",
        "anomalies",
        "timeline",
        "total_logs",
        "statistics",
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
fn several_file_parts_in_any_order_give_the_whole_files_findings() {
    let server = Server::start(&[]);
    let token = server.token();
    let name = "anomalous_exfiltration.jsonl";
    let whole = read_data(name);
    let expected = cli_report(&data_dir().join(name), &[]);
    let at = whole.len() / 2;
    let cut = at + whole[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let (head, tail) = (whole[..cut].to_vec(), compressed("gzip", &whole[cut..]));
    for parts in [
        vec![
            Part::file("access.log.1", &head),
            Part::file("access.log.gz", &tail),
        ],
        vec![
            Part::config("{}"),
            Part::file("access.log.gz", &tail),
            Part::file("access.log.1", &head),
        ],
    ] {
        let r = server.analyze(&token, "", &parts);
        assert_eq!(r.status, 200, "{}", r.text());
        let served = r.json();
        assert!(findings(&served) == findings(&expected));
        let inputs = served["inputs"].as_array().unwrap();
        assert_eq!(inputs.len(), 2);
        let gz = inputs
            .iter()
            .find(|i| i["name"] == "access.log.gz")
            .unwrap();
        assert_eq!(gz["compression"], "gzip");
        assert_eq!(gz["bytes"], tail.len());
        assert_eq!(served["filename"], inputs[0]["name"]);
    }
    // Rejections and errors name the part's file.
    let r = server.analyze(
        &token,
        "",
        &[
            Part::file("a.jsonl", &head),
            Part::file("b.jsonl", b"nope\n"),
        ],
    );
    assert_eq!(r.json()["parse_errors"][0]["file"], "b.jsonl");
    assert_eq!(r.json()["parse_errors"][0]["line"], 1);
    let csv = read_data("insider_sample.csv");
    let r = server.analyze(
        &token,
        "",
        &[Part::file("a.jsonl", &head), Part::file("b.csv", &csv)],
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.error().contains("b.csv is CSV but a.jsonl is JSONL"),
        "{}",
        r.error()
    );
    let r = server.analyze(
        &token,
        "",
        &[
            Part::file("a.jsonl", &head),
            Part::file("b.gz", &tail[..tail.len() / 2]),
            Part::file("c.jsonl", &head),
        ],
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.error().contains("b.gz: corrupt or truncated gzip"),
        "{}",
        r.error()
    );
    let r = server.analyze(
        &token,
        "",
        &[Part::file("a.jsonl", &head), Part::config("{}")],
    );
    assert_eq!(r.status, 400);
    assert!(r.error().contains("must come before"));
}

#[test]
fn the_upload_limit_applies_to_all_file_parts_together() {
    let server = Server::start(&["--max-upload-mb", "1"]);
    let token = server.token();
    let part = log_block(700 << 10);
    let one = server.analyze(&token, "?logs=none", &[Part::file("a.jsonl", &part)]);
    assert_eq!(one.status, 200, "{}", one.text());
    let two = server.analyze(
        &token,
        "?logs=none",
        &[Part::file("a.jsonl", &part), Part::file("b.jsonl", &part)],
    );
    assert_eq!(two.status, 413, "{}", two.text());
}

/// The upload is spooled and read again as the CLI reads its files again:
/// a log far out of time order (bounded event times, entities read again
/// whole) and `logs=anomalous` (rows in a second reading) give the CLI's
/// report, also split into two `file` parts, one of them gzipped.
#[test]
fn uploads_read_again_give_the_cli_report() {
    let server = Server::start(&[]);
    let token = server.token();
    let text = String::from_utf8(read_data("anomalous_scanning.jsonl")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    let reversed = lines.join("\n") + "\n";
    let dir = TempDir::new("reversed");
    let path = dir.join("reversed.jsonl");
    std::fs::write(&path, &reversed).unwrap();
    let cut = reversed.len() / 2;
    let cut = cut + reversed[cut..].find('\n').unwrap() + 1;
    let (head, tail) = (
        &reversed.as_bytes()[..cut],
        compressed("gzip", &reversed.as_bytes()[cut..]),
    );
    for (query, flags) in [
        ("", &[][..]),
        ("?logs=anomalous", &["--logs", "anomalous"][..]),
    ] {
        let expected = cli_report(&path, flags);
        let r = server.analyze(
            &token,
            query,
            &[Part::file("reversed.jsonl", reversed.as_bytes())],
        );
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        assert_eq!(r.json(), expected, "{query}");
        let r = server.analyze(
            &token,
            query,
            &[
                Part::file("reversed.jsonl", head),
                Part::file("rest.gz", &tail),
            ],
        );
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        assert!(
            findings(&r.json()) == findings(&expected),
            "{query}, two parts"
        );
    }
    // The server's spool files: signaltrace-upload-PID-N in the temporary
    // directory, named only between their creation and their removal a
    // moment later; the server keeps the open file.
    let prefix = std::env::temp_dir().join(format!("signaltrace-upload-{}-", server.pid()));
    let named_spools = || {
        std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().starts_with(&*prefix.to_string_lossy()))
            .collect::<Vec<_>>()
    };
    // While a slow upload is being received, its spool is an open file
    // without a name (a crash or a SIGKILL cannot leave the upload on
    // disk), readable by this user only.
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::PermissionsExt;
        let open_spools = || {
            std::fs::read_dir(format!("/proc/{}/fd", server.pid()))
                .unwrap()
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let target = std::fs::read_link(e.path()).ok()?;
                    let target = target.to_string_lossy();
                    target
                        .starts_with(&*prefix.to_string_lossy())
                        .then(|| (e.path(), target.into_owned()))
                })
                .collect::<Vec<_>>()
        };
        let slow =
            server.stalled_upload(&token, &[Part::file("reversed.jsonl", reversed.as_bytes())]);
        let deadline = Instant::now() + Duration::from_secs(10);
        let (fd, target) = loop {
            if let Some(open) = open_spools().pop() {
                break open;
            }
            assert!(Instant::now() < deadline, "no spool file opened");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(target.ends_with(" (deleted)"), "{target}");
        assert_eq!(named_spools(), Vec::<std::path::PathBuf>::new());
        let mode = std::fs::metadata(&fd).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{target}");
        slow.shutdown(Shutdown::Both).unwrap();
        // The abandoned upload's spool is closed once the server has
        // noticed the close.
        let deadline = Instant::now() + Duration::from_secs(30);
        while !open_spools().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(open_spools(), Vec::new(), "spool files still open");
    }
    // Nothing is left behind in the temporary directory.
    assert_eq!(
        named_spools(),
        Vec::<std::path::PathBuf>::new(),
        "spool files left"
    );
}
