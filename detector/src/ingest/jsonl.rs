//! JSONL web-proxy lines: one JSON object per line, read by the validating
//! scanner in [`super::json`] without building a DOM.

use std::borrow::Cow;
use std::net::IpAddr;

use crate::clock::Clock;
use crate::config::EntityField;
use crate::time::Nanos;

use super::event::{Action, Event, RejectKind, Rejection};
use super::json::{self, JsonStr, Key, Value};
use super::mapping::{action_texts, find, Mapping, Slot};
use super::url::host_of;

#[inline(always)]
fn non_negative_int(field: &str, v: &Value<'_>) -> Result<u64, Rejection> {
    match v {
        Value::Num(text) => {
            if text.starts_with('-') {
                return Err(bad_number(field, text, RejectKind::InvalidValue));
            }
            whole_number(text).ok_or_else(|| bad_number(field, text, RejectKind::WrongType))
        }
        other => Err(wrong_type(field, "a number", other)),
    }
}

/// `text` (a JSON number, grammar-checked) as a u64 when it is one: digits
/// only, no overflow. What `str::parse::<u64>` accepts of such a text, in a
/// tenth of the instructions.
#[inline(always)]
fn whole_number(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in text.as_bytes() {
        let digit = c.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    Some(v)
}

#[derive(Default)]
struct JsonlFields<'a> {
    time: Field<'a>,
    clientip: Field<'a>,
    user: Field<'a>,
    method: Field<'a>,
    url: Field<'a>,
    action: Field<'a>,
    responsecode: Field<'a>,
    requestsize: Field<'a>,
    responsesize: Field<'a>,
    useragent: Field<'a>,
    category: Field<'a>,
    duplicate: Option<&'static str>,
}

/// A field's value while its line is read: an `Option<Value>` kept as
/// plain data. Stored as `Option<Value>`, each member's value was built in
/// a temporary on the stack, written in parts and copied whole into its
/// field: read back wider than written, a stalled store forward on every
/// member. A kind and a text are written from registers.
#[derive(Clone, Copy, Default)]
struct Field<'a> {
    text: &'a str,
    kind: FieldKind,
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum FieldKind {
    #[default]
    Absent,
    Str,
    EscapedStr,
    Num,
    True,
    False,
    Null,
    Object,
    Array,
}

impl<'a> Field<'a> {
    #[inline(always)]
    fn of(v: Value<'a>) -> Self {
        let (kind, text) = match v {
            Value::Str(s) if s.is_escaped() => (FieldKind::EscapedStr, s.raw()),
            Value::Str(s) => (FieldKind::Str, s.raw()),
            Value::Num(n) => (FieldKind::Num, n),
            Value::Bool(true) => (FieldKind::True, ""),
            Value::Bool(false) => (FieldKind::False, ""),
            Value::Null => (FieldKind::Null, ""),
            Value::Object(o) => (FieldKind::Object, o),
            Value::Array(a) => (FieldKind::Array, a),
        };
        Field { text, kind }
    }

    #[inline(always)]
    fn is_some(&self) -> bool {
        self.kind != FieldKind::Absent
    }

    /// The value stored, if any.
    #[inline(always)]
    fn get(self) -> Option<Value<'a>> {
        Some(match self.kind {
            FieldKind::Absent => return None,
            FieldKind::Str => Value::Str(JsonStr::from_raw(self.text, false)),
            FieldKind::EscapedStr => Value::Str(JsonStr::from_raw(self.text, true)),
            FieldKind::Num => Value::Num(self.text),
            FieldKind::True => Value::Bool(true),
            FieldKind::False => Value::Bool(false),
            FieldKind::Null => Value::Null,
            FieldKind::Object => Value::Object(self.text),
            FieldKind::Array => Value::Array(self.text),
        })
    }
}

impl<'a> From<Option<Value<'a>>> for Field<'a> {
    fn from(v: Option<Value<'a>>) -> Self {
        v.map(Field::of).unwrap_or_default()
    }
}

