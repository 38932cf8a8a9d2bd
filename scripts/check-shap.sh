#!/usr/bin/env bash
# Runs scripts/check-shap.py (signaltrace's TreeSHAP attributions against
# shap.TreeExplainer on scikit-learn's IsolationForest) with scikit-learn and
# shap installed once into target/shap-venv (pip, PyPI). A measurement, not a
# test: it prints agreement figures and does not fail on them.
#
# Usage: scripts/check-shap.sh [--trees 100,1000] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

venv=target/shap-venv
if ! "$venv/bin/python" -c 'import shap, sklearn' >/dev/null 2>&1; then
  step "installing scikit-learn 1.9.1 and shap 0.51.0 into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'scikit-learn==1.9.1' 'shap==0.51.0'
fi
ensure_rust
cargo build --release --locked -q -p signaltrace
"$venv/bin/python" scripts/check-shap.py "$@"
