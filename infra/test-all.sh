#!/usr/bin/env bash
# Runs every check of the repository, as `pnpm test:all` and CI do: finds or starts the services
# for the integration tests, then runs build, lint, format check and all test projects. The test
# runner's summary is the last thing it prints.
#
# Services: a service whose address is in the environment (KAFKA_BROKERS, MONGODB_URI,
# REDIS_URL, S3_ENDPOINT) is used as given. For the others, when a Docker engine responds, the
# test setup starts containers; otherwise this script starts the local servers with
# infra/local/services.sh and stops the ones it started when it exits, unless
# STRATA_KEEP_SERVICES=1. When it starts Redis and REDIS_CLUSTER_NODES is unset, it starts the
# local Redis Cluster too, so the cluster suites run; without a cluster they are skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
. infra/toolchain.sh
export AWS_EC2_METADATA_DISABLED=true

declare -A SERVICE_VARIABLE=(
  [kafka]=KAFKA_BROKERS [mongodb]=MONGODB_URI [redis]=REDIS_URL [s3]=S3_ENDPOINT
)
STARTED_SERVICES=()

log() {
  echo "test-all: $*" >&2
}

# Lists the services whose address the environment does not give. The Redis Cluster counts as
# missing only when Redis is, like in the test setup, so a Redis of the environment never gets a
# local cluster beside it.
missing_services() {
  local name variable
  for name in kafka mongodb redis s3; do
    variable=${SERVICE_VARIABLE[$name]}
    [ -n "${!variable:-}" ] || echo "$name"
  done
  if [ -z "${REDIS_URL:-}" ] && [ -z "${REDIS_CLUSTER_NODES:-}" ]; then
    echo redis-cluster
  fi
}

# Exports the addresses that `services.sh env` prints for the given services only.
export_local_addresses() {
  local key value
  while IFS='=' read -r key value; do
    case "$key" in
      KAFKA_BROKERS) [[ " $* " == *" kafka "* ]] && export "$key=$value" ;;
      MONGODB_URI) [[ " $* " == *" mongodb "* ]] && export "$key=$value" ;;
      REDIS_URL) [[ " $* " == *" redis "* ]] && export "$key=$value" ;;
      REDIS_CLUSTER_NODES) [[ " $* " == *" redis-cluster "* ]] && export "$key=$value" ;;
      S3_*) [[ " $* " == *" s3 "* ]] && export "$key=$value" ;;
    esac
  done < <(bash infra/local/services.sh env)
}

# Stops the servers this script started, quietly, so the test summary stays the last output.
stop_started_services() {
  [ "${#STARTED_SERVICES[@]}" -gt 0 ] || return 0
  if [ "${STRATA_KEEP_SERVICES:-0}" = 1 ]; then
    return 0
  fi
  local down_log="${STRATA_RUN_DIR:-$STRATA_CACHE_DIR/run}/test-all-down.log"
  if ! bash infra/local/services.sh down "${STARTED_SERVICES[@]}" >"$down_log" 2>&1; then
    log "stopping ${STARTED_SERVICES[*]} failed; see $down_log"
  fi
}

start_services() {
  local missing name
  read -r -a missing <<<"$(missing_services | tr '\n' ' ')"
  [ "${#missing[@]}" -gt 0 ] || return 0
  if node packages/testkit/src/check-docker-engine.ts; then
    local containers
    containers=$(printf '%s\n' "${missing[@]}" | grep -vx redis-cluster | paste -sd ' ')
    log "a Docker engine responds: the test setup starts containers for ${containers:-none}"
    if [[ " ${missing[*]} " == *" redis-cluster "* ]]; then
      log "testcontainers starts no Redis Cluster, so the cluster suites are skipped"
    fi
    return 0
  fi
  for name in "${missing[@]}"; do
    bash infra/local/services.sh status "$name" >/dev/null 2>&1 || STARTED_SERVICES+=("$name")
  done
  trap stop_started_services EXIT
  bash infra/local/services.sh up "${missing[@]}" || return 1
  export_local_addresses "${missing[@]}"
}

main() {
  start_services || {
    log "starting the local services failed"
    exit 1
  }
  local failed=() step
  for step in build lint format:check; do
    log "pnpm $step"
    pnpm "$step" || failed+=("$step")
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    log "failed before the tests: ${failed[*]}"
  fi
  local registries_running=0
  bash infra/local/registry.sh status >/dev/null 2>&1 && registries_running=1
  log "pnpm test"
  pnpm test
  local status=$?
  # The registry tests start two registries that stay up for later runs; stop them when this run
  # started them, as the other local servers are.
  if [ "$registries_running" = 0 ] && [ "${STRATA_KEEP_SERVICES:-0}" != 1 ]; then
    bash infra/local/registry.sh down >/dev/null 2>&1 || log "stopping the test registries failed"
  fi
  if [ "${#failed[@]}" -gt 0 ] && [ "$status" -eq 0 ]; then
    status=1
  fi
  exit "$status"
}

main
