#!/usr/bin/env bash
# A local Apache Ballista cluster on loopback: one scheduler and two
# executors, built from Ballista's published crates (the engine crate's
# `signaltrace-ballista` binary). Prints the scheduler's URL for
# `signaltrace analyze --engine URL`.
#
#   scripts/cluster.sh start   # builds if needed, starts, waits until ready
#   scripts/cluster.sh stop    # stops the processes it started
#
# SIGNALTRACE_CLUSTER_PORT (default 50050) is the scheduler's port; the
# executors take the next four. Logs and pid files: target/cluster/.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${SIGNALTRACE_CLUSTER_PORT:-50050}
dir=target/cluster
bin=${SIGNALTRACE_BALLISTA_BIN:-target/debug/signaltrace-ballista}

# Waits up to $2 seconds for 127.0.0.1:$1 to accept connections.
wait_port() {
  local deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.5
  done
}

stop() {
  local f pid
  for f in "$dir"/*.pid; do
    [[ -e $f ]] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

start() {
  if [[ -z ${SIGNALTRACE_BALLISTA_BIN:-} ]]; then
    cargo build --locked -q -p signaltrace-engine --bin signaltrace-ballista
  fi
  stop
  mkdir -p "$dir"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "cluster.sh: port $port is taken (set SIGNALTRACE_CLUSTER_PORT)" >&2
    exit 1
  fi
  "$bin" scheduler "$port" >"$dir/scheduler.log" 2>&1 &
  echo $! >"$dir/scheduler.pid"
  wait_port "$port" 30 || { echo "cluster.sh: the scheduler did not start (see $dir/scheduler.log)" >&2; stop; exit 1; }
  local i flight grpc
  for i in 1 2; do
    flight=$((port + 2 * i - 1))
    grpc=$((port + 2 * i))
    mkdir -p "$dir/work$i"
    "$bin" executor "$port" "$flight" "$grpc" "$PWD/$dir/work$i" >"$dir/executor$i.log" 2>&1 &
    echo $! >"$dir/executor$i.pid"
  done
  for i in 1 2; do
    wait_port $((port + 2 * i - 1)) 30 || { echo "cluster.sh: executor $i did not start (see $dir/executor$i.log)" >&2; stop; exit 1; }
  done
  # Executors register with the scheduler right after they listen.
  sleep 2
  echo "ballista://127.0.0.1:$port"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/cluster.sh start|stop" >&2; exit 2 ;;
esac