impl std::fmt::Debug for Field<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

// The ids of the default schema's keys, as `known_key` returns them.
const TIME: u8 = 0;
const CLIENTIP: u8 = 1;
const USER: u8 = 2;
const METHOD: u8 = 3;
const URL: u8 = 4;
const ACTION: u8 = 5;
const RESPONSECODE: u8 = 6;
const REQUESTSIZE: u8 = 7;
const RESPONSESIZE: u8 = 8;
const USERAGENT: u8 = 9;
const CATEGORY: u8 = 10;

/// The default schema's keys, in the order of their ids (the slots of
/// [`JsonlFields`]).
const KEY_NAMES: [&str; 11] = [
    "time",
    "clientip",
    "user",
    "method",
    "url",
    "action",
    "responsecode",
    "requestsize",
    "responsesize",
    "useragent",
    "category",
];

/// A key as the bytes after its opening quote: the name, `"` and `:`, in
/// two little-endian words with masks for the bytes that count.
struct KeyBytes {
    lo: u64,
    lo_mask: u64,
    hi: u64,
    hi_mask: u64,
    len: usize,
}

const fn key_bytes(name: &str) -> KeyBytes {
    let n = name.as_bytes();
    let len = n.len() + 2;
    let (mut lo, mut lo_mask, mut hi, mut hi_mask) = (0u64, 0u64, 0u64, 0u64);
    let mut k = 0;
    while k < len {
        let c = if k < n.len() {
            n[k]
        } else if k == n.len() {
            b'"'
        } else {
            b':'
        };
        if k < 8 {
            lo |= (c as u64) << (8 * k);
            lo_mask |= 0xff << (8 * k);
        } else {
            hi |= (c as u64) << (8 * (k - 8));
            hi_mask |= 0xff << (8 * (k - 8));
        }
        k += 1;
    }
    KeyBytes {
        lo,
        lo_mask,
        hi,
        hi_mask,
        len,
    }
}

const KEY_BYTES: [KeyBytes; 11] = {
    let mut i = 0;
    let mut out = [const {
        KeyBytes {
            lo: 0,
            lo_mask: 0,
            hi: 0,
            hi_mask: 0,
            len: 0,
        }
    }; 11];
    while i < 11 {
        out[i] = key_bytes(KEY_NAMES[i]);
        i += 1;
    }
    out
};

// The first four bytes after the quote tell the keys apart, except `user`
// from `useragent` and `responsecode` from `responsesize`.
const FIRST_TIME: u32 = KEY_BYTES[TIME as usize].lo as u32;
const FIRST_CLIENTIP: u32 = KEY_BYTES[CLIENTIP as usize].lo as u32;
const FIRST_USER: u32 = KEY_BYTES[USER as usize].lo as u32;
const FIRST_METHOD: u32 = KEY_BYTES[METHOD as usize].lo as u32;
const FIRST_URL: u32 = KEY_BYTES[URL as usize].lo as u32;
const FIRST_ACTION: u32 = KEY_BYTES[ACTION as usize].lo as u32;
const FIRST_RESPONSE: u32 = KEY_BYTES[RESPONSECODE as usize].lo as u32;
const FIRST_REQUESTSIZE: u32 = KEY_BYTES[REQUESTSIZE as usize].lo as u32;
const FIRST_CATEGORY: u32 = KEY_BYTES[CATEGORY as usize].lo as u32;

