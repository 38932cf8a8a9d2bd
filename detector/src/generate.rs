//! Deterministic sample data: an office's web-proxy traffic, optionally with
//! one planted attacker, and large benchmark files.
//!
//! Everything is derived from a ChaCha20 stream seeded by the caller, using
//! integer arithmetic only, so a seed gives the same bytes on every platform.

use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::time::{epoch_day, format_rfc3339, Nanos, NANOS_PER_HOUR, NANOS_PER_SEC};

/// The seed `signaltrace generate` uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 42;

/// The sample files, in the order `generate` writes them.
pub const SAMPLE_FILES: [&str; 7] = [
    "baseline_small.jsonl",
    "baseline_medium.jsonl",
    "baseline_large.jsonl",
    "anomalous_credential_stuffing.jsonl",
    "anomalous_exfiltration.jsonl",
    "anomalous_scanning.jsonl",
    "insider_sample.csv",
];

pub const STUFFING_IP: &str = "203.0.113.45";
pub const EXFIL_IP: &str = "192.168.1.150";
pub const SCANNER_IP: &str = "198.51.100.89";

const HOSTS: [(&str, &str); 25] = [
    ("ads.tracker-network.net", "Advertising"),
    ("mail.company.com", "Business"),
    ("intranet.company.com", "Business"),
    ("wiki.company.com", "Business"),
    ("jira.company.com", "Business"),
    ("hr.company.com", "Business"),
    ("crm.salesforce.com", "Business"),
    ("docs.google.com", "Productivity"),
    ("drive.google.com", "Productivity"),
    ("outlook.office.com", "Productivity"),
    ("teams.microsoft.com", "Productivity"),
    ("slack.com", "Productivity"),
    ("zoom.us", "Productivity"),
    ("github.com", "Technology"),
    ("stackoverflow.com", "Technology"),
    ("docs.rs", "Technology"),
    ("aws.amazon.com", "Technology"),
    ("www.linkedin.com", "Social Networking"),
    ("news.ycombinator.com", "News"),
    ("www.bbc.co.uk", "News"),
    ("www.reuters.com", "News"),
    ("www.youtube.com", "Streaming Media"),
    ("open.spotify.com", "Streaming Media"),
    ("www.amazon.com", "Shopping"),
    ("games.example-arcade.net", "Games"),
];

const PATHS: [&str; 10] = [
    "/",
    "/index.html",
    "/api/v1/items",
    "/search?q=report",
    "/static/app.js",
    "/static/style.css",
    "/inbox",
    "/dashboard",
    "/files/quarterly.pdf",
    "/login",
];

const USER_AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:122.0) Gecko/20100101 Firefox/122.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
];

const FIRST: [&str; 12] = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "oscar",
];
const LAST: [&str; 6] = ["smith", "jones", "garcia", "chen", "patel", "novak"];

struct Gen(ChaCha20Rng);

