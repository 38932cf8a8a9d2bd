//! Where each field is read from: the configured [`Fields`] resolved for
//! the detected format (format defaults, then a preset, then the fields
//! the user gave), and the lookup of dotted paths in a JSONL object.

use std::borrow::Cow;

use crate::config::{Fields, Format, Preset};
use crate::error::Error;

use super::json::{self, Value};

/// The fields the detector reads, in slot order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Time,
    Clientip,
    User,
    Url,
    Resource,
    Host,
    Bytes,
    Responsecode,
    Action,
}

impl Slot {
    pub const ALL: [Slot; 9] = [
        Slot::Time,
        Slot::Clientip,
        Slot::User,
        Slot::Url,
        Slot::Resource,
        Slot::Host,
        Slot::Bytes,
        Slot::Responsecode,
        Slot::Action,
    ];

    /// The config key (`fields.<name>`).
    pub fn key(self) -> &'static str {
        match self {
            Slot::Time => "time",
            Slot::Clientip => "clientip",
            Slot::User => "user",
            Slot::Url => "url",
            Slot::Resource => "resource",
            Slot::Host => "host",
            Slot::Bytes => "bytes",
            Slot::Responsecode => "responsecode",
            Slot::Action => "action",
        }
    }

    pub fn bit(self) -> u16 {
        1 << self as u16
    }

    fn of(self, f: &Fields) -> &Vec<String> {
        match self {
            Slot::Time => &f.time,
            Slot::Clientip => &f.clientip,
            Slot::User => &f.user,
            Slot::Url => &f.url,
            Slot::Resource => &f.resource,
            Slot::Host => &f.host,
            Slot::Bytes => &f.bytes,
            Slot::Responsecode => &f.responsecode,
            Slot::Action => &f.action,
        }
    }

    fn of_mut(self, f: &mut Fields) -> &mut Vec<String> {
        match self {
            Slot::Time => &mut f.time,
            Slot::Clientip => &mut f.clientip,
            Slot::User => &mut f.user,
            Slot::Url => &mut f.url,
            Slot::Resource => &mut f.resource,
            Slot::Host => &mut f.host,
            Slot::Bytes => &mut f.bytes,
            Slot::Responsecode => &mut f.responsecode,
            Slot::Action => &mut f.action,
        }
    }

    /// Whether the format reads this field at all.
    fn read_by(self, format: Format) -> bool {
        match self {
            Slot::Url | Slot::Responsecode => format == Format::Jsonl,
            Slot::Resource | Slot::Host => format == Format::Csv,
            _ => true,
        }
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// Today's schema of each format.
fn format_defaults(format: Format) -> Fields {
    match format {
        Format::Jsonl => Fields {
            preset: None,
            time: strings(&["time"]),
            clientip: strings(&["clientip"]),
            user: strings(&["user"]),
            url: strings(&["url"]),
            resource: Vec::new(),
            host: Vec::new(),
            bytes: strings(&["responsesize"]),
            responsecode: strings(&["responsecode"]),
            action: strings(&["action"]),
            deny_values: strings(&["DENY"]),
            allow_values: strings(&["ALLOW"]),
        },
        Format::Csv => Fields {
            preset: None,
            time: strings(&["timestamp"]),
            clientip: strings(&["clientip"]),
            user: strings(&["user"]),
            url: Vec::new(),
            resource: strings(&["resource"]),
            host: strings(&["host"]),
            bytes: strings(&["bytes"]),
            responsecode: Vec::new(),
            action: strings(&["success"]),
            deny_values: strings(&["false"]),
            allow_values: strings(&["true"]),
        },
    }
}

fn preset_fields(preset: Preset) -> Fields {
    match preset {
        Preset::Ecs => Fields {
            preset: None,
            time: strings(&["@timestamp"]),
            clientip: strings(&["source.ip"]),
            user: strings(&["user.name"]),
            url: strings(&["url.full", "url.original"]),
            resource: Vec::new(),
            host: Vec::new(),
            bytes: strings(&["http.response.bytes", "http.response.body.bytes"]),
            responsecode: strings(&["http.response.status_code"]),
            action: strings(&["event.type"]),
            deny_values: strings(&["denied"]),
            allow_values: Vec::new(),
        },
    }
}

/// The mapping in force for one input.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mapping {
    /// Alternatives per slot (empty: not read by this format).
    pub paths: [Vec<String>; 9],
    pub deny: Vec<String>,
    pub allow: Vec<String>,
    /// Slots the user named (not defaults or preset): an analysis where
    /// one of them never appears is an error naming it.
    pub explicit: u16,
    /// Exactly the format's default schema (JSONL then takes its fast path
    /// and keeps today's strict types).
    pub is_default: bool,
    /// The resolved mapping, as echoed in the report.
    pub echo: Fields,
}

