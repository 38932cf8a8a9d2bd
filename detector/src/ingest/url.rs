//! The destination host of an absolute URL: lower-cased, without userinfo,
//! port or IPv6 brackets.
//!
//! Almost every URL in a proxy log is plain ASCII with an ordinary DNS name,
//! and for those a byte scan answers without allocating. Anything unusual —
//! non-ASCII or punycode-worthy names, percent-encoding, userinfo, IPv6 or
//! unusual IPv4 spellings, backslashes, odd ports, `file:` URLs — goes to the
//! WHATWG parser of the `url` crate, so `https://BÜCHER.example/` and
//! `https://xn--bcher-kva.example/` are one host, and `http://0x7f.1/` is
//! `127.0.0.1`. A differential test checks the scan agrees with `url`
//! wherever the scan answers.

use std::borrow::Cow;

/// The host of `url`, or a short reason for a rejection report. Out of
/// line: see `json::for_each_member`.
#[inline(never)]
pub(crate) fn url_host(url: &str) -> Result<Cow<'_, str>, &'static str> {
    match fast_host(url)? {
        Some(host) => Ok(host),
        None => slow_host(url).map(Cow::Owned),
    }
}

/// `Ok(None)` hands the URL to the full parser.
fn fast_host(url: &str) -> Result<Option<Cow<'_, str>>, &'static str> {
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
    if b[..i].eq_ignore_ascii_case(b"file") {
        return Ok(None);
    }
    let start = i + 3;
    // The host: letters, digits, '-', '.' and '_' (one table lookup a byte).
    let mut host_end = start;
    let mut upper = false;
    while let Some(&c) = b.get(host_end) {
        match HOST_BYTE[usize::from(c)] {
            PLAIN => {}
            UPPER => upper = true,
            _ => break,
        }
        host_end += 1;
    }
    // Then the end of the authority, or a port first.
    let mut end = host_end;
    if b.get(end) == Some(&b':') {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        let port = &url[host_end + 1..end];
        if port.len() > 5 || (!port.is_empty() && port.parse::<u32>().map_or(true, |p| p > 65_535))
        {
            return Ok(None);
        }
    }
    if !matches!(b.get(end), None | Some(b'/' | b'?' | b'#')) {
        // userinfo, IPv6, percent-encoding, backslashes, non-ASCII, …
        return Ok(None);
    }
    let host = &url[start..host_end];
    if host.is_empty() {
        return Err("url has no host");
    }
    // A last label that starts with a digit may be an IPv4 address in one of
    // its many spellings; only the canonical dotted quad stays here.
    let trimmed = host.trim_end_matches('.').as_bytes();
    let last = trimmed
        .iter()
        .rposition(|&c| c == b'.')
        .map_or(0, |p| p + 1);
    if trimmed.get(last).is_some_and(u8::is_ascii_digit) && !is_dotted_quad(host) {
        return Ok(None);
    }
    if upper {
        Ok(Some(Cow::Owned(host.to_ascii_lowercase())))
    } else {
        Ok(Some(Cow::Borrowed(host)))
    }
}

const OTHER: u8 = 0;
const PLAIN: u8 = 1;
const UPPER: u8 = 2;

/// What each byte is in a host the scan answers for: `PLAIN` (lower-case
/// letters, digits, '-', '.', '_'), `UPPER` (upper-case letters), or
/// `OTHER` (the end of the host, a port's colon, or something for the
/// full parser).
static HOST_BYTE: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => PLAIN,
            b'A'..=b'Z' => UPPER,
            _ => OTHER,
        };
        c += 1;
    }
    t
};

fn is_dotted_quad(host: &str) -> bool {
    let mut parts = 0;
    for part in host.split('.') {
        parts += 1;
        let ok = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|c| c.is_ascii_digit())
            && !(part.len() > 1 && part.starts_with('0'))
            && part.parse::<u16>().is_ok_and(|v| v <= 255);
        if !ok {
            return false;
        }
    }
    parts == 4
}

