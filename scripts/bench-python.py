#!/usr/bin/env python3
"""The Python + scikit-learn baseline that the README's speed claim compares
signaltrace against: the same per-client-IP analysis of a JSONL proxy log
(docs/DESIGN.md "Input", "Entities and features", "Rules", "Isolation Forest",
"Scoring"), with default settings, written the straightforward way: the file
read line by line, each line decoded with the stdlib's json.loads, one dict of
per-entity accumulators, then sklearn's IsolationForest on the features.

Prints a summary to stdout and the wall time split (imports, parse+aggregate,
forest, total) to stderr. --features-out PATH writes every entity's features,
rules, score and severity as JSON (to compare with `signaltrace analyze`'s
`entities`). Malformed lines are counted and skipped.

Known differences from signaltrace, on unusual input only: json.loads keeps
the last of duplicated keys (signaltrace rejects the line) and accepts NaN;
hosts come from urlsplit, not a WHATWG parser (IDN, odd IPv4 spellings); the
forest's random stream is sklearn's (random_state=0), so scores differ a bit.

Usage: scripts/bench-python.py FILE.jsonl [--features-out PATH]
       (needs scikit-learn; scripts/bench-python.sh installs it and times it)
"""
import time

T0 = time.perf_counter()

import argparse, json, re, sys
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from ipaddress import ip_address
from urllib.parse import urlsplit

import numpy as np
from sklearn.ensemble import IsolationForest

FEATURES = ["requests_per_minute_peak", "deny_rate", "total_bytes_transferred",
            "unique_hosts_count", "off_hours_request_ratio"]
RULES = [("High Burst", "requests_per_minute_peak", 100),
         ("High Deny Rate", "deny_rate", 0.6),
         ("Extreme Data Transfer", "total_bytes_transferred", 50_000_000),
         ("High Unique Hosts", "unique_hosts_count", 20),
         ("High Off-Hours Activity", "off_hours_request_ratio", 0.7)]
OFF_HOURS = (0, 5)  # [start, end) UTC hour
NS = 1_000_000_000
MAX_LINE = 1 << 20

RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)


def nanos(text):
    """RFC 3339 -> UTC nanoseconds since the epoch (digits past the ns dropped)."""
    frac = RFC3339.fullmatch(text).group(1) or ""  # the shape (AttributeError if not)
    dt = datetime.fromisoformat(text.upper())  # the values, to the microsecond
    if not 1678 <= dt.year <= 2261:
        raise ValueError("year out of range")
    return (dt - EPOCH) // MICROSECOND * 1000 + int(frac[7:10].ljust(3, "0"))


@lru_cache(maxsize=None)
def is_ip(text):
    try:
        ip_address(text)
        return True
    except ValueError:
        return False


def uint(v):
    return type(v) is int and v >= 0


class Entity:
    __slots__ = ("count", "denied", "bytes", "off_hours", "hosts", "times")

    def __init__(self):
        self.count = self.denied = self.bytes = self.off_hours = 0
        self.hosts, self.times = set(), []


def parse(ev):
    """(time ns, clientip, host, denied, bytes) of a decoded line; raises if malformed."""
    t = nanos(ev["time"])
    ip, url, action, size = ev["clientip"], ev["url"], ev["action"], ev["responsesize"]
    if type(ip) is not str or not is_ip(ip):
        raise ValueError("clientip")
    if type(url) is not str or "://" not in url:
        raise ValueError("url")
    parts = urlsplit(url)
    host = parts.hostname
    parts.port  # raises ValueError for an invalid port
    if not host:
        raise ValueError("url host")
    if action not in ("ALLOW", "DENY") or not uint(size):
        raise ValueError("action/responsesize")
    for k in ("requestsize", "responsecode"):
        if ev.get(k) is not None and not uint(ev[k]):
            raise ValueError(k)
    if ev.get("responsecode") is not None and ev["responsecode"] > 999:
        raise ValueError("responsecode")
    for k in ("user", "method", "useragent", "category"):
        if ev.get(k) is not None and type(ev[k]) is not str:
            raise ValueError(k)
    return t, ip, host, action == "DENY", size


def peak_per_minute(times):
    """Most events in a half-open window [t, t + 60 s), t one of the times."""
    times.sort()
    best, j = 0, 0
    for i, t in enumerate(times):
        end = t + 60 * NS
        while j < len(times) and times[j] < end:
            j += 1
        best = max(best, j - i)
    return best