impl Mapping {
    /// Format defaults, then the preset, then the user's fields.
    pub fn resolve(user: &Fields, format: Format) -> Result<Mapping, Error> {
        let mut f = format_defaults(format);
        let defaults = f.clone();
        if let Some(preset) = user.preset {
            if format != Format::Jsonl {
                return Err(Error::InvalidConfig(format!(
                    "preset `{preset}` maps JSON fields; this input is CSV (map its columns \
                     with `fields` instead)"
                )));
            }
            let p = preset_fields(preset);
            for slot in Slot::ALL {
                if !slot.of(&p).is_empty() {
                    *slot.of_mut(&mut f) = slot.of(&p).clone();
                }
            }
            f.deny_values = p.deny_values;
            f.allow_values = p.allow_values;
            f.preset = Some(preset);
        }
        let mut explicit = 0;
        for slot in Slot::ALL {
            let given = slot.of(user);
            if given.is_empty() {
                continue;
            }
            if !slot.read_by(format) {
                let why = match format {
                    Format::Jsonl => {
                        "JSONL reads no such field (the destination is the url's host)"
                    }
                    Format::Csv => "CSV reads no such column",
                };
                return Err(Error::InvalidConfig(format!(
                    "`fields.{}` is set but this input is {}: {why}",
                    slot.key(),
                    format.as_str().to_ascii_uppercase(),
                )));
            }
            *slot.of_mut(&mut f) = given.clone();
            explicit |= slot.bit();
        }
        if !user.deny_values.is_empty() {
            f.deny_values = user.deny_values.clone();
        }
        if !user.allow_values.is_empty() {
            f.allow_values = user.allow_values.clone();
        }
        if let Some(v) = f.deny_values.iter().find(|v| f.allow_values.contains(v)) {
            return Err(Error::InvalidConfig(format!(
                "`fields`: \"{v}\" is in both deny_values and allow_values"
            )));
        }
        Ok(Mapping {
            paths: Slot::ALL.map(|s| s.of(&f).clone()),
            deny: f.deny_values.clone(),
            allow: f.allow_values.clone(),
            explicit,
            is_default: f == defaults,
            echo: f,
        })
    }

    /// The name a message puts in backticks for a slot: its alternatives
    /// (`url.full` or `url.original`).
    pub fn name(&self, slot: Slot) -> Cow<'_, str> {
        match self.paths[slot as usize].as_slice() {
            [] => Cow::Borrowed(slot.key()),
            [one] => Cow::Borrowed(one),
            many => Cow::Owned(many.join("` or `")),
        }
    }

    /// The explicitly mapped fields no accepted line had, if any.
    pub fn never_seen(&self, seen: u16) -> Option<Error> {
        let missing: Vec<String> = Slot::ALL
            .iter()
            .filter(|s| self.explicit & s.bit() != 0 && seen & s.bit() == 0)
            // Not `{:?}`: Debug-escaping strings brings Unicode tables into
            // the .wasm.
            .map(|s| {
                format!(
                    "`fields.{}` = \"{}\"",
                    s.key(),
                    self.paths[*s as usize].join("\", \"")
                )
            })
            .collect();
        (!missing.is_empty()).then(|| {
            Error::InvalidConfig(format!(
                "no accepted line has the mapped field {}: check the name and its nesting \
                 (a path like `source.ip` reads {{\"source\":{{\"ip\":…}}}} or a member named \
                 \"source.ip\")",
                missing.join(", ")
            ))
        })
    }
}

