#!/usr/bin/env bash
# A local three-node RabbitMQ cluster, for trying the suite on more than one broker and for the failover test:
# Debian's rabbitmq-server (installed when missing), three Erlang nodes on one machine with their own node names,
# AMQP and distribution ports and data directories, sharing the Erlang cookie of the user they run as (rabbitmq
# when started as root, as Debian's package does), joined into one cluster.
#
#   scripts/rabbitmq-cluster.sh start             starts the nodes and joins them; does nothing when all are up
#   scripts/rabbitmq-cluster.sh stop              stops the nodes (by node name) and wipes their data
#   scripts/rabbitmq-cluster.sh status            the cluster's running nodes; exits 1 unless all are running
#   scripts/rabbitmq-cluster.sh stop-node PORT    stops one node, as a crash of that machine would (failover)
#   scripts/rabbitmq-cluster.sh kill-node PORT    kills one node's Erlang VM (SIGKILL), as a crash would
#   scripts/rabbitmq-cluster.sh start-node PORT   starts it again; it rejoins the cluster by itself
#   scripts/rabbitmq-cluster.sh node PORT         prints the node name behind an AMQP port
#   scripts/rabbitmq-cluster.sh leader QUEUE      prints the AMQP port of the node leading a quorum queue
#
# RABBITMQ_CLUSTER_PORTS (default "5781 5782 5783": AMQP; distribution on each + 20000) and RABBITMQ_CLUSTER_DIR
# (default $TMPDIR/distpatterns-<uid>/rabbitmq-cluster) choose where. `start` ends by printing
# SPRING_RABBITMQ_ADDRESSES. The guest account works from 127.0.0.1, as on a single Debian broker. No management
# plugin: the scripts and the suite need only AMQP and rabbitmqctl.
set -euo pipefail
script_name=rabbitmq-cluster
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

read -r -a ports <<<"${RABBITMQ_CLUSTER_PORTS:-5781 5782 5783}"
[ "${#ports[@]}" -ge 3 ] || fail "a cluster that survives losing a node needs three at least; RABBITMQ_CLUSTER_PORTS has ${#ports[@]}."
run_dir=${RABBITMQ_CLUSTER_DIR:-${TMPDIR:-/tmp}/distpatterns-$(id -u)/rabbitmq-cluster}
bin=/usr/lib/rabbitmq/bin

node_name() { echo "distpatterns-$1@localhost"; }
addresses() { local IFS=,; local list=("${ports[@]/#/127.0.0.1:}"); echo "${list[*]}"; }

# As root, the nodes run as Debian's rabbitmq user, whose home holds the cookie every local node and CLI shares.
as_node_user() {
  if [ "$(id -u)" -eq 0 ] && id rabbitmq >/dev/null 2>&1; then
    runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq "$@"
  else
    "$@"
  fi
}

# Every node's environment in a file of its own, so that /etc/rabbitmq (the single broker's settings) is not read.
write_env() {
  local port=$1 dir=$run_dir/$1
  mkdir -p "$dir/mnesia" "$dir/log"
  cat >"$dir/rabbitmq-env.conf" <<EOF
NODENAME=$(node_name "$port")
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=$port
DIST_PORT=$((port + 20000))
MNESIA_BASE=$dir/mnesia
LOG_BASE=$dir/log
PID_FILE=$dir/rabbitmq.pid
CONFIG_FILE=$dir/rabbitmq.conf
ENABLED_PLUGINS_FILE=$dir/enabled_plugins
ERL_EPMD_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
EOF
  printf 'listeners.tcp.1 = 127.0.0.1:%s\nlog.file.level = info\n' "$port" >"$dir/rabbitmq.conf"
  echo '[].' >"$dir/enabled_plugins"
  if [ "$(id -u)" -eq 0 ] && id rabbitmq >/dev/null 2>&1; then chown -R rabbitmq:rabbitmq "$run_dir"; fi
}

ctl() {
  local port=$1; shift
  as_node_user env RABBITMQ_CONF_ENV_FILE="$run_dir/$port/rabbitmq-env.conf" timeout 60 "$bin/rabbitmqctl" -q -n "$(node_name "$port")" "$@"
}

running() { [ -f "$run_dir/$1/rabbitmq-env.conf" ] && ctl "$1" -t 5 ping >/dev/null 2>&1; }