def severity(rules, outlier, score):
    r = set(rules)
    if {"High Burst", "High Deny Rate"} <= r or {"Extreme Data Transfer", "High Off-Hours Activity"} <= r:
        return "Critical"
    if len(r) >= 2:
        return "High"
    if len(r) == 1 or (outlier and score >= 0.75):
        return "Medium"
    return "Low" if outlier else None


def judge(names, counts, rows):
    """The forest, rules and severities over the entities (names sorted, their
    event counts, their feature dicts): the --features-out report, a summary
    line, and when the forest was done (for the time split)."""
    n = len(rows)
    X = np.array([[r[k] for k in FEATURES] for r in rows], dtype=np.float32)
    scores, outliers, skipped = [None] * n, [False] * n, None
    if n < 20:
        skipped = "fewer than 20 entities"
    elif all(r == rows[0] for r in rows):
        skipped = "all entities have identical features"
    else:
        forest = IsolationForest(n_estimators=100, max_samples=min(256, n),
                                 contamination=0.1, random_state=0).fit(X)
        s = -forest.score_samples(X)
        outliers = ((forest.predict(X) == -1) & (s >= 0.6)).tolist()
        scores = s.tolist()
    t_forest = time.perf_counter()

    report = {}
    by_severity = {"Critical": 0, "High": 0, "Medium": 0, "Low": 0}
    methods = {"Rule-based": 0, "Statistical": 0, "Hybrid": 0}
    for name, count, row, score, outlier in zip(names, counts, rows, scores, outliers):
        rules = [rule for rule, feature, threshold in RULES if row[feature] >= threshold]
        sev = severity(rules, outlier, score)
        if sev:
            by_severity[sev] += 1
            methods["Hybrid" if rules and outlier else "Rule-based" if rules else "Statistical"] += 1
        report[name] = {"request_count": count, "features": row, "isolation_score": score,
                        "is_outlier": outlier, "triggered_rules": rules, "severity": sev}
    summary = (f"{n} entities, {sum(by_severity.values())} anomalies "
               f"({', '.join(f'{k} {v}' for k, v in by_severity.items())}; "
               f"{', '.join(f'{k} {v}' for k, v in methods.items())})"
               + (f", forest skipped: {skipped}" if skipped else ""))
    return report, summary, t_forest


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--features-out")
    args = ap.parse_args()
    t_start = time.perf_counter()

    entities, malformed, lineno = {}, 0, 0
    with open(args.file, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            raw = raw.rstrip(b"\n").removesuffix(b"\r")
            if lineno == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if len(raw) > MAX_LINE:
                malformed += 1
                continue
            if not raw.strip():
                continue  # blank
            try:
                ev = json.loads(raw)
                t, ip, host, denied, size = parse(ev)
            except (ValueError, KeyError, TypeError, AttributeError):
                malformed += 1
                continue
            e = entities.get(ip)
            if e is None:
                e = entities[ip] = Entity()
            e.count += 1
            e.denied += denied
            e.bytes += size
            e.off_hours += OFF_HOURS[0] <= (t // (3600 * NS)) % 24 < OFF_HOURS[1]
            e.hosts.add(host)
            e.times.append(t)

    names = sorted(entities)  # the forest sees entities sorted by value
    rows = []
    for name in names:
        e = entities[name]
        rows.append({"requests_per_minute_peak": peak_per_minute(e.times),
                     "deny_rate": e.denied / e.count,
                     "total_bytes_transferred": e.bytes,
                     "unique_hosts_count": len(e.hosts),
                     "off_hours_request_ratio": e.off_hours / e.count})
    t_parsed = time.perf_counter()

    report, summary, t_forest = judge(names, [entities[k].count for k in names], rows)
    if args.features_out:
        with open(args.features_out, "w") as out:
            json.dump(report, out, indent=1)
    t_end = time.perf_counter()

    print(f"{lineno} lines, {malformed} malformed, {summary}")
    print(f"imports {t_start - T0:.2f} s, parse+aggregate {t_parsed - t_start:.2f} s, "
          f"forest {t_forest - t_parsed:.2f} s, total {t_end - T0:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
