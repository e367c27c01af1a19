#!/usr/bin/env bash
# Runs the real docker-compose.yml, built from the real Dockerfile, on a machine that has no Docker engine
# and cannot pull from a container registry: with podman (from Debian's packages) behind Debian's
# docker-compose, and local stand-ins for the base images.
#
#   sudo scripts/compose-smoke.sh        build, start, check every service through the gateway, tear down
#   SMOKE_KEEP=1 scripts/compose-smoke.sh   leave the suite running afterwards (it prints how to stop it)
#
# What it does:
#   1. installs podman, runc, debootstrap and docker-compose from Debian's packages when absent;
#   2. builds stand-ins, tagged with the exact names the Dockerfile and the compose file use:
#      eclipse-temurin:<N>-jdk and -jre (a debootstrap Debian root filesystem with this machine's JDK),
#      redis and rabbitmq (Debian's servers, honouring the compose file's environment). The stand-ins live in
#      scripts/compose-smoke/ and nowhere else;
#   3. builds every service's image from the Dockerfile with the compose file's build arguments, from a
#      snapshot of the work tree;
#   4. `docker-compose --profile observability up -d` against podman's Docker-compatible API, waits until every
#      container is healthy, calls every service once through the gateway (with the API key), the Eureka
#      dashboard and RabbitMQ's management UI, checks that Prometheus scrapes every service and that the trace of
#      one gateway call reaches the collector, shows the logs of anything unhealthy or failing, and tears it all
#      down.
#
# The observability profile's stand-ins: Prometheus is Debian's (the real server, from Debian 13's package); the
# OpenTelemetry Collector, Jaeger and Grafana are not packaged by Debian, so observability-standin.py stands in
# for them: the collector's stand-in receives OTLP/HTTP and logs every span's trace id (what is checked), the
# other two only answer their healthchecks. Their real images run the same compose file elsewhere.
#
# Time: 251 s from scratch on a quiet 2-core machine (2026-12-01: packages and debootstrap 1 minute, the images
# 77 s, every container healthy 87 s later, calls and teardown 26 s); 20 to 27 minutes on a shared one under
# heavy load (load average 40 to 70). With the observability profile (16 containers), 2026-12-02 on the shared
# machine under other builds and benchmarks: 1514 s (stand-ins 172 s, the images 726 s, every container healthy
# 516 s later, calls, checks and teardown 50 s). Later runs reuse the root filesystem and Maven's downloads.
#
# Settings (environment): GATEWAY_HOST_PORT, REGISTRY_HOST_PORT, RABBITMQ_UI_HOST_PORT (default 8080, 8761,
# 15672; a free port is chosen when the default is taken), SMOKE_TIMEOUT (seconds for start-up, 1500),
# SMOKE_JDK (the JDK for the stand-in; default: the newest JDK >= 21 under /usr/lib/jvm), SMOKE_STATE_DIR
# (cache of the root filesystem, /var/tmp/compose-smoke), SMOKE_REBUILD_STANDINS=1 (rebuild the stand-ins).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/scripts/compose-smoke
project=dpsmoke
state_dir=${SMOKE_STATE_DIR:-/var/tmp/compose-smoke}
start_timeout=${SMOKE_TIMEOUT:-1500}
run_dir=/run/compose-smoke
socket=$run_dir/podman.sock
started_at=$SECONDS

# podman reads its settings from here: see the comments in that file.
export CONTAINERS_CONF=$here/containers.conf
export DOCKER_HOST=unix://$socket
# Debian's python3 has the yaml module docker-compose itself uses.
python=/usr/bin/python3

