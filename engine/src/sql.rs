//! The SQL the engine runs: plain DataFusion SQL (CASE, regular
//! expressions, casts, aggregates and one window function), so a stock
//! Ballista executor runs it with no user-defined function.
//!
//! Every input (a path argument: a file, a directory or a glob) is its own
//! table `t0`, `t1`, …; [`events`] projects each onto the same columns
//! (a column an input lacks is NULL) with the input's index, and
//! [`parsed`] checks each row in the detector's order (docs/DESIGN.md
//! "Input": time, clientip, url, action, responsesize, then the optional
//! numbers), so a row is rejected with the same kind as natively.

use datafusion::arrow::datatypes::{DataType, Schema};
use detector::EntityField;

/// Nanoseconds in a day, a minute and a second.
const DAY: i64 = 86_400_000_000_000;
const MINUTE: i64 = 60_000_000_000;
const SECOND: i64 = 1_000_000_000;

/// RFC 3339 as the detector reads it (after `upper`, so `t` and `z` pass):
/// a date, `T` or a space, a time with any fraction, and `Z` or an offset.
const TIME: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$";
/// A dotted quad without leading zeros (Rust's `Ipv4Addr` syntax).
const IPV4: &str = r"^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";
/// IPv6, loosely: hex groups and colons (an embedded IPv4 allowed).
const IPV6: &str = r"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$";
/// An absolute URL whose host is a plain DNS name or dotted quad, with an
/// optional port: the detector's fast path. Group 1 is the host.
const URL: &str = r"^[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9._-]+)(:[0-9]{0,5})?([/?#].*)?$";

/// The columns an input's events are read from, by field.
const FIELDS: [(&str, &str); 8] = [
    ("time", "VARCHAR"),
    ("clientip", "VARCHAR"),
    ("url", "VARCHAR"),
    ("action", "VARCHAR"),
    ("responsesize", "BIGINT"),
    ("requestsize", "BIGINT"),
    ("responsecode", "BIGINT"),
    ("user", "VARCHAR"),
];

/// Why an input cannot be read by the engine (a column of a type the SQL
/// does not check), or `Ok` with its projection.
fn projection(input: usize, schema: &Schema) -> Result<String, String> {
    let mut cols = vec![format!("CAST({input} AS INT) AS input")];
    for (name, ty) in FIELDS {
        let expr = match schema.field_with_name(name) {
            Err(_) => format!("CAST(NULL AS {ty}) AS \"{name}\""),
            Ok(f) => {
                let ok = match ty {
                    "VARCHAR" => matches!(
                        f.data_type(),
                        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
                    ),
                    _ => f.data_type().is_integer() || *f.data_type() == DataType::Null,
                };
                if !ok {
                    return Err(format!(
                        "field `{name}` is {} here; the engine reads {} (RFC 3339 times)",
                        f.data_type(),
                        ty.to_lowercase()
                    ));
                }
                format!("CAST(\"{name}\" AS {ty}) AS \"{name}\"")
            }
        };
        cols.push(expr);
    }
    Ok(format!("SELECT {} FROM t{input}", cols.join(", ")))
}

