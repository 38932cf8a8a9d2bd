//! `feature_contributions` names the feature an attack moved (issue 11).
//!
//! Many generated populations — several seeds, sizes 20 to 500 — of
//! ordinary entities whose five features all vary, each with one to three
//! planted entities: an ordinary entity with one attack applied (a burst, a
//! high deny rate, a large transfer, many distinct hosts, off-hours
//! traffic) or several at once. Each attack moves its feature and, as far
//! as events allow, nothing else (a burst's extra requests are small and go
//! to hosts the entity already uses). Every planted entity is flagged by
//! its rules, so the report attributes its isolation score; its top
//! attributed feature must be one its attack moved in at least 95 % of the
//! cases. The rate is printed (`cargo test -p signaltrace-detector --test
//! attribution -- --nocapture`).

use detector::report::Report;
use detector::{Config, LogsMode};

/// splitmix64: a small deterministic stream for the test's own data.
struct Rand(u64);

impl Rand {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi].
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const FEATURES: [&str; 5] = [
    "requests_per_minute_peak",
    "deny_rate",
    "total_bytes_transferred",
    "unique_hosts_count",
    "off_hours_request_ratio",
];

#[derive(Clone, Copy, PartialEq)]
enum Attack {
    Burst,
    Deny,
    Bytes,
    Hosts,
    OffHours,
}

impl Attack {
    const ALL: [Attack; 5] = [
        Attack::Burst,
        Attack::Deny,
        Attack::Bytes,
        Attack::Hosts,
        Attack::OffHours,
    ];

    fn feature(self) -> &'static str {
        FEATURES[self as usize]
    }
}

/// One request: seconds into the day, host, denied, response bytes.
struct Event {
    second: u64,
    host: String,
    deny: bool,
    bytes: u64,
}

/// An ordinary entity: 8–30 requests in working hours (a few in a short
/// cluster, some off-hours), a personal deny probability, hosts from a
/// personal favourite list, response sizes spread over three decades.
fn ordinary(r: &mut Rand) -> (Vec<Event>, Vec<String>) {
    let favourites: Vec<String> = (0..r.range(2, 12))
        .map(|_| format!("site{}.example", r.range(0, 40)))
        .collect();
    let deny_p = 0.25 * r.unit();
    let off_p = 0.15 * r.unit();
    let cluster = if r.range(0, 2) == 0 { r.range(2, 8) } else { 0 };
    let cluster_at = r.range(9 * 3600, 17 * 3600);
    let events = (0..r.range(8, 30))
        .map(|i| {
            let second = if i < cluster {
                cluster_at + r.range(0, 50)
            } else if r.unit() < off_p {
                r.range(0, 5 * 3600 - 1)
            } else {
                r.range(8 * 3600, 18 * 3600)
            };
            Event {
                second,
                host: favourites[r.range(0, favourites.len() as u64 - 1) as usize].clone(),
                deny: r.unit() < deny_p,
                bytes: (200.0 * 1000f64.powf(r.unit())) as u64,
            }
        })
        .collect();
    (events, favourites)
}

/// Applies `attack` to an ordinary entity's events.
fn plant(r: &mut Rand, attack: Attack, events: &mut Vec<Event>, favourites: &[String]) {
    let favourite =
        |r: &mut Rand| favourites[r.range(0, favourites.len() as u64 - 1) as usize].clone();
    match attack {
        Attack::Burst => {
            let at = r.range(9 * 3600, 17 * 3600);
            for _ in 0..r.range(120, 200) {
                let host = favourite(r);
                events.push(Event {
                    second: at + r.range(0, 50),
                    host,
                    deny: false,
                    bytes: 100,
                });
            }
        }
        Attack::Deny => events.iter_mut().for_each(|e| e.deny = r.unit() < 0.85),
        Attack::Bytes => {
            let host = favourite(r);
            events.push(Event {
                second: r.range(9 * 3600, 17 * 3600),
                host,
                deny: false,
                bytes: r.range(60_000_000, 200_000_000),
            });
        }
        Attack::Hosts => {
            for k in 0..r.range(25, 45) {
                events.push(Event {
                    second: r.range(8 * 3600, 18 * 3600),
                    host: format!("probe{k}.example"),
                    deny: false,
                    bytes: 500,
                });
            }
        }
        Attack::OffHours => events
            .iter_mut()
            .for_each(|e| e.second = r.range(0, 5 * 3600 - 1)),
    }
}

