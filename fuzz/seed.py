#!/usr/bin/env python3
"""Writes seed inputs for every fuzz target from the sample logs in data/.

Usage: python3 fuzz/seed.py OUT_DIR   (creates OUT_DIR/<target>/...)
The committed corpus (fuzz/corpus/) was made by fuzzing from these seeds and
minimizing with `cargo fuzz cmin`; this script is only needed to start over.
"""
import hashlib, json, os, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1]

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

jsonl_lines = []
for name in sorted(os.listdir(os.path.join(root, "data"))):
    if name.endswith(".jsonl"):
        with open(os.path.join(root, "data", name), "rb") as f:
            lines = f.read().split(b"\n")
        jsonl_lines += [l for l in lines[:: max(1, len(lines) // 12)] if l][:12]

times, urls = set(), set()
for l in jsonl_lines:
    put("jsonl", l)
    o = json.loads(l)
    times.add(o["time"]); urls.add(o["url"])
for i in range(0, len(jsonl_lines) - 3, 4):
    put("jsonl", b"\n".join(jsonl_lines[i:i + 3]) + b"\r\n\n")
# Edges of the JSON grammar the scanner validates itself.
for l in [r'{"a":"\ud83d\ude00\u00e9\"\\\/\b\f\n\r\t","b":[1,-0.5e+3,{"c":null}],"d":true}',
          '{}', ' {"time" : "x" } ', '{"n":1E400}', '\ufeff{"a":1}', '[' * 130]:
    put("jsonl", l)

times |= {"2026-02-14T10:02:15+02:00", "2026-02-14 10:02:15.123456789123z",
          "2024-02-29t23:59:59-14:00", "1678-01-01T00:00:00Z", "2261-12-31T23:59:59.999999999Z"}
for t in times:
    put("time", t)
urls |= {"https://user:pw@Host.Example:8443/p?q#f", "http://[2001:DB8::1]:80/",
         "ftp://x.y#frag", "HTTP://ÉXAMPLE.com/"}
for u in urls:
    put("url", u)

with open(os.path.join(root, "data", "insider_sample.csv"), "rb") as f:
    rows = f.read().split(b"\n")
header, body = rows[0], [r for r in rows[1:] if r]
for r in body[:: max(1, len(body) // 20)]:
    put("csv", b"\x00" + r + b"\n")
put("csv", b"\x01" + header + b"\n" + b"\n".join(body[:3]) + b"\n")
put("csv", b"\x03" + header + b"\r\n" + b'"quoted, field","x""y",3\n')

readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
toml_block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
put("config", toml_block)
put("config", 'entity = "user"\nlogs = "none"\nallowlist = ["10.0.0.0/8", "::1/128", "alice"]\n'
              'pseudonymize = "a long key"\n[forest]\nmin_entities = 2\ntrees = 3\n[off_hours]\n'
              'start_hour = 22\nend_hour = 6\nutc_offset_minutes = -300\n')
put("config", json.dumps({"rules": {"deny_rate": 0.5}, "forest": {"seed": 7, "min_entities": 2},
                          "csv": {"timestamp": "TIMESTAMP"}, "input": {"format": "csv"}}))

for i in range(0, len(jsonl_lines) - 4, 5):
    put("chunked", b"\x02\x07\x1f\x03" + b"\n".join(jsonl_lines[i:i + 4]))
put("chunked", b"\x01\x05" + header + b"\n" + b"\n".join(body[:4]))
