#!/usr/bin/env bash
# 50 PHP processes, each with a new client and one STK push, first with the Redis store and
# then with the memory store: the sandbox counts the token requests of each run.
# Run under tests/c/run.sh (which exports TUMA_SANDBOX_URL); TUMA_LIB points at libtuma.so.
set -euo pipefail
runs=${FLEET_RUNS:-50}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >/dev/null 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done

tokens() {
  python3 -c 'import json, sys, urllib.request
stats = json.load(urllib.request.urlopen(sys.argv[1] + "/_sandbox/stats"))
print(stats["paths"].get("/daraja/oauth/v1/generate", 0))' "$TUMA_SANDBOX_URL"
}

run() {
  local store=$1 before after start end
  before=$(tokens)
  start=$(date +%s%N)
  for _ in $(seq 1 "$runs"); do
    php -d ffi.enable=1 "$(dirname "$0")/fleet_push.php" "$store" >/dev/null
  done
  end=$(date +%s%N)
  after=$(tokens)
  echo "$((after - before)) $(((end - start) / runs / 1000000))"
}

read -r redis_tokens redis_ms < <(run "redis://127.0.0.1:$port/")
read -r memory_tokens memory_ms < <(run memory)
echo "PHP, $runs processes x 1 STK push: Redis store $redis_tokens token request(s) (${redis_ms} ms/run); memory store $memory_tokens (${memory_ms} ms/run)"
[ "$redis_tokens" = 1 ] || { echo "expected 1 token request with the Redis store"; exit 1; }
[ "$memory_tokens" = "$runs" ] || { echo "expected one token request per process with the memory store"; exit 1; }
