#!/usr/bin/env bash
# Runs the whole suite on this machine as background JVMs: registry, gateway, every service.
#
#   scripts/run-local.sh          build what changed, start everything, wait until healthy and registered
#   scripts/run-local.sh stop     stop exactly the processes this script started
#   scripts/run-local.sh status   show what runs, with its health
#
# Needs Redis (127.0.0.1:6379) and RabbitMQ (127.0.0.1:5672, guest/guest), or SPRING_DATA_REDIS_HOST/PORT and
# SPRING_RABBITMQ_HOST/PORT pointing elsewhere. Logs and pid files go to .run/ (git-ignored).
#
# For a second copy beside the first (the end-to-end tests do this): RUN_PORT_OFFSET=10000 shifts every
# port, RUN_DIR puts logs, pids and data elsewhere, RUN_SKIP_BUILD=1 uses the jars as they are.
set -euo pipefail

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
}

say() { printf '%s\n' "$*"; }
fail() { printf 'run-local: %s\n' "$*" >&2; exit 1; }

find_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for dir in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -x "$dir/bin/java" ] && candidates+=("$dir/bin/java")
  done
  command -v java >/dev/null && candidates+=("$(command -v java)")
  local java major
  for java in "${candidates[@]}"; do
    major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$java"
      return
    fi
  done
  fail "no JDK 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm, ~/.sdkman, ~/.jdks)."
}

reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

check_backing_services() {
  local redis_host=${SPRING_DATA_REDIS_HOST:-127.0.0.1} redis_port=${SPRING_DATA_REDIS_PORT:-6379}
  local rabbit_host=${SPRING_RABBITMQ_HOST:-127.0.0.1} rabbit_port=${SPRING_RABBITMQ_PORT:-5672}
  local missing=()
  reachable "$redis_host" "$redis_port" || missing+=("Redis at $redis_host:$redis_port")
  reachable "$rabbit_host" "$rabbit_port" || missing+=("RabbitMQ at $rabbit_host:$rabbit_port")
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'run-local: not reachable: %s\n' "${missing[@]}" >&2
    cat >&2 <<'HELP'
Start them one of these ways, then run this script again:
  - Debian/Ubuntu:  sudo apt-get install -y redis-server rabbitmq-server
                    redis-server --daemonize yes && sudo rabbitmq-server -detached
  - Docker:         docker compose up -d redis rabbitmq
HELP
    exit 1
  fi
}

jar_of() { echo "$root/$1/target/$1-$version.jar"; }

# A module takes part once it holds an application: its jar names a Start-Class.
has_application() {
  local jar
  jar=$(jar_of "$1")
  [ -f "$jar" ] && unzip -p "$jar" META-INF/MANIFEST.MF 2>/dev/null | grep -q '^Start-Class:'
}