fn slow_host(url: &str) -> Result<String, &'static str> {
    let parsed = url::Url::parse(url).map_err(|e| match e {
        url::ParseError::EmptyHost => "url has no host",
        url::ParseError::InvalidPort => "url has an invalid port",
        url::ParseError::InvalidIpv4Address => "url has an invalid IPv4 address",
        url::ParseError::InvalidIpv6Address => "url has an invalid IPv6 address",
        url::ParseError::InvalidDomainCharacter => {
            "url host contains a character not allowed in a host name"
        }
        url::ParseError::IdnaError => "url host is not a valid international domain name",
        _ => "url could not be parsed",
    })?;
    let host = parsed.host_str().ok_or("url has no host")?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if host.is_empty() {
        return Err("url has no host");
    }
    if host
        .bytes()
        .any(|c| c.is_ascii_whitespace() || c.is_ascii_control())
    {
        return Err("url host contains whitespace or control characters");
    }
    // The url crate writes every host in ASCII (domains in punycode, opaque
    // hosts percent-encoded), so ASCII lower-casing is all there is; the
    // Unicode version would bring its case tables into the .wasm.
    Ok(host.to_ascii_lowercase())
}

/// Keeps a `Cow` borrowed from `'a` when possible after a borrowing transform.
pub(crate) fn host_of<'a>(url: &Cow<'a, str>) -> Result<Cow<'a, str>, &'static str> {
    match url {
        Cow::Borrowed(u) => url_host(u),
        Cow::Owned(u) => url_host(u).map(|h| Cow::Owned(h.into_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_urls_take_the_fast_path() {
        for (url, host) in [
            ("https://Host.Example:80/p", "host.example"),
            ("http://a.b?q=1", "a.b"),
            ("ftp://x.y#frag", "x.y"),
            ("http://10.0.0.1:8080/", "10.0.0.1"),
        ] {
            assert_eq!(fast_host(url).unwrap().as_deref(), Some(host), "{url}");
            assert_eq!(url_host(url).unwrap(), host);
        }
    }

    #[test]
    fn unusual_urls_are_normalized_by_the_url_crate() {
        for (url, host) in [
            ("https://user:pw@Host.Example:80/p", "host.example"),
            ("http://[2001:DB8::1]:8080/", "2001:db8::1"),
            ("https://BÜCHER.example/", "xn--bcher-kva.example"),
            ("http://0x7f.1/", "127.0.0.1"),
            ("http://ex%41mple.com/", "example.com"),
            ("http://evil.example\\path", "evil.example"),
        ] {
            assert_eq!(fast_host(url).ok().flatten(), None, "{url}");
            assert_eq!(url_host(url).unwrap(), host, "{url}");
        }
        assert_eq!(
            url_host("https://xn--bcher-kva.example/").unwrap(),
            "xn--bcher-kva.example"
        );
    }

    #[test]
    fn unusable_urls_are_rejected_with_a_reason() {
        for url in [
            "example.com/path",
            "https:///path",
            "https://:80/",
            "1http://x",
            "http://a.b:99999/",
            "http://[::1/",
            "http://a b.example/",
        ] {
            assert!(url_host(url).is_err(), "{url}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod differential {
        use proptest::prelude::*;

        fn plainish_url() -> impl Strategy<Value = String> {
            (
                prop::sample::select(vec!["http", "https", "ftp", "ws", "wss", "foo", "HTTP"]),
                prop::option::of("[a-zA-Z0-9._~-]{1,8}(:[a-z0-9]{0,4})?@"),
                prop_oneof![
                    "[a-zA-Z0-9_-]{1,12}(\\.[a-zA-Z0-9_-]{1,12}){0,3}\\.?",
                    "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
                    "(0x)?[0-9a-f]{1,4}(\\.[0-9]{1,4}){0,3}",
                    "[a-z%0-9]{1,10}\\.example",
                ],
                prop::option::of("[0-9]{0,6}"),
                "(/[a-zA-Z0-9._~%-]{0,8}){0,3}(\\?[a-z=&0-9]{0,8})?(#[a-z0-9]{0,6})?",
            )
                .prop_map(|(scheme, userinfo, host, port, rest)| {
                    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                    format!(
                        "{scheme}://{}{host}{port}{rest}",
                        userinfo.unwrap_or_default()
                    )
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4000))]
            #[test]
            fn fast_path_agrees_with_the_url_crate(url in plainish_url()) {
                if let Ok(Some(fast)) = super::fast_host(&url) {
                    let parsed = url::Url::parse(&url);
                    let theirs = parsed
                        .as_ref()
                        .ok()
                        .and_then(|u| u.host_str())
                        .map(|h| h.to_lowercase());
                    prop_assert_eq!(Some(fast.into_owned()), theirs, "{}", url);
                }
            }
        }
    }
}
