#!/usr/bin/env bash
# Benchmarks cache-service: GET and PUT of a small JSON value at 50 connections, direct to the service and through
# the gateway, side by side in one run with two anchors measured in the same run:
#   - redis-benchmark GET/SET with the same value size (the storage limit), and
#   - nginx returning a fixed 13-byte JSON body (the HTTP limit of this machine);
# and, for scale, the floors of the stack itself (scripts/bench/floors): a bare Spring WebFlux application that only
# reads the value from Redis, a bare Spring Cloud Gateway with one static route to cache-service, and Jetty's servlet
# container on virtual threads answering the GET from memory (no Spring: the container under a near-cache hit).
# Prints a table with throughput, p50, p99 and the ratios the targets are stated in. Unattended: installs wrk,
# nginx and Redis from Debian if missing, builds the jars if missing or stale, starts its own Redis, registry,
# cache-service and gateway on private ports, and stops exactly what it started.
#
#   scripts/bench/cache.sh                 10 s per measurement
#   DURATION=5s scripts/bench/cache.sh     shorter (WARMUP=10s per warm-up round, WARMUP_ROUNDS=12 at most; the two
#                                          gateways warm in 30 s rounds unless WARMUP is set: 10 s rounds stop before
#                                          the JIT's plateau there)
#   GATEWAY_FEATURES=off scripts/bench/cache.sh   the suite's gateway without rate limit and API key (as before issue 22)
#   GATEWAY_ONLY=yes scripts/bench/cache.sh        only the suite's gateway GET and the bare gateway's (and nginx)
#   GATEWAY_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/gw.jfr,settings=profile" ...   profile the gateway
#   CACHE_JAVA_OPTS="-Xlog:gc:file=/tmp/cache-gc.log" ...   the same for cache-service
#   DIRECT_ONLY=yes scripts/bench/cache.sh         only the direct GET and the bare Jetty and WebFlux floors (and nginx)
#   PACED_RATE=10000 DIRECT_ONLY=yes ...           also the four at a fixed rate below saturation, open loop
#                                                  (scripts/bench/paced/PacedGet.java: latency from when each
#                                                  request was due), for their latency where wrk saturates the cores
#   PACED_RATE=3000 GATEWAY_ONLY=yes ...           the same for nginx and the two gateways: the latency the suite's
#                                                  gateway adds at the same load, below both gateways' saturation
#
# The suite's gateway runs with every feature on by default: API keys (wrk sends one), the rate limit (with a limit
# far above the load, so that it decides on every call but refuses none), circuit breaker, discovery, metrics and
# tracing. CPU per proxied request (the gateway process's user+system time over the requests wrk completed) is
# reported beside the suite's gateway and the bare gateway, and likewise cache-service's and the bare WebFlux
# application's own CPU per direct GET (Redis's not counted: the floor reads it on every GET, a near-cache hit does not).
#
# The measuring part holds /tmp/distpatterns-bench.lock (BENCH_LOCK to name another: a process that inherited the
# lock's descriptor from an earlier benchmark and outlived it holds it for ever) so that two benchmarks never run at once.
set -euo pipefail

script_name=cache.sh
source "$(dirname "$0")/common.sh"
cd "$root"
duration="${DURATION:-10s}"
warmup="${WARMUP:-10s}"
# The gateways reach their plateau only after minutes of load: rounds of 10 s rise by under 10 % long before.
gateway_warmup="${WARMUP:-30s}"
max_warmup_rounds="${WARMUP_ROUNDS:-12}"
gateway_only="${GATEWAY_ONLY:-no}"
direct_only="${DIRECT_ONLY:-no}"
paced_rate="${PACED_RATE:-}"
paced_nginx="" paced_direct="" paced_floor="" paced_floor_jetty="" paced_gateway="" paced_floor_gateway=""
connections=50
work="$(mktemp -d /tmp/cache-bench.XXXXXX)"

# Private ports, away from run-local's 8080-8093/8761 and the shared Redis on 6379 (BENCH_*_PORT to choose).
redis_port="${BENCH_REDIS_PORT:-$(free_port 27391)}"
registry_port="${BENCH_REGISTRY_PORT:-$(free_port 27761)}"
cache_port="${BENCH_CACHE_PORT:-$(free_port 27081)}"
gateway_port="${BENCH_GATEWAY_PORT:-$(free_port 27181)}"
nginx_port="${BENCH_NGINX_PORT:-$(free_port 27281)}"
floor_webflux_port="${BENCH_FLOOR_WEBFLUX_PORT:-$(free_port 27381)}"
floor_gateway_port="${BENCH_FLOOR_GATEWAY_PORT:-$(free_port 27481)}"
floor_jetty_port="${BENCH_FLOOR_JETTY_PORT:-$(free_port 27581)}"

