#!/usr/bin/env bash
# Two builds of the CLI timed in alternation on one file, so that a shared
# machine's changing speed falls on both alike (docs/PERFORMANCE.md).
#
#   scripts/bench-ab.sh OLD_BINARY NEW_BINARY [FILE]
#   RUNS=11 THREADS=2 scripts/bench-ab.sh ...     (defaults: 11 runs, 1 thread)
#
# FILE defaults to the 1M-event file scripts/bench.sh writes. Each run is
# `BINARY analyze FILE --no-logs --threads THREADS`; the script prints the best
# and the median wall time of each binary, and checks both wrote the same report.
# Make the old binary with, e.g.:
#   git worktree add /tmp/old COMMIT && (cd /tmp/old && cargo build --release -p signaltrace)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,12p "$0"; exit 2; }
old=$1 new=$2
file=${3:-target/bench-data/events-1000000.jsonl}
runs=${RUNS:-11} threads=${THREADS:-1}
[ -f "$file" ] || { echo "bench-ab: no $file (scripts/bench.sh writes it)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$file" >/dev/null # warm the page cache
for _ in $(seq "$runs"); do
  for which in old new; do
    bin=${!which}
    /usr/bin/time -f "%e" -a -o "$tmp/$which.times" \
      "$bin" analyze "$file" --no-logs --threads "$threads" >"$tmp/$which.json"
  done
done
cmp -s "$tmp/old.json" "$tmp/new.json" && same="the same report" || same="DIFFERENT reports"
echo "$runs runs each, alternating, $threads thread(s), $file: $same"
for which in old new; do
  sort -n "$tmp/$which.times" | awk -v w="$which" -v b="${!which}" \
    '{t[NR]=$1} END{printf "%s (%s): best %.2f s, median %.2f s\n", w, b, t[1], t[int((NR+1)/2)]}'
done