/// The key at `at` (just after its opening quote) when it is one of the
/// default schema's, written plainly and followed at once by `":`: its id
/// and how many bytes that is. Two loads and a few compares instead of
/// scanning the key as a string and matching the text; anything else
/// (another key, escapes, whitespace before the colon, the line's last 15
/// bytes) returns `None` and takes the general path.
#[inline(always)]
fn known_key(b: &[u8], at: usize) -> Option<(u8, usize)> {
    let w = b.get(at..at + 16)?;
    let mut word = [0u8; 8];
    word.copy_from_slice(&w[..8]);
    let lo = u64::from_le_bytes(word);
    word.copy_from_slice(&w[8..]);
    let hi = u64::from_le_bytes(word);
    let id = match lo as u32 {
        FIRST_TIME => TIME,
        FIRST_CLIENTIP => CLIENTIP,
        FIRST_USER if lo & KEY_BYTES[USER as usize].lo_mask == KEY_BYTES[USER as usize].lo => USER,
        FIRST_USER => USERAGENT,
        FIRST_METHOD => METHOD,
        FIRST_URL => URL,
        FIRST_ACTION => ACTION,
        FIRST_RESPONSE if hi as u8 == b'c' => RESPONSECODE,
        FIRST_RESPONSE => RESPONSESIZE,
        FIRST_REQUESTSIZE => REQUESTSIZE,
        FIRST_CATEGORY => CATEGORY,
        _ => return None,
    };
    let k = &KEY_BYTES[usize::from(id)];
    (lo & k.lo_mask == k.lo && hi & k.hi_mask == k.hi).then_some((id, k.len))
}

impl<'a> JsonlFields<'a> {
    /// A member whose key was read as text (escaped, or off the fast path).
    #[inline(always)]
    fn set(&mut self, key: &str, value: Value<'a>) {
        // Dispatch on length first: one comparison per key instead of many.
        let id = match (key.len(), key) {
            (4, "time") => TIME,
            (8, "clientip") => CLIENTIP,
            (4, "user") => USER,
            (6, "method") => METHOD,
            (3, "url") => URL,
            (6, "action") => ACTION,
            (12, "responsecode") => RESPONSECODE,
            (11, "requestsize") => REQUESTSIZE,
            (12, "responsesize") => RESPONSESIZE,
            (9, "useragent") => USERAGENT,
            (8, "category") => CATEGORY,
            _ => return,
        };
        self.set_known(id, value);
    }

    /// A key `known_key` did not recognise (unknown, spaced or escaped).
    /// Out of line, so that the common case stays small enough to inline.
    #[inline(never)]
    fn set_other(&mut self, key: JsonStr<'a>, value: Value<'a>) {
        match key.decode() {
            Cow::Borrowed(key) => self.set(key, value),
            Cow::Owned(key) => self.set(&key, value),
        }
    }

    /// Inlined into the scanner's loop: called out of line, the value was
    /// passed through memory and read back wider than written (a stalled
    /// store forward per member).
    #[inline(always)]
    fn set_known(&mut self, id: u8, value: Value<'a>) {
        let slot = match id {
            TIME => &mut self.time,
            CLIENTIP => &mut self.clientip,
            USER => &mut self.user,
            METHOD => &mut self.method,
            URL => &mut self.url,
            ACTION => &mut self.action,
            RESPONSECODE => &mut self.responsecode,
            REQUESTSIZE => &mut self.requestsize,
            RESPONSESIZE => &mut self.responsesize,
            USERAGENT => &mut self.useragent,
            _ => &mut self.category,
        };
        if slot.is_some() {
            self.duplicate
                .get_or_insert(KEY_NAMES[usize::from(id).min(KEY_NAMES.len() - 1)]);
        }
        *slot = Field::of(value);
    }
}

#[cold]
fn bad_number(field: &str, text: &str, kind: RejectKind) -> Rejection {
    let message = if kind == RejectKind::InvalidValue {
        format!("`{field}` must not be negative (got {text})")
    } else {
        format!("`{field}` must be a whole number of bytes (got {text})")
    };
    Rejection::new(kind, message)
}

#[cold]
fn not_an_ip(field: &str, text: &str) -> Rejection {
    Rejection::new(
        RejectKind::InvalidClientip,
        format!("`{field}` \"{}\" is not an IP address", shorten(text)),
    )
}