pids=()
cleanup() {
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  stop_processes "${pids[@]}"
  say "logs of this run: $work"
}
trap cleanup EXIT

build_if_stale() {
  build_if_stale_modules registry gateway cache-service
  build_floors_if_stale
}

start_jvm() {
  local name=$1 module=$2 port=$3 extra=()
  shift 3
  # GATEWAY_JAVA_OPTS, CACHE_JAVA_OPTS: more JVM options for the suite's gateway or cache-service only, e.g. a
  # flight recording to profile it.
  [[ $name == gateway && -n "${GATEWAY_JAVA_OPTS:-}" ]] && read -r -a extra <<<"$GATEWAY_JAVA_OPTS"
  [[ $name == cache-service && -n "${CACHE_JAVA_OPTS:-}" ]] && read -r -a extra <<<"$CACHE_JAVA_OPTS"
  # Throughput settings: a fixed heap and the parallel collector; the rest is the production configuration.
  env PORT="$port" "$@" "$java" -Xms512m -Xmx512m -XX:+UseParallelGC "${extra[@]}" \
    -Dsun.misc.unsafe.memory.access=allow --enable-native-access=ALL-UNNAMED \
    -jar "$work/$module.jar" >"$work/$name.log" 2>&1 &
  pids+=($!)
}

# wrk --latency output -> "requests/s p50_ms p99_ms non2xx"
wrk_run() {
  local out
  out="$(wrk -t2 -c"$connections" -d"$1" --latency "${@:2}")"
  echo "$out" >>"$work/wrk.log"
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 } /Non-2xx/ { bad = $5 } / requests in / { total = $1 }
    END { printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, bad + 0, total }' <<<"$out"
}

# CPU time (user + system) a process has used so far, in microseconds.
# wrk_run, plus the CPU a process spent per completed request: "requests/s p50_ms p99_ms non2xx total cpu_us_per_request"
wrk_run_cpu() {
  local pid=$1 before after line
  shift
  before="$(cpu_us "$pid")"
  line="$(wrk_run "$@")"
  after="$(cpu_us "$pid")"
  awk -v line="$line" -v cpu=$((after - before)) 'BEGIN { split(line, f, " "); printf "%s %.0f\n", line, (f[5] > 0 ? cpu / f[5] : 0) }'
}

install_missing_commands wrk:wrk nginx:nginx-light redis-server:redis-server redis-benchmark:redis-tools curl:curl
build_if_stale
java="$(find_java)"
# Run copies: other builds in this working tree may replace a jar under a JVM that is still loading classes from it.
for module in registry gateway cache-service; do cp "$(jar_of "$module")" "$work/$module.jar"; done
for module in webflux gateway jetty; do cp "$(floor_jar "$module")" "$work/floor-$module.jar"; done
for port in "$redis_port" "$registry_port" "$cache_port" "$gateway_port" "$nginx_port" "$floor_webflux_port" \
    "$floor_gateway_port" "$floor_jetty_port"; do
  port_free "$port" || fail "port $port is taken; set BENCH_*_PORT to free ones"
done

api_key=bench-key
if [[ "${GATEWAY_FEATURES:-on}" == on ]]; then
  gateway_features=(GATEWAY_API_KEYS="$api_key" GATEWAY_RATE_LIMIT_PER_SECOND=10000000 GATEWAY_RATE_LIMIT_BURST=10000000)
else
  gateway_features=(GATEWAY_RATE_LIMIT_ENABLED=false)
fi
say "starting Redis :$redis_port, registry :$registry_port, cache-service :$cache_port, gateway :$gateway_port, nginx :$nginx_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)

cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '{"value":"x"}'; }
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"