build_if_stale() {
  local stale=no module jar
  for module in $(processes | cut -d'|' -f2 | sort -u); do
    jar=$(jar_of "$module")
    [ -d "$root/$module/src/main" ] || continue
    if [ ! -f "$jar" ] || [ -n "$(find "$root/$module/src/main" "$root/$module/pom.xml" "$root/pom.xml" "$root/platform" \
        -newer "$jar" -type f -not -path '*/target/*' -print -quit)" ]; then
      stale=yes
    fi
  done
  if [ $stale = yes ]; then
    say "Building (./mvnw -q -DskipTests package) ..."
    (cd "$root" && ./mvnw -q -DskipTests package)
  fi
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_one() {
  local name=$1 module=$2 port=$3 env_spec=$4 java=$5
  local pid_file="$run_dir/$name.pid" log_file="$run_dir/$name.log"
  if pid_alive "$pid_file"; then
    say "  $name already running (pid $(cat "$pid_file"))"
    return
  fi
  if reachable 127.0.0.1 "$port"; then
    fail "port $port, wanted by $name, is taken by another process (stop it, or 'scripts/run-local.sh stop')."
  fi
  local -a env_args=("PORT=$port" "SPRING_PROFILES_ACTIVE=${SPRING_PROFILES_ACTIVE:-local}" "EUREKA_URL=$registry_url/eureka/")
  [ -n "$env_spec" ] && read -r -a extra <<<"$env_spec" && env_args+=("${extra[@]}")
  mkdir -p "$run_dir/data"
  # shellcheck disable=SC2086
  nohup env "${env_args[@]}" "$java" ${JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC} \
    -Dsun.misc.unsafe.memory.access=allow --enable-native-access=ALL-UNNAMED \
    -jar "$(jar_of "$module")" >"$log_file" 2>&1 &
  echo $! >"$pid_file"
  say "  started $name on :$port (pid $!, log .run/$name.log)"
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

wait_healthy() {
  local name=$1 port=$2 deadline=$((SECONDS + ${START_TIMEOUT:-180}))
  until http_ok "http://localhost:$port/actuator/health/readiness"; do
    pid_alive "$run_dir/$name.pid" || { tail -n 40 "$run_dir/$name.log" >&2; fail "$name exited during start-up (log above)."; }
    [ $SECONDS -lt $deadline ] || { tail -n 40 "$run_dir/$name.log" >&2; fail "$name not healthy after ${START_TIMEOUT:-180} s."; }
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
  check_backing_services
  [ -n "${RUN_SKIP_BUILD:-}" ] || build_if_stale
  mkdir -p "$run_dir"
  say "Starting the suite with $java"
  local name module port env_spec started=()
  while IFS='|' read -r name module port env_spec; do
    has_application "$module" || continue
    start_one "$name" "$module" "$port" "$env_spec" "$java"
    started+=("$name|$module|$port")
    # Everything registers in Eureka: let it come up first.
    [ "$name" = registry ] && wait_healthy registry "$registry_port"
  done < <(processes)

  say "Waiting until every process is healthy and registered ..."
  local entry app
  for entry in "${started[@]}"; do
    IFS='|' read -r name module port <<<"$entry"
    wait_healthy "$name" "$port"
    # A worker-only process registers under its own name, so the gateway never routes API calls to it.
    app=$module
    [ "$name" = task-worker ] && app=task-worker
    [ "$name" = registry ] || wait_registered "$app"
  done
  for entry in "${started[@]}"; do
    IFS='|' read -r name module port <<<"$entry"
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
  local path code deadline=$((SECONDS + 60)) key=${GATEWAY_API_KEYS%%,*}
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

The suite is up.
  Gateway (every call goes here)  http://localhost:$((8080 + offset))/api/...
  Swagger UI over every service   http://localhost:$((8080 + offset))/swagger-ui.html
  Eureka dashboard                $registry_url/
URLS
  local name module port
  while IFS='|' read -r name module port _; do
    case $name in registry|gateway|task-worker|consensus-2|consensus-3) continue ;; esac
    has_application "$module" && printf '  %-31s http://localhost:%s/swagger-ui.html\n' "$module OpenAPI UI" "$port"
  done < <(processes)
  cat <<TRY

Try:
  curl -s -X PUT 'localhost:$((8080 + offset))/api/caches/demo/entries/greeting?ttlSeconds=60' -H 'Content-Type: application/json' -d '{"hello":"world"}'
  curl -s localhost:$((8080 + offset))/api/caches/demo/entries/greeting
Stop with: scripts/run-local.sh stop
TRY
}

stop() {
  [ -d "$run_dir" ] || { say "Nothing is running."; return; }
  local pid_file pid name signalled=()
  for pid_file in "$run_dir"/*.pid; do
    [ -e "$pid_file" ] || continue
    name=$(basename "$pid_file" .pid)
    pid=$(cat "$pid_file")
    # Only a JVM of ours: the pid may have been reused since.
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-$version.jar"; then
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
  local name module port pid_file state
  while IFS='|' read -r name module port _; do
    pid_file="$run_dir/$name.pid"
    if pid_alive "$pid_file"; then
      http_ok "http://localhost:$port/actuator/health/readiness" && state=UP || state=STARTING/DOWN
      printf '  %-14s :%s  pid %-7s %s\n' "$name" "$port" "$(cat "$pid_file")" "$state"
    fi
  done < <(processes)
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) fail "usage: $0 [start|stop|status]" ;;
esac
