#!/usr/bin/env bash
# Speed and peak memory of every way to run signaltrace on one big generated
# proxy log, side by side with `wc -l` on the same file (issue 12; the README's
# performance table comes from this script).
#
#   scripts/bench.sh [EVENTS...]      default: 1000000; e.g. scripts/bench.sh 1000000 10000000
#   RUNS=N scripts/bench.sh ...       best of N runs per row (default 3)
#
# Rows, each on the same file with the page cache warm, no raw rows kept:
#   wc -l                       the floor: reading the file and counting lines
#   CLI, 1 thread / N threads   signaltrace analyze --no-logs --threads T
#   Node (npm package)          npm/bench/stream-node.mjs: an Analyzer fed
#                               4 MiB slices read from disk
#   Chromium, 1 / N workers     npm/bench/worker-chromium.mjs: signaltrace/worker's
#                               analyzeFile (the browser app's analysis worker)
#                               on a disk-backed File in headless Chromium, the
#                               file read by one worker, then split across one
#                               per core (as the app does)
# Wall time and peak RSS are the whole process's (/usr/bin/time), except
# Chromium's: there the time is analyzeFile's in the page (no browser start)
# and the memory the workers' WebAssembly memory (its peak, summed).
# The machine's load average is printed first: on a shared machine, read the
# times as upper bounds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_rust
runs="${RUNS:-3}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000)
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --locked -q -p signaltrace
bash scripts/setup-wasm.sh >/dev/null
bash scripts/build-npm.sh 2>/dev/null
bin=./target/release/signaltrace
threads=$(nproc)

# measure LABEL CMD...: best wall time and the largest peak RSS (KiB) over
# the runs; sets $wall and $rss.
measure() {
  local out t m
  wall=""; rss=0
  for _ in $(seq "$runs"); do
    out=$(/usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1)
    t=${out% *}; m=${out#* }
    if [ -z "$wall" ] || awk "BEGIN{exit !($t < $wall)}"; then wall=$t; fi
    if [ "$m" -gt "$rss" ]; then rss=$m; fi
  done
}

# row LABEL SECONDS MEMORY_TEXT: one table row for the file being measured;
# the first row of a file (wc -l) is the floor the last column divides by.
row() {
  [ -n "$floor" ] || floor=$2
  awk -v e="$events" -v b="$bytes" -v t="$2" -v f="$floor" -v l="$1" -v m="$3" 'BEGIN{
    printf "| %d | %.0f MB | %s | %.2f | %.0f | %.2f | %s | %.1f |\n", e, b/1e6, l, t, b/t/1e6, e/t/1e6, m, t/f }'
}
mib() { awk -v k="$1" 'BEGIN{printf "%.0f MiB RSS", k/1024}'; }

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), best of $runs runs"
echo
echo "| events | file | how | wall s | MB/s | M events/s | peak memory | × wc -l |"
echo "|---|---|---|---|---|---|---|---|"
for events in "${sizes[@]}"; do
  file="target/bench-data/events-$events.jsonl"
  mkdir -p target/bench-data
  [ -f "$file" ] || "$bin" generate --events "$events" --out "$file" >&2
  bytes=$(stat -c %s "$file")
  cat "$file" >/dev/null # warm the page cache
  floor=""

  measure wc -l "$file"
  row "wc -l" "$wall" "$(mib "$rss")"
  for t in 1 "$threads"; do
    measure "$bin" analyze "$file" --no-logs --threads "$t"
    row "CLI, $t thread$([ "$t" = 1 ] || echo s)" "$wall" "$(mib "$rss")"
  done
  measure node npm/bench/stream-node.mjs "$file"
  row "Node $(node --version) (npm package)" "$wall" "$(mib "$rss")"
  for w in 1 "$threads"; do
    best=""; mem=0
    for _ in $(seq "$runs"); do
      out=$(node npm/bench/worker-chromium.mjs "$file" "$w")
      t=$(node -p "JSON.parse(process.argv[1]).seconds" "$out")
      m=$(node -p "JSON.parse(process.argv[1]).wasm_memory" "$out")
      started=$(node -p "JSON.parse(process.argv[1]).workers" "$out")
      if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
      if [ "$m" -gt "$mem" ]; then mem=$m; fi
    done
    row "Chromium $(/usr/bin/chromium --version | awk '{print $2}'), $started worker$([ "$started" = 1 ] || echo s)" "$best" \
      "$(awk -v m="$mem" 'BEGIN{printf "%.0f MiB wasm", m/1048576}')"
  done
done