impl Gen {
    fn new(seed: u64) -> Self {
        Gen(ChaCha20Rng::seed_from_u64(seed))
    }
    /// Uniform in [0, n).
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - (u64::MAX - n + 1) % n;
        loop {
            let v = self.0.next_u64();
            if v <= zone {
                return v % n;
            }
        }
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability num/den.
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// One proxy event before it is written.
#[derive(Clone)]
struct ProxyEvent {
    time: Nanos,
    clientip: String,
    user: String,
    method: &'static str,
    host: &'static str,
    path: &'static str,
    deny: bool,
    responsecode: u16,
    requestsize: u64,
    responsesize: u64,
    useragent: &'static str,
    category: &'static str,
}

impl ProxyEvent {
    fn write(&self, out: &mut Vec<u8>) {
        use std::io::Write;
        let _ = writeln!(
            out,
            r#"{{"time":"{}","clientip":"{}","user":"{}","method":"{}","url":"https://{}{}","action":"{}","responsecode":{},"requestsize":{},"responsesize":{},"useragent":"{}","category":"{}"}}"#,
            format_rfc3339(self.time),
            self.clientip,
            self.user,
            self.method,
            self.host,
            self.path,
            if self.deny { "DENY" } else { "ALLOW" },
            self.responsecode,
            self.requestsize,
            self.responsesize,
            self.useragent,
            self.category,
        );
    }
}

/// An office worker: a workstation IP, a user and favourite sites.
struct Worker {
    ip: String,
    user: String,
    hosts: Vec<usize>,
    agent: &'static str,
}

fn office(g: &mut Gen, count: usize, subnet: &str, first_host: usize) -> Vec<Worker> {
    (0..count)
        .map(|i| {
            let n_hosts = g.range(7, 11) as usize;
            let mut hosts: Vec<usize> = Vec::with_capacity(n_hosts);
            // Everyone's pages pull the (blocked) ad network, mail and the
            // intranet; the rest varies.
            hosts.extend([0, 1, 2]);
            while hosts.len() < n_hosts {
                let h = g.below(HOSTS.len() as u64) as usize;
                if !hosts.contains(&h) {
                    hosts.push(h);
                }
            }
            let first = FIRST[i % FIRST.len()];
            let last = LAST[(i / FIRST.len() + i) % LAST.len()];
            Worker {
                ip: format!("{subnet}.{}", first_host + i),
                user: format!(
                    "{first}.{last}{}@company.com",
                    i / (FIRST.len() * LAST.len()) + 1
                ),
                hosts,
                agent: g.pick(&USER_AGENTS),
            }
        })
        .collect()
}

/// Bytes of a normal response: a small block page when denied; else mostly
/// small pages, sometimes a larger download.
fn response_size(g: &mut Gen, deny: bool) -> u64 {
    if deny {
        return g.range(300, 900);
    }
    match g.below(40) {
        0 => g.range(100_000, 300_000),
        1..=4 => g.range(20_000, 80_000),
        _ => g.range(1_000, 15_000),
    }
}

/// A normal request by `w` at `time`.
fn normal_event(g: &mut Gen, w: &Worker, time: Nanos) -> ProxyEvent {
    let host_idx = g.pick(&w.hosts);
    let (host, category) = HOSTS[host_idx];
    // The ad network is always blocked; games and streaming sometimes.
    let deny = match category {
        "Advertising" => true,
        "Games" | "Streaming Media" => g.chance(1, 8),
        _ => false,
    };
    let responsesize = response_size(g, deny);
    ProxyEvent {
        time,
        clientip: w.ip.clone(),
        user: w.user.clone(),
        method: if g.chance(1, 6) { "POST" } else { "GET" },
        host,
        path: g.pick(&PATHS),
        deny,
        responsecode: if deny {
            403
        } else if g.chance(1, 50) {
            404
        } else {
            200
        },
        requestsize: g.range(180, 2_400),
        responsesize,
        useragent: w.agent,
        category,
    }
}

fn sample_day() -> i64 {
    epoch_day(2026, 2, 10)
}

fn write_sorted(mut events: Vec<ProxyEvent>) -> Vec<u8> {
    events.sort_by_key(|e| e.time);
    let mut out = Vec::with_capacity(events.len() * 360);
    for e in &events {
        e.write(&mut out);
    }
    out
}

fn attacker(ip: &str, user: &str) -> ProxyEvent {
    ProxyEvent {
        time: 0,
        clientip: ip.to_string(),
        user: user.to_string(),
        method: "GET",
        host: "",
        path: "/",
        deny: false,
        responsecode: 200,
        requestsize: 400,
        responsesize: 0,
        useragent: USER_AGENTS[3],
        category: "Business",
    }
}

/// A team whose members share a daily mix of requests (same sites, same
/// sizes, same blocked ad calls) but not their order, timing or details.
struct Role {
    members: usize,
    requests_each: usize,
    hosts: &'static [usize],
}

/// Host indexes (into `HOSTS`) each team uses; index 0 is the blocked ad network.
const ENGINEERING: [usize; 10] = [0, 1, 2, 4, 13, 14, 15, 16, 11, 19];
const SALES: [usize; 9] = [0, 1, 2, 6, 7, 9, 12, 17, 10];
const OPERATIONS: [usize; 9] = [0, 1, 2, 5, 8, 10, 18, 21, 23];

/// An office of three teams making exactly `sum(members × requests_each)`
/// requests in working hours on the sample day.
fn baseline(seed: u64, roles: [(usize, usize); 3]) -> Vec<ProxyEvent> {
    let mut g = Gen::new(seed);
    let roles = [
        Role {
            members: roles[0].0,
            requests_each: roles[0].1,
            hosts: &ENGINEERING,
        },
        Role {
            members: roles[1].0,
            requests_each: roles[1].1,
            hosts: &SALES,
        },
        Role {
            members: roles[2].0,
            requests_each: roles[2].1,
            hosts: &OPERATIONS,
        },
    ];
    let total_members: usize = roles.iter().map(|r| r.members).sum();
    let workers = office(&mut g, total_members, "192.168.1", 10);
    let start = sample_day() * 24 * NANOS_PER_HOUR + 8 * NANOS_PER_HOUR;
    let mut events = Vec::new();
    let mut next_worker = workers.iter();
    for role in &roles {
        // The team's daily mix: (host, response size, denied).
        let mix: Vec<(usize, u64, bool)> = (0..role.requests_each)
            .map(|i| {
                // Every tenth request pulls the ad network, which is blocked.
                let host = if i % 10 == 9 {
                    0
                } else {
                    role.hosts[1 + g.below(role.hosts.len() as u64 - 1) as usize]
                };
                let deny = host == 0 || (HOSTS[host].1 == "Streaming Media" && i % 7 == 0);
                let size = response_size(&mut g, deny);
                (host, size, deny)
            })
            .collect();
        // Requests sit on a jittered grid over the ten-hour day, at least
        // 61 s apart: steady browsing, never a burst.
        let slot = 10 * 3600 / role.requests_each as u64;
        for w in next_worker.by_ref().take(role.members) {
            let mut order: Vec<usize> = (0..mix.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, g.below(i as u64 + 1) as usize);
            }
            for (k, &m) in order.iter().enumerate() {
                let (host, size, deny) = mix[m];
                let offset = k as u64 * slot + g.below(slot.saturating_sub(61).max(1));
                let time = start + offset as i64 * NANOS_PER_SEC + g.below(1000) as i64 * 1_000_000;
                let mut e = normal_event(&mut g, w, time);
                e.host = HOSTS[host].0;
                e.category = HOSTS[host].1;
                e.deny = deny;
                e.responsesize = size;
                e.responsecode = if deny {
                    403
                } else {
                    if e.responsecode == 403 {
                        200
                    } else {
                        e.responsecode
                    }
                };
                events.push(e);
            }
        }
    }
    events
}

