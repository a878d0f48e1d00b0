#!/usr/bin/env bash
# Redis from Debian's redis-server package, started by this script (not by systemd) on loopback,
# without persistence. Sourced by services.sh.

REDIS_PORT=${STRATA_REDIS_PORT:-6379}

redis_address() {
  echo "127.0.0.1:$REDIS_PORT"
}

redis_installed() {
  command -v redis-server >/dev/null
}

redis_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null ||
      die "redis: redis-server is missing and sudo is not available; install the Debian" \
        "package redis-server as root"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq >&2 || die "redis: apt-get update failed"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2 ||
    die "redis: apt-get install redis-server failed"
}

redis_start() {
  local dir
  dir=$(service_dir redis)
  require_free_port redis "$REDIS_PORT"
  mkdir -p "$dir"
  # No RDB snapshots and no append-only file: the index in Redis is derived data, and tests
  # start from an empty server.
  start_daemon redis redis-server "$(command -v redis-server)" \
    --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --daemonize no --save '' --appendonly no --dir "$dir" --logfile ''
}

redis_ready() {
  probe redis 127.0.0.1 "$REDIS_PORT"
}
