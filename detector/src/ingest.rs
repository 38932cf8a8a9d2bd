//! What happens to one line: it is blank, rejected with a reason, or becomes
//! an [`Event`].
//!
//! This module knows the input formats and nothing about features. The
//! [`crate::analyzer`] frames bytes into numbered lines and calls
//! [`Schema::parse`] on each non-blank one.

use std::borrow::Cow;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::config::{EntityField, Format};
use crate::csv::CsvSchema;
use crate::json::{self, Value};
use crate::time::{self, Nanos};

/// The category of a rejected line; counted per kind in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    NotUtf8,
    LineTooLong,
    InvalidJson,
    MissingField,
    WrongType,
    DuplicateField,
    InvalidTime,
    InvalidUrl,
    InvalidAction,
    InvalidClientip,
    InvalidValue,
    WrongFieldCount,
}

impl RejectKind {
    pub const ALL: [RejectKind; 12] = [
        RejectKind::NotUtf8,
        RejectKind::LineTooLong,
        RejectKind::InvalidJson,
        RejectKind::MissingField,
        RejectKind::WrongType,
        RejectKind::DuplicateField,
        RejectKind::InvalidTime,
        RejectKind::InvalidUrl,
        RejectKind::InvalidAction,
        RejectKind::InvalidClientip,
        RejectKind::InvalidValue,
        RejectKind::WrongFieldCount,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectKind::NotUtf8 => "not_utf8",
            RejectKind::LineTooLong => "line_too_long",
            RejectKind::InvalidJson => "invalid_json",
            RejectKind::MissingField => "missing_field",
            RejectKind::WrongType => "wrong_type",
            RejectKind::DuplicateField => "duplicate_field",
            RejectKind::InvalidTime => "invalid_time",
            RejectKind::InvalidUrl => "invalid_url",
            RejectKind::InvalidAction => "invalid_action",
            RejectKind::InvalidClientip => "invalid_clientip",
            RejectKind::InvalidValue => "invalid_value",
            RejectKind::WrongFieldCount => "wrong_field_count",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Why a line was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub kind: RejectKind,
    pub message: String,
}

impl Rejection {
    pub fn new(kind: RejectKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// ALLOW or DENY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum Action {
    #[serde(rename = "ALLOW")]
    Allow,
    #[serde(rename = "DENY")]
    Deny,
}

/// One accepted log event, borrowing from its line where it can.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub time: Nanos,
    /// The grouping value (client IP, user or host, per the config).
    pub entity: Cow<'a, str>,
    pub clientip: Option<Cow<'a, str>>,
    pub user: Option<Cow<'a, str>>,
    /// Destination: the URL's host (JSONL) or the resource (CSV).
    pub destination: Cow<'a, str>,
    /// The CSV `host` column (source host); JSONL has none.
    pub source_host: Option<Cow<'a, str>>,
    pub action: Action,
    pub bytes: u64,
    pub responsecode: Option<u16>,
}

/// How the lines of one input are read, fixed by its first non-blank line.
#[derive(Debug, Clone)]
pub enum Schema {
    Jsonl,
    Csv(CsvSchema),
}

impl Schema {
    pub fn format(&self) -> Format {
        match self {
            Schema::Jsonl => Format::Jsonl,
            Schema::Csv(_) => Format::Csv,
        }
    }

    /// Parses one non-blank, UTF-8 line into an event.
    pub fn parse<'a>(&self, line: &'a str, entity: EntityField) -> Result<Event<'a>, Rejection> {
        match self {
            Schema::Jsonl => parse_jsonl(line, entity),
            Schema::Csv(csv) => csv.parse(line, entity),
        }
    }
}

/// The lower-cased host of an absolute URL, without userinfo, port or IPv6
/// brackets (what Python's `urlsplit(url).hostname` gives).
pub fn url_host(url: &str) -> Result<Cow<'_, str>, &'static str> {
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
fn host_of<'a>(url: Cow<'a, str>) -> Result<Cow<'a, str>, &'static str> {
    match url {
        Cow::Borrowed(u) => url_host(u),
        Cow::Owned(u) => url_host(&u).map(|h| Cow::Owned(h.into_owned())),
    }
}

fn non_negative_int(field: &str, v: &Value<'_>) -> Result<u64, Rejection> {
    match v {
        Value::Num(text) => {
            if text.starts_with('-') {
                return Err(Rejection::new(
                    RejectKind::InvalidValue,
                    format!("`{field}` must not be negative (got {text})"),
                ));
            }
            text.parse::<u64>().map_err(|_| {
                Rejection::new(
                    RejectKind::WrongType,
                    format!("`{field}` must be a whole number of bytes (got {text})"),
                )
            })
        }
        other => Err(Rejection::new(
            RejectKind::WrongType,
            format!("`{field}` must be a number, not {}", other.type_name()),
        )),
    }
}

