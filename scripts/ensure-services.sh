#!/usr/bin/env bash
# Starts the local engines the integration tests use, when they are not running yet:
#   redis-server on 127.0.0.1:6379 (no persistence).
# Installs nothing (.ci/run does that); exits non-zero if redis-server is missing or does not start.
set -euo pipefail

REDIS_PORT=6379

redis_up() {
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null
  fi
}

if redis_up; then
  echo "redis-server: already running on 127.0.0.1:$REDIS_PORT"
else
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "redis-server: not installed (apt-get install -y redis-server)" >&2
    exit 1
  fi
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
  for _ in $(seq 1 50); do
    redis_up && break
    sleep 0.1
  done
  if ! redis_up; then
    echo "redis-server: did not start on 127.0.0.1:$REDIS_PORT" >&2
    exit 1
  fi
  echo "redis-server: started on 127.0.0.1:$REDIS_PORT"
fi