/// 150 requests within one minute, 135 of them denied.
fn credential_stuffing(g: &mut Gen) -> Vec<ProxyEvent> {
    let start = sample_day() * 24 * NANOS_PER_HOUR + 14 * NANOS_PER_HOUR + 23 * 60 * NANOS_PER_SEC;
    (0..150)
        .map(|i| {
            let mut e = attacker(STUFFING_IP, "unknown");
            e.time = start + (i * 59 * NANOS_PER_SEC) / 150 + g.below(300) as i64 * 1_000_000;
            e.method = "POST";
            e.host = "login.company.com";
            e.path = "/login";
            e.deny = i % 10 != 0;
            e.responsecode = if e.deny { 403 } else { 200 };
            e.responsesize = g.range(300, 700);
            e.useragent = "python-requests/2.31.0";
            e
        })
        .collect()
}

/// 60 downloads totalling 75,000,000 bytes between 01:00 and 04:30 UTC.
fn exfiltration(g: &mut Gen) -> Vec<ProxyEvent> {
    let start = sample_day() * 24 * NANOS_PER_HOUR + NANOS_PER_HOUR;
    (0..60)
        .map(|i| {
            let mut e = attacker(EXFIL_IP, "oscar.novak@company.com");
            e.time = start + i * 210 * NANOS_PER_SEC + g.below(120) as i64 * NANOS_PER_SEC;
            e.host = if i % 2 == 0 {
                "drive.google.com"
            } else {
                "transfer.example-files.net"
            };
            e.path = "/files/quarterly.pdf";
            e.category = "File Sharing";
            e.responsesize = 1_250_000;
            e
        })
        .collect()
}

/// 50 requests to 30 distinct hosts, 33 denied.
fn scanning(g: &mut Gen) -> Vec<ProxyEvent> {
    let start = sample_day() * 24 * NANOS_PER_HOUR + 11 * NANOS_PER_HOUR;
    (0..50)
        .map(|i| {
            let mut e = attacker(SCANNER_IP, "unknown");
            e.time = start + i * 11 * NANOS_PER_SEC + g.below(5) as i64 * NANOS_PER_SEC;
            e.host = SCAN_TARGETS[(i as usize) % SCAN_TARGETS.len()];
            e.path = "/admin";
            e.deny = i % 3 != 0 || i == 49;
            e.responsecode = if e.deny { 403 } else { 404 };
            e.responsesize = g.range(200, 600);
            e.useragent = "masscan/1.3";
            e.category = "Uncategorized";
            e
        })
        .collect()
}

