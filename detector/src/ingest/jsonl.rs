//! JSONL web-proxy lines: one JSON object per line, read by the validating
//! scanner in [`super::json`] without building a DOM.

use std::borrow::Cow;
use std::net::IpAddr;

use crate::clock::Clock;
use crate::config::EntityField;
use crate::time::Nanos;

use super::event::{Action, Event, RejectKind, Rejection};
use super::json::{self, Value};
use super::url::host_of;

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
/// The `time` field read as the clock's format says.
fn event_time(v: Option<Value<'_>>, clock: &Clock) -> Result<Nanos, Rejection> {
    let text = match v {
        // Epoch counts are often written as JSON numbers.
        Some(Value::Num(n)) if clock.takes_numbers() => Cow::Borrowed(n),
        other => required_str("time", other)?,
    };
    clock.parse(&text).map_err(|why| {
        Rejection::new(
            RejectKind::InvalidTime,
            format!("invalid `time` \"{}\": {why}", shorten(&text)),
        )
    })
}

pub(crate) fn parse<'a>(
    line: &'a str,
    entity: EntityField,
    clock: &Clock,
) -> Result<Event<'a>, Rejection> {
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

    let time = event_time(f.time, clock)?;

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
        parse(line, EntityField::Clientip, &Clock::default())
            .unwrap_err()
            .kind
    }

    #[test]
    fn parses_a_full_line() {
        let e = parse(GOOD, EntityField::Clientip, &Clock::default()).unwrap();
        assert_eq!(e.entity, "192.168.1.10");
        assert_eq!(e.destination, "example.com");
        assert_eq!(e.action, Action::Deny);
        assert_eq!(e.bytes, 2048);
        assert_eq!(e.responsecode, Some(403));
        assert_eq!(e.user.as_deref(), Some("a@b.c"));
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
        let e = parse(line, EntityField::Clientip, &Clock::default()).unwrap();
        assert_eq!(e.responsecode, None);
        assert_eq!(e.user, None);
        assert_eq!(
            parse(line, EntityField::User, &Clock::default())
                .unwrap_err()
                .kind,
            RejectKind::MissingField
        );
    }
}
