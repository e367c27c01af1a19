#!/usr/bin/env bash
# A local three-master Redis Cluster for tests and for trying the suite on Cluster: Debian's redis-server (installed
# when missing), one process per port, data and logs under a run directory, no replicas, nothing kept on disk.
#
#   scripts/redis-cluster.sh start    starts the nodes and forms the cluster; does nothing when it is up already
#   scripts/redis-cluster.sh stop     stops the nodes this script started (by their pid files) and wipes the directory
#   scripts/redis-cluster.sh status   prints the cluster's state; exits 1 when it is not up
#
# REDIS_CLUSTER_PORTS (default "7379 7380 7381") and REDIS_CLUSTER_DIR (default $TMPDIR/distpatterns-<uid>/redis-cluster)
# choose where. `start` ends by printing the nodes for SPRING_DATA_REDIS_CLUSTER_NODES and TEST_REDIS_CLUSTER_NODES.
set -euo pipefail
script_name=redis-cluster
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

read -r -a ports <<<"${REDIS_CLUSTER_PORTS:-7379 7380 7381}"
[ "${#ports[@]}" -ge 3 ] || fail "a cluster needs three masters at least; REDIS_CLUSTER_PORTS has ${#ports[@]} port(s)."
run_dir=${REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/distpatterns-$(id -u)/redis-cluster}

nodes() { local IFS=,; local list=("${ports[@]/#/127.0.0.1:}"); echo "${list[*]}"; }

cli() { local port=$1; shift; timeout 5 redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null; }

# The pid of the redis-server we started on this port, when it still runs as that: never another program's pid.
our_pid() {
  local pid_file=$run_dir/$1/redis.pid pid
  [ -f "$pid_file" ] || return 1
  pid=$(cat "$pid_file")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "redis-server.*:$1\b" || return 1
  echo "$pid"
}

cluster_up() {
  local port
  for port in "${ports[@]}"; do
    cli "$port" cluster info | tr -d '\r' | grep -qx 'cluster_state:ok' || return 1
    [ "$(cli "$port" cluster info | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')" = "${#ports[@]}" ] || return 1
  done
}

start_node() {
  local port=$1 dir=$run_dir/$1
  if our_pid "$port" >/dev/null; then return; fi
  reachable 127.0.0.1 "$port" && fail "127.0.0.1:$port is taken by another program; choose other REDIS_CLUSTER_PORTS."
  mkdir -p "$dir"
  # A node forgets its data on stop (no RDB, no AOF) and its cluster membership too (stop wipes nodes.conf).
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --appendonly no \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 >/dev/null
  for _ in $(seq 1 50); do
    [ "$(cli "$port" ping)" = PONG ] && return
    sleep 0.2
  done
  fail "redis-server on port $port does not answer; see $dir/redis.log"
}

start() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || install_packages redis-server redis-tools
  if cluster_up; then
    say "Redis Cluster already up on $(nodes)"
  else
    local port assigned=0
    for port in "${ports[@]}"; do start_node "$port"; done
    for port in "${ports[@]}"; do
      [ "$(cli "$port" cluster info | tr -d '\r' | sed -n 's/^cluster_slots_assigned://p')" = 0 ] || assigned=1
    done
    # Half-formed (a node restarted alone, a create cut short): start again from empty nodes.
    if [ $assigned = 1 ] && ! cluster_up; then
      say "Redis Cluster on $(nodes) is half-formed; restarting it empty"
      stop >/dev/null
      for port in "${ports[@]}"; do start_node "$port"; done
    fi
    if ! cluster_up; then
      timeout 60 redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >"$run_dir/create.log" 2>&1 \
        || fail "redis-cli --cluster create failed; see $run_dir/create.log"
      for _ in $(seq 1 100); do cluster_up && break; sleep 0.2; done
      cluster_up || fail "the cluster did not reach cluster_state:ok on every node; see $run_dir/*/redis.log"
    fi
    say "Redis Cluster up: ${#ports[@]} masters on $(nodes) (data and logs under $run_dir)"
  fi
  say "SPRING_DATA_REDIS_CLUSTER_NODES=$(nodes)"
  say "TEST_REDIS=cluster TEST_REDIS_CLUSTER_NODES=$(nodes)"
}

stop() {
  local port pid
  for port in "${ports[@]}"; do
    if pid=$(our_pid "$port"); then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      say "stopped redis-server on 127.0.0.1:$port (pid $pid)"
    fi
    rm -rf "${run_dir:?}/$port"
  done
  rm -f "$run_dir/create.log"
}

status() {
  if cluster_up; then
    say "Redis Cluster up on $(nodes)"
    cli "${ports[0]}" cluster nodes | tr -d '\r' | awk '{print "  " $2, $3, $9}'
  else
    say "Redis Cluster is not up on $(nodes)"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) fail "usage: $0 start|stop|status" ;;
esac
