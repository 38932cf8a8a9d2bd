#!/usr/bin/env bash
# The main job: build signaltrace and analyze a sample file.
# Usage: ./run.sh [FILE] [analyze options…]   (default: a credential-stuffing sample)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh
ensure_rust
cargo build --release --locked -q -p signaltrace
file="${1:-data/anomalous_credential_stuffing.jsonl}"
shift || true
exec ./target/release/signaltrace analyze "$file" --text "$@"
