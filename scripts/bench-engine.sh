#!/usr/bin/env bash
# Native vs Apache DataFusion vs a local Apache Ballista cluster
# (docs/SCALE.md "Benchmarks"): wall time and peak memory of
# `signaltrace analyze [--engine E] --no-logs INPUT` on a generated JSONL
# file and on the same events converted to Parquet, and a check that the
# engines find the same entities and anomalies.
#
#   scripts/bench-engine.sh [EVENTS...]     (default 1000000)
#
# RUNS: runs per cell, the best kept (default 3 up to 1M events, 1 above).
# Data (kept for the next run): target/bench-data/events-N.jsonl and
# events-N.parquet/; reports: target/bench-data/report-N-INPUT-ENGINE.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_rust
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
command -v python3 >/dev/null || command -v jq >/dev/null || { echo "bench-engine: needs python3 or jq" >&2; exit 1; }
(($# > 0)) || set -- 1000000

# One invocation, so Cargo resolves the features once and DataFusion and
# Ballista are compiled once for both binaries.
cargo build --release --locked -q -p signaltrace -p signaltrace-engine --features signaltrace/engine --bins
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/signaltrace
ballista=$target/release/signaltrace-ballista
data=target/bench-data
mkdir -p "$data"

cluster_up() {
  bash scripts/cluster.sh stop
  rm -rf target/cluster/work1 target/cluster/work2 # last run's shuffle files
  SIGNALTRACE_BALLISTA_BIN=$ballista bash scripts/cluster.sh start
}
trap 'bash scripts/cluster.sh stop; rm -rf target/cluster/work1 target/cluster/work2' EXIT

# Peak RSS (VmHWM, KiB) of the cluster's processes: "sum sched+e1+e2".
cluster_peak() {
  local name kib sum=0 parts=()
  for name in scheduler executor1 executor2; do
    kib=$(awk '/^VmHWM/ {print $2}' "/proc/$(cat "target/cluster/$name.pid")/status" 2>/dev/null) ||
      { echo "$name exited"; return; }
    sum=$((sum + kib))
    parts+=("$((kib / 1024))")
  done
  local IFS=+
  echo "$((sum / 1024)) (${parts[*]})"
}

# The entities as the detector judged them, one canonical line each:
# entity, anomalous?, severity, confidence and isolation score (the
# entity's risk), rules, events; then the report's totals and risk level.
summary() {
  if command -v python3 >/dev/null; then
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
flagged = {a["entity"] for a in r["anomalies"]}
rnd = lambda x: None if x is None else round(x, 6)
print(json.dumps([r["total_logs"], r["entity_count"], r["anomaly_count"], r["risk_level"]]))
for e in sorted(r["entities"], key=lambda e: e["entity"]):
    print(json.dumps([e["entity"], e["entity"] in flagged, e["severity"], rnd(e["confidence"]),
                      rnd(e["isolation_score"]), sorted(e["triggered_rules"]), e["request_count"]]))
' "$1"
  else
    jq -c '([.anomalies[].entity]) as $f | [.total_logs, .entity_count, .anomaly_count, .risk_level],
      (.entities | sort_by(.entity)[] | [.entity, (.entity as $e | $f | index($e) != null), .severity,
       .confidence, .isolation_score, (.triggered_rules | sort), .request_count])' "$1"
  fi
}

status=0
for events in "$@"; do
  runs=${RUNS:-$((events > 1000000 ? 1 : 3))}
  file=$data/events-$events.jsonl
  pq=$data/events-$events.parquet
  if [[ ! -f $file ]]; then
    echo "generating $file" >&2
    "$bin" generate --events "$events" --out "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  if [[ ! -d $pq ]]; then
    rm -rf "$pq.tmp"
    /usr/bin/time -f "bench-engine: converted to Parquet in %e s (peak RSS %M KiB)" \
      "$bin" convert "$file" --to parquet "$pq.tmp/"
    mv "$pq.tmp" "$pq"
  fi
  cat "$file" "$pq"/* >/dev/null # warm the page cache
  url=$(cluster_up)
  echo
  echo "events: $events; JSONL $(du -m "$file" | cut -f1) MiB, Parquet $(du -sm "$pq" | cut -f1) MiB ($(find "$pq" -name '*.parquet' | wc -l) files);" \
    "$(nproc) cores; best of $runs run(s) per cell; Ballista: scheduler + 2 executors on this machine ($url)"
  echo "load average at start: $(uptime | sed 's/.*load average: //')"
  echo
  echo "| events | input | engine | wall s | events/s | driver peak MiB | cluster peak MiB (sched+e1+e2) |"
  echo "|---:|---|---|---:|---:|---:|---:|"
  reports=()
  for engine in native datafusion ballista; do
    for input in jsonl parquet; do
      path=$file; [[ $input == parquet ]] && path=$pq/
      if [[ $engine == native && $input == parquet ]]; then
        echo "| $events | $input | $engine | n/a | n/a | n/a | |"
        continue
      fi
      args=()
      case $engine in
        datafusion) args=(--engine datafusion) ;;
        ballista) args=(--engine "$url") ;;
      esac
      # A fresh cluster per input: VmHWM is then this input's peak.
      if [[ $engine == ballista && $input == parquet ]]; then
        url=$(cluster_up)
        args=(--engine "$url")
      fi
      report=$data/report-$events-$input-$engine.json
      best="" mem=0 failed=""
      for _ in $(seq "$runs"); do
        if ! /usr/bin/time -f '%e %M' -o "$data/time.txt" "$bin" analyze "${args[@]}" --no-logs "$path" \
          >"$report" 2>"$data/stderr.txt"; then
          failed=1
          echo "bench-engine: FAILED: $engine on $path:" >&2
          tail -5 "$data/stderr.txt" >&2
          break
        fi
        read -r t m < <(tail -1 "$data/time.txt")
        if [[ -z $best ]] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
        ((m > mem)) && mem=$m
      done
      cluster=""
      [[ $engine == ballista ]] && cluster=$(cluster_peak)
      if [[ -n $failed ]]; then
        status=1
        echo "| $events | $input | $engine | FAILED | | | $cluster |"
        continue
      fi
      reports+=("$report")
      awk -v e="$events" -v i="$input" -v g="$engine" -v t="$best" -v m="$mem" -v c="$cluster" \
        'BEGIN{ printf "| %s | %s | %s | %.2f | %.2f M | %.0f | %s |\n", e, i, g, t, e/t/1e6, m/1024, c }'
    done
  done
  echo
  echo "load average at end: $(uptime | sed 's/.*load average: //')"
  # Every engine and input against the first (native on JSONL).
  ((${#reports[@]} > 0)) || continue
  summary "${reports[0]}" >"$data/summary-0.txt"
  echo "$(($(wc -l <"$data/summary-0.txt") - 1)) entities, anomalies $(head -1 "$data/summary-0.txt") (total_logs, entity_count, anomaly_count, risk_level) in ${reports[0]##*/}"
  for r in "${reports[@]:1}"; do
    summary "$r" >"$data/summary-1.txt"
    if cmp -s "$data/summary-0.txt" "$data/summary-1.txt"; then
      echo "same entities and anomalies: ${r##*/}"
    else
      status=1
      echo "!!! ENGINES DISAGREE: ${r##*/} differs from ${reports[0]##*/} (first differences below) !!!"
      diff "$data/summary-0.txt" "$data/summary-1.txt" | head -20 || true
    fi
  done
done
exit "$status"