#[cold]
fn invalid_url(field: &str, url: &str, why: &str) -> Rejection {
    let message = if url.len() > 60 {
        format!("invalid `{field}`: {why}")
    } else {
        format!("invalid `{field}` \"{url}\": {why}")
    };
    Rejection::new(RejectKind::InvalidUrl, message)
}

#[cold]
fn wrong_type(field: &str, wanted: &str, v: &Value<'_>) -> Rejection {
    Rejection::new(
        RejectKind::WrongType,
        format!("`{field}` must be {wanted}, not {}", v.type_name()),
    )
}

#[cold]
fn missing(field: &str) -> Rejection {
    Rejection::new(
        RejectKind::MissingField,
        format!("missing required field `{field}`"),
    )
}

/// A required string field: absent or null is missing, another type is wrong.
/// Inlined (as the other field readers are): returned out of line, the
/// result was read back wider than written, a stalled store forward.
#[inline(always)]
fn required_str<'a>(field: &str, v: Option<Value<'a>>) -> Result<Cow<'a, str>, Rejection> {
    match v {
        Some(Value::Str(s)) => Ok(s.decode()),
        None | Some(Value::Null) => Err(missing(field)),
        Some(other) => Err(wrong_type(field, "a string", &other)),
    }
}

/// An optional string field: null counts as absent, another type is wrong.
#[inline(always)]
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

/// The names messages use for the fields read (the mapped paths).
struct Names<'n> {
    time: Cow<'n, str>,
    clientip: Cow<'n, str>,
    user: Cow<'n, str>,
    url: Cow<'n, str>,
    bytes: Cow<'n, str>,
    responsecode: Cow<'n, str>,
}

const DEFAULT_NAMES: Names<'static> = Names {
    time: Cow::Borrowed("time"),
    clientip: Cow::Borrowed("clientip"),
    user: Cow::Borrowed("user"),
    url: Cow::Borrowed("url"),
    bytes: Cow::Borrowed("responsesize"),
    responsecode: Cow::Borrowed("responsecode"),
};

/// The time field read as the clock's format says.
fn event_time(v: Option<Value<'_>>, name: &str, clock: &Clock) -> Result<Nanos, Rejection> {
    let text = match v {
        // Epoch counts are often written as JSON numbers.
        Some(Value::Num(n)) if clock.takes_numbers() => Cow::Borrowed(n),
        other => required_str(name, other)?,
    };
    clock.parse(&text).map_err(|why| {
        Rejection::new(
            RejectKind::InvalidTime,
            format!("invalid `{name}` \"{}\": {why}", shorten(&text)),
        )
    })
}

fn invalid_json(e: json::JsonError) -> Rejection {
    Rejection::new(
        RejectKind::InvalidJson,
        format!("invalid JSON: {} at column {}", e.message, e.column),
    )
}

/// Parses a JSONL web-proxy line. In the default schema: required `time`,
/// `clientip` (an IP address), `url` (absolute), `action` (ALLOW/DENY),
/// `responsesize` (integer ≥ 0), and `user` when grouping by user; the other
/// documented fields are optional but must have their type when present.
/// With a mapping, the same fields are read from the mapped paths and the
/// action from its deny/allow values.
pub(crate) fn parse<'a>(
    line: &'a str,
    entity: EntityField,
    clock: &Clock,
    mapping: &Mapping,
) -> Result<Event<'a>, Rejection> {
    if mapping.is_default {
        return parse_default(line, entity, clock);
    }
    let found = find(line, mapping).map_err(invalid_json)?;
    if let Some((slot, alt)) = found.duplicate {
        return Err(Rejection::new(
            RejectKind::DuplicateField,
            format!(
                "field `{}` appears more than once",
                mapping.paths[slot][alt]
            ),
        ));
    }
    let mut seen = 0u16;
    let mut take = |slot: Slot| -> (Option<Value<'a>>, Cow<'_, str>) {
        match found.get(slot) {
            Some((alt, v)) => {
                seen |= slot.bit();
                (Some(v), Cow::Borrowed(&mapping.paths[slot as usize][alt]))
            }
            None => (None, mapping.name(slot)),
        }
    };
    let time = take(Slot::Time);
    let clientip = take(Slot::Clientip);
    let user = take(Slot::User);
    let url = take(Slot::Url);
    let (action, action_name) = take(Slot::Action);
    let bytes = take(Slot::Bytes);
    let responsecode = take(Slot::Responsecode);
    let names = Names {
        time: time.1,
        clientip: clientip.1,
        user: user.1,
        url: url.1,
        bytes: bytes.1,
        responsecode: responsecode.1,
    };
    let f = JsonlFields {
        time: time.0.into(),
        clientip: clientip.0.into(),
        user: user.0.into(),
        url: url.0.into(),
        responsecode: responsecode.0.into(),
        responsesize: bytes.0.into(),
        ..JsonlFields::default()
    };
    let mut event = build(f, &names, entity, clock, &|| {
        mapped_action(action, &action_name, mapping)
    })?;
    event.seen = seen;
    Ok(event)
}