start_node() {
  local port=$1
  if running "$port"; then return; fi
  reachable 127.0.0.1 "$port" && fail "127.0.0.1:$port is taken by another program; choose other RABBITMQ_CLUSTER_PORTS."
  write_env "$port"
  as_node_user env RABBITMQ_CONF_ENV_FILE="$run_dir/$port/rabbitmq-env.conf" "$bin/rabbitmq-server" -detached \
    >>"$run_dir/$port/log/startup.log" 2>&1
  # await_startup wants a node that is there already: first its registration with epmd.
  for _ in $(seq 1 60); do running "$port" && break; sleep 1; done
  ctl "$port" await_startup --timeout 120 >/dev/null 2>&1 \
    || fail "node $(node_name "$port") did not start; see $run_dir/$port/log/"
  say "  node $(node_name "$port") runs on 127.0.0.1:$port"
}

# The nodes the first running one sees as running members of its cluster.
running_members() {
  local status port
  for port in "${ports[@]}"; do running "$port" && break; done
  status=$(ctl "$port" -t 10 cluster_status --formatter json 2>/dev/null) || return 1
  python3 -c 'import json,sys; print(" ".join(json.loads(sys.argv[1]).get("running_nodes", [])))' "$status"
}

cluster_up() {
  local members port
  members=$(running_members) || return 1
  for port in "${ports[@]}"; do
    [[ " $members " == *" $(node_name "$port") "* ]] || return 1
  done
}

start() {
  [ -x "$bin/rabbitmq-server" ] || install_packages rabbitmq-server
  command -v python3 >/dev/null || install_packages python3
  if cluster_up; then
    say "RabbitMQ cluster already up on $(addresses)"
  else
    local port
    for port in "${ports[@]}"; do start_node "$port"; done
    for port in "${ports[@]:1}"; do
      if ! [[ " $(running_members) " == *" $(node_name "$port") "* ]]; then
        { ctl "$port" stop_app && ctl "$port" reset && ctl "$port" join_cluster "$(node_name "${ports[0]}")" \
            && ctl "$port" start_app; } >>"$run_dir/$port/log/join.log" 2>&1 \
          || fail "node $(node_name "$port") could not join; see $run_dir/$port/log/join.log"
        say "  node $(node_name "$port") joined $(node_name "${ports[0]}")"
      fi
    done
    cluster_up || fail "the nodes did not form one cluster; see $run_dir/*/log/"
    say "RabbitMQ cluster up: ${#ports[@]} nodes on $(addresses) (data and logs under $run_dir)"
  fi
  say "SPRING_RABBITMQ_ADDRESSES=$(addresses)"
}

stop_node() {
  local port=$1
  if running "$port"; then
    ctl "$port" stop >/dev/null
    say "stopped node $(node_name "$port")"
  fi
}

# SIGKILL to the node's VM: the pid the node itself reports, never a pid read from a file alone.
kill_node() {
  local port=$1 pid
  running "$port" || fail "node $(node_name "$port") is not running"
  pid=$(ctl "$port" eval 'os:getpid().' | tr -d '"')
  [[ $pid =~ ^[0-9]+$ ]] || fail "node $(node_name "$port") reported no pid ('$pid')"
  kill -9 "$pid"
  say "killed node $(node_name "$port") (pid $pid)"
}

stop() {
  local port
  for port in "${ports[@]}"; do stop_node "$port"; done
  for port in "${ports[@]}"; do rm -rf "${run_dir:?}/$port"; done
}

status() {
  if cluster_up; then
    say "RabbitMQ cluster up on $(addresses): $(running_members)"
  else
    say "RabbitMQ cluster is not (fully) up on $(addresses); running members: $(running_members 2>/dev/null || echo none)"
    return 1
  fi
}

leader() {
  local node port up
  for up in "${ports[@]}"; do running "$up" && break; done
  node=$(ctl "$up" list_queues name leader | awk -v q="$1" '$1 == q {print $2}')
  for port in "${ports[@]}"; do
    [ "$(node_name "$port")" = "$node" ] && { echo "$port"; return; }
  done
  fail "no node leads a queue named '$1'."
}

known_port() {
  local port
  for port in "${ports[@]}"; do [ "$port" = "${1:-}" ] && return; done
  fail "'${1:-}' is none of the cluster's ports (${ports[*]})."
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  stop-node) known_port "${2:-}"; stop_node "$2" ;;
  kill-node) known_port "${2:-}"; kill_node "$2" ;;
  start-node) known_port "${2:-}"; start_node "$2" ;;
  node) known_port "${2:-}"; node_name "$2" ;;
  leader) leader "${2:?a queue name}" ;;
  *) fail "usage: $0 start|stop|status|stop-node PORT|kill-node PORT|start-node PORT|node PORT|leader QUEUE" ;;
esac
