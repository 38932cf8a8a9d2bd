#!/usr/bin/env bash
# schemathesis (property-based API testing from the OpenAPI document) against
# a real `signaltrace serve` on a free loopback port, logged in with the demo
# account. Exits non-zero on any failure. Bounded in time.
#
# Usage: scripts/test-schemathesis.sh [extra schemathesis options]
# Environment: SCHEMATHESIS_MAX_EXAMPLES (default 100 per operation),
#              SCHEMATHESIS_MAX_TIME (seconds, default 120), SCHEMATHESIS_SEED.
# schemathesis is installed once into target/schemathesis-venv (pip, PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

venv=target/schemathesis-venv
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-100}"
max_time="${SCHEMATHESIS_MAX_TIME:-120}"
seed="${SCHEMATHESIS_SEED:-14}"
secret="schemathesis-secret-0123456789-abcdefghijklmnop"

if ! "$venv/bin/schemathesis" --version >/dev/null 2>&1; then
  step "installing schemathesis 4.32.5 into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis==4.32.5'
fi

ensure_rust
cargo build --locked -q -p signaltrace
bin=./target/debug/signaltrace

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

: > "$work/server.log"
# A high login limit: schemathesis sends many wrong logins on purpose and
# 429s would hide the other answers. No bundle: /api only.
SIGNALTRACE_JWT_SECRET="$secret" RUST_LOG=warn "$bin" serve --addr 127.0.0.1:0 \
  --static-dir "$work/no-bundle" --login-max-failures 100000 2>"$work/server.log" &
server_pid=$!
port=""
for _ in $(seq 600); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log" | head -1 || true)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
base="http://127.0.0.1:$port"

token=$(curl -sf -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"analyst@tenex.ai","password":"password123"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

step "schemathesis against $base/api/openapi.json (≤ $max_examples examples per operation, ≤ ${max_time} s)"
started=$(date +%s)
status=0
timeout $((max_time + 120)) "$venv/bin/schemathesis" --no-color --config-file scripts/schemathesis.toml run "$base/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --max-examples "$max_examples" --max-time "$max_time" --seed "$seed" \
  --request-timeout 30 --workers 1 \
  --report junit --report-dir target/schemathesis-report "$@" || status=$?
echo "schemathesis: exit $status after $(($(date +%s) - started)) s"
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "the server died during the run:" >&2; cat "$work/server.log" >&2; exit 1
fi
exit "$status"
