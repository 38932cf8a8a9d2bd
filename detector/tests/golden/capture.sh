#!/usr/bin/env bash
# Writes the golden reports that tests/golden.rs compares against, using the
# `signaltrace` CLI as it is at the time of running. Run it only on code whose
# output is known good (it was first run on the code before issue 9's
# restructuring); the test then proves that later code gives the same bytes.
#
#   detector/tests/golden/capture.sh   # SIGNALTRACE=path/to/binary to skip the build
#
# For every case in cases.tsv: <case>.json is the report with `--logs none
# --pretty`, <case>.txt the `--text` view, and SHA256SUMS the hash of the
# complete compact report (all raw rows), which is too big to keep whole.
set -euo pipefail
cd "$(dirname "$0")/../../.."
golden=detector/tests/golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=${SIGNALTRACE:-target/debug/signaltrace}
[[ -n "${SIGNALTRACE:-}" ]] || cargo build -q -p signaltrace
: >"$golden/SHA256SUMS"
while IFS=$'\t' read -r case input config; do
    [[ -z "$case" || "$case" == \#* ]] && continue
    case "$input" in
        generate:*)
            IFS=: read -r _ events seed <<<"$input"
            file="$work/$case.jsonl"
            "$bin" generate --events "$events" --seed "$seed" --out "$file" 2>/dev/null
            ;;
        *) file="$input" ;;
    esac
    printf '%s' "$config" >"$work/$case.config.json"
    args=("$file" --config "$work/$case.config.json")
    "$bin" analyze "${args[@]}" --logs none --pretty >"$golden/$case.json"
    "$bin" analyze "${args[@]}" --text >"$golden/$case.txt"
    sum=$("$bin" analyze "${args[@]}" | sha256sum | cut -d' ' -f1)
    printf '%s  %s\n' "$sum" "$case" >>"$golden/SHA256SUMS"
done <"$golden/cases.tsv"