/// The action from a mapped field: denied when any of its values is a deny
/// value; allowed when one is an allow value, or when there are no allow
/// values (then a missing field is allowed too).
fn mapped_action(v: Option<Value<'_>>, name: &str, mapping: &Mapping) -> Result<Action, Rejection> {
    let texts = match v {
        None => Vec::new(),
        Some(v) => action_texts(&v).ok_or_else(|| {
            Rejection::new(
                RejectKind::WrongType,
                format!(
                    "`{name}` must be a string, boolean, number or array of strings, not {}",
                    v.type_name()
                ),
            )
        })?,
    };
    if texts.iter().any(|t| mapping.deny.iter().any(|d| d == t)) {
        return Ok(Action::Deny);
    }
    if mapping.allow.is_empty() || texts.iter().any(|t| mapping.allow.iter().any(|a| a == t)) {
        return Ok(Action::Allow);
    }
    if texts.is_empty() {
        return Err(missing(name));
    }
    let mut values: Vec<&str> = mapping.allow.iter().map(String::as_str).collect();
    values.extend(mapping.deny.iter().map(String::as_str));
    Err(Rejection::new(
        RejectKind::InvalidAction,
        format!(
            "`{name}` must be {}, not \"{}\"",
            values.join(" or "),
            shorten(&texts.join(","))
        ),
    ))
}

/// Today's schema, read in one pass over the top-level members.
fn parse_default<'a>(
    line: &'a str,
    entity: EntityField,
    clock: &Clock,
) -> Result<Event<'a>, Rejection> {
    let mut f = JsonlFields::default();
    json::for_each_known_member(line, known_key, |k, v| match k {
        Key::Known(id) => f.set_known(id, v),
        Key::Other(k) => f.set_other(k, v),
    })
    .map_err(invalid_json)?;
    if let Some(name) = f.duplicate {
        return Err(Rejection::new(
            RejectKind::DuplicateField,
            format!("field `{name}` appears more than once"),
        ));
    }
    let action = f.action.get();
    build(
        f,
        &DEFAULT_NAMES,
        entity,
        clock,
        &|| match required_str("action", action)?.as_ref() {
            "ALLOW" => Ok(Action::Allow),
            "DENY" => Ok(Action::Deny),
            other => Err(Rejection::new(
                RejectKind::InvalidAction,
                format!("`action` must be ALLOW or DENY, not \"{}\"", shorten(other)),
            )),
        },
    )
}

