# Helpers shared by the tests/dist/test-*.sh scripts (sourced, not run).

set -euo pipefail

# "ok - WHAT" when the command succeeds, else "FAILED - WHAT" and the script stops.
check() {
  local what=$1
  shift
  if "$@"; then
    echo "ok - $what"
  else
    echo "FAILED - $what" >&2
    exit 1
  fi
}

fail() {
  echo "FAILED - $*" >&2
  exit 1
}

# $PATH without any directory that holds cargo, rustc or rustup: what a user without Rust
# has. The tests install artifacts with it to show that nothing is compiled.
path_without_rust() {
  local dir out=
  local IFS=:
  for dir in $PATH; do
    [ -z "$dir" ] && continue
    if [ -e "$dir/cargo" ] || [ -e "$dir/rustc" ] || [ -e "$dir/rustup" ]; then
      continue
    fi
    out=${out:+$out:}$dir
  done
  echo "$out"
}

# Runs "$@" (a command or a function) with no Rust toolchain reachable (checked first).
without_rust() {
  local p
  p=$(path_without_rust)
  if PATH=$p command -v cargo >/dev/null || PATH=$p command -v rustc >/dev/null; then
    fail "could not hide the Rust toolchain from PATH"
  fi
  (
    unset CARGO RUSTC RUSTUP_TOOLCHAIN
    PATH=$p
    "$@"
  )
}

# The size of a file in bytes.
size_of() {
  stat -c %s "$1"
}
