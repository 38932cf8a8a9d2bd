//! Load benchmark for `signaltrace serve`: spawns the server on loopback,
//! logs in once, then sends a fixed number of `POST /api/analyze` requests
//! with a ~1 MB JSONL file from a fixed number of client threads, and prints
//! requests/s and p50/p99 latency.
//!
//! ```text
//! cargo bench -p signaltrace --bench load
//! cargo bench -p signaltrace --bench load -- --requests 400 --concurrency 16 --logs all
//! cargo bench -p signaltrace --bench load -- --logins 1000    # memory after a login burst
//! ```
//! Loopback only, bounded: it never runs longer than its request count.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Part, Server};

/// ~1 MB of generated JSONL (whole lines).
fn one_megabyte() -> Vec<u8> {
    let mut data = Vec::new();
    detector::generate::benchmark(6000, detector::generate::DEFAULT_SEED, |chunk| {
        data.extend_from_slice(chunk)
    });
    let cut = data[..(1 << 20).min(data.len())]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(data.len(), |i| i + 1);
    data.truncate(cut);
    data
}

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --all-targets` runs benches without `--bench`: do nothing then.
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let requests: usize = arg(&args, "--requests", "200")
        .parse()
        .expect("--requests N");
    let concurrency: usize = arg(&args, "--concurrency", "8")
        .parse()
        .expect("--concurrency N");
    let logs = arg(&args, "--logs", "none");
    let logins: usize = arg(&args, "--logins", "0").parse().expect("--logins N");
    if logins > 0 {
        return login_burst(logins, concurrency);
    }

    let data = Arc::new(one_megabyte());
    let server = Arc::new(Server::start(&[]));
    let token = server.token();
    let query = format!("?logs={logs}");

    // One warm-up request, checked.
    let r = server.analyze(&token, &query, &[Part::file("bench.jsonl", &data)]);
    assert_eq!(r.status, 200, "{}", r.text());

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (server, token, data, next, query) = (
                Arc::clone(&server),
                token.clone(),
                Arc::clone(&data),
                Arc::clone(&next),
                query.clone(),
            );
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    let t = Instant::now();
                    let r = server.analyze(&token, &query, &[Part::file("bench.jsonl", &data)]);
                    latencies.push(t.elapsed());
                    assert_eq!(r.status, 200, "{}", r.text());
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("worker"))
        .collect();
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "load: {requests} requests x {:.2} MB (logs={logs}), {concurrency} clients, {cores} cores",
        data.len() as f64 / (1 << 20) as f64
    );
    println!(
        "load: {:.1} requests/s, {:.1} MB/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        requests as f64 / elapsed.as_secs_f64(),
        requests as f64 * data.len() as f64 / (1 << 20) as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3
    );
    println!("load: server peak RSS {} MB", server.vm_hwm_kib() / 1024);
}

/// `--logins N`: resident memory of an idle server, then after N logins
/// from `concurrency` clients (three in four for unknown users, which cost
/// the same argon2 check against the dummy hash, one in four successful).
fn login_burst(logins: usize, concurrency: usize) {
    let server = Arc::new(Server::start(&["--login-max-failures", "1000000"]));
    std::thread::sleep(Duration::from_millis(500));
    let idle = server.vm_rss_kib();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let clients: Vec<_> = (0..concurrency)
        .map(|_| {
            let (server, next) = (Arc::clone(&server), Arc::clone(&next));
            std::thread::spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= logins {
                    return;
                }
                let r = if i % 4 == 0 {
                    server.login(common::DEMO_EMAIL, common::DEMO_PASSWORD)
                } else {
                    server.login(&format!("user{i}@example.com"), "wrong")
                };
                assert!(matches!(r.status, 200 | 401), "{}", r.text());
            })
        })
        .collect();
    for c in clients {
        c.join().expect("client");
    }
    let elapsed = started.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    println!(
        "logins: {logins} from {concurrency} clients in {:.1} s ({:.0}/s)",
        elapsed.as_secs_f64(),
        logins as f64 / elapsed.as_secs_f64()
    );
    println!(
        "logins: server VmRSS idle {:.1} MB, after {:.1} MB, peak {:.1} MB",
        idle as f64 / 1024.0,
        server.vm_rss_kib() as f64 / 1024.0,
        server.vm_hwm_kib() as f64 / 1024.0
    );
}