const SCAN_TARGETS: [&str; 30] = [
    "10-0-0-1.internal.company.com",
    "10-0-0-2.internal.company.com",
    "10-0-0-3.internal.company.com",
    "10-0-0-4.internal.company.com",
    "10-0-0-5.internal.company.com",
    "10-0-0-6.internal.company.com",
    "10-0-0-7.internal.company.com",
    "10-0-0-8.internal.company.com",
    "10-0-0-9.internal.company.com",
    "10-0-0-10.internal.company.com",
    "db01.company.com",
    "db02.company.com",
    "backup.company.com",
    "vpn.company.com",
    "git.company.com",
    "ci.company.com",
    "grafana.company.com",
    "kibana.company.com",
    "jenkins.company.com",
    "nas.company.com",
    "printer1.company.com",
    "printer2.company.com",
    "camera1.company.com",
    "ldap.company.com",
    "smtp.company.com",
    "ftp.company.com",
    "dev.company.com",
    "staging.company.com",
    "admin.company.com",
    "legacy.company.com",
];

/// The bytes of one sample file, or `None` for an unknown name.
pub fn sample(name: &str, seed: u64) -> Option<Vec<u8>> {
    let with = |base_seed: u64, attack: fn(&mut Gen) -> Vec<ProxyEvent>| {
        let mut events = baseline(base_seed, [(10, 45), (10, 65), (10, 90)]);
        let mut g = Gen::new(seed ^ 0xa77a_c4e5);
        events.extend(attack(&mut g));
        write_sorted(events)
    };
    Some(match name {
        "baseline_small.jsonl" => write_sorted(baseline(seed, [(8, 30), (8, 40), (8, 55)])),
        "baseline_medium.jsonl" => write_sorted(baseline(
            seed.wrapping_add(1),
            [(10, 70), (10, 100), (10, 130)],
        )),
        "baseline_large.jsonl" => write_sorted(baseline(
            seed.wrapping_add(2),
            [(10, 80), (15, 120), (15, 160)],
        )),
        "anomalous_credential_stuffing.jsonl" => with(seed.wrapping_add(3), credential_stuffing),
        "anomalous_exfiltration.jsonl" => with(seed.wrapping_add(4), exfiltration),
        "anomalous_scanning.jsonl" => with(seed.wrapping_add(5), scanning),
        "insider_sample.csv" => insider_csv(seed.wrapping_add(6)),
        _ => return None,
    })
}

/// The CSV access log: 38 employees in three teams over five working days,
/// and two planted insiders: `mallory.chen` fails logins across every
/// resource, and `oscar.novak` downloads 60 MB between 01:00 and 04:00.
fn insider_csv(seed: u64) -> Vec<u8> {
    use std::io::Write;
    const RESOURCES: [&str; 12] = [
        "Okta",
        "Email",
        "Confluence",
        "Jira",
        "Salesforce",
        "Workday",
        "GitHub",
        "Slack",
        "Zoom",
        "Drive",
        "Payroll",
        "VPN",
    ];
    // Each team: members, requests per day, the resources it uses.
    const TEAMS: [(usize, u64, &[usize]); 3] = [
        (14, 12, &[0, 1, 3, 6, 7, 11]),
        (12, 10, &[0, 1, 4, 7, 8, 9]),
        (12, 8, &[0, 1, 2, 5, 9, 10]),
    ];
    const ACTIONS: [&str; 4] = ["LOGIN", "READ", "WRITE", "DOWNLOAD"];
    let mut g = Gen::new(seed);
    let mut rows: Vec<(Nanos, String)> = Vec::new();
    let first_day = epoch_day(2025, 3, 10);
    let mut u = 0usize;
    for (members, per_day, resources) in TEAMS {
        // The team's daily mix: (resource, action, bytes, success); one
        // mistyped password a day for everyone.
        let mix: Vec<(&str, &str, u64, bool)> = (0..per_day)
            .map(|i| {
                let action = g.pick(&ACTIONS);
                let bytes = if action == "DOWNLOAD" {
                    g.range(200_000, 900_000)
                } else {
                    g.range(0, 20_000)
                };
                (RESOURCES[g.pick(resources)], action, bytes, i != 0)
            })
            .collect();
        for _ in 0..members {
            let user = loop {
                let name = format!(
                    "{}.{}",
                    FIRST[u % FIRST.len()],
                    LAST[(u / FIRST.len() + u) % LAST.len()]
                );
                u += 1;
                if name != "mallory.chen" && name != "oscar.novak" {
                    break name;
                }
            };
            let laptop = format!("laptop-{u:02}");
            let slot = 9 * 3600 / per_day;
            for day in 0..5 {
                let start = (first_day + day) * 24 * NANOS_PER_HOUR + 8 * NANOS_PER_HOUR;
                for (k, &(resource, action, bytes, ok)) in mix.iter().enumerate() {
                    let t = start + (k as u64 * slot + g.below(slot - 61)) as i64 * NANOS_PER_SEC;
                    rows.push((
                        t,
                        format!(
                            "{},{user},{laptop},{action},{resource},{bytes},{ok}",
                            format_rfc3339(t)
                        ),
                    ));
                }
            }
        }
    }
    // Insider 1: password spraying across all resources, mostly failing.
    for i in 0..60i64 {
        let t =
            (first_day + 2) * 24 * NANOS_PER_HOUR + 10 * NANOS_PER_HOUR + i * 40 * NANOS_PER_SEC;
        let resource = RESOURCES[(i as usize) % RESOURCES.len()];
        let ok = i % 8 == 0;
        rows.push((
            t,
            format!(
                "{},mallory.chen,laptop-99,LOGIN,{resource},0,{ok}",
                format_rfc3339(t)
            ),
        ));
    }
    // Insider 2: 40 downloads of 1.5 MB between 01:00 and 04:00.
    for i in 0..40i64 {
        let t = (first_day + 3) * 24 * NANOS_PER_HOUR + NANOS_PER_HOUR + i * 270 * NANOS_PER_SEC;
        rows.push((
            t,
            format!(
                "{},oscar.novak,laptop-42,DOWNLOAD,Drive,1500000,true",
                format_rfc3339(t)
            ),
        ));
    }
    rows.sort();
    let mut out = Vec::new();
    let _ = writeln!(out, "timestamp,user,host,action,resource,bytes,success");
    for (_, r) in rows {
        let _ = writeln!(out, "{r}");
    }
    out
}

