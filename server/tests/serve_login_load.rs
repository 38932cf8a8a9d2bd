//! Logins under load, against the real binary: parallel guesses against the
//! limiter, and resident memory after a burst. In a test binary of their
//! own, so their bursts do not run beside the timing comparison in
//! `serve_auth.rs`.

mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::*;

#[test]
fn a_hundred_parallel_wrong_passwords_evaluate_at_most_the_limit() {
    const LIMIT: usize = 10;
    let server = Arc::new(Server::start(&["--login-max-failures", &LIMIT.to_string()]));
    let barrier = Arc::new(Barrier::new(100));
    let handles: Vec<_> = (0..100)
        .map(|i| {
            let (server, barrier) = (Arc::clone(&server), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                // The right password is the last one sent.
                if i == 99 {
                    std::thread::sleep(Duration::from_millis(50));
                }
                let password = if i == 99 { DEMO_PASSWORD } else { "guess" };
                server.login(DEMO_EMAIL, password).status
            })
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let evaluated = statuses.iter().filter(|s| **s != 429).count();
    assert!(
        evaluated <= LIMIT,
        "{evaluated} passwords checked with a limit of {LIMIT}: {statuses:?}"
    );
    assert!(statuses.iter().all(|s| [401, 429, 200].contains(s)));
    let failures = server.log_text().matches("login failed").count();
    assert!(failures <= LIMIT, "{failures} failures logged");
    // Once limited, even the right password gets no token.
    let r = server.login(DEMO_EMAIL, DEMO_PASSWORD);
    assert_eq!(r.status, 429, "{}", r.text());
    // The account is limited from another address too: covered by the
    // limiter's unit test (all test clients share 127.0.0.1).
}

#[test]
fn memory_returns_near_idle_after_a_burst_of_logins() {
    // 1,000 in a manual run (docs/SERVER.md); fewer here to keep the suite quick.
    let logins: usize = std::env::var("SIGNALTRACE_TEST_LOGINS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    const CLIENTS: usize = 8;
    // Every attempt must reach argon2: no limit in the way.
    let server = Arc::new(Server::start(&["--login-max-failures", "1000000"]));
    std::thread::sleep(Duration::from_millis(300));
    let idle_kib = server.vm_rss_kib();
    let started = Instant::now();
    let handles: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let server = Arc::clone(&server);
            std::thread::spawn(move || {
                for i in (c..logins).step_by(CLIENTS) {
                    // Mostly wrong-user checks (the dummy hash), some real logins.
                    let r = if i % 4 == 0 {
                        server.login(DEMO_EMAIL, DEMO_PASSWORD)
                    } else {
                        server.login(&format!("user{i}@example.com"), "x")
                    };
                    let expected = if i % 4 == 0 { 200 } else { 401 };
                    assert_eq!(r.status, expected, "{}", r.text());
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let took = started.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    let after_kib = server.vm_rss_kib();
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .max(2);
    // One reused argon2 buffer (m = 19456 KiB) per hashing thread.
    let pool_kib = cores as u64 * 19456;
    eprintln!(
        "{logins} logins in {took:?}: VmRSS idle {idle_kib} KiB, after {after_kib} KiB \
         (bound 2 × idle + {cores} × 19 MiB = {} KiB)",
        2 * idle_kib + pool_kib
    );
    assert!(
        after_kib <= 2 * idle_kib + pool_kib,
        "VmRSS idle {idle_kib} KiB, after {logins} logins {after_kib} KiB"
    );
}
