#!/usr/bin/env bash
# Runs the whole suite on this machine as background JVMs: registry, gateway, every service.
#
#   scripts/run-local.sh          build what changed, start everything, wait until healthy and registered
#   scripts/run-local.sh stop     stop exactly the processes this script started
#   scripts/run-local.sh status   show what runs, with its health
#   scripts/run-local.sh start --example   also start examples/order-service on :8070, a Spring Boot application
#                                 using the suite through the starter (examples/README.md); 'stop' stops it too
#
# Redis and RabbitMQ: scripts/backing-services.sh makes them answer (starting or installing them when absent), or
# SPRING_DATA_REDIS_* and SPRING_RABBITMQ_* point elsewhere. Logs and pid files go to .run/ (git-ignored).
#
# For a second copy beside the first (the end-to-end tests do this): RUN_PORT_OFFSET=10000 shifts every
# port, RUN_DIR puts logs, pids and data elsewhere, RUN_SKIP_BUILD=1 uses the jars as they are.
set -euo pipefail
script_name=run-local
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

root=$(cd "$(dirname "$0")/.." && pwd)
run_dir=${RUN_DIR:-$root/.run}
offset=${RUN_PORT_OFFSET:-0}
version=0.1.0-SNAPSHOT
registry_port=$((8761 + offset))
registry_url=http://localhost:$registry_port

# name | module | port | extra environment (space-separated KEY=VALUE)
processes() {
  local peers="1=127.0.0.1:$((7001 + offset)),2=127.0.0.1:$((7002 + offset)),3=127.0.0.1:$((7003 + offset))" node
  echo "registry|registry|$registry_port|"
  echo "cache-service|cache-service|$((8081 + offset))|"
  echo "lock-service|lock-service|$((8082 + offset))|"
  echo "task-service|task-service|$((8083 + offset))|TASK_ROLES=api"
  echo "task-worker|task-service|$((8093 + offset))|TASK_ROLES=worker"
  echo "event-service|event-service|$((8084 + offset))|"
  for node in 1 2 3; do
    echo "consensus-$node|consensus-service|$((8084 + node + offset))|CONSENSUS_NODE_ID=$node CONSENSUS_RAFT_PORT=$((7000 + node + offset)) CONSENSUS_PEERS=$peers CONSENSUS_DATA_DIR=$run_dir/data/consensus-$node"
  done
  echo "gateway|gateway|$((8080 + offset))|"
  [ "$with_example" = no ] || example_process
}

# The example application: after the suite (it registers its task type through the gateway), not in Eureka.
example_process() {
  local key=${GATEWAY_API_KEYS:-}
  echo "order-service|examples/order-service|$((8070 + offset))|DISTPATTERNS_URL=http://localhost:$((8080 + offset)) DISTPATTERNS_API_KEY=${key%%,*}"
}

with_example=no

# A module's jar: <module>/target/<last path element>-<version>.jar (examples/order-service too).
jar_of() { echo "$root/$1/target/${1##*/}-$version.jar"; }

# The jars carry the fixed timestamp of a reproducible build, so the time of the last build is kept in a stamp.
build_stamp=$root/target/run-local.built

build_if_stale() {
  local stale=no module
  for module in $(processes | cut -d'|' -f2 | sort -u); do
    if [ ! -f "$(jar_of "$module")" ] || [ ! -f "$build_stamp" ] || [ -n "$(find "$root/$module/src/main" \
        "$root/$module/pom.xml" "$root/pom.xml" "$root/platform" "$root/client" -newer "$build_stamp" -type f -not -path '*/target/*' \
        -print -quit)" ]; then
      stale=yes
    fi
  done
  if [ $stale = yes ]; then
    say "Building (./mvnw -q -DskipTests package; the first time also downloads Maven and the dependencies) ..."
    # Stamped with the time the build began: a file changed while it ran is built again next time.
    mkdir -p "$(dirname "$build_stamp")" && touch "$build_stamp.new"
    (cd "$root" && ./mvnw -q -DskipTests package)
    mv "$build_stamp.new" "$build_stamp"
  fi
}

# Every JVM started here carries a marker naming its run directory and process. A pid is ours only while the
# process lives and its command line carries that marker: a number the kernel has since given to another program,
# or a process killed a moment ago and now a zombie, is not taken for ours.
marker_of() { echo "-Ddistpatterns.run-local=$run_dir/$1"; }

live_pid() {
  local pid_file="$run_dir/$1.pid" pid state
  [ -f "$pid_file" ] || return 1
  pid=$(cat "$pid_file")
  state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 1
  case $state in ''|Z|X) return 1 ;; esac
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$(marker_of "$1")" || return 1
  echo "$pid"
}

