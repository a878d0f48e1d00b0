#!/usr/bin/env bash
# A three-node Redis Cluster from Debian's redis-server package (the install of the redis
# service), on loopback, with no replicas and no persistence except each node's cluster
# configuration file (nodes.conf). Sourced by services.sh.
#
# The nodes listen on STRATA_REDIS_CLUSTER_PORT (default 7001) and the two ports after it, and
# on those ports plus 10000 for the cluster bus. Each node is tracked as redis-cluster/<port>,
# with its data, log and pid file in $STRATA_RUN_DIR/redis-cluster/<port>/.

REDIS_CLUSTER_PORT=${STRATA_REDIS_CLUSTER_PORT:-7001}
# Redis puts a node's cluster bus on its client port plus this offset.
REDIS_CLUSTER_BUS_OFFSET=10000
REDIS_CLUSTER_MAX_PORT=$((65535 - 2 - REDIS_CLUSTER_BUS_OFFSET))

if ! [[ "$REDIS_CLUSTER_PORT" =~ ^[1-9][0-9]{0,4}$ ]] ||
  [ "$REDIS_CLUSTER_PORT" -gt "$REDIS_CLUSTER_MAX_PORT" ]; then
  die "redis-cluster: invalid STRATA_REDIS_CLUSTER_PORT '$REDIS_CLUSTER_PORT': expected a port" \
    "from 1 to $REDIS_CLUSTER_MAX_PORT, because the nodes use it, the next two ports and each" \
    "of these plus $REDIS_CLUSTER_BUS_OFFSET"
fi

redis_cluster_ports() {
  echo "$REDIS_CLUSTER_PORT" "$((REDIS_CLUSTER_PORT + 1))" "$((REDIS_CLUSTER_PORT + 2))"
}

# Prints the nodes as host:port, comma-separated, as REDIS_CLUSTER_NODES expects them.
redis_cluster_address() {
  local port nodes=()
  for port in $(redis_cluster_ports); do
    nodes+=("127.0.0.1:$port")
  done
  (
    IFS=,
    echo "${nodes[*]}"
  )
}

redis_cluster_installed() {
  redis_installed && command -v redis-cli >/dev/null
}

# redis-cli comes from redis-tools, a dependency of the redis-server package.
redis_cluster_install() {
  redis_install
}

redis_cluster_pids() {
  local port pid pids=()
  for port in $(redis_cluster_ports); do
    pid=$(running_pid "redis-cluster/$port") || return 1
    pids+=("$pid")
  done
  echo "${pids[*]}"
}

redis_cluster_logs() {
  local port
  for port in $(redis_cluster_ports); do
    log_file "redis-cluster/$port"
  done
  echo "$(service_dir redis-cluster)/create.log"
}

# Starts the nodes that are not running, then forms the cluster. A restarted node rejoins the
# cluster from its nodes.conf.
redis_cluster_start() {
  local port
  for port in $(redis_cluster_ports); do
    running_pid "redis-cluster/$port" >/dev/null || redis_cluster_start_node "$port"
  done
  redis_cluster_resume
}

# Waits until each node replies to PING, then forms the cluster unless its slots are assigned
# already. services.sh runs this for running nodes too, so an `up` interrupted between the start
# of the nodes and the forming of the cluster is finished by the next one.
redis_cluster_resume() {
  local port
  for port in $(redis_cluster_ports); do
    wait_ready "redis-cluster/$port" probe redis 127.0.0.1 "$port" || exit 1
  done
  if redis_cluster_formed; then
    return 0
  fi
  redis_cluster_create
}

redis_cluster_start_node() {
  local port=$1 name="redis-cluster/$1" dir
  dir=$(service_dir "$name")
  require_free_port "$name" "$port"
  require_free_port "$name" "$((port + REDIS_CLUSTER_BUS_OFFSET))"
  mkdir -p "$dir"
  # As with the redis service: no RDB snapshots and no append-only file. The node still writes
  # nodes.conf in its directory, which contains its id and the cluster's layout.
  start_daemon "$name" redis-server "$(command -v redis-server)" \
    --bind 127.0.0.1 --port "$port" --protected-mode yes \
    --daemonize no --save '' --appendonly no --dir "$dir" --logfile '' \
    --cluster-enabled yes --cluster-config-file nodes.conf
}

# Prints one node's CLUSTER INFO field, e.g. cluster_state.
redis_cluster_info_field() {
  local port=$1 field=$2
  redis-cli -h 127.0.0.1 -p "$port" cluster info | tr -d '\r' | sed -n "s/^$field://p"
}

# Succeeds when the first node lists all three nodes and every hash slot has an owner.
redis_cluster_formed() {
  local first
  read -r first _ <<<"$(redis_cluster_ports)"
  [ "$(redis_cluster_info_field "$first" cluster_known_nodes)" = 3 ] &&
    [ "$(redis_cluster_info_field "$first" cluster_slots_assigned)" = 16384 ]
}

# Assigns the 16384 slots across the three nodes. redis-cli refuses nodes that already know
# other nodes or hold keys, e.g. after one node's directory was deleted.
redis_cluster_create() {
  local create_log nodes
  create_log="$(service_dir redis-cluster)/create.log"
  read -r -a nodes <<<"$(redis_cluster_address | tr , ' ')"
  log "redis-cluster: forming the cluster of ${nodes[*]}"
  echo "--- $(date -u +%FT%TZ) redis-cli --cluster create" >>"$create_log"
  if ! redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes \
    >>"$create_log" 2>&1; then
    tail -n 20 "$create_log" >&2
    die "redis-cluster: forming the cluster failed; see $create_log. To start from empty" \
      "nodes, run \`services.sh down redis-cluster\` and delete $(service_dir redis-cluster)"
  fi
}

# Ready when every node reports cluster_state:ok, so each one serves its slots.
redis_cluster_ready() {
  local port
  for port in $(redis_cluster_ports); do
    [ "$(redis_cluster_info_field "$port" cluster_state)" = ok ] || return 1
  done
}

redis_cluster_stop() {
  local port
  for port in $(redis_cluster_ports); do
    stop_daemon "redis-cluster/$port"
  done
}