fn write(out: &mut String, ip: &str, events: &[Event]) {
    for e in events {
        let (h, m, s) = (e.second / 3600, e.second / 60 % 60, e.second % 60);
        out.push_str(&format!(
            "{{\"time\":\"2026-02-10T{h:02}:{m:02}:{s:02}Z\",\"clientip\":\"{ip}\",\"url\":\"https://{}/\",\"action\":\"{}\",\"responsesize\":{}}}\n",
            e.host,
            if e.deny { "DENY" } else { "ALLOW" },
            e.bytes
        ));
    }
}

/// A population of `size` entities, `plants` of them attacked by every
/// attack in `attacks`; returns the log and the planted IPs.
fn population(seed: u64, size: usize, plants: usize, attacks: &[Attack]) -> (String, Vec<String>) {
    let mut r = Rand(seed);
    let mut log = String::new();
    let mut planted = Vec::new();
    for i in 0..size {
        let ip = format!("10.{}.{}.{}", i / 65536, i / 256 % 256, i % 256);
        let (mut events, favourites) = ordinary(&mut r);
        if i % (size / plants) == 0 && planted.len() < plants {
            for &a in attacks {
                plant(&mut r, a, &mut events, &favourites);
            }
            planted.push(ip.clone());
        }
        write(&mut log, &ip, &events);
    }
    (log, planted)
}

fn analyze(log: &str) -> Report {
    let config = Config {
        logs: LogsMode::None,
        ..Config::default()
    };
    detector::analyze(log.as_bytes(), &config).expect("analyzable")
}

#[test]
fn top_attributed_feature_is_one_the_plant_moved() {
    use Attack::*;
    let scenarios: Vec<Vec<Attack>> = Attack::ALL
        .iter()
        .map(|&a| vec![a])
        .chain([
            vec![Burst, Deny],
            vec![Bytes, OffHours],
            vec![Hosts, Deny],
            Attack::ALL.to_vec(),
        ])
        .collect();
    let sizes = [20, 30, 50, 80, 120, 200, 300, 500];
    let (mut cases, mut hits) = (0usize, 0usize);
    let mut misses = Vec::new();
    for (k, attacks) in scenarios.iter().enumerate() {
        let (mut scenario_cases, mut scenario_hits) = (0, 0);
        for (j, &size) in sizes.iter().enumerate() {
            for rep in 0..2u64 {
                let seed = 1_000 * k as u64 + 10 * j as u64 + rep;
                let plants = 1 + size / 150;
                let (log, planted) = population(seed, size, plants, attacks);
                let report = analyze(&log);
                assert_eq!(report.entities.len(), size);
                for ip in &planted {
                    let a = report
                        .anomalies
                        .iter()
                        .find(|a| &a.entity == ip)
                        .unwrap_or_else(|| panic!("seed {seed}: plant {ip} not flagged"));
                    let top = a.feature_contributions[0].feature.as_str();
                    let moved = attacks.iter().any(|a| a.feature() == top);
                    scenario_cases += 1;
                    if moved {
                        scenario_hits += 1;
                    } else {
                        misses.push(format!("seed {seed} size {size} {ip}: top {top}"));
                    }
                }
            }
        }
        let names: Vec<&str> = attacks.iter().map(|a| a.feature()).collect();
        println!(
            "{:>3}/{:<3} plants moving {}",
            scenario_hits,
            scenario_cases,
            names.join(" + ")
        );
        cases += scenario_cases;
        hits += scenario_hits;
    }
    let rate = hits as f64 / cases as f64;
    println!(
        "top attributed feature moved by the plant: {hits}/{cases} = {:.1} %",
        100.0 * rate
    );
    for m in misses.iter().take(20) {
        println!("  miss: {m}");
    }
    assert!(rate >= 0.95, "{:.1} % < 95 %", 100.0 * rate);
}