# The processes this run of the script started itself, as opposed to found running.
declare -A started_here=()

start_one() {
  local name=$1 module=$2 port=$3 env_spec=$4 java=$5
  local pid_file="$run_dir/$name.pid" log_file="$run_dir/$name.log" pid
  if pid=$(live_pid "$name"); then
    say "  $name already running (pid $pid)"
    return
  fi
  # A process killed a moment ago may still hold its port while the kernel tears it down.
  for _ in $(seq 1 20); do reachable 127.0.0.1 "$port" || break; sleep 0.5; done
  if reachable 127.0.0.1 "$port"; then
    fail "port $port, wanted by $name, is taken by another process (stop it, or 'scripts/run-local.sh stop')."
  fi
  local -a env_args=("PORT=$port" "SPRING_PROFILES_ACTIVE=${SPRING_PROFILES_ACTIVE:-local}" "EUREKA_URL=$registry_url/eureka/")
  [ -n "$env_spec" ] && read -r -a extra <<<"$env_spec" && env_args+=("${extra[@]}")
  mkdir -p "$run_dir/data"
  # shellcheck disable=SC2086
  nohup env "${env_args[@]}" "$java" ${JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC} "$(marker_of "$name")" \
    -Dsun.misc.unsafe.memory.access=allow --enable-native-access=ALL-UNNAMED \
    -jar "$(jar_of "$module")" >"$log_file" 2>&1 &
  echo $! >"$pid_file"
  started_here[$name]=1
  say "  started $name on :$port (pid $!, log $log_file)"
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

wait_listening() {
  local name=$1 port=$2 deadline=$((SECONDS + ${START_TIMEOUT:-300}))
  until reachable 127.0.0.1 "$port"; do
    live_pid "$name" >/dev/null || return 0 # wait_healthy reports it, or starts it again
    [ $SECONDS -lt $deadline ] || return 0
    sleep 0.5
  done
}

# $3.. : how to start the process again if one found running (not started here) turns out to be dying.
wait_healthy() {
  local name=$1 port=$2 deadline=$((SECONDS + ${START_TIMEOUT:-300}))
  shift 2
  until http_ok "http://localhost:$port/actuator/health/readiness"; do
    if ! live_pid "$name" >/dev/null; then
      if [ -z "${started_here[$name]:-}" ] && [ $# -gt 0 ]; then
        say "  $name was ending when found; starting it again"
        start_one "$name" "$@"
      else
        tail -n 40 "$run_dir/$name.log" >&2
        fail "$name exited during start-up (log above: $run_dir/$name.log)."
      fi
    fi
    [ $SECONDS -lt $deadline ] || { tail -n 40 "$run_dir/$name.log" >&2; fail "$name not healthy after ${START_TIMEOUT:-300} s."; }
    sleep 1
  done
}

wait_registered() {
  local app=$1 deadline=$((SECONDS + 60))
  until curl -fsS --max-time 2 -H 'Accept: application/json' "$registry_url/eureka/apps/${app^^}" 2>/dev/null | grep -q '"status":"UP"'; do
    [ $SECONDS -lt $deadline ] || fail "$app is healthy but not registered in Eureka after 60 s."
    sleep 1
  done
}

start() {
  local java
  java=$(find_java)
  command -v curl >/dev/null || install_packages curl
  "$root/scripts/backing-services.sh"
  [ -n "${RUN_SKIP_BUILD:-}" ] || build_if_stale
  mkdir -p "$run_dir"
  say "Starting the suite with $java"
  # A few JVMs at a time, as many as there are cores: ten starting at once on two cores spend their time taking the
  # cores from each other. The next one starts when the oldest still starting opens its port.
  local name module port env_spec started=() starting=() window
  window=$(nproc 2>/dev/null || echo 2)
  while IFS='|' read -r name module port env_spec; do
    [ -f "$(jar_of "$module")" ] || fail "$(jar_of "$module") is missing: build with ./mvnw -DskipTests package."
    start_one "$name" "$module" "$port" "$env_spec" "$java"
    started+=("$name|$module|$port|$env_spec")
    starting+=("$name|$port")
    # Everything registers in Eureka: let it come up first.
    [ "$name" = registry ] && wait_healthy registry "$registry_port" "$module" "$port" "$env_spec" "$java"
    while [ ${#starting[@]} -ge "$window" ]; do
      IFS='|' read -r name port <<<"${starting[0]}"
      wait_listening "$name" "$port"
      starting=("${starting[@]:1}")
    done
  done < <(processes)

  say "Waiting until every process is healthy and registered ..."
  local entry app
  for entry in "${started[@]}"; do
    IFS='|' read -r name module port env_spec <<<"$entry"
    wait_healthy "$name" "$port" "$module" "$port" "$env_spec" "$java"
    # A worker-only process registers under its own name, so the gateway never routes API calls to it.
    app=$module
    [ "$name" = task-worker ] && app=task-worker
    case $name in registry|order-service) ;; *) wait_registered "$app" ;; esac
  done
  for entry in "${started[@]}"; do
    IFS='|' read -r name module _ <<<"$entry"
    wait_routed "$module"
  done
  urls
}

# A harmless call per service, answered by the service itself (200 or 404) once the gateway routes to it.
probe_path() {
  case $1 in
    cache-service) echo /api/caches/run-local ;;
    lock-service) echo /api/locks/run-local ;;
    task-service) echo /api/tasks/run-local-probe ;;
    event-service) echo /api/subscriptions/run-local-probe ;;
    consensus-service) echo /api/cluster ;;
  esac
}