say() { printf '[compose-smoke %4ds] %s\n' $((SECONDS - started_at)) "$*"; }
fail() { printf '[compose-smoke] FAILED: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "run as root: podman runs the containers rootful here"
  exec sudo --preserve-env "$0" "$@"
fi

# --- 1. tools --------------------------------------------------------------------------------------
install_tools() {
  local missing=() tool
  for tool in podman runc debootstrap docker-compose curl; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing ${missing[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap docker-compose curl >/dev/null
}

# --- 2. stand-ins for the registry images ------------------------------------------------------------
image_exists() { podman image exists "$1"; }

debian_rootfs_image() {
  local image=localhost/compose-smoke/debian:bookworm rootfs=$state_dir/rootfs-bookworm
  if image_exists "$image" && [ -z "${SMOKE_REBUILD_STANDINS:-}" ]; then return; fi
  if [ ! -x "$rootfs/bin/sh" ]; then
    say "debootstrap: a minimal Debian bookworm root filesystem (a few minutes)"
    rm -rf "$rootfs"
    mkdir -p "$state_dir"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$state_dir/debootstrap.log" 2>&1 \
      || { tail -n 20 "$state_dir/debootstrap.log" >&2; fail "debootstrap failed"; }
  fi
  tar -C "$rootfs" -c . | podman import - "$image" >/dev/null
}

find_jdk() {
  local candidate major best="" best_major=0
  for candidate in ${SMOKE_JDK:-/usr/lib/jvm/*}; do
    if [ ! -x "$candidate/bin/javac" ] || [ ! -f "$candidate/release" ]; then continue; fi
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$candidate/release")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate best_major=$major
    fi
  done
  [ -n "$best" ] || fail "no JDK 21 or newer under /usr/lib/jvm (set SMOKE_JDK)"
  echo "$best $best_major"
}

# Names as the Dockerfile and compose file write them; podman stores short names under docker.io/library/ and
# names of Docker Hub's other namespaces (prom/prometheus) under docker.io/.
full_name() {
  case $1 in
    *.*/* | localhost/*) echo "$1" ;;
    */*) echo "docker.io/$1" ;;
    *) echo "docker.io/library/$1" ;;
  esac
}

# The image the compose file names for a service whose image starts with PREFIX (e.g. redis:, prom/prometheus:).
compose_image() {
  local image
  image=$(sed -n "s|^ *image: *\($1[^ ]*\) *\$|\1|p" "$root/docker-compose.yml" | head -n 1)
  [ -n "$image" ] || fail "docker-compose.yml names no $1 image"
  full_name "$image"
}

temurin_images() {
  local jdk=$1 major=$2 jdk_image jre_image context
  jdk_image=$(full_name "eclipse-temurin:$major-jdk")
  jre_image=$(full_name "eclipse-temurin:$major-jre")
  if image_exists "$jdk_image" && image_exists "$jre_image" && [ -z "${SMOKE_REBUILD_STANDINS:-}" ]; then return; fi
  say "stand-in eclipse-temurin:$major-jdk/-jre from $jdk"
  context=$(mktemp -d)
  # Hard links make the copy instant; the JDK's cacerts is a link into /etc, so it is copied for real.
  cp -al "$jdk/." "$context/" 2>/dev/null || cp -a "$jdk/." "$context/"
  if [ -L "$context/lib/security/cacerts" ]; then
    rm "$context/lib/security/cacerts"
    cp -L "$jdk/lib/security/cacerts" "$context/lib/security/cacerts"
  fi
  podman build --quiet --pull=never -f "$here/temurin.Containerfile" -t "$jdk_image" "$context" >/dev/null
  podman tag "$jdk_image" "$jre_image"
  rm -rf "$context"
}

# A stand-in is rebuilt when its Containerfile or the files beside it changed since it was built: the image carries
# their checksum as a label.
standin_source() { cat "$here"/*.Containerfile "$here"/*.py "$here"/*.sh | sha256sum | cut -c1-16; }

standin_current() {
  [ -z "${SMOKE_REBUILD_STANDINS:-}" ] \
    && [ "$(podman image inspect --format '{{index .Labels "compose-smoke.source"}}' "$1" 2>/dev/null)" = "$(standin_source)" ]
}

service_images() {
  local name image role source
  source=$(standin_source)
  for name in redis rabbitmq prometheus; do
    # The exact image the compose file names, e.g. redis:7.4, prom/prometheus:v2.53.2.
    case $name in prometheus) image=$(compose_image prom/prometheus:) ;; *) image=$(compose_image "$name:") ;; esac
    if standin_current "$image"; then continue; fi
    say "stand-in $image from Debian's $name package"
    podman build --quiet --pull=never --label "compose-smoke.source=$source" -f "$here/$name.Containerfile" \
      -t "$image" "$here" >/dev/null
  done
  for role in collector=otel/opentelemetry-collector: jaeger=jaegertracing/all-in-one: grafana=grafana/grafana:; do
    image=$(compose_image "${role#*=}")
    if standin_current "$image"; then continue; fi
    say "stand-in $image (observability-standin.py as ${role%%=*})"
    podman build --quiet --pull=never --label "compose-smoke.source=$source" --build-arg "ROLE=${role%%=*}" \
      -f "$here/observability.Containerfile" -t "$image" "$here" >/dev/null
  done
}

# --- 3. the project's images ---------------------------------------------------------------------
# One snapshot of the work tree, so that every image is built from the same sources even while files
# change, and the Maven stage (which does not depend on the module) is built once and then cached.
snapshot_sources() {
  local snapshot=$1
  mkdir -p "$snapshot"
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$root" && git ls-files -z --cached --others --exclude-standard \
      | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$snapshot"
  else
    (cd "$root" && tar --exclude=./.run --exclude='*/target' -cf - .) | tar -xf - -C "$snapshot"
  fi
}

# Every service with a build section, as `name|context|dockerfile|image|ARG=VALUE ...`, from the compose file.
compose_builds() {
  compose config | "$python" -c '
import sys, yaml
for name, service in yaml.safe_load(sys.stdin)["services"].items():
    build = service.get("build")
    if not build:
        continue
    args = " ".join(f"{k}={v}" for k, v in (build.get("args") or {}).items())
    print("|".join([name, build["context"], build.get("dockerfile", "Dockerfile"), service["image"], args]))
'
}

build_project_images() {
  local major=$1 snapshot=$state_dir/sources name context dockerfile image args arg build_args
  rm -rf "$snapshot"
  snapshot_sources "$snapshot"
  while IFS='|' read -r name context dockerfile image args; do
    build_args=(--build-arg "JAVA_VERSION=$major")
    for arg in $args; do build_args+=(--build-arg "$arg"); done
    context=$snapshot${context#"$root"}
    say "building $image (for $name) from $dockerfile"
    local started=$SECONDS
    podman build --pull=never "${build_args[@]}" -f "$context/$dockerfile" -t "$image" "$context" \
      >"$state_dir/build-$name.log" 2>&1 \
      || { tail -n 40 "$state_dir/build-$name.log" >&2; fail "building $image failed (log: $state_dir/build-$name.log)"; }
    say "  built in $((SECONDS - started)) s"
  done < <(compose_builds)
}

# --- 4. run it ------------------------------------------------------------------------------------
compose() {
  docker-compose -p "$project" -f "$root/docker-compose.yml" --env-file "$state_dir/smoke.env" --profile observability "$@"
}

port_free() { ! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

pick_port() {
  local variable=$1 default=$2 port
  if [ -n "${!variable:-}" ]; then echo "${!variable}"; return; fi
  port=$default
  while ! port_free "$port"; do port=$((port + 1000)); done
  [ "$port" = "$default" ] || say "port $default is taken: $variable=$port" >&2
  echo "$port"
}

write_env_file() {
  mkdir -p "$state_dir"
  api_key=smoke-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  gateway_port=$(pick_port GATEWAY_HOST_PORT 8080)
  registry_port=$(pick_port REGISTRY_HOST_PORT 8761)
  rabbit_ui_port=$(pick_port RABBITMQ_UI_HOST_PORT 15672)
  prometheus_port=$(pick_port PROMETHEUS_HOST_PORT 9090)
  grafana_port=$(pick_port GRAFANA_HOST_PORT 3000)
  jaeger_port=$(pick_port JAEGER_UI_HOST_PORT 16686)
  rabbit_user=smoke
  rabbit_password=smoke-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
  cat >"$state_dir/smoke.env" <<ENV
GATEWAY_API_KEYS=$api_key
RABBITMQ_USERNAME=$rabbit_user
RABBITMQ_PASSWORD=$rabbit_password
PUBLISH_ADDRESS=127.0.0.1
GATEWAY_HOST_PORT=$gateway_port
REGISTRY_HOST_PORT=$registry_port
RABBITMQ_UI_HOST_PORT=$rabbit_ui_port
PROMETHEUS_HOST_PORT=$prometheus_port
GRAFANA_HOST_PORT=$grafana_port
JAEGER_UI_HOST_PORT=$jaeger_port
OTLP_TRACES_ENDPOINT=http://otel-collector:4318/v1/traces
GRAFANA_ADMIN_PASSWORD=smoke-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
ENV
}

podman_service_pid=""
ticker_pid=""

start_podman_service() {
  mkdir -p "$run_dir"
  rm -f "$socket"
  podman system service --time=0 "unix://$socket" >"$state_dir/podman-service.log" 2>&1 &
  podman_service_pid=$!
  for _ in $(seq 1 50); do [ -S "$socket" ] && return; sleep 0.2; done
  fail "podman's API service did not start (log: $state_dir/podman-service.log)"
}

project_containers() { podman ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}}'; }

# podman schedules healthchecks with systemd timers; without systemd (as here) nothing runs them, and
# docker-compose would wait for `service_healthy` forever. This loop runs them instead.
start_healthcheck_ticker() {
  (
    while true; do
      for container in $(podman ps --filter "label=com.docker.compose.project=$project" --format '{{.Names}}'); do
        podman healthcheck run "$container" >/dev/null 2>&1 &
      done
      wait
      sleep 10
    done
  ) &
  ticker_pid=$!
}

health() { podman inspect --format '{{if .State.Health.Status}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null || echo missing; }

show_logs() {
  local container
  for container in "$@"; do
    printf '\n----- %s (%s): last 60 lines -----\n' "$container" "$(health "$container")" >&2
    podman logs --tail 60 "$container" >&2 2>&1 || true
  done
}

unhealthy_containers() {
  local container
  for container in $(project_containers); do
    [ "$(health "$container")" = healthy ] || echo "$container"
  done
}

cleanup() {
  local status=$?
  [ -n "$ticker_pid" ] && kill "$ticker_pid" 2>/dev/null
  if [ -n "${SMOKE_KEEP:-}" ] && [ $status -eq 0 ]; then
    say "left running (SMOKE_KEEP): gateway http://127.0.0.1:$gateway_port, API key $api_key"
    say "stop with: DOCKER_HOST=$DOCKER_HOST CONTAINERS_CONF=$CONTAINERS_CONF docker-compose -p $project -f $root/docker-compose.yml down -v"
    say "(podman's API service keeps running as pid $podman_service_pid; healthchecks are no longer run)"
    return
  fi
  if [ -n "$podman_service_pid" ]; then
    say "tearing down"
    compose down -v --remove-orphans >"$state_dir/down.log" 2>&1 || true
    kill "$podman_service_pid" 2>/dev/null || true
    rm -f "$socket"
  fi
  say "total $((SECONDS - started_at)) s"
}

wait_until_healthy() {
  local deadline=$1 bad
  while true; do
    bad=$(unhealthy_containers)
    [ -z "$bad" ] && return 0
    if [ $SECONDS -ge "$deadline" ] || podman ps -a --filter "label=com.docker.compose.project=$project" \
        --filter status=exited --format '{{.Names}}' | grep -q .; then
      # shellcheck disable=SC2086
      show_logs $bad
      fail "not healthy: $(tr '\n' ' ' <<<"$bad")"
    fi
    sleep 5
  done
}

# --- 5. every service, once, through the gateway ---------------------------------------------------
failures=()

# call NAME EXPECTED_STATUS METHOD URL [BODY] [extra curl args...]; retries for a minute while the gateway
# still learns the instances from Eureka. Leaves the body in $body.
call() {
  local name=$1 expected=$2 method=$3 url=$4 data=${5:-} status deadline=$((SECONDS + 60))
  shift 5 2>/dev/null || shift $#
  local args=(-sS -o "$state_dir/body" -w '%{http_code}' -X "$method" --max-time 30 "$@")
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data "$data")
  while true; do
    status=$(curl "${args[@]}" "$url" 2>/dev/null || echo 000)
    body=$(cat "$state_dir/body" 2>/dev/null || true)
    if [ "$status" = "$expected" ]; then
      say "  ok   $name: $method $url -> $status"
      return 0
    fi
    if [ $SECONDS -ge $deadline ] || { [ "${status:0:1}" = 4 ] && [ "$status" != 404 ]; }; then
      say "  FAIL $name: $method $url -> $status (expected $expected): ${body:0:300}"
      failures+=("$name")
      return 1
    fi
    sleep 2
  done
}

json_field() { "$python" -c 'import json,sys; v=json.loads(sys.argv[1]); print(v.get(sys.argv[2], ""))' "$1" "$2" 2>/dev/null || true; }

exercise() {
  local gw=http://127.0.0.1:$gateway_port key=(-H "X-API-Key: $api_key") id status deadline
  say "calling every service through the gateway"
  call "gateway rejects a call without the key" 401 GET "$gw/api/caches/smoke" "" || true

  call "cache-service put" 204 PUT "$gw/api/caches/smoke/entries/greeting?ttlSeconds=300" '{"hello":"compose"}' "${key[@]}" || true
  call "cache-service get" 200 GET "$gw/api/caches/smoke/entries/greeting" "" "${key[@]}" || true

  if call "lock-service acquire" 200 POST "$gw/api/locks/smoke/acquire" '{"ttlMs":10000}' "${key[@]}"; then
    id=$(json_field "$body" leaseId)
    call "lock-service release" 204 POST "$gw/api/locks/smoke/release" "{\"leaseId\":\"$id\"}" "${key[@]}" || true
  fi

  if call "task-service submit" 202 POST "$gw/api/tasks" '{"type":"factorial","args":{"n":10}}' "${key[@]}"; then
    id=$(json_field "$body" id)
    deadline=$((SECONDS + 90))
    while true; do
      call "task-service status" 200 GET "$gw/api/tasks/$id" "" "${key[@]}" >/dev/null || break
      status=$(json_field "$body" status)
      if [ "$status" = SUCCESS ]; then say "  ok   task-worker ran task $id"; break; fi
      if [ $SECONDS -ge $deadline ] || [ "$status" = FAILURE ]; then
        say "  FAIL task-worker: task $id is $status"; failures+=("task-worker"); break
      fi
      sleep 2
    done
  fi
  call "task-worker answers an RPC" 200 POST "$gw/api/rpc/factorial" '{"n":20}' "${key[@]}" || true

  call "event-service publish" 202 POST "$gw/api/events/smoke.checked" '{"ok":true}' "${key[@]}" || true

  call "consensus-service write" 200 PUT "$gw/api/kv/smoke" '"compose"' "${key[@]}" || true
  call "consensus-service read" 200 GET "$gw/api/kv/smoke" "" "${key[@]}" || true
  call "consensus-service cluster" 200 GET "$gw/api/cluster" "" "${key[@]}" || true

  call "registry: the Eureka dashboard" 200 GET "http://127.0.0.1:$registry_port/" "" || true
  call "rabbitmq: the management UI" 200 GET "http://127.0.0.1:$rabbit_ui_port/api/overview" "" \
    -u "$rabbit_user:$rabbit_password" || true
  observe
}

# Every scrape job of ops/prometheus/prometheus.yml has all its targets up, and one gateway call with a sampled
# traceparent shows up, by its trace id, in the collector's log.
observe() {
  local gw=http://127.0.0.1:$gateway_port trace_id deadline down
  say "checking the observability profile"
  deadline=$((SECONDS + 120))
  while true; do
    down=$(curl -sS --max-time 10 "http://127.0.0.1:$prometheus_port/api/v1/targets" 2>/dev/null | "$python" -c '
import json, sys
targets = json.load(sys.stdin)["data"]["activeTargets"]
jobs = {t["labels"]["job"] for t in targets}
bad = [t["labels"]["job"] + " " + t["labels"]["instance"] + ": " + t["health"] + " (" + t.get("lastError", "")[:200] + ")"
       for t in targets if t["health"] != "up"]
print("; ".join(bad) if bad else ("" if len(jobs) >= 8 else "only jobs " + ",".join(sorted(jobs))))
' 2>&1 || echo "Prometheus does not answer")
    if [ -z "$down" ]; then say "  ok   prometheus: every target of every job is up"; break; fi
    if [ $SECONDS -ge $deadline ]; then
      say "  FAIL prometheus: $down"; failures+=("prometheus"); break
    fi
    sleep 5
  done

  trace_id=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  call "a traced gateway call" 200 GET "$gw/api/caches/smoke/entries/greeting" "" -H "X-API-Key: $api_key" \
    -H "traceparent: 00-$trace_id-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')-01" || true
  # Each service exports its spans in batches (every 5 s by default): wait for both.
  local service
  deadline=$((SECONDS + 60))
  for service in gateway cache-service; do
    until podman logs "${project}_otel-collector_1" 2>&1 | grep -q "trace_id=$trace_id service=$service "; do
      if [ $SECONDS -ge $deadline ]; then
        say "  FAIL otel-collector: no span of trace $trace_id from $service"; failures+=("otel-collector"); return
      fi
      sleep 2
    done
    say "  ok   otel-collector: received $service's span of trace $trace_id"
  done
  call "grafana answers" 200 GET "http://127.0.0.1:$grafana_port/api/health" "" || true
  call "jaeger's UI answers" 200 GET "http://127.0.0.1:$jaeger_port/" "" || true
}

main() {
  install_tools
  mkdir -p "$state_dir"
  local jdk major
  read -r jdk major < <(find_jdk)
  [ -n "${major:-}" ] || fail "no JDK 21 or newer under /usr/lib/jvm (set SMOKE_JDK)"
  debian_rootfs_image
  temurin_images "$jdk" "$major"
  service_images
  say "stand-ins ready"

  write_env_file
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  start_podman_service
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  build_project_images "$major"

  say "starting the suite: docker-compose up -d (waits for each healthcheck in turn)"
  start_healthcheck_ticker
  local deadline=$((SECONDS + start_timeout))
  if ! timeout "$start_timeout" docker-compose -p "$project" -f "$root/docker-compose.yml" \
      --env-file "$state_dir/smoke.env" --profile observability up -d --no-build >"$state_dir/up.log" 2>&1; then
    cat "$state_dir/up.log" >&2
    # shellcheck disable=SC2046
    show_logs $(unhealthy_containers)
    fail "docker-compose up did not bring the suite up"
  fi
  wait_until_healthy "$deadline"
  say "every container is healthy: $(project_containers | wc -l) containers"

  exercise
  if [ ${#failures[@]} -gt 0 ]; then
    # Each check is named after the compose service it calls; the gateway is in every path.
    local services=(gateway) name
    for name in "${failures[@]}"; do
      case ${name%% *} in
        consensus-service) services+=(consensus-1 consensus-2 consensus-3) ;;
        *) services+=("${name%% *}") ;;
      esac
    done
    # shellcheck disable=SC2046
    show_logs $(printf "${project}_%s_1\n" "${services[@]}" | sort -u)
    fail "${#failures[@]} call(s) failed: ${failures[*]}"
  fi
  say "PASSED: every service answered through the gateway"
}

main "$@"
