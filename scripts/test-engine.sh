#!/usr/bin/env bash
# The engine's tests (docs/SCALE.md): DataFusion in process, then a local
# Ballista cluster (scripts/cluster.sh) for the same checks, then the CLI's
# --engine and convert. The cluster is stopped however the tests end.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked -p signaltrace-engine --no-run
cargo build --locked -q -p signaltrace-engine --bin signaltrace-ballista
trap 'bash scripts/cluster.sh stop' EXIT
url=$(bash scripts/cluster.sh start)
echo "test-engine: Ballista cluster at $url"
SIGNALTRACE_BALLISTA=$url cargo test --locked -p signaltrace-engine
SIGNALTRACE_BALLISTA=$url cargo test --locked -p signaltrace --features engine --test engine
