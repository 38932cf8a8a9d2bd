//! Pseudonymization: identifiers replaced by keyed hashes so a report can be
//! shared without exposing people. HMAC-SHA256 under the caller's key, so
//! the same value always maps to the same pseudonym within and across
//! reports made with one key, and nobody without the key can confirm a guess.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::config::EntityField;

/// The pseudonym kind of an entity field's values: "ip", "user", "host".
pub(crate) fn entity_kind(field: EntityField) -> &'static str {
    match field {
        EntityField::Clientip => "ip",
        EntityField::User => "user",
        EntityField::Host => "host",
    }
}

/// Maps identifiers to pseudonyms like `ip-3f9a2c1b7d40`.
pub(crate) struct Pseudonymizer {
    mac: Hmac<Sha256>,
}

impl Pseudonymizer {
    pub fn new(key: &str) -> Self {
        // HMAC accepts keys of any length.
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        Pseudonymizer { mac }
    }

    /// `kind` ("ip", "user", "host") both prefixes the pseudonym and is part
    /// of the hashed message, so one value of two kinds maps apart.
    pub fn pseudonym(&self, kind: &str, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut out = String::with_capacity(kind.len() + 13);
        out.push_str(kind);
        out.push('-');
        for b in &digest[..6] {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }
}

/// Replaces every double-quoted run in a rejection reason (the offending
/// value) with `"…"`, so reasons carry no original identifiers.
pub(crate) fn redact_quoted(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut inside = false;
    for c in reason.chars() {
        if c == '"' {
            if !inside {
                out.push_str("\"…");
            } else {
                out.push('"');
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_keyed_stable_and_kind_separated() {
        let p = Pseudonymizer::new("secret-key");
        let a = p.pseudonym("ip", "10.0.0.1");
        assert_eq!(a, p.pseudonym("ip", "10.0.0.1"));
        assert!(a.starts_with("ip-") && a.len() == 15, "{a}");
        assert_ne!(a, p.pseudonym("ip", "10.0.0.2"));
        assert_ne!(a[3..], p.pseudonym("user", "10.0.0.1")[5..]);
        assert_ne!(
            a,
            Pseudonymizer::new("other-key").pseudonym("ip", "10.0.0.1")
        );
    }

    #[test]
    fn quoted_values_are_redacted() {
        assert_eq!(
            redact_quoted("`clientip` \"alice-laptop\" is not an IP address"),
            "`clientip` \"…\" is not an IP address"
        );
    }
}