/// One member path being looked for inside an object: which slot, which
/// alternative, and what is left of the path below this object.
#[derive(Clone, Copy)]
struct Want<'p> {
    slot: usize,
    alt: usize,
    rest: &'p str,
}

/// The values found for each slot's alternatives in one JSON object.
pub(crate) struct Found<'a> {
    /// `(slot, alternative) -> value`; a handful of entries.
    values: Vec<(usize, usize, Value<'a>)>,
    /// A path that occurred twice (literally and nested, or repeated).
    pub duplicate: Option<(usize, usize)>,
}

impl<'a> Found<'a> {
    /// The first alternative present and not null, with its index.
    pub fn get(&self, slot: Slot) -> Option<(usize, Value<'a>)> {
        let s = slot as usize;
        let mut best: Option<(usize, Value<'a>)> = None;
        for &(vs, alt, v) in &self.values {
            if vs == s && !matches!(v, Value::Null) && best.as_ref().is_none_or(|(b, _)| alt < *b) {
                best = Some((alt, v));
            }
        }
        best
    }
}

/// Reads every mapped path from the object `line`. Fails like
/// [`json::for_each_member`] when the line is not one JSON object.
pub(crate) fn find<'a>(line: &'a str, mapping: &Mapping) -> Result<Found<'a>, json::JsonError> {
    let wants: Vec<Want<'_>> = mapping
        .paths
        .iter()
        .enumerate()
        .flat_map(|(slot, alts)| {
            alts.iter()
                .enumerate()
                .map(move |(alt, p)| Want { slot, alt, rest: p })
        })
        .collect();
    let mut found = Found {
        values: Vec::new(),
        duplicate: None,
    };
    scan(line, &wants, &mut found)?;
    Ok(found)
}

fn scan<'a>(
    obj: &'a str,
    wants: &[Want<'_>],
    found: &mut Found<'a>,
) -> Result<(), json::JsonError> {
    // Nested objects to look into, with what is wanted inside each.
    let mut nested: Vec<(&'a str, Vec<Want<'_>>)> = Vec::new();
    json::for_each_member(obj, |k, v| {
        let key = k.decode();
        let mut inner: Vec<Want<'_>> = Vec::new();
        for w in wants {
            if w.rest == key {
                if found
                    .values
                    .iter()
                    .any(|&(s, a, _)| s == w.slot && a == w.alt)
                {
                    found.duplicate.get_or_insert((w.slot, w.alt));
                }
                found.values.push((w.slot, w.alt, v));
            } else if let Some(rest) = w
                .rest
                .strip_prefix(key.as_ref())
                .and_then(|r| r.strip_prefix('.'))
            {
                inner.push(Want { rest, ..*w });
            }
        }
        if let (false, Value::Object(text)) = (inner.is_empty(), v) {
            nested.push((text, inner));
        }
    })?;
    for (text, inner) in nested {
        scan(text, &inner, found)?;
    }
    Ok(())
}

/// The texts of an action value: a string, a boolean or number as written,
/// or the string elements of an array. `None` for another type.
pub(crate) fn action_texts<'a>(v: &Value<'a>) -> Option<Vec<Cow<'a, str>>> {
    match v {
        Value::Str(s) => Some(vec![s.decode()]),
        Value::Num(n) => Some(vec![Cow::Borrowed(n)]),
        Value::Bool(b) => Some(vec![Cow::Borrowed(if *b { "true" } else { "false" })]),
        Value::Array(text) => {
            let mut out = Vec::new();
            let mut only_strings = true;
            json::for_each_element(text, |e| match e {
                Value::Str(s) => out.push(s.decode()),
                _ => only_strings = false,
            })
            .ok()?;
            only_strings.then_some(out)
        }
        Value::Null | Value::Object(_) => None,
    }
}