start_jvm registry registry "$registry_port"
eureka="http://127.0.0.1:$registry_port/eureka/"
await_http "http://127.0.0.1:$registry_port/actuator/health" registry 600
# Everything registers in Eureka as 127.0.0.1: the benchmark's traffic stays on the loopback interface.
start_jvm cache-service cache-service "$cache_port" EUREKA_URL="$eureka" EUREKA_INSTANCE_IPADDRESS=127.0.0.1 \
  SPRING_DATA_REDIS_HOST=127.0.0.1 SPRING_DATA_REDIS_PORT="$redis_port"
cache_pid=${pids[-1]}
start_jvm gateway gateway "$gateway_port" EUREKA_URL="$eureka" EUREKA_INSTANCE_IPADDRESS=127.0.0.1 \
  SPRING_DATA_REDIS_HOST=127.0.0.1 SPRING_DATA_REDIS_PORT="$redis_port" "${gateway_features[@]}"
gateway_pid=${pids[-1]}
await_http "http://127.0.0.1:$cache_port/actuator/health/readiness" cache-service 600
await_http "http://127.0.0.1:$gateway_port/actuator/health/readiness" gateway 600
start_jvm floor-webflux floor-webflux "$floor_webflux_port" SPRING_DATA_REDIS_HOST=127.0.0.1 SPRING_DATA_REDIS_PORT="$redis_port"
floor_webflux_pid=${pids[-1]}
start_jvm floor-gateway floor-gateway "$floor_gateway_port" FLOOR_TARGET="http://127.0.0.1:$cache_port"
floor_gateway_pid=${pids[-1]}
start_jvm floor-jetty floor-jetty "$floor_jetty_port"
floor_jetty_pid=${pids[-1]}

value='{"value":"x"}'
direct="http://127.0.0.1:$cache_port/api/caches/bench/entries/k1"
gateway="http://127.0.0.1:$gateway_port/api/caches/bench/entries/k1"
curl -fsS -X PUT -H 'Content-Type: application/json' --data-binary "$value" "$direct"
floor_webflux="http://127.0.0.1:$floor_webflux_port/api/caches/bench/entries/k1"
floor_gateway="http://127.0.0.1:$floor_gateway_port/api/caches/bench/entries/k1"
floor_jetty="http://127.0.0.1:$floor_jetty_port/api/caches/bench/entries/k1"
redis-cli -p "$redis_port" SET floor:bench:k1 "$value" >/dev/null
# The bare Jetty keeps its entries in memory: its wait for it is the PUT that stores the value.
await_http "$floor_jetty" "the bare Jetty" 600 -X PUT -H 'Content-Type: application/json' --data-binary "$value"
await_http "$floor_webflux" "the bare WebFlux application" 600
await_http "$floor_gateway" "the bare gateway's route to cache-service" 600
# The gateway learns of the service from Eureka within a few fetch intervals.
keyed=(-H "X-API-Key: $api_key")
route_deadline=$((SECONDS + 120))
until curl -fsS -o /dev/null --max-time 2 "${keyed[@]}" "$gateway" 2>/dev/null; do
  [[ $SECONDS -lt $route_deadline ]] || fail "the gateway's route to cache-service not up after 120 s (logs in $work)"
  sleep 1
done
cat >"$work/put.lua" <<LUA
wrk.method = "PUT"
wrk.body = '$value'
wrk.headers["Content-Type"] = "application/json"
LUA

# The JIT needs many calls before a JVM runs at speed, and far longer on a busy machine: load each target in rounds
# until its throughput stops rising (under 10 % from one round to the next), at most $max_warmup_rounds rounds.
# warm ROUND_DURATION WRK_ARGS...
warm() {
  local previous=0 current round round_duration=$1
  shift
  for round in $(seq 1 "$max_warmup_rounds"); do
    read -r current _ <<<"$(wrk_run "$round_duration" "$@")"
    say "  warm-up round $round: $current req/s ($*)"
    if [[ $round -gt 1 ]] && awk -v c="$current" -v p="$previous" 'BEGIN { exit !(c < p * 1.10) }'; then
      return
    fi
    previous=$current
  done
}

