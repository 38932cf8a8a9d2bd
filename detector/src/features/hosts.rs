//! [`Hosts`]: an entity's per-destination tallies, compact when few.
//!
//! Most entities of a large population (a million client IPs) talk to one
//! or a few hosts: a short list then costs a few dozen bytes where a hash
//! table costs about two hundred. Past [`FEW`] hosts it becomes a map.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::HostTally;

/// Hosts kept in a list before switching to a map.
const FEW: usize = 8;

#[derive(Debug, Clone)]
pub enum Hosts {
    Few(Vec<(Arc<str>, HostTally)>),
    Many(FxHashMap<Arc<str>, HostTally>),
}

impl Default for Hosts {
    fn default() -> Self {
        Hosts::Few(Vec::new())
    }
}

impl crate::wire::Wire for Hosts {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Hosts::Few(v) => {
                out.push(0);
                v.encode(out);
            }
            Hosts::Many(m) => {
                out.push(1);
                m.encode(out);
            }
        }
    }

    fn decode(r: &mut crate::wire::Reader<'_>) -> Result<Self, String> {
        Ok(match u8::decode(r)? {
            0 => Hosts::Few(Vec::decode(r)?),
            1 => Hosts::Many(FxHashMap::decode(r)?),
            _ => return Err("unknown hosts".into()),
        })
    }
}

impl Hosts {
    pub fn len(&self) -> usize {
        match self {
            Hosts::Few(v) => v.len(),
            Hosts::Many(m) => m.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, host: &str) -> Option<&HostTally> {
        self.entry(host).map(|(_, t)| t)
    }

    /// `host`'s stored name and tally.
    fn entry(&self, host: &str) -> Option<(&Arc<str>, &HostTally)> {
        match self {
            Hosts::Few(v) => v.iter().find(|(h, _)| &**h == host).map(|(h, t)| (h, t)),
            Hosts::Many(m) => m.get_key_value(host),
        }
    }

    /// `host`'s tally. Hosts are interned per reader
    /// ([`crate::partial`]), so the stored name is usually `host` itself:
    /// pointers are compared before any text, and a short list is first
    /// searched by pointer alone. Comparing text means reading each stored
    /// name, scattered over the heap: on a million events that was a tenth
    /// of the time, waiting for memory.
    #[inline]
    pub fn get_mut(&mut self, host: &Arc<str>) -> Option<&mut HostTally> {
        match self {
            Hosts::Few(v) => {
                let at = match v.iter().position(|(h, _)| Arc::ptr_eq(h, host)) {
                    Some(at) => at,
                    None => v.iter().position(|(h, _)| **h == **host)?,
                };
                Some(&mut v[at].1)
            }
            // `Arc<str>`'s `==` compares pointers first (std, for `T: Eq`).
            Hosts::Many(m) => m.get_mut(host),
        }
    }

    /// Adds a host not present yet.
    pub fn insert_new(&mut self, host: Arc<str>, tally: HostTally) {
        match self {
            Hosts::Few(v) if v.len() < FEW => {
                if v.len() == v.capacity() {
                    v.reserve_exact(if v.is_empty() { 1 } else { v.len() });
                }
                v.push((host, tally));
            }
            Hosts::Few(v) => {
                let mut m: FxHashMap<Arc<str>, HostTally> = std::mem::take(v).into_iter().collect();
                m.insert(host, tally);
                *self = Hosts::Many(m);
            }
            Hosts::Many(m) => {
                m.insert(host, tally);
            }
        }
    }

    /// Adds `tally` to `host`'s.
    pub fn add(&mut self, host: Arc<str>, tally: HostTally) {
        match self.get_mut(&host) {
            Some(mine) => {
                mine.requests += tally.requests;
                mine.denied += tally.denied;
                mine.bytes = mine.bytes.saturating_add(tally.bytes);
            }
            None => self.insert_new(host, tally),
        }
    }

    /// The stored name of `host`, shared (an entity's largest events name
    /// their host with it instead of a copy of their own).
    pub fn shared(&self, host: &str) -> Option<Arc<str>> {
        self.entry(host).map(|(h, _)| h.clone())
    }

    pub fn iter(&self) -> Box<dyn Iterator<Item = (&str, &HostTally)> + '_> {
        match self {
            Hosts::Few(v) => Box::new(v.iter().map(|(h, t)| (&**h, t))),
            Hosts::Many(m) => Box::new(m.iter().map(|(h, t)| (&**h, t))),
        }
    }

    pub fn into_vec(self) -> Vec<(Arc<str>, HostTally)> {
        match self {
            Hosts::Few(v) => v,
            Hosts::Many(m) => m.into_iter().collect(),
        }
    }
}

/// Equal when the same hosts have the same tallies, in any order.
impl PartialEq for Hosts {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(h, t)| other.get(h) == Some(t))
    }
}

impl std::ops::Index<&str> for Hosts {
    type Output = HostTally;

    fn index(&self, host: &str) -> &HostTally {
        self.get(host).expect("no such host")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(requests: u64) -> HostTally {
        HostTally {
            requests,
            denied: 0,
            bytes: 0,
        }
    }

    /// A name is found by its pointer and, stored by another reader (a
    /// merged partial), by its text; a list and a map alike.
    #[test]
    fn get_mut_finds_a_host_by_pointer_or_by_text() {
        for n in [3, FEW + 3] {
            let names: Vec<Arc<str>> = (0..n).map(|i| Arc::from(format!("h{i}.example"))).collect();
            let mut hosts = Hosts::default();
            for (i, h) in names.iter().enumerate() {
                hosts.insert_new(h.clone(), tally(i as u64));
            }
            assert_eq!(matches!(hosts, Hosts::Many(_)), n > FEW);
            for (i, h) in names.iter().enumerate() {
                assert_eq!(hosts.get_mut(h).map(|t| t.requests), Some(i as u64));
                let copy: Arc<str> = Arc::from(&**h);
                assert!(!Arc::ptr_eq(&copy, h));
                assert_eq!(hosts.get_mut(&copy).map(|t| t.requests), Some(i as u64));
            }
            assert!(hosts.get_mut(&Arc::from("h0.exampl")).is_none());
            assert!(hosts.get_mut(&Arc::from("other")).is_none());
        }
    }
}
