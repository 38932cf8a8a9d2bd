#!/usr/bin/env bash
# The README's "N× faster than a Python + scikit-learn pipeline", measured:
# scripts/bench-python.py (the same per-client-IP features, rules, forest and
# severities, written the straightforward way: json.loads per line, dicts,
# sklearn's IsolationForest) and scripts/bench-pandas.py (the same, vectorized:
# pd.read_json with pyarrow, str.extract, groupby, numpy searchsorted) against
# `signaltrace analyze --no-logs` with 1 and 2 threads on the same file.
# Whole-process wall times and peak RSS (/usr/bin/time), page cache warm, best
# of RUNS; scikit-learn 1.9.1, pandas 3.1.1 and pyarrow 26.0.1 go into a venv
# once.
#
#   scripts/bench-python.sh [FILE]   default: target/bench-data/events-1000000.jsonl
#   RUNS=N scripts/bench-python.sh   best of N runs (default 3)
#
# Uses the existing target/release/signaltrace (build it first, or run
# scripts/bench.sh, which also generates the default file). On a shared
# machine read the times as upper bounds: the load average is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
runs="${RUNS:-3}"
file="${1:-target/bench-data/events-1000000.jsonl}"
bin=./target/release/signaltrace
[ -x "$bin" ] || { echo "$bin not found: cargo build --release -p signaltrace" >&2; exit 1; }
[ -f "$file" ] || { echo "$file not found: $bin generate --events 1000000 --out $file" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

python=target/shap-venv/bin/python
if ! "$python" -c 'import sklearn' >/dev/null 2>&1; then
  python=target/sklearn-venv/bin/python
  if ! "$python" -c 'import sklearn' >/dev/null 2>&1; then
    step "installing scikit-learn 1.9.1 into target/sklearn-venv"
    python3 -m venv target/sklearn-venv
    target/sklearn-venv/bin/pip install --quiet --disable-pip-version-check 'scikit-learn==1.9.1'
  fi
fi
if ! "$python" -c 'import pandas, pyarrow' >/dev/null 2>&1; then
  step "installing pandas 3.1.1 and pyarrow 26.0.1 beside scikit-learn"
  "$python" -m pip install --quiet --disable-pip-version-check 'pandas==3.1.1' 'pyarrow==26.0.1'
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure CMD...: best wall time of $runs runs in $wall, that run's peak RSS
# (MB) in $rss, its stdout and stderr in $tmp/out and $tmp/err.
measure() {
  local t
  wall=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/run.out" 2>"$tmp/run.err"
    t=$(tail -1 "$tmp/time" | cut -d' ' -f1)
    if [ -z "$wall" ] || awk "BEGIN{exit !($t < $wall)}"; then
      wall=$t; rss=$(($(tail -1 "$tmp/time" | cut -d' ' -f2) / 1024))
      mv "$tmp/run.out" "$tmp/out"; mv "$tmp/run.err" "$tmp/err"
    fi
  done
}

step "$(basename "$file"): $(stat -c %s "$file") bytes; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); best of $runs runs"
"$python" -c 'import sys, numpy, sklearn; import pandas, pyarrow; print(f"Python {sys.version.split()[0]}, numpy {numpy.__version__}, scikit-learn {sklearn.__version__}, pandas {pandas.__version__}, pyarrow {pyarrow.__version__}")'
echo "$("$bin" --version), built $(date -u -r "$bin" '+%F %T UTC')"
cat "$file" >/dev/null # warm the page cache

step "Python + scikit-learn (scripts/bench-python.py)"
measure "$python" scripts/bench-python.py "$file"
py=$wall
cat "$tmp/out" "$tmp/err"
echo "best wall time: $py s, peak RSS $rss MB"

step "Python + pandas + scikit-learn (scripts/bench-pandas.py)"
measure "$python" scripts/bench-pandas.py "$file"
pd=$wall
cat "$tmp/out" "$tmp/err"
echo "best wall time: $pd s, peak RSS $rss MB"

for t in 1 2; do
  step "signaltrace analyze --no-logs --threads $t"
  measure "$bin" analyze "$file" --no-logs --threads "$t"
  declare "cli$t=$wall"
  echo "best wall time: $wall s, peak RSS $rss MB"
done

step "summary"
awk -v p="$py" -v q="$pd" -v a="$cli1" -v b="$cli2" '
  function x(n, c) { return c > 0 ? sprintf("%.1f×", n / c) : "n/a (under 0.01 s)" }
  BEGIN {
    printf "Python + scikit-learn           %6.2f s\n", p
    printf "  the same with pandas          %6.2f s\n", q
    printf "CLI, 1 thread                   %6.2f s   Python / CLI = %s, pandas / CLI = %s\n", a, x(p, a), x(q, a)
    printf "CLI, 2 threads                  %6.2f s   Python / CLI = %s, pandas / CLI = %s\n", b, x(p, b), x(q, b) }'
