#!/usr/bin/env bash
# Usage: tests/c/run.sh SANDBOX_BINARY COMMAND [ARGS...]
# Starts the sandbox on a free port, exports TUMA_SANDBOX_URL, runs COMMAND, stops the
# sandbox (also on failure) and exits with COMMAND's status.
set -euo pipefail
sandbox_bin=$1
shift
log=$(mktemp)
"$sandbox_bin" 0 >"$log" 2>&1 &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; rm -f "$log"' EXIT
url=
for _ in $(seq 1 100); do
  url=$(sed -n 's/^tuma sandbox listening on \(http:[^ ]*\).*/\1/p' "$log" | head -n1)
  [ -n "$url" ] && break
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "the sandbox exited:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "the sandbox did not report its URL within 10 s" >&2
  cat "$log" >&2
  exit 1
fi
export TUMA_SANDBOX_URL=$url
"$@"
