#!/usr/bin/env bash
# Throughput and peak memory of `signaltrace analyze --no-logs` on a large
# generated file. Usage: scripts/bench.sh [EVENTS] [RUNS]   (default 1000000 5)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_rust
events="${1:-1000000}"
runs="${2:-5}"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --locked -q -p signaltrace
bin=./target/release/signaltrace
file="target/bench-data/events-$events.jsonl"
mkdir -p target/bench-data
[ -f "$file" ] || "$bin" generate --events "$events" --out "$file"
bytes=$(stat -c %s "$file")
cat "$file" > /dev/null  # warm the page cache
echo "file: $file ($bytes bytes, $events events), $(nproc) cores, $runs runs each"
for threads in 1 "$(nproc)"; do
  best=""; mem=0
  for _ in $(seq "$runs"); do
    out=$(/usr/bin/time -f "%e %M" "$bin" analyze "$file" --no-logs --threads "$threads" 2>&1 >/dev/null | tail -1)
    t=${out% *}; m=${out#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$m" -gt "$mem" ] && mem=$m
  done
  awk -v t="$best" -v b="$bytes" -v e="$events" -v m="$mem" -v th="$threads" 'BEGIN{
    printf "threads=%s  best %.2f s  %.0f MB/s  %.2f M events/s  peak RSS %.1f MB\n", th, t, b/t/1e6, e/t/1e6, m/1024 }'
done
