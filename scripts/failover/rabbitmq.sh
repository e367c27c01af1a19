#!/usr/bin/env bash
# Failover test on a three-node RabbitMQ cluster, unattended: task-service (an API and a worker) and event-service
# run against scripts/rabbitmq-cluster.sh's nodes (SPRING_RABBITMQ_ADDRESSES) and a Redis of their own; a webhook
# subscription is created; tasks are submitted and events published, 10 a second each; then the node that leads
# the task queue and the subscription's queue (quorum queue leaders) is killed (SIGKILL, as a crash) or stopped
# while the load goes on.
# It passes when every task answered 202 ended SUCCESS and every event answered 202 reached the webhook, with the
# services left to reconnect by themselves (nobody restarts them, the node stays down).
#
#   /work/bin/slot suite scripts/failover/rabbitmq.sh     (or plainly: scripts/failover/rabbitmq.sh)
#
# Settings (environment): FAILOVER_HOW (kill: SIGKILL to the node's VM, the default; stop: rabbitmqctl stop),
# FAILOVER_BEFORE / _AFTER (seconds of load before and after the stop: 20, 40),
# FAILOVER_SETTLE (seconds allowed for the last tasks and deliveries afterwards: 180), FAILOVER_PORT_BASE (the
# services' HTTP ports and the receiver's, base + 0..3: 18180), FAILOVER_REDIS_PORT (6391), FAILOVER_SKIP_BUILD=1
# (use the jars as they are), FAILOVER_KEEP=1 (leave everything running). RABBITMQ_CLUSTER_PORTS as for the cluster.
set -euo pipefail
script_name=failover/rabbitmq
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/common.sh
. "$root/scripts/lib/common.sh"

run_dir=${FAILOVER_DIR:-${TMPDIR:-/tmp}/distpatterns-$(id -u)/failover}
base=${FAILOVER_PORT_BASE:-18180}
case ${FAILOVER_HOW:-kill} in kill|stop) ;; *) fail "FAILOVER_HOW is kill or stop, not '$FAILOVER_HOW'" ;; esac
api_port=$base worker_port=$((base + 1)) events_port=$((base + 2)) receiver_port=$((base + 3))
redis_port=${FAILOVER_REDIS_PORT:-6391}
version=0.1.0-SNAPSHOT
cluster=$root/scripts/rabbitmq-cluster.sh
read -r -a rabbit_ports <<<"${RABBITMQ_CLUSTER_PORTS:-5781 5782 5783}"
pids=()

cleanup() {
  local pid
  [ "${FAILOVER_KEEP:-0}" = 1 ] && { say "Left running (FAILOVER_KEEP=1): pids ${pids[*]}, $run_dir"; return; }
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -f "$run_dir/redis.pid" ] && kill "$(cat "$run_dir/redis.pid")" 2>/dev/null || true
  "$cluster" stop >/dev/null || true
}
trap cleanup EXIT

for port in $api_port $worker_port $events_port $receiver_port $redis_port; do
  reachable 127.0.0.1 "$port" && fail "port $port is taken; set FAILOVER_PORT_BASE / FAILOVER_REDIS_PORT."
done
java=$(find_java)
mkdir -p "$run_dir"
rm -f "$run_dir"/*.log

if [ "${FAILOVER_SKIP_BUILD:-0}" != 1 ]; then
  say "Building task-service and event-service ..."
  (cd "$root" && ./mvnw -q -DskipTests package -pl task-service,event-service -am)
fi

# Copies, so that a build during the run cannot change a jar under a running service.
for module in task-service event-service; do cp "$root/$module/target/$module-$version.jar" "$run_dir/$module.jar"; done

"$cluster" stop >/dev/null
"$cluster" start
addresses=$("$cluster" start | sed -n 's/^SPRING_RABBITMQ_ADDRESSES=//p')

redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$run_dir" \
  --pidfile "$run_dir/redis.pid" --logfile "$run_dir/redis.log" >/dev/null
for _ in $(seq 1 50); do [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ] && break; sleep 0.2; done

# name module port extra-arguments...
start_service() {
  local name=$1 module=$2 port=$3; shift 3
  env SPRING_RABBITMQ_ADDRESSES="$addresses" SPRING_DATA_REDIS_HOST=127.0.0.1 SPRING_DATA_REDIS_PORT="$redis_port" \
    EUREKA_CLIENT_ENABLED=false PORT="$port" \
    "$java" -Xmx256m -jar "$run_dir/$module.jar" "$@" >"$run_dir/$name.log" 2>&1 &
  pids+=($!)
}
start_service task-api task-service "$api_port" --tasks.roles=api
start_service task-worker task-service "$worker_port" --tasks.roles=worker
start_service event-service event-service "$events_port" --events.webhooks.allowed-hosts=127.0.0.1

for port in $api_port $worker_port $events_port; do
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness")" = 200 ] && break
    sleep 1
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness")" = 200 ] \
    || fail "the service on port $port is not ready after 300 s; see $run_dir/*.log"
done
say "task-service (API :$api_port, worker :$worker_port) and event-service (:$events_port) ready on $addresses"

status=$(curl -s -o "$run_dir/subscription.json" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
  -d "{\"pattern\":\"failover.#\",\"webhookUrl\":\"http://127.0.0.1:$receiver_port/hook\"}" \
  "http://127.0.0.1:$events_port/api/subscriptions/failover")
[ "$status" = 201 ] || fail "creating the subscription answered $status: $(cat "$run_dir/subscription.json")"

tasks_leader=$("$cluster" leader tasks.work)
events_leader=$("$cluster" leader events.subscription.failover)
say "quorum queue leaders: tasks.work on :$tasks_leader, events.subscription.failover on :$events_leader"
[ "$tasks_leader" = "$events_leader" ] \
  || say "the two queues are led by different nodes; the node leading the task queue is the one stopped"

python3 "$root/scripts/failover/load.py" "http://127.0.0.1:$api_port" "http://127.0.0.1:$events_port" \
  "$receiver_port" "$cluster ${FAILOVER_HOW:-kill}-node $tasks_leader" "${FAILOVER_BEFORE:-20}" "${FAILOVER_AFTER:-40}" \
  "${FAILOVER_SETTLE:-180}" | tee "$run_dir/result.txt"
