# Shared helpers for run.sh, test.sh and CI. Every install step checks first,
# so a warm machine spends about a second here.

step() { printf '\n==> %s\n' "$*"; }

# The Rust toolchain comes with the machine (rustup); make sure the
# components the checks use are there.
ensure_rust() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    rustup component add rustfmt clippy
  fi
}
