#!/usr/bin/env bash
# Installs, starts, stops and reports real servers on loopback for tests and local runs:
#
#   services.sh install [service...] install when missing, without starting
#   services.sh up [service...]      install when missing, start, wait until ready
#   services.sh down [service...]    stop (SIGTERM, then SIGKILL after STRATA_STOP_TIMEOUT_S)
#   services.sh status [service...]  one line per service; exits 3 when one is not ready
#   services.sh env                  the addresses as KEY=value lines for the environment
#
# Services: kafka (127.0.0.1:9092), mongodb (FerretDB, 127.0.0.1:27017), redis
# (127.0.0.1:6379), redis-cluster (three nodes, 127.0.0.1:7001-7003), s3 (MinIO,
# 127.0.0.1:9000). `up` and `down` are idempotent, and one lock serializes concurrent callers.
# See docs/services.md.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$STRATA_LOCAL_DIR/kafka.sh"
. "$STRATA_LOCAL_DIR/mongodb.sh"
. "$STRATA_LOCAL_DIR/redis.sh"
. "$STRATA_LOCAL_DIR/redis-cluster.sh"
. "$STRATA_LOCAL_DIR/s3.sh"

ALL_SERVICES=(kafka mongodb redis redis-cluster s3)

usage() {
  echo "usage: services.sh install|up|down|status|env [${ALL_SERVICES[*]}]" >&2
  exit 2
}

# Checks the service names given on the command line; none means all.
select_services() {
  if [ "$#" -eq 0 ]; then
    echo "${ALL_SERVICES[@]}"
    return
  fi
  local name
  for name in "$@"; do
    case " ${ALL_SERVICES[*]} " in
      *" $name "*) ;;
      *) die "unknown service '$name'; expected one of: ${ALL_SERVICES[*]}" ;;
    esac
  done
  echo "$@"
}

# Holds an exclusive lock on the run directory for the rest of the script, so two callers of
# `up` never install or start the same server twice.
take_lock() {
  mkdir -p "$STRATA_RUN_DIR"
  exec 9>"$STRATA_RUN_DIR/.lock"
  if ! flock -n 9; then
    log "waiting for another services.sh to finish"
    flock 9
  fi
}

install_one() {
  local name=$1 started
  if "$(hook "$name" installed)"; then
    return 0
  fi
  log "$name: installing into $STRATA_CACHE_DIR"
  started=$SECONDS
  "$(hook "$name" install)"
  log "$name: installed in $((SECONDS - started))s"
}

up_one() {
  local name=$1 pids resume_hook
  install_one "$name"
  resume_hook=$(hook "$name" resume)
  if pids=$(service_pids "$name"); then
    log "$name: already running, pid $pids"
    # A service of several processes may have a step left after its processes started.
    if declare -F "$resume_hook" >/dev/null; then
      "$resume_hook"
    fi
  else
    log "$name: starting on $("$(hook "$name" address)")"
    "$(hook "$name" start)"
  fi
  wait_ready "$name" "$(hook "$name" ready)" || exit 1
  log "$name: ready on $("$(hook "$name" address)"), pid $(service_pids "$name")"
}

# Prints one status line and returns 1 when the service is not running or not ready.
status_one() {
  local name=$1 pids address
  address=$("$(hook "$name" address)")
  if ! pids=$(service_pids "$name"); then
    printf '%-13s stopped\n' "$name"
    return 1
  fi
  if ! "$(hook "$name" ready)" >/dev/null 2>&1; then
    printf '%-13s not ready  pid %-7s %s  log %s\n' "$name" "$pids" "$address" \
      "$(service_logs "$name" | paste -sd ' ')"
    return 1
  fi
  printf '%-13s ready      pid %-7s %s\n' "$name" "$pids" "$address"
}

stop_one() {
  local stop_hook
  stop_hook=$(hook "$1" stop)
  if declare -F "$stop_hook" >/dev/null; then
    "$stop_hook"
  else
    stop_daemon "$1"
  fi
}

print_env() {
  echo "KAFKA_BROKERS=$(kafka_address)"
  echo "MONGODB_URI=mongodb://$(mongodb_address)"
  echo "REDIS_URL=redis://$(redis_address)"
  echo "REDIS_CLUSTER_NODES=$(redis_cluster_address)"
  echo "S3_ENDPOINT=http://$(s3_address)"
  echo "S3_ACCESS_KEY_ID=$S3_LOCAL_ACCESS_KEY_ID"
  echo "S3_SECRET_ACCESS_KEY=$S3_LOCAL_SECRET_ACCESS_KEY"
  echo "S3_REGION=$S3_LOCAL_REGION"
}

main() {
  [ "$#" -ge 1 ] || usage
  local command=$1 name failed=0
  shift
  local services
  read -r -a services <<<"$(select_services "$@")"
  case "$command" in
    install)
      take_lock
      for name in "${services[@]}"; do install_one "$name"; done
      ;;
    up)
      node_bin >/dev/null
      take_lock
      for name in "${services[@]}"; do up_one "$name"; done
      ;;
    down)
      take_lock
      # Reverse order: Kafka, started first, stops last.
      for ((i = ${#services[@]} - 1; i >= 0; i--)); do stop_one "${services[i]}"; done
      ;;
    status)
      node_bin >/dev/null
      for name in "${services[@]}"; do status_one "$name" || failed=1; done
      [ "$failed" -eq 0 ] || exit 3
      ;;
    env) print_env ;;
    *) usage ;;
  esac
}

main "$@"