measure() {
  say "warming up the JVMs ..."
  if [[ $direct_only == yes ]]; then
    warm "$warmup" "$direct"
    warm "$warmup" "$floor_webflux"
    warm "$warmup" "$floor_jetty"
    say "measuring, ${duration} each ..."
    read -r nginx_rps nginx_p50 nginx_p99 nginx_bad _ <<<"$(wrk_run "$duration" "http://127.0.0.1:$nginx_port/")"
    read -r dget_rps dget_p50 dget_p99 dget_bad _ dget_cpu <<<"$(wrk_run_cpu "$cache_pid" "$duration" "$direct")"
    read -r fjt_rps fjt_p50 fjt_p99 fjt_bad _ fjt_cpu <<<"$(wrk_run_cpu "$floor_jetty_pid" "$duration" "$floor_jetty")"
    read -r fwf_rps fwf_p50 fwf_p99 fwf_bad _ fwf_cpu <<<"$(wrk_run_cpu "$floor_webflux_pid" "$duration" "$floor_webflux")"
    [[ -z $paced_rate ]] || measure_paced
    return 0
  fi
  if [[ $gateway_only != yes ]]; then
    warm "$warmup" "$direct"
    warm "$warmup" -s "$work/put.lua" "$direct"
  fi
  warm "$gateway_warmup" "${keyed[@]}" "$gateway"
  [[ $gateway_only == yes ]] || warm "$gateway_warmup" "${keyed[@]}" -s "$work/put.lua" "$gateway"
  [[ $gateway_only == yes ]] || warm "$warmup" "$floor_webflux"
  [[ $gateway_only == yes ]] || warm "$warmup" "$floor_jetty"
  warm "$gateway_warmup" "$floor_gateway"

  say "measuring, ${duration} each ..."
  local redis_out
  redis_out="$(redis-benchmark -p "$redis_port" -q -n 200000 -c "$connections" -d ${#value} -t set,get 2>/dev/null | tr '\r' '\n')"
  echo "$redis_out" >"$work/redis-benchmark.log"
  redis_set="$(awk '/^SET:/ { print $2 }' <<<"$redis_out" | tail -1)"
  redis_get="$(awk '/^GET:/ { print $2 }' <<<"$redis_out" | tail -1)"
  read -r nginx_rps nginx_p50 nginx_p99 nginx_bad _ <<<"$(wrk_run "$duration" "http://127.0.0.1:$nginx_port/")"
  # The suite's gateway and the bare one back to back: their ratio is a target, and the machine's load moves.
  read -r gget_rps gget_p50 gget_p99 gget_bad _ gget_cpu <<<"$(wrk_run_cpu "$gateway_pid" "$duration" "${keyed[@]}" "$gateway")"
  read -r fgw_rps fgw_p50 fgw_p99 fgw_bad _ fgw_cpu <<<"$(wrk_run_cpu "$floor_gateway_pid" "$duration" "$floor_gateway")"
  if [[ $gateway_only == yes ]]; then
    [[ -z $paced_rate ]] || measure_paced_gateways
    return 0
  fi
  read -r dget_rps dget_p50 dget_p99 dget_bad _ dget_cpu <<<"$(wrk_run_cpu "$cache_pid" "$duration" "$direct")"
  read -r fjt_rps fjt_p50 fjt_p99 fjt_bad _ fjt_cpu <<<"$(wrk_run_cpu "$floor_jetty_pid" "$duration" "$floor_jetty")"
  read -r dput_rps dput_p50 dput_p99 dput_bad _ <<<"$(wrk_run "$duration" -s "$work/put.lua" "$direct")"
  read -r gput_rps gput_p50 gput_p99 gput_bad _ <<<"$(wrk_run "$duration" "${keyed[@]}" -s "$work/put.lua" "$gateway")"
  read -r fwf_rps fwf_p50 fwf_p99 fwf_bad _ fwf_cpu <<<"$(wrk_run_cpu "$floor_webflux_pid" "$duration" "$floor_webflux")"
}

# One target at PACED_RATE requests/s, open loop: "requests/s p50 p90 p99 p99.9 max non2xx", or "failed".
# paced URL [HEADER...]
paced() { paced_get "$1" "$paced_rate" "${duration%s}" "$connections" "${@:2}"; }

# nginx, the direct GET and the two floors under it at PACED_RATE.
measure_paced() {
  say "measuring at a fixed $paced_rate req/s, ${duration} each ..."
  paced_nginx="$(paced "http://127.0.0.1:$nginx_port/")"
  paced_direct="$(paced "$direct")"
  paced_floor_jetty="$(paced "$floor_jetty")"
  paced_floor="$(paced "$floor_webflux")"
  printf '%s\n' "nginx $paced_nginx" "direct $paced_direct" "floor-jetty $paced_floor_jetty" "floor $paced_floor" \
    >>"$work/paced.log"
}

