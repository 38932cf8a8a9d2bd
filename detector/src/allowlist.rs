//! Entities that are never flagged: known-good scanners, monitoring, backup
//! servers. An entry is an exact entity value, or a CIDR range (`10.0.0.0/8`,
//! `2001:db8::/32`) that matches entity values that are IP addresses.

use std::collections::HashSet;
use std::net::IpAddr;

use crate::error::Error;

#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    exact: HashSet<String>,
    ranges: Vec<(IpAddr, u8)>,
}

fn parse_cidr(entry: &str) -> Option<(IpAddr, u8)> {
    let (addr, len) = entry.split_once('/')?;
    let addr: IpAddr = addr.trim().parse().ok()?;
    let len: u8 = len.trim().parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((addr, len))
}

/// The address left-aligned in 128 bits.
fn prefix_bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)) << 96,
        IpAddr::V6(v6) => u128::from(v6),
    }
}

impl Allowlist {
    /// Parses the entries; a malformed CIDR names itself in the error.
    pub fn new(entries: &[String]) -> Result<Self, Error> {
        let mut list = Allowlist::default();
        for e in entries {
            let e = e.trim();
            if e.is_empty() {
                return Err(Error::InvalidConfig(
                    "`allowlist` entries must not be empty".into(),
                ));
            }
            if e.contains('/') {
                let range = parse_cidr(e).ok_or_else(|| {
                    Error::InvalidConfig(format!(
                        "`allowlist` entry \"{e}\" is not a CIDR range like 10.0.0.0/8"
                    ))
                })?;
                list.ranges.push(range);
            } else {
                list.exact.insert(e.to_string());
            }
        }
        Ok(list)
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.ranges.is_empty()
    }

    /// Whether `entity` is allowlisted.
    pub fn contains(&self, entity: &str) -> bool {
        if self.exact.contains(entity) {
            return true;
        }
        if self.ranges.is_empty() {
            return false;
        }
        let Ok(ip) = entity.parse::<IpAddr>() else {
            return false;
        };
        // Both families sit left-aligned in a u128, so a prefix of `len`
        // bits is the top `len` bits either way.
        let bits = prefix_bits(ip);
        self.ranges.iter().any(|&(net, len)| {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            net.is_ipv4() == ip.is_ipv4() && (bits & mask) == (prefix_bits(net) & mask)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(e: &[&str]) -> Allowlist {
        Allowlist::new(&e.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn exact_and_cidr_matches() {
        let l = list(&[
            "scanner.corp",
            "10.0.0.0/8",
            "192.168.1.7/32",
            "2001:db8::/32",
        ]);
        assert!(l.contains("scanner.corp"));
        assert!(l.contains("10.255.1.2"));
        assert!(!l.contains("11.0.0.1"));
        assert!(l.contains("192.168.1.7"));
        assert!(!l.contains("192.168.1.8"));
        assert!(l.contains("2001:db8:1::5"));
        assert!(!l.contains("2001:db9::1"));
        assert!(!l.contains("alice"));
        assert!(list(&["0.0.0.0/0"]).contains("8.8.8.8"));
        assert!(!list(&["0.0.0.0/0"]).contains("::1"));
    }

    #[test]
    fn malformed_ranges_are_config_errors() {
        for bad in ["10.0.0.0/33", "10.0.0/8", "x/8", ""] {
            assert!(Allowlist::new(&[bad.to_string()]).is_err(), "{bad}");
        }
    }
}
