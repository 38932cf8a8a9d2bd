//! A Ballista scheduler or executor from Ballista's published crates, with
//! their default configuration — what `scripts/cluster.sh` starts:
//!
//! ```text
//! signaltrace-ballista scheduler PORT
//! signaltrace-ballista executor SCHEDULER_PORT FLIGHT_PORT GRPC_PORT WORK_DIR
//! ```
//!
//! The engine's SQL needs no user-defined function, so stock Ballista
//! binaries (`cargo install ballista-scheduler ballista-executor`) serve as
//! well; these only avoid building DataFusion three times.

use std::net::SocketAddr;
use std::sync::Arc;

use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;

const USAGE: &str = "usage: signaltrace-ballista scheduler PORT\n       signaltrace-ballista executor SCHEDULER_PORT FLIGHT_PORT GRPC_PORT WORK_DIR";

fn port(s: Option<&String>) -> u16 {
    match s.and_then(|s| s.parse().ok()) {
        Some(p) => p,
        None => {
            eprintln!("{USAGE}");
            std::process::exit(2)
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(32 * 1024 * 1024)
        .build()
        .expect("tokio runtime");
    let result = match args.first().map(String::as_str) {
        Some("scheduler") => runtime.block_on(scheduler(port(args.get(1)))),
        Some("executor") => {
            let config = ExecutorProcessConfig {
                bind_host: "127.0.0.1".into(),
                scheduler_host: "127.0.0.1".into(),
                scheduler_port: port(args.get(1)),
                port: port(args.get(2)),
                grpc_port: port(args.get(3)),
                work_dir: args.get(4).cloned(),
                // Two executors share two cores here.
                vcores: 2,
                ..ExecutorProcessConfig::default()
            };
            runtime.block_on(start_executor_process(Arc::new(config)))
        }
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2)
        }
    };
    if let Err(e) = result {
        eprintln!("signaltrace-ballista: {e}");
        std::process::exit(1);
    }
}

async fn scheduler(port: u16) -> ballista_core::error::Result<()> {
    let config = SchedulerConfig {
        bind_host: "127.0.0.1".into(),
        bind_port: port,
        external_host: "127.0.0.1".into(),
        ..SchedulerConfig::default()
    };
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let cluster = BallistaCluster::new_from_config(&config).await?;
    start_server(cluster, addr, Arc::new(config)).await
}