# nginx and the two gateways at PACED_RATE.
measure_paced_gateways() {
  say "measuring at a fixed $paced_rate req/s, ${duration} each ..."
  paced_nginx="$(paced "http://127.0.0.1:$nginx_port/")"
  paced_gateway="$(paced "$gateway" "X-API-Key: $api_key")"
  paced_floor_gateway="$(paced "$floor_gateway")"
  printf '%s\n' "nginx $paced_nginx" "gateway $paced_gateway" "floor-gateway $paced_floor_gateway" >>"$work/paced.log"
}

# What GATEWAY_ONLY=yes or DIRECT_ONLY=yes does not measure stays blank in the table.
redis_get=0 redis_set=0 gget_cpu="" fgw_cpu="" dget_cpu="" fwf_cpu="" fjt_cpu=""
for what in dget dput gget gput fwf fgw fjt; do
  for field in rps p50 p99 bad; do printf -v "${what}_$field" '%s' ""; done
done
hold_bench_lock
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
steal_before="$(steal_ms)"
measure
steal_measuring=$(($(steal_ms) - steal_before))
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
release_bench_lock

# A ratio this run could not form (a mode that skips one side, a failed measurement) is no verdict either way.
verdict() {
  [[ "$1" =~ ^[0-9.]+$ ]] || { echo "not measured"; return; }
  awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = (dir == "min") ? v >= t : v < t; print ok ? "met" : "MISSED" }'
}

r_get_nginx="$(ratio "$dget_rps" "$nginx_rps")"
r_gw_get="$(ratio "$gget_rps" "$dget_rps")"
r_gw_put="$(ratio "$gput_rps" "$dput_rps")"

cat <<TABLE

