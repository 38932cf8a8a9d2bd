//! Timeouts and limits on connections: slow request heads, idle keep-alive
//! connections, stalled uploads, the connection limit and the shutdown
//! deadline, against the real binary. Each test configures 1–2 s limits and
//! allows ~10 s for them to act, so a loaded machine cannot make it flaky.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::*;

/// Generous: the limits under test are 1–2 s.
const WITHIN: Duration = Duration::from_secs(10);

#[test]
fn a_half_sent_request_head_is_cut_after_the_header_timeout() {
    let server = Server::start(&["--header-timeout-secs", "1", "--keep-alive-secs", "60"]);
    let started = Instant::now();
    let mut half = server.send_raw(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    let mut silent = server.connect();
    let (got, _) = read_until_closed(&mut half, WITHIN);
    assert!(got.is_empty(), "no response to half a head");
    let (got, _) = read_until_closed(&mut silent, WITHIN);
    assert!(got.is_empty());
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "closed before the timeout: {took:?}"
    );
    // The server itself is fine.
    assert_eq!(server.get("/api/health").status, 200);
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout() {
    let server = Server::start(&["--keep-alive-secs", "1", "--header-timeout-secs", "30"]);
    let mut s = server.send_raw(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    // One response, then the connection stays open (keep-alive) until idle.
    let (raw, took) = read_until_closed(&mut s, WITHIN);
    let r = parse_response(&raw);
    assert_eq!(r.status, 200);
    assert!(
        took >= Duration::from_millis(900),
        "closed before the keep-alive timeout: {took:?}"
    );
}

#[test]
fn a_stalled_upload_is_answered_408_and_frees_its_analysis_slot() {
    let server = Server::start(&[
        "--max-concurrent",
        "2",
        "--body-idle-secs",
        "1",
        "--header-timeout-secs",
        "30",
    ]);
    let token = server.token();
    let data = std::fs::read(data_dir().join("baseline_small.jsonl")).unwrap();
    // Both analysis slots taken by uploads that stop half-way.
    let mut stalled: Vec<_> = (0..2)
        .map(|_| server.stalled_upload(&token, &[Part::file("a.jsonl", &data)]))
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // A third analysis gets a slot once the stalled ones time out.
    let started = Instant::now();
    let r = server.analyze(&token, "?logs=none", &[Part::file("b.jsonl", &data)]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(started.elapsed() < WITHIN);
    for s in &mut stalled {
        let (raw, _) = read_until_closed(s, WITHIN);
        let r = parse_response(&raw);
        assert_eq!(r.status, 408, "{}", r.text());
        assert!(r.error().contains("stalled"), "{}", r.error());
    }
}

#[test]
fn connections_over_the_limit_wait_until_one_closes() {
    let server = Server::start(&["--max-connections", "2", "--header-timeout-secs", "30"]);
    let first = server.connect();
    let _second = server.connect();
    std::thread::sleep(Duration::from_millis(300));
    let mut third = server
        .send_raw(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    third
        .set_read_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    let mut buf = [0u8; 1];
    match third.read(&mut buf) {
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) => {}
        other => panic!("a third connection was served beyond the limit: {other:?}"),
    }
    drop(first);
    let (raw, _) = read_until_closed(&mut third, WITHIN);
    assert_eq!(parse_response(&raw).status, 200);
}

#[test]
fn sigterm_cuts_a_stalled_request_at_the_shutdown_deadline() {
    let mut server = Server::start(&[
        "--shutdown-grace-secs",
        "1",
        "--body-idle-secs",
        "60",
        "--header-timeout-secs",
        "60",
        "--keep-alive-secs",
        "60",
    ]);
    let token = server.token();
    let data = std::fs::read(data_dir().join("baseline_small.jsonl")).unwrap();
    let mut stalled = server.stalled_upload(&token, &[Part::file("a.jsonl", &data)]);
    let mut half_head = server.send_raw(b"GET /api/health HTTP/1.1\r\nHost: x\r\n");
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    server.signal_term();
    let status = server.terminate_wait();
    let took = started.elapsed();
    assert!(status.success(), "{status:?}");
    assert!(took < WITHIN, "shutdown took {took:?}");
    for s in [&mut stalled, &mut half_head] {
        let _ = s.write_all(b"more");
        read_until_closed(s, WITHIN);
    }
    assert!(server.log_text().contains("shutdown deadline"));
}
