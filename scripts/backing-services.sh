#!/usr/bin/env bash
# Makes sure the suite's backing services answer: Redis and RabbitMQ. Used by scripts/run-local.sh and .ci/run.
#
# For each, in this order: it answers already (nothing to do); its server is installed here (start it); a Docker or
# podman engine answers (start a container); otherwise install Debian's package (redis-server, rabbitmq-server,
# with sudo when not root) and start it. Redis keeps nothing on disk; RabbitMQ takes the guest/guest account.
#
# SPRING_DATA_REDIS_HOST/_PORT and SPRING_RABBITMQ_HOST/_PORT are honoured: on another host they are only checked.
# With SPRING_DATA_REDIS_CLUSTER_NODES, _SENTINEL_NODES or SPRING_RABBITMQ_ADDRESSES the servers are yours to run.
set -euo pipefail
script_name=backing-services
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

state_dir=${TMPDIR:-/tmp}/distpatterns-$(id -u)

# Not only an open port (a proxy may accept any connection): the server's own answer to a first word.
redis_answers() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "PING\r\n" >&3 && read -r reply <&3 &&
    [[ $reply == +PONG* || $reply == -NOAUTH* ]]' "$1" "$2" 2>/dev/null
}
rabbitmq_answers() {
  # An AMQP 0-9-1 header; a broker answers with a method frame (type 1).
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "AMQP\x00\x00\x09\x01" >&3 && IFS= read -r -N 1 type <&3 &&
    [ "$type" = $'"'"'\x01'"'"' ]' "$1" "$2" 2>/dev/null
}

local_host() { case $1 in 127.0.0.1|localhost|::1) return 0 ;; *) return 1 ;; esac; }

container_engine() {
  local engine
  for engine in docker podman; do
    command -v $engine >/dev/null && timeout 10 $engine info >/dev/null 2>&1 && { echo $engine; return; }
  done
  return 1
}

# Starts (or restarts) a container of ours by name, creating it the first time.
container() {
  local engine=$1 name=$2; shift 2
  if $engine container inspect "$name" >/dev/null 2>&1; then
    $engine start "$name" >/dev/null
  else
    $engine run -d --name "$name" "$@" >/dev/null
  fi
  say "  started the container $name with $engine"
}

wait_answer() {
  local check=$1 host=$2 port=$3 what=$4 seconds=$5
  for _ in $(seq 1 "$seconds"); do $check "$host" "$port" && return 0; sleep 1; done
  fail "$what does not answer on $host:$port after $seconds s."
}

start_redis_server() {
  mkdir -p "$state_dir"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$1" --save "" --appendonly no \
    --dir "$state_dir" --logfile "$state_dir/redis-$1.log" >/dev/null
  say "  started redis-server on 127.0.0.1:$1 (log $state_dir/redis-$1.log)"
}

ensure_redis() {
  if [ -n "${SPRING_DATA_REDIS_CLUSTER_NODES:-}${SPRING_DATA_REDIS_SENTINEL_NODES:-}" ]; then
    say "Redis: a cluster or Sentinel of yours (SPRING_DATA_REDIS_*), not started here."
    return
  fi
  local host=${SPRING_DATA_REDIS_HOST:-127.0.0.1} port=${SPRING_DATA_REDIS_PORT:-6379} engine
  if ! redis_answers "$host" "$port"; then
    local_host "$host" || fail "Redis at $host:$port (SPRING_DATA_REDIS_HOST/_PORT) does not answer."
    reachable "$host" "$port" && fail "$host:$port is open but what listens there is not Redis."
    if command -v redis-server >/dev/null; then
      start_redis_server "$port"
    elif engine=$(container_engine); then
      container "$engine" distpatterns-redis -p "127.0.0.1:$port:6379" redis:7.4 redis-server --save "" --appendonly no
    else
      install_packages redis-server
      # On a machine with systemd the package starts its own server on 6379.
      redis_answers "$host" "$port" || start_redis_server "$port"
    fi
    wait_answer redis_answers "$host" "$port" Redis 60
  fi
  say "Redis answers on $host:$port"
}

ensure_rabbitmq() {
  if [ -n "${SPRING_RABBITMQ_ADDRESSES:-}" ]; then
    say "RabbitMQ: yours (SPRING_RABBITMQ_ADDRESSES), not started here."
    return
  fi
  local host=${SPRING_RABBITMQ_HOST:-127.0.0.1} port=${SPRING_RABBITMQ_PORT:-5672} engine
  if ! rabbitmq_answers "$host" "$port"; then
    local_host "$host" || fail "RabbitMQ at $host:$port (SPRING_RABBITMQ_HOST/_PORT) does not answer."
    reachable "$host" "$port" && fail "$host:$port is open but what listens there is not RabbitMQ."
    [ "$port" = 5672 ] || fail "RabbitMQ is wanted on port $port; this script starts one on 5672 only."
    if command -v rabbitmq-server >/dev/null; then
      as_root rabbitmq-server -detached
      say "  started rabbitmq-server"
    elif engine=$(container_engine); then
      # guest may log in from outside the container: the published port is not loopback inside it.
      container "$engine" distpatterns-rabbitmq -p "127.0.0.1:5672:5672" \
        -e RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-rabbit loopback_users []' rabbitmq:4.1-management
    else
      install_packages rabbitmq-server
      rabbitmq_answers "$host" "$port" || { as_root rabbitmq-server -detached; say "  started rabbitmq-server"; }
    fi
    wait_answer rabbitmq_answers "$host" "$port" RabbitMQ 120
  fi
  say "RabbitMQ answers on $host:$port"
}

ensure_redis
ensure_rabbitmq