#[derive(Default)]
struct JsonlFields<'a> {
    time: Option<Value<'a>>,
    clientip: Option<Value<'a>>,
    user: Option<Value<'a>>,
    method: Option<Value<'a>>,
    url: Option<Value<'a>>,
    action: Option<Value<'a>>,
    responsecode: Option<Value<'a>>,
    requestsize: Option<Value<'a>>,
    responsesize: Option<Value<'a>>,
    useragent: Option<Value<'a>>,
    category: Option<Value<'a>>,
    duplicate: Option<&'static str>,
}

impl<'a> JsonlFields<'a> {
    fn set(&mut self, key: &str, value: Value<'a>) {
        // Dispatch on length first: one comparison per key instead of many.
        let (slot, name) = match (key.len(), key) {
            (4, "time") => (&mut self.time, "time"),
            (8, "clientip") => (&mut self.clientip, "clientip"),
            (4, "user") => (&mut self.user, "user"),
            (6, "method") => (&mut self.method, "method"),
            (3, "url") => (&mut self.url, "url"),
            (6, "action") => (&mut self.action, "action"),
            (12, "responsecode") => (&mut self.responsecode, "responsecode"),
            (11, "requestsize") => (&mut self.requestsize, "requestsize"),
            (12, "responsesize") => (&mut self.responsesize, "responsesize"),
            (9, "useragent") => (&mut self.useragent, "useragent"),
            (8, "category") => (&mut self.category, "category"),
            _ => return,
        };
        if slot.is_some() {
            self.duplicate.get_or_insert(name);
        }
        *slot = Some(value);
    }
}

fn missing(field: &str) -> Rejection {
    Rejection::new(
        RejectKind::MissingField,
        format!("missing required field `{field}`"),
    )
}

/// A required string field: absent or null is missing, another type is wrong.
fn required_str<'a>(field: &str, v: Option<Value<'a>>) -> Result<Cow<'a, str>, Rejection> {
    match v {
        None | Some(Value::Null) => Err(missing(field)),
        Some(Value::Str(s)) => Ok(s.decode()),
        Some(other) => Err(Rejection::new(
            RejectKind::WrongType,
            format!("`{field}` must be a string, not {}", other.type_name()),
        )),
    }
}

/// An optional string field: null counts as absent, another type is wrong.
fn optional_str<'a>(field: &str, v: Option<Value<'a>>) -> Result<Option<Cow<'a, str>>, Rejection> {
    match v {
        None | Some(Value::Null) => Ok(None),
        some => required_str(field, some).map(Some),
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        t
    }
}