/// Writes a large benchmark log of `events` lines to `sink` in pieces of a
/// few megabytes: ~400 client IPs over five working days, with a credential
/// stuffer, an exfiltrator and a scanner planted in it.
pub fn benchmark(events: u64, seed: u64, mut sink: impl FnMut(&[u8])) {
    let mut g = Gen::new(seed);
    let mut workers = office(&mut g, 200, "10.1.0", 1);
    workers.extend(office(&mut g, 200, "10.2.0", 1));
    let days = 5u64;
    let mut planted: Vec<ProxyEvent> = Vec::new();
    for (day, attack) in [
        credential_stuffing as fn(&mut Gen) -> Vec<ProxyEvent>,
        exfiltration,
        scanning,
    ]
    .iter()
    .enumerate()
    {
        for mut e in attack(&mut g) {
            e.time += day as i64 * 24 * NANOS_PER_HOUR;
            planted.push(e);
        }
    }
    planted.sort_by_key(|e| e.time);
    let planted_count = planted.len() as u64;
    let normal = events.saturating_sub(planted_count);
    let mut planted = planted.into_iter().peekable();
    let mut buf = Vec::with_capacity(4 << 20);
    let per_day = normal.div_ceil(days);
    let mut written = 0u64;
    let mut emit_normal = 0u64;
    for day in 0..days {
        let day_index = sample_day() + day as i64;
        let n = per_day.min(normal - emit_normal);
        emit_normal += n;
        // Times increase through the day: spread n events over 10 hours.
        let span = 10 * 3600 * NANOS_PER_SEC;
        let start = day_index * 24 * NANOS_PER_HOUR + 8 * NANOS_PER_HOUR;
        for i in 0..n {
            let t = start + ((i as i128 * span as i128) / n.max(1) as i128) as i64;
            while planted.peek().is_some_and(|p| p.time <= t) {
                if let Some(p) = planted.next() {
                    p.write(&mut buf);
                    written += 1;
                }
            }
            let w = &workers[g.below(workers.len() as u64) as usize];
            normal_event(&mut g, w, t).write(&mut buf);
            written += 1;
            if buf.len() >= 4 << 20 {
                sink(&buf);
                buf.clear();
            }
        }
    }
    for p in planted {
        if written >= events {
            break;
        }
        p.write(&mut buf);
        written += 1;
    }
    sink(&buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_deterministic() {
        for name in SAMPLE_FILES {
            assert_eq!(sample(name, 42), sample(name, 42), "{name}");
        }
        assert_ne!(
            sample("baseline_small.jsonl", 42),
            sample("baseline_small.jsonl", 43)
        );
        assert!(sample("nope", 42).is_none());
    }

    #[test]
    fn benchmark_writes_the_requested_count() {
        let mut lines = 0;
        benchmark(10_000, 1, |b| {
            lines += b.iter().filter(|c| **c == b'\n').count()
        });
        assert_eq!(lines, 10_000);
    }
}
