#!/usr/bin/env bash
# Shared helpers of the local service scripts: directories, process tracking by pid file,
# readiness waits and shutdown. Sourced by services.sh; not meant to run on its own.
#
# Installs live in STRATA_CACHE_DIR (default ~/.cache/strata); data, logs and pid files of the
# running servers live in STRATA_RUN_DIR (default $STRATA_CACHE_DIR/run/<service>/). A service
# of several processes names each one `<service>/<node>`, whose files live in
# $STRATA_RUN_DIR/<service>/<node>/.

STRATA_LOCAL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STRATA_CACHE_DIR=${STRATA_CACHE_DIR:-$HOME/.cache/strata}
STRATA_RUN_DIR=${STRATA_RUN_DIR:-$STRATA_CACHE_DIR/run}
# Seconds to wait for a server to pass its readiness probe after it starts.
STRATA_READY_TIMEOUT_S=${STRATA_READY_TIMEOUT_S:-120}
# Seconds to wait for a server to exit after SIGTERM before sending SIGKILL.
STRATA_STOP_TIMEOUT_S=${STRATA_STOP_TIMEOUT_S:-30}
export STRATA_CACHE_DIR STRATA_RUN_DIR

# Go builds keep their module and build caches next to the installs, and use the local Go
# toolchain instead of downloading the one a module's go.mod names.
export GOMODCACHE=${GOMODCACHE:-$STRATA_CACHE_DIR/go/mod}
export GOCACHE=${GOCACHE:-$STRATA_CACHE_DIR/go/build}
export GOTOOLCHAIN=local
# The Go tarball installs to /usr/local/go, which non-login shells often lack on PATH.
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
  export PATH="$PATH:/usr/local/go/bin"
fi

log() {
  echo "services: $*" >&2
}

die() {
  log "error: $*"
  exit 1
}

service_dir() {
  echo "$STRATA_RUN_DIR/$1"
}

pid_file() {
  echo "$STRATA_RUN_DIR/$1/${1##*/}.pid"
}

log_file() {
  echo "$STRATA_RUN_DIR/$1/${1##*/}.log"
}

# Prints the name of a service's hook function, e.g. `hook redis-cluster ready` prints
# redis_cluster_ready.
hook() {
  echo "${1//-/_}_$2"
}

# Prints the pids of the service's server processes, space-separated, and fails when one is not
# running. A service of several processes defines the hook <service>_pids; the others have one
# process tracked by running_pid.
service_pids() {
  local pids_hook
  pids_hook=$(hook "$1" pids)
  if declare -F "$pids_hook" >/dev/null; then
    "$pids_hook"
  else
    running_pid "$1"
  fi
}

# Prints the log files of the service, one a line: <service>_logs when defined, else its one log.
service_logs() {
  local logs_hook
  logs_hook=$(hook "$1" logs)
  if declare -F "$logs_hook" >/dev/null; then
    "$logs_hook"
  else
    log_file "$1"
  fi
}

# Prints the pid of the service's server when that process is alive and its command line still
# contains the marker recorded at start, so a recycled pid is never taken for the server.
running_pid() {
  local name=$1 file pid marker state
  file=$(pid_file "$name")
  [ -s "$file" ] || return 1
  read -r pid marker <"$file" || true
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  # A zombie has exited already: only its parent has not collected it yet.
  state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$state" != Z ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker" || return 1
  echo "$pid"
}

# Succeeds when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Fails with a message when another process than ours listens on a port we need.
require_free_port() {
  local name=$1 port=$2
  if port_open "$port"; then
    die "$name: port $port on 127.0.0.1 is in use by another process; stop it, or export" \
      "the service addresses (see docs/services.md) to use a server you run yourself"
  fi
}

# Starts a server in its own session, detached from the caller's terminal and process group,
# with stdout and stderr appended to the service's log file. MARKER is a string of the server's
# command line that running_pid checks; the remaining arguments are the command.
start_daemon() {
  local name=$1 marker=$2
  shift 2
  local dir
  dir=$(service_dir "$name")
  mkdir -p "$dir"
  echo "--- $(date -u +%FT%TZ) starting: $*" >>"$(log_file "$name")"
  # The inner shell records its own pid, then exec replaces it with the server, so the pid file
  # names the server process itself.
  (
    cd "$dir"
    # fd 9 is services.sh's lock: the server must not inherit it, or it holds the lock forever.
    setsid bash -c 'echo "$$ $0" >"$1"; shift; exec "$@"' "$marker" "$(pid_file "$name")" "$@" \
      </dev/null >>"$(log_file "$name")" 2>&1 9>&- &
  )
  local waited=0
  until [ -s "$(pid_file "$name")" ] || [ "$waited" -ge 50 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
}

print_log_tail() {
  local file
  while read -r file; do
    log "$1: last lines of $file:"
    tail -n 40 "$file" >&2 || true
  done < <(service_logs "$1")
}

# Runs PROBE (a function name) with the remaining arguments until it succeeds, the server exits,
# or STRATA_READY_TIMEOUT_S passes. On failure prints the log tail and returns 1.
wait_ready() {
  local name=$1 probe=$2
  shift 2
  local deadline=$((SECONDS + STRATA_READY_TIMEOUT_S))
  while ! "$probe" "$@" >/dev/null 2>&1; do
    if ! service_pids "$name" >/dev/null; then
      log "$name: the server exited before it became ready"
      print_log_tail "$name"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$name: not ready after ${STRATA_READY_TIMEOUT_S}s (STRATA_READY_TIMEOUT_S)"
      print_log_tail "$name"
      return 1
    fi
    sleep 1
  done
}

# Sends SIGTERM to the service's server, waits up to STRATA_STOP_TIMEOUT_S for it to exit, then
# sends SIGKILL and waits again. Removes the pid file once the process is gone.
stop_daemon() {
  local name=$1 pid
  if ! pid=$(running_pid "$name"); then
    rm -f "$(pid_file "$name")"
    log "$name: not running"
    return 0
  fi
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_exit "$name" "$STRATA_STOP_TIMEOUT_S"; then
    log "$name: pid $pid still running after ${STRATA_STOP_TIMEOUT_S}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_exit "$name" 10 || die "$name: pid $pid did not exit after SIGKILL"
  fi
  rm -f "$(pid_file "$name")"
  log "$name: stopped"
}

wait_exit() {
  local name=$1 deadline=$((SECONDS + $2))
  while running_pid "$name" >/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# Prints the node binary for the readiness probes. The machine's Node.js 20 works as well as the
# toolchain's Node.js 24, because probe.mjs uses only the standard library.
node_bin() {
  command -v node || die "node is not on PATH; source infra/toolchain.sh first"
}

probe() {
  "$(node_bin)" "$STRATA_LOCAL_DIR/probe.mjs" "$@"
}

# Runs `go install MODULE@VERSION` with GOBIN set to DIR/bin.
go_install() {
  local module=$1 dir=$2
  command -v go >/dev/null || die "go is not on PATH; it is needed to build $module"
  mkdir -p "$dir/bin"
  GOBIN="$dir/bin" GOFLAGS="${GOFLAGS:--buildvcs=false}" go install "$module"
}
