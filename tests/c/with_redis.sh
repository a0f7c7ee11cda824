#!/usr/bin/env bash
# Usage: tests/c/with_redis.sh COMMAND [ARGS...]
# Starts a private redis-server (a free 127.0.0.1 port, no persistence), exports
# TUMA_TEST_REDIS_URL=redis://127.0.0.1:PORT/, runs COMMAND, stops the server (also on
# failure) and exits with COMMAND's status.
set -euo pipefail
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >"$dir/log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  if ! kill -0 "$redis_pid" 2>/dev/null; then
    echo "redis-server exited:" >&2
    cat "$dir/log" >&2
    exit 1
  fi
  sleep 0.05
done
export TUMA_TEST_REDIS_URL="redis://127.0.0.1:$port/"
"$@"
