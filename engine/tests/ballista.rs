//! The same checks as tests/datafusion.rs on a Ballista cluster: the one
//! `scripts/cluster.sh start` runs on loopback (a scheduler and two
//! executors), named by SIGNALTRACE_BALLISTA (`ballista://127.0.0.1:PORT`).
//! `./test.sh` starts the cluster and sets it; without it the test says so
//! and passes.

mod common;

use engine::Engine;

#[test]
fn ballista_equals_native() {
    let Ok(url) = std::env::var("SIGNALTRACE_BALLISTA") else {
        eprintln!("SIGNALTRACE_BALLISTA is not set: no Ballista cluster to test (scripts/cluster.sh start)");
        return;
    };
    let engine: Engine = url.parse().unwrap();
    common::check_engine(&engine, false);
    common::ballista_refuses_compressed_json(&engine);
}
