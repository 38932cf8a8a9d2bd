#!/usr/bin/env bash
# Coverage-guided fuzzing of the detector's ingest (cargo fuzz / libFuzzer).
# Targets and numbers: docs/FUZZING.md.
#
#   scripts/fuzz.sh [smoke]                  every target for FUZZ_SECONDS (10) each over
#                                            the committed corpus; fails on any finding
#   scripts/fuzz.sh long TARGET [SECONDS] [LIBFUZZER_ARGS...]
#                                            one target (default 3600 s), growing
#                                            fuzz/corpus-work/TARGET (not committed)
#   scripts/fuzz.sh cmin TARGET [ARGS...]    fold fuzz/corpus-work/TARGET into
#                                            fuzz/corpus/TARGET and minimize it (cargo fuzz cmin)
#   scripts/fuzz.sh list                     the target names
#
# Needs the nightly toolchain (libFuzzer instrumentation). Without one it exits
# 1 with a message, or 0 when FUZZ_OPTIONAL=1. cargo-fuzz is installed at a
# pinned version when missing. Runs under `nice` (FUZZ_NICE, default 15).
# A finding is written to fuzz/artifacts/TARGET/; reproduce it with
#   cargo +nightly fuzz run -s none TARGET fuzz/artifacts/TARGET/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
TARGETS=(jsonl csv time url config chunked compressed mapped)
NICE="nice -n ${FUZZ_NICE:-15}"
# Tiny inputs keep runs fast; a hang is any input over 10 s.
LIBFUZZER_ARGS=(-max_len=4096 -timeout=10 -rss_limit_mb=2048)

step() { printf '\n==> %s\n' "$*"; }

ensure_tools() {
  if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz.sh: no nightly Rust toolchain (cargo fuzz needs it): rustup toolchain install nightly" >&2
    if [ "${FUZZ_OPTIONAL:-0}" = 1 ]; then
      echo "fuzz.sh: FUZZ_OPTIONAL=1, skipping the fuzz run" >&2
      exit 0
    fi
    exit 1
  fi
  if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    step "installing cargo-fuzz $CARGO_FUZZ_VERSION"
    $NICE cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
}

# No sanitizer: the detector has no unsafe code, and without ASan a run is
# about twice as fast. Release with debug assertions (cargo fuzz's default),
# so integer overflow panics.
build() {
  step "building fuzz targets ${*:-(all)}"
  $NICE cargo +nightly fuzz build -s none "$@"
}

run() { # run TARGET CORPUS_DIR... -- LIBFUZZER_ARGS...
  local t=$1
  shift
  $NICE cargo +nightly fuzz run -s none "$t" "$@"
}

check_target() {
  local t
  for t in "${TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done
  echo "fuzz.sh: unknown target '$1' (targets: ${TARGETS[*]})" >&2
  exit 2
}

mode=${1:-smoke}
case "$mode" in
  list)
    printf '%s\n' "${TARGETS[@]}"
    ;;
  smoke)
    ensure_tools
    build
    secs=${FUZZ_SECONDS:-10}
    # New units go to a scratch dir, so the committed corpus stays as it is.
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    for t in "${TARGETS[@]}"; do
      step "fuzz smoke: $t for ${secs}s over fuzz/corpus/$t"
      mkdir -p "$scratch/$t" "fuzz/corpus/$t"
      rc=0
      run "$t" "$scratch/$t" "fuzz/corpus/$t" -- "${LIBFUZZER_ARGS[@]}" \
        -max_total_time="$secs" -print_final_stats=1 >"$scratch/$t.log" 2>&1 || rc=$?
      grep -E '^(Done|stat::average_exec_per_sec)|INFO: seed corpus' "$scratch/$t.log" || true
      if [ "$rc" != 0 ]; then
        tail -n 60 "$scratch/$t.log" >&2
        echo "fuzz.sh: target $t failed (exit $rc); the input is in fuzz/artifacts/$t/" >&2
        exit 1
      fi
    done
    step "fuzz smoke: no findings"
    ;;
  long)
    t=${2:?usage: scripts/fuzz.sh long TARGET [SECONDS] [LIBFUZZER_ARGS...]}
    check_target "$t"
    secs=${3:-3600}
    shift $(($# < 3 ? $# : 3))
    ensure_tools
    build "$t"
    mkdir -p "fuzz/corpus-work/$t" "fuzz/corpus/$t"
    step "fuzzing $t for ${secs}s (corpus: fuzz/corpus-work/$t, seeds: fuzz/corpus/$t)"
    run "$t" "fuzz/corpus-work/$t" "fuzz/corpus/$t" -- "${LIBFUZZER_ARGS[@]}" \
      -max_total_time="$secs" -print_final_stats=1 "$@"
    ;;
  cmin)
    t=${2:?usage: scripts/fuzz.sh cmin TARGET [LIBFUZZER_ARGS...]}
    check_target "$t"
    shift 2
    ensure_tools
    mkdir -p "fuzz/corpus/$t"
    # Fold the working corpus in, then let cargo fuzz keep a minimal set.
    if [ -d "fuzz/corpus-work/$t" ]; then
      cp -n "fuzz/corpus-work/$t"/* "fuzz/corpus/$t"/ 2>/dev/null || true
    fi
    # Edge coverage only (no hit counts), so the committed corpus stays small.
    $NICE cargo +nightly fuzz cmin -s none "$t" "fuzz/corpus/$t" -- "${LIBFUZZER_ARGS[@]}" -use_counters=0 "$@"
    echo "fuzz/corpus/$t: $(find "fuzz/corpus/$t" -type f | wc -l) files, $(du -sh --apparent-size "fuzz/corpus/$t" | cut -f1)"
    ;;
  *)
    echo "usage: scripts/fuzz.sh [smoke] | long TARGET [SECONDS] [ARGS...] | cmin TARGET [ARGS...] | list" >&2
    exit 2
    ;;
esac
