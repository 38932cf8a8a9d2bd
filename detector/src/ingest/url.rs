//! The destination host of a URL, as the unique-hosts feature counts it.

use std::borrow::Cow;

/// The lower-cased host of an absolute URL, without userinfo, port or IPv6
/// brackets (what Python's `urlsplit(url).hostname` gives).
pub(crate) fn url_host(url: &str) -> Result<Cow<'_, str>, &'static str> {
    let b = url.as_bytes();
    // The scheme: a letter, then letters, digits, '+', '-' or '.', then "://".
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'+' | b'-' | b'.')) {
        i += 1;
    }
    if b.get(i..i + 3) != Some(b"://") {
        return Err("url must be absolute (scheme://host/...)");
    }
    if i == 0 || !b[0].is_ascii_alphabetic() {
        return Err("url has an invalid scheme");
    }
    let auth_start = i + 3;
    let mut auth_end = auth_start;
    let mut at = None;
    while auth_end < b.len() && !matches!(b[auth_end], b'/' | b'?' | b'#') {
        if b[auth_end] == b'@' {
            at = Some(auth_end);
        }
        auth_end += 1;
    }
    let host_start = at.map_or(auth_start, |a| a + 1);
    let hostport = &url[host_start..auth_end];
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        let close = v6.find(']').ok_or("url has an unclosed IPv6 literal")?;
        &v6[..close]
    } else {
        match hostport.bytes().position(|c| c == b':') {
            Some(colon) => &hostport[..colon],
            None => hostport,
        }
    };
    if host.is_empty() {
        return Err("url has no host");
    }
    let mut needs_lower = false;
    for c in host.bytes() {
        if c.is_ascii_whitespace() || c.is_ascii_control() {
            return Err("url host contains whitespace or control characters");
        }
        needs_lower |= c.is_ascii_uppercase() || !c.is_ascii();
    }
    if needs_lower {
        Ok(Cow::Owned(host.to_lowercase()))
    } else {
        Ok(Cow::Borrowed(host))
    }
}

/// Keeps a `Cow` borrowed from `'a` when possible after a borrowing transform.
pub(crate) fn host_of<'a>(url: Cow<'a, str>) -> Result<Cow<'a, str>, &'static str> {
    match url {
        Cow::Borrowed(u) => url_host(u),
        Cow::Owned(u) => url_host(&u).map(|h| Cow::Owned(h.into_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_host_normalization() {
        assert_eq!(
            url_host("https://user:pw@Host.Example:80/p").unwrap(),
            "host.example"
        );
        assert_eq!(
            url_host("http://[2001:DB8::1]:8080/").unwrap(),
            "2001:db8::1"
        );
        assert_eq!(url_host("http://a.b?q=1").unwrap(), "a.b");
        assert_eq!(url_host("ftp://x.y#frag").unwrap(), "x.y");
        assert!(url_host("example.com/path").is_err());
        assert!(url_host("https:///path").is_err());
        assert!(url_host("https://:80/").is_err());
        assert!(url_host("1http://x").is_err());
    }
}
