#!/usr/bin/env bash
# Writes a JSONL proxy log with N events from N distinct client IPs (one
# event each, times increasing by 10 ms from 2026-02-10T08:00:00Z), for the
# many-entities measurement in docs/PERFORMANCE.md. Every event is allowed
# unless DENY_EVERY=K is set (then every K-th is denied, which makes each of
# those one-event IPs a High Deny Rate anomaly).
#
#   scripts/many-entities.sh 1000000 > /tmp/million-ips.jsonl
set -euo pipefail
n=${1:?usage: many-entities.sh EVENTS}
awk -v n="$n" -v deny="${DENY_EVERY:-0}" 'BEGIN {
    for (i = 0; i < n; i++) {
        ms = i * 10
        s = int(ms / 1000); frac = ms % 1000
        h = 8 + int(s / 3600); m = int((s % 3600) / 60); sec = s % 60
        ip = sprintf("10.%d.%d.%d", int(i / 65536) % 256, int(i / 256) % 256, i % 256)
        action = (deny > 0 && i % deny == 0) ? "DENY" : "ALLOW"
        printf "{\"time\":\"2026-02-10T%02d:%02d:%02d.%03dZ\",\"clientip\":\"%s\",\"url\":\"https://h%d.example/p\",\"action\":\"%s\",\"responsesize\":%d}\n", h, m, sec, frac, ip, i % 50, action, 1000 + (i * 7919) % 9000
    }
}'