# Registered is not yet routed: the gateway learns of an instance at its next registry fetch.
wait_routed() {
  local path code deadline=$((SECONDS + 60)) key=${GATEWAY_API_KEYS:-}
  key=${key%%,*}
  path=$(probe_path "$1")
  [ -n "$path" ] || return 0
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 ${key:+-H "X-API-Key: $key"} \
      "http://localhost:$((8080 + offset))$path" 2>/dev/null) || true
    case $code in 000|502|503|504) ;; *) return 0 ;; esac
    [ $SECONDS -lt $deadline ] || fail "the gateway does not route to $1 after 60 s (last answer: $code)."
    sleep 1
  done
}

urls() {
  cat <<URLS

The suite is up (in $SECONDS s).
  Gateway (every call goes here)  http://localhost:$((8080 + offset))/api/...
  Swagger UI over every service   http://localhost:$((8080 + offset))/swagger-ui.html
  Eureka dashboard                $registry_url/
URLS
  local name module port
  while IFS='|' read -r name module port _; do
    case $name in registry|gateway|task-worker|consensus-2|consensus-3|order-service) continue ;; esac
    printf '  %-31s http://localhost:%s/swagger-ui.html\n' "$module OpenAPI UI" "$port"
  done < <(processes)
  [ "$with_example" = no ] || printf '\nThe example application (examples/README.md): http://localhost:%s/prices/apple\n' \
    "$((8070 + offset))"
  printf '\nTry (the examples of the README):\n'
  awk '/^```console/ {inside=1; next} /^```/ {inside=0} inside && /^[$] /' "$root/README.md" \
    | sed "s/localhost:8080/localhost:$((8080 + offset))/g; s/^[$] /  /"
  [ -z "${GATEWAY_API_KEYS:-}" ] || say "  (with -H 'X-API-Key: <one of GATEWAY_API_KEYS>' on each call)"
  say "Stop with: scripts/run-local.sh stop"
}
stop() {
  [ -d "$run_dir" ] || { say "Nothing is running."; return; }
  local pid_file pid name signalled=()
  for pid_file in "$run_dir"/*.pid; do
    [ -e "$pid_file" ] || continue
    name=$(basename "$pid_file" .pid)
    if pid=$(live_pid "$name"); then
      kill "$pid"
      signalled+=("$pid")
      say "  stopping $name (pid $pid)"
    fi
    rm -f "$pid_file"
  done
  # Only what was signalled above is waited for, and killed if it will not end.
  for pid in "${signalled[@]}"; do
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  done
  say "Stopped ${#signalled[@]} process(es)."
}

status() {
  local name module port pid state
  while IFS='|' read -r name module port _; do
    if pid=$(live_pid "$name"); then
      http_ok "http://localhost:$port/actuator/health/readiness" && state=UP || state=STARTING/DOWN
      printf '  %-14s :%s  pid %-7s %s\n' "$name" "$port" "$pid" "$state"
    fi
  done < <(processes)
}

command=${1:-start}
[ $# -gt 0 ] && shift
for option in "$@"; do
  case $option in
    --example) with_example=yes ;;
    *) fail "usage: $0 [start|stop|status] [--example]" ;;
  esac
done
# 'status' shows the example whenever it runs.
[ "$command" != status ] || [ ! -f "$run_dir/order-service.pid" ] || with_example=yes

case $command in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) fail "usage: $0 [start|stop|status] [--example]" ;;
esac