cache-service benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $("$java" -version 2>&1 | head -1)
wrk -t2 -c$connections -d$duration, value $value (${#value} bytes); load average before $load_before, after $load_after
steal time while measuring: $steal_measuring ms (the hypervisor's: the machine's cores given to others)
suite's gateway features: ${GATEWAY_FEATURES:-on} (${gateway_features[*]})

| what                          | req/s  | p50 ms | p99 ms | non-2xx |
|-------------------------------|-------:|-------:|-------:|--------:|
| anchor: nginx fixed JSON      | $(printf '%6s | %6s | %6s | %7s' "$nginx_rps" "$nginx_p50" "$nginx_p99" "$nginx_bad") |
| anchor: redis-benchmark GET   | $(printf '%6.0f | %6s | %6s | %7s' "$redis_get" - - -) |
| anchor: redis-benchmark SET   | $(printf '%6.0f | %6s | %6s | %7s' "$redis_set" - - -) |
| direct GET                    | $(printf '%6s | %6s | %6s | %7s' "$dget_rps" "$dget_p50" "$dget_p99" "$dget_bad") |
| direct PUT                    | $(printf '%6s | %6s | %6s | %7s' "$dput_rps" "$dput_p50" "$dput_p99" "$dput_bad") |
| gateway GET                   | $(printf '%6s | %6s | %6s | %7s' "$gget_rps" "$gget_p50" "$gget_p99" "$gget_bad") |
| gateway PUT                   | $(printf '%6s | %6s | %6s | %7s' "$gput_rps" "$gput_p50" "$gput_p99" "$gput_bad") |
| floor: bare WebFlux + Redis GET | $(printf '%6s | %6s | %6s | %7s' "$fwf_rps" "$fwf_p50" "$fwf_p99" "$fwf_bad") |
| floor: bare gateway GET -> direct | $(printf '%6s | %6s | %6s | %7s' "$fgw_rps" "$fgw_p50" "$fgw_p99" "$fgw_bad") |
| floor: bare Jetty GET, in memory | $(printf '%6s | %6s | %6s | %7s' "$fjt_rps" "$fjt_p50" "$fjt_p99" "$fjt_bad") |

| ratio                              | value | target  |        |
|------------------------------------|------:|---------|--------|
| direct GET / nginx                 | $(printf '%5s' "$r_get_nginx") | >= 0.25 | $(verdict "$r_get_nginx" 0.25 min) |
| gateway GET / direct GET           | $(printf '%5s' "$r_gw_get") | >= 0.5  | $(verdict "$r_gw_get" 0.5 min) |
| gateway GET / bare gateway GET     | $(printf '%5s' "$(ratio "$gget_rps" "$fgw_rps")") | >= 0.8  | $(verdict "$(ratio "$gget_rps" "$fgw_rps")" 0.8 min) |
| gateway GET p99 / bare gateway p99 | $(printf '%5s' "$(ratio "$gget_p99" "$fgw_p99")") | <= 1.2  | $(verdict "$(ratio "$gget_p99" "$fgw_p99")" 1.2001 max) |
| gateway CPU us per GET             | $(printf '%5s' "$gget_cpu") | (info)  |        |
| bare gateway CPU us per GET        | $(printf '%5s' "$fgw_cpu") | (info)  |        |
| gateway PUT / direct PUT           | $(printf '%5s' "$r_gw_put") | >= 0.5  | $(verdict "$r_gw_put" 0.5 min) |
| direct GET / bare WebFlux floor    | $(printf '%5s' "$(ratio "$dget_rps" "$fwf_rps")") | >= 1.5  | $(verdict "$(ratio "$dget_rps" "$fwf_rps")" 1.5 min) |
| direct GET CPU us per GET          | $(printf '%5s' "$dget_cpu") | (info)  |        |
| bare WebFlux CPU us per GET        | $(printf '%5s' "$fwf_cpu") | (info)  |        |
| direct GET p99 (ms), near cache    | $(printf '%5s' "$dget_p99") | < 5     | $(verdict "$dget_p99" 5 max) |
| direct GET p99 (ms)                | $(printf '%5s' "$dget_p99") | < 10    | $(verdict "$dget_p99" 10 max) |
| direct PUT p99 (ms)                | $(printf '%5s' "$dput_p99") | < 10    | $(verdict "$dput_p99" 10 max) |
| direct GET / redis-benchmark GET   | $(printf '%5s' "$(ratio "$dget_rps" "$redis_get")") | (info)  |        |
| direct PUT / redis-benchmark SET   | $(printf '%5s' "$(ratio "$dput_rps" "$redis_set")") | (info)  |        |
| floor: bare WebFlux GET / nginx    | $(printf '%5s' "$(ratio "$fwf_rps" "$nginx_rps")") | (info)  |        |
| floor: bare gateway GET / direct GET | $(printf '%5s' "$(ratio "$fgw_rps" "$dget_rps")") | (info)  |        |
| direct GET / bare Jetty GET        | $(printf '%5s' "$(ratio "$dget_rps" "$fjt_rps")") | (info)  |        |
| bare Jetty CPU us per GET          | $(printf '%5s' "$fjt_cpu") | (info)  |        |
TABLE
if [[ -n $paced_rate ]]; then
  cat <<PACED

At a fixed $paced_rate req/s, open loop, $connections connections (latency from when each request was due):

| what                          | req/s  | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | non-2xx |
|-------------------------------|-------:|-------:|-------:|-------:|---------:|-------:|--------:|
$(if [[ $gateway_only == yes ]]; then
    rows=("anchor: nginx fixed JSON|$paced_nginx" "gateway GET|$paced_gateway" "floor: bare gateway GET|$paced_floor_gateway")
  else
    rows=("anchor: nginx fixed JSON|$paced_nginx" "direct GET|$paced_direct" "floor: bare Jetty GET, in memory|$paced_floor_jetty"
      "floor: bare WebFlux + Redis GET|$paced_floor")
  fi
  for row in "${rows[@]}"; do
    read -r rps p50 p90 p99 p999 max bad <<<"${row#*|}"
    printf '| %-29s | %6s | %6s | %6s | %6s | %8s | %6s | %7s |\n' "${row%%|*}" "$rps" "$p50" "$p90" "$p99" "$p999" "$max" "$bad"
  done)
PACED
  if [[ $gateway_only == yes ]]; then
    read -r _ _ _ paced_gw_p99 _ <<<"$paced_gateway"
    read -r _ _ _ paced_fgw_p99 _ <<<"$paced_floor_gateway"
    paced_p99_ratio="$(ratio "$paced_gw_p99" "$paced_fgw_p99")"
    echo
    echo "gateway GET p99 / bare gateway p99 at the same $paced_rate req/s: $paced_p99_ratio (target <= 1.2: $(verdict "$paced_p99_ratio" 1.2001 max))"
  fi
fi