/// Parses a JSONL web-proxy line. Required: `time`, `clientip` (an IP
/// address), `url` (absolute), `action` (ALLOW/DENY), `responsesize`
/// (integer ≥ 0), and `user` when grouping by user. The other documented
/// fields are optional but must have their type when present.
pub fn parse_jsonl(line: &str, entity: EntityField) -> Result<Event<'_>, Rejection> {
    let mut f = JsonlFields::default();
    json::for_each_member(line, |k, v| match k.decode() {
        Cow::Borrowed(key) => f.set(key, v),
        Cow::Owned(key) => f.set(&key, v),
    })
    .map_err(|e| {
        Rejection::new(
            RejectKind::InvalidJson,
            format!("invalid JSON: {} at column {}", e.message, e.column),
        )
    })?;
    if let Some(name) = f.duplicate {
        return Err(Rejection::new(
            RejectKind::DuplicateField,
            format!("field `{name}` appears more than once"),
        ));
    }

    let time_text = required_str("time", f.time)?;
    let time = time::parse_rfc3339(time_text.as_bytes()).map_err(|why| {
        Rejection::new(
            RejectKind::InvalidTime,
            format!("invalid `time` \"{}\": {why}", shorten(&time_text)),
        )
    })?;

    let clientip = required_str("clientip", f.clientip)?;
    if clientip.parse::<IpAddr>().is_err() {
        return Err(Rejection::new(
            RejectKind::InvalidClientip,
            format!("`clientip` \"{}\" is not an IP address", shorten(&clientip)),
        ));
    }

    let url = required_str("url", f.url)?;
    let url_for_message = if url.len() > 60 {
        None
    } else {
        Some(url.to_string())
    };
    let destination = host_of(url).map_err(|why| {
        Rejection::new(
            RejectKind::InvalidUrl,
            match url_for_message {
                Some(u) => format!("invalid `url` \"{u}\": {why}"),
                None => format!("invalid `url`: {why}"),
            },
        )
    })?;

    let action = match required_str("action", f.action)?.as_ref() {
        "ALLOW" => Action::Allow,
        "DENY" => Action::Deny,
        other => {
            return Err(Rejection::new(
                RejectKind::InvalidAction,
                format!("`action` must be ALLOW or DENY, not \"{}\"", shorten(other)),
            ))
        }
    };

    let bytes = match f.responsesize {
        None | Some(Value::Null) => return Err(missing("responsesize")),
        Some(v) => non_negative_int("responsesize", &v)?,
    };
    if let Some(v) = f.requestsize.filter(|v| !matches!(v, Value::Null)) {
        non_negative_int("requestsize", &v)?;
    }
    let responsecode = match f.responsecode {
        None | Some(Value::Null) => None,
        Some(v) => {
            let code = non_negative_int("responsecode", &v)?;
            Some(
                u16::try_from(code)
                    .ok()
                    .filter(|c| *c <= 999)
                    .ok_or_else(|| {
                        Rejection::new(
                            RejectKind::InvalidValue,
                            format!("`responsecode` {code} is not an HTTP status code"),
                        )
                    })?,
            )
        }
    };

    let user = optional_str("user", f.user)?;
    optional_str("method", f.method)?;
    optional_str("useragent", f.useragent)?;
    optional_str("category", f.category)?;

    let entity_value = match entity {
        EntityField::Clientip => clientip.clone(),
        EntityField::User => match &user {
            Some(u) if !u.is_empty() => u.clone(),
            _ => return Err(missing("user")),
        },
        EntityField::Host => destination.clone(),
    };

    Ok(Event {
        time,
        entity: entity_value,
        clientip: Some(clientip),
        user,
        destination,
        source_host: None,
        action,
        bytes,
        responsecode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"time":"2026-02-14T10:02:15Z","clientip":"192.168.1.10","user":"a@b.c","method":"GET","url":"https://Example.COM:8443/x?y","action":"DENY","responsecode":403,"requestsize":512,"responsesize":2048,"useragent":"UA","category":"Business"}"#;

    fn kind(line: &str) -> RejectKind {
        parse_jsonl(line, EntityField::Clientip).unwrap_err().kind
    }

    #[test]
    fn parses_a_full_line() {
        let e = parse_jsonl(GOOD, EntityField::Clientip).unwrap();
        assert_eq!(e.entity, "192.168.1.10");
        assert_eq!(e.destination, "example.com");
        assert_eq!(e.action, Action::Deny);
        assert_eq!(e.bytes, 2048);
        assert_eq!(e.responsecode, Some(403));
        assert_eq!(e.user.as_deref(), Some("a@b.c"));
    }

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

    #[test]
    fn each_rejection_kind() {
        let swap = |from: &str, to: &str| GOOD.replace(from, to);
        assert_eq!(kind("{"), RejectKind::InvalidJson);
        assert_eq!(kind("[1,2]"), RejectKind::InvalidJson);
        assert_eq!(
            kind(&swap(r#""time":"2026-02-14T10:02:15Z","#, "")),
            RejectKind::MissingField
        );
        assert_eq!(
            kind(&swap("\"2026-02-14T10:02:15Z\"", "null")),
            RejectKind::MissingField
        );
        assert_eq!(
            kind(&swap("\"2026-02-14T10:02:15Z\"", "5")),
            RejectKind::WrongType
        );
        assert_eq!(
            kind(&swap("2026-02-14T10:02:15Z", "2026-02-14T10:02:15")),
            RejectKind::InvalidTime
        );
        assert_eq!(
            kind(&swap("https://Example.COM:8443/x?y", "example.com")),
            RejectKind::InvalidUrl
        );
        assert_eq!(
            kind(&swap("\"DENY\"", "\"deny\"")),
            RejectKind::InvalidAction
        );
        assert_eq!(
            kind(&swap("192.168.1.10", "not-an-ip")),
            RejectKind::InvalidClientip
        );
        assert_eq!(kind(&swap("2048", "-1")), RejectKind::InvalidValue);
        assert_eq!(kind(&swap("2048", "\"2048\"")), RejectKind::WrongType);
        assert_eq!(kind(&swap("2048", "20.5")), RejectKind::WrongType);
        assert_eq!(kind(&swap("403", "\"403\"")), RejectKind::WrongType);
        assert_eq!(kind(&swap("403", "70000")), RejectKind::InvalidValue);
        assert_eq!(
            kind(&swap(
                r#""method":"GET""#,
                r#""method":"GET","clientip":"1.2.3.4""#
            )),
            RejectKind::DuplicateField
        );
    }

    #[test]
    fn optional_fields_may_be_absent_or_null() {
        let line = r#"{"time":"2026-02-14T10:02:15Z","clientip":"::1","url":"http://h/","action":"ALLOW","responsesize":0,"user":null,"extra":{"nested":[1]}}"#;
        let e = parse_jsonl(line, EntityField::Clientip).unwrap();
        assert_eq!(e.responsecode, None);
        assert_eq!(e.user, None);
        assert_eq!(
            parse_jsonl(line, EntityField::User).unwrap_err().kind,
            RejectKind::MissingField
        );
    }
}