/// `events`: every input's rows on the same columns.
pub(crate) fn events(schemas: &[Schema]) -> Result<String, String> {
    let parts = schemas
        .iter()
        .enumerate()
        .map(|(i, s)| projection(i, s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(parts.join(" UNION ALL "))
}

/// Local second of day of `t` (ns) at a fixed offset (minutes).
fn second_of_day(offset_minutes: i32) -> String {
    let off = i64::from(offset_minutes) * MINUTE;
    format!(
        "(((t % {DAY}) + {two_days} + ({off})) % {DAY}) / {SECOND}",
        two_days = 2 * DAY
    )
}

/// Whether a local second of day `sod` is in [start, end) hours (wrapping).
fn off_hours(start_hour: u32, end_hour: u32) -> String {
    let (s, e) = (i64::from(start_hour) * 3600, i64::from(end_hour) * 3600);
    if s <= e {
        format!("(sod >= {s} AND sod < {e})")
    } else {
        format!("(sod >= {s} OR sod < {e})")
    }
}

/// What the parsed rows need to know of the config.
pub(crate) struct Parse {
    pub entity: EntityField,
    pub offset_minutes: i32,
    pub start_hour: u32,
    pub end_hour: u32,
}

/// `parsed`: per row its input, rejection kind (NULL when accepted), and
/// for accepted rows the time `t` (UTC ns), `entity`, destination `host`,
/// `denied` (0/1), `bytes`, local `hour` and `off` (0/1).
pub(crate) fn parsed(events: &str, p: &Parse) -> String {
    let entity = match p.entity {
        EntityField::Clientip => "clientip",
        EntityField::User => "CASE WHEN \"user\" <> '' THEN \"user\" END",
        EntityField::Host => "host",
    };
    let sod = second_of_day(p.offset_minutes);
    let off = off_hours(p.start_hour, p.end_hour);
    format!(
        "WITH e AS ({events}), \
         r AS (SELECT input, \"time\", clientip, url, action, responsesize, requestsize, responsecode, \"user\", \
               CASE WHEN regexp_like(upper(\"time\"), '{TIME}') \
                    THEN CAST(TRY_CAST(regexp_replace(upper(\"time\"), '(\\.[0-9]{{9}})[0-9]+', '\\1') AS TIMESTAMP) AS BIGINT) END AS t, \
               CASE WHEN regexp_like(url, '{URL}') THEN lower(regexp_replace(url, '{URL}', '\\1')) END AS host \
               FROM e), \
         k AS (SELECT input, t, host, action, responsesize, {entity} AS entity, \
               CASE WHEN \"time\" IS NULL THEN 'missing_field' \
                    WHEN t IS NULL THEN 'invalid_time' \
                    WHEN clientip IS NULL THEN 'missing_field' \
                    WHEN NOT (regexp_like(clientip, '{IPV4}') OR regexp_like(clientip, '{IPV6}')) THEN 'invalid_clientip' \
                    WHEN url IS NULL THEN 'missing_field' \
                    WHEN host IS NULL THEN 'invalid_url' \
                    WHEN action IS NULL THEN 'missing_field' \
                    WHEN action NOT IN ('ALLOW', 'DENY') THEN 'invalid_action' \
                    WHEN responsesize IS NULL THEN 'missing_field' \
                    WHEN responsesize < 0 THEN 'invalid_value' \
                    WHEN requestsize < 0 THEN 'invalid_value' \
                    WHEN responsecode < 0 OR responsecode > 999 THEN 'invalid_value' \
                    WHEN {entity} IS NULL THEN 'missing_field' \
               END AS reject FROM r), \
         s AS (SELECT input, reject, t, entity, host, \
               CASE WHEN action = 'DENY' THEN 1 ELSE 0 END AS denied, responsesize AS bytes, \
               {sod} AS sod FROM k), \
         parsed AS (SELECT input, reject, t, entity, host, denied, bytes, \
               CAST(sod / 3600 AS INT) AS hour, CASE WHEN {off} THEN 1 ELSE 0 END AS off FROM s)"
    )
}

/// Rows per input, rejection kind (NULL: accepted) and UTC minute (NULL
/// for rejected rows): line counts, rejection counts and the activity.
pub(crate) fn counts(parsed: &str) -> String {
    format!(
        "{parsed} SELECT input, reject, \
         CASE WHEN t >= 0 THEN t / {MINUTE} ELSE (t - {m1}) / {MINUTE} END AS minute, \
         COUNT(*) AS n FROM parsed GROUP BY 1, 2, 3",
        m1 = MINUTE - 1
    )
}

/// Per entity: events, denied, bytes, off-hours events, distinct hosts,
/// first and last time, and the 60 s peak with the start of its earliest
/// window. The peak is a window function: for each event, the entity's
/// events in [t, t + 60 s) — a RANGE frame over integer nanoseconds from
/// the current row (its peers included) to 60 s − 1 ns after it.
pub(crate) fn entities(parsed: &str) -> String {
    format!(
        "{parsed}, ok AS (SELECT * FROM parsed WHERE reject IS NULL), \
         w AS (SELECT entity, t, COUNT(*) OVER (PARTITION BY entity ORDER BY t \
               RANGE BETWEEN CURRENT ROW AND {w} FOLLOWING) AS n FROM ok), \
         peaks AS (SELECT entity, MAX(n) AS peak, first_value(t ORDER BY n DESC, t ASC) AS peak_start \
               FROM w GROUP BY entity), \
         sums AS (SELECT entity, COUNT(*) AS events, SUM(denied) AS denied, SUM(bytes) AS bytes, \
               SUM(off) AS off_hours, COUNT(DISTINCT host) AS hosts, MIN(t) AS first_seen, MAX(t) AS last_seen \
               FROM ok GROUP BY entity) \
         SELECT sums.entity, events, denied, bytes, off_hours, hosts, first_seen, last_seen, peak, peak_start \
         FROM sums JOIN peaks ON sums.entity = peaks.entity",
        w = MINUTE - 1
    )
}

/// Evidence of the flagged entities: per entity, host and local hour,
/// events, denied events and bytes.
pub(crate) fn evidence(parsed: &str, flagged: &[&str]) -> String {
    let list = flagged
        .iter()
        .map(|e| format!("'{}'", e.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{parsed} SELECT entity, host, hour, COUNT(*) AS n, SUM(denied) AS denied, SUM(bytes) AS bytes \
         FROM parsed WHERE reject IS NULL AND entity IN ({list}) GROUP BY 1, 2, 3"
    )
}