/// The event from the fields found, checking each in the documented order
/// (time, clientip, url, action, bytes, then the optional ones), so the
/// first problem is the one reported.
fn build<'a>(
    f: JsonlFields<'a>,
    names: &Names<'_>,
    entity: EntityField,
    clock: &Clock,
    action: &dyn Fn() -> Result<Action, Rejection>,
) -> Result<Event<'a>, Rejection> {
    let time = event_time(f.time.get(), &names.time, clock)?;

    let clientip = required_str(&names.clientip, f.clientip.get())?;
    if clientip.parse::<IpAddr>().is_err() {
        return Err(not_an_ip(&names.clientip, &clientip));
    }

    let url = required_str(&names.url, f.url.get())?;
    let destination = host_of(&url).map_err(|why| invalid_url(&names.url, &url, why))?;

    let action = action()?;

    let bytes = match f.responsesize.get() {
        None | Some(Value::Null) => return Err(missing(&names.bytes)),
        Some(v) => non_negative_int(&names.bytes, &v)?,
    };
    if let Some(v) = f.requestsize.get().filter(|v| !matches!(v, Value::Null)) {
        non_negative_int("requestsize", &v)?;
    }
    let responsecode = match f.responsecode.get() {
        None | Some(Value::Null) => None,
        Some(v) => {
            let code = non_negative_int(&names.responsecode, &v)?;
            Some(
                u16::try_from(code)
                    .ok()
                    .filter(|c| *c <= 999)
                    .ok_or_else(|| {
                        Rejection::new(
                            RejectKind::InvalidValue,
                            format!("`{}` {code} is not an HTTP status code", names.responsecode),
                        )
                    })?,
            )
        }
    };

    let user = optional_str(&names.user, f.user.get())?;
    optional_str("method", f.method.get())?;
    optional_str("useragent", f.useragent.get())?;
    optional_str("category", f.category.get())?;

    let entity_value = match entity {
        EntityField::Clientip => clientip.clone(),
        EntityField::User => match &user {
            Some(u) if !u.is_empty() => u.clone(),
            _ => return Err(missing(&names.user)),
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
        seen: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Fields, Format, Preset};

    proptest::proptest! {
        /// Over JSON numbers (and near misses), what `str::parse::<u64>` says.
        #[test]
        fn whole_number_is_parse_u64(text in "-?(0|[1-9][0-9]{0,21})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?") {
            proptest::prop_assert_eq!(whole_number(&text), text.parse::<u64>().ok());
        }
    }

    /// The fields of `line` and the duplicate found, as `{:?}` text.
    fn fields_text(f: &JsonlFields<'_>) -> String {
        format!(
            "{:?}",
            (
                [f.time, f.clientip, f.user, f.method, f.url, f.action],
                [f.responsecode, f.requestsize, f.responsesize],
                [f.useragent, f.category],
                f.duplicate,
            )
        )
    }

    /// Every key read as text, as before `known_key` existed.
    fn fields_by_text(line: &str) -> Result<String, json::JsonError> {
        let mut f = JsonlFields::default();
        json::for_each_member(line, |k, v| f.set(&k.decode(), v))?;
        Ok(fields_text(&f))
    }

    /// As `parse_default` reads them.
    fn fields_fast(line: &str) -> Result<String, json::JsonError> {
        let mut f = JsonlFields::default();
        json::for_each_known_member(line, known_key, |k, v| match k {
            Key::Known(id) => f.set_known(id, v),
            Key::Other(k) => f.set(&k.decode(), v),
        })?;
        Ok(fields_text(&f))
    }

    fn key_spelling() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            proptest::sample::select(KEY_NAMES.to_vec()).prop_map(|k| format!("\"{k}\":")),
            proptest::sample::select(KEY_NAMES.to_vec()).prop_map(|k| format!("\"{k}\" :")),
            // Escaped, longer, shorter and unknown names.
            Just("\"us\\u0065r\":".to_string()),
            Just("\"tim\\u0065\":".to_string()),
            Just("\"timestamp\":".to_string()),
            Just("\"useragents\":".to_string()),
            Just("\"responsecodes\":".to_string()),
            Just("\"responses\":".to_string()),
            Just("\"respon\":".to_string()),
            Just("\"url\\\"\":".to_string()),
            Just("\"\":".to_string()),
            "\"[a-z]{0,14}\":",
        ]
    }

    proptest::proptest! {
        /// Keys recognised from their bytes give the fields, duplicates and
        /// errors that reading every key as text gives.
        #[test]
        fn known_keys_read_as_keys_read_as_text(
            members in proptest::collection::vec(
                (key_spelling(), proptest::sample::select(vec![
                    "\"v\"", "1", "2048", "-3", "1.5e3", "null", "true", "{\"a\":[1]}",
                    "\"x\\\"y\"", "", "\"\"",
                ])),
                0..14,
            ),
            tail in proptest::sample::select(vec!["}", "", "} ", ",}"]),
        ) {
            let body: Vec<String> = members.iter().map(|(k, v)| format!("{k}{v}")).collect();
            let line = format!("{{{}{tail}", body.join(","));
            proptest::prop_assert_eq!(fields_fast(&line), fields_by_text(&line), "{}", line);
        }
    }

    #[test]
    fn known_key_finds_each_name_and_nothing_else() {
        for (id, name) in KEY_NAMES.iter().enumerate() {
            let line = format!("\"{name}\":\"0123456789abcdef\"");
            assert_eq!(
                known_key(line.as_bytes(), 1),
                Some((id as u8, name.len() + 2)),
                "{name}"
            );
            // Too near the end of the line: left to the general path.
            let short = format!("\"{name}\":1");
            assert_eq!(known_key(short.as_bytes(), 1), None, "{name}");
        }
        for other in [
            "\"timestamp\":1234567890",
            "\"users\":\"0123456789abc\"",
            "\"url\" :\"0123456789abc\"",
        ] {
            assert_eq!(known_key(other.as_bytes(), 1), None, "{other}");
        }
    }

    #[test]
    fn whole_number_edges() {
        for text in [
            "0",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "",
        ] {
            assert_eq!(whole_number(text), text.parse::<u64>().ok(), "{text}");
        }
    }

    fn jsonl_default() -> Mapping {
        Mapping::resolve(&Fields::default(), Format::Jsonl).unwrap()
    }

    fn ecs() -> Mapping {
        let fields = Fields {
            preset: Some(Preset::Ecs),
            ..Fields::default()
        };
        Mapping::resolve(&fields, Format::Jsonl).unwrap()
    }

    const ECS: &str = r#"{"@timestamp":"2026-02-14T10:02:15Z","source":{"ip":"192.168.1.10","port":5},"user":{"name":"a@b.c"},"url":{"original":"/x","full":"https://Example.COM:8443/x?y"},"event":{"type":["access","denied"]},"http":{"response":{"status_code":403,"body":{"bytes":2048}}}}"#;

    #[test]
    fn ecs_preset_reads_nested_paths_and_alternatives() {
        let e = parse(ECS, EntityField::Clientip, &Clock::default(), &ecs()).unwrap();
        assert_eq!(e.entity, "192.168.1.10");
        assert_eq!(e.destination, "example.com");
        assert_eq!(e.action, Action::Deny);
        assert_eq!(e.bytes, 2048, "http.response.body.bytes is the fallback");
        assert_eq!(e.responsecode, Some(403));
        assert_eq!(e.user.as_deref(), Some("a@b.c"));
        assert_eq!(e.seen & Slot::Url.bit(), Slot::Url.bit());
        // event.type without "denied", or absent: allowed.
        let allowed = ECS.replace(r#","denied""#, "");
        let e = parse(&allowed, EntityField::Clientip, &Clock::default(), &ecs()).unwrap();
        assert_eq!(e.action, Action::Allow);
        let absent = ECS.replace(r#""event":{"type":["access","denied"]},"#, "");
        let e = parse(&absent, EntityField::Clientip, &Clock::default(), &ecs()).unwrap();
        assert_eq!(e.action, Action::Allow);
        assert_eq!(e.seen & Slot::Action.bit(), 0);
        // Dotted member names read the same as nesting; both at once is a duplicate.
        let flat = r#"{"@timestamp":"2026-02-14T10:02:15Z","source.ip":"10.0.0.1","url.full":"http://h/","event.type":"denied","http.response.bytes":7}"#;
        let e = parse(flat, EntityField::Clientip, &Clock::default(), &ecs()).unwrap();
        assert_eq!(
            (e.entity.as_ref(), e.action, e.bytes),
            ("10.0.0.1", Action::Deny, 7)
        );
        let both = flat.replace(
            r#""source.ip":"10.0.0.1""#,
            r#""source.ip":"10.0.0.1","source":{"ip":"10.0.0.2"}"#,
        );
        let r = parse(&both, EntityField::Clientip, &Clock::default(), &ecs()).unwrap_err();
        assert_eq!(r.kind, RejectKind::DuplicateField);
        assert!(r.message.contains("source.ip"), "{}", r.message);
    }

    #[test]
    fn mapped_messages_name_the_mapped_path() {
        let missing_ip = ECS.replace(r#""ip":"192.168.1.10","#, "");
        let r = parse(
            &missing_ip,
            EntityField::Clientip,
            &Clock::default(),
            &ecs(),
        )
        .unwrap_err();
        assert_eq!(r.kind, RejectKind::MissingField);
        assert_eq!(r.message, "missing required field `source.ip`");
        let no_url = ECS.replace(
            r#""url":{"original":"/x","full":"https://Example.COM:8443/x?y"},"#,
            "",
        );
        let r = parse(&no_url, EntityField::Clientip, &Clock::default(), &ecs()).unwrap_err();
        assert_eq!(
            r.message,
            "missing required field `url.full` or `url.original`"
        );
        let not_obj = ECS.replace(
            r#""source":{"ip":"192.168.1.10","port":5}"#,
            r#""source":"x""#,
        );
        let r = parse(&not_obj, EntityField::Clientip, &Clock::default(), &ecs()).unwrap_err();
        assert_eq!(r.kind, RejectKind::MissingField);
        let custom = Fields {
            action: vec!["outcome".into()],
            deny_values: vec!["blocked".into()],
            allow_values: vec!["ok".into()],
            ..Fields::default()
        };
        let m = Mapping::resolve(&custom, Format::Jsonl).unwrap();
        let line = GOOD.replace(r#""action":"DENY""#, r#""outcome":"maybe""#);
        let r = parse(&line, EntityField::Clientip, &Clock::default(), &m).unwrap_err();
        assert_eq!(r.kind, RejectKind::InvalidAction);
        assert_eq!(r.message, r#"`outcome` must be ok or blocked, not "maybe""#);
        let line = GOOD.replace(r#""action":"DENY""#, r#""outcome":"blocked""#);
        let e = parse(&line, EntityField::Clientip, &Clock::default(), &m).unwrap();
        assert_eq!(e.action, Action::Deny);
    }

    const GOOD: &str = r#"{"time":"2026-02-14T10:02:15Z","clientip":"192.168.1.10","user":"a@b.c","method":"GET","url":"https://Example.COM:8443/x?y","action":"DENY","responsecode":403,"requestsize":512,"responsesize":2048,"useragent":"UA","category":"Business"}"#;

    fn kind(line: &str) -> RejectKind {
        parse(
            line,
            EntityField::Clientip,
            &Clock::default(),
            &jsonl_default(),
        )
        .unwrap_err()
        .kind
    }

    #[test]
    fn parses_a_full_line() {
        let e = parse(
            GOOD,
            EntityField::Clientip,
            &Clock::default(),
            &jsonl_default(),
        )
        .unwrap();
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
        let e = parse(
            line,
            EntityField::Clientip,
            &Clock::default(),
            &jsonl_default(),
        )
        .unwrap();
        assert_eq!(e.responsecode, None);
        assert_eq!(e.user, None);
        assert_eq!(
            parse(line, EntityField::User, &Clock::default(), &jsonl_default())
                .unwrap_err()
                .kind,
            RejectKind::MissingField
        );
    }
}
