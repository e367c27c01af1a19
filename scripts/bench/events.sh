#!/usr/bin/env bash
# Benchmark of event-service, beside the broker's own limit measured in the same run.
#
#   scripts/bench/events.sh
#
# Measures, against the RabbitMQ this machine uses (SPRING_RABBITMQ_HOST/PORT; Redis from SPRING_DATA_REDIS_HOST/PORT):
#   anchor   RabbitMQ PerfTest (com.rabbitmq:perf-test 2.22.1), publisher confirms, persistent 200-byte messages:
#            -x 1 -y 1 -s 200 -f persistent -z 15 -c 100 -q 100
#   publish  confirmed publishes/s: wrk POSTing a ~100-byte JSON body (a ~350-byte CloudEvent) on 100 connections
#            (as many publishes in flight as PerfTest's -c 100 leaves unconfirmed), every event persisted into one
#            durable queue (as PerfTest's are), nobody consuming in the service; and the service's CPU per publish
#   fan-out  the same load with one SSE client and one webhook subscription attached: publishes/s, SSE
#            deliveries/s, and the rate at which the webhook receives what was published
#   latency  1,000 events/s for 20 s, open loop, after 10 s of the same unmeasured: publish-to-delivery p50/p99 to
#            the SSE client and to the webhook
# The service runs as its own process on port 18084 under an exchange, queue and key prefix of its own, called
# directly (not through the gateway, whose per-key rate limit would otherwise apply: set
# GATEWAY_RATE_LIMIT_ENABLED=false to bench through it). The measuring part holds /tmp/distpatterns-bench.lock so
# that no two benchmarks of the suite run at once; other builds and tests may still be running on the machine.
#
# Tunables (environment): SECONDS_PER_RUN (15), CONNECTIONS (100), RATE (1000), LATENCY_SECONDS (20), BENCH_DIR,
# SERVICE_JAVA_OPTS (more JVM options for the service, e.g. -XX:StartFlightRecording=filename=ev.jfr to profile it).
set -euo pipefail

script_name=events.sh
source "$(dirname "$0")/common.sh"
here="$root/scripts/bench/events"
work=${BENCH_DIR:-/tmp/distpatterns-bench-events}
seconds=${SECONDS_PER_RUN:-15}
connections=${CONNECTIONS:-100}
rate=${RATE:-1000}
latency_seconds=${LATENCY_SECONDS:-20}
port=18084
run="events-bench-$(date +%s)-$$"
exchange="$run.events"
jar="$(jar_of event-service)"
rabbit_host=${SPRING_RABBITMQ_HOST:-127.0.0.1}
rabbit_port=${SPRING_RABBITMQ_PORT:-5672}
rabbit_user=${SPRING_RABBITMQ_USERNAME:-guest}
rabbit_password=${SPRING_RABBITMQ_PASSWORD:-guest}
amqp="amqp://$rabbit_user:$rabbit_password@$rabbit_host:$rabbit_port"
redis_host=${SPRING_DATA_REDIS_HOST:-127.0.0.1}
redis_port=${SPRING_DATA_REDIS_PORT:-6379}

pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ -d "$work/lib" ] && [ -n "${java:-}" ]; then
    "$java" -Dlogback.configurationFile="$here/logback.xml" -cp "$work/lib/*" "$here/EventsBench.java" \
      clean "$amqp" "$exchange" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

start_service() {
  reachable 127.0.0.1 "$port" && fail "port $port is taken"
  # shellcheck disable=SC2086
  "$java" -Xms512m -Xmx512m -XX:+UseParallelGC ${SERVICE_JAVA_OPTS:-} -Dsun.misc.unsafe.memory.access=allow \
    --enable-native-access=ALL-UNNAMED -jar "$jar" \
    --server.port="$port" --eureka.client.enabled=false --spring.main.banner-mode=off \
    --events.exchange="$exchange" --events.stream.queue-prefix="$run.stream." \
    --events.subscriptions.queue-prefix="$run.subscription." --events.subscriptions.key-prefix="{$run}:" \
    --events.webhooks.allowed-hosts=127.0.0.1 \
    --spring.rabbitmq.host="$rabbit_host" --spring.rabbitmq.port="$rabbit_port" \
    --spring.rabbitmq.username="$rabbit_user" --spring.rabbitmq.password="$rabbit_password" \
    --spring.data.redis.host="$redis_host" --spring.data.redis.port="$redis_port" \
    >"$work/event-service.log" 2>&1 &
  pid=$!
  local deadline=$((SECONDS + 240))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { tail -n 30 "$work/event-service.log" >&2; fail "event-service did not become ready"; }
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$work/event-service.log" >&2; fail "event-service exited"; }
    sleep 1
  done
  say "  event-service ready on :$port (exchange $exchange)"
}

# "RESULT key=value" lines of EventsBench -> the value of one key
value() { sed -n "s/^RESULT $2=//p" <<<"$1"; }

main() {
  install_missing_commands curl:curl wrk:wrk flock:util-linux
  java=$(find_java)
  reachable "$rabbit_host" "$rabbit_port" || fail "RabbitMQ not reachable at $rabbit_host:$rabbit_port"
  reachable "$redis_host" "$redis_port" || fail "Redis not reachable at $redis_host:$redis_port"
  mkdir -p "$work"

  build_if_stale_modules event-service
  if [ ! -f "$work/lib/perf-test-2.22.1.jar" ]; then
    say "Resolving com.rabbitmq:perf-test 2.22.1 ..."
    (cd "$root" && ./mvnw -q -f "$here/perf-test-pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$work/lib" -DincludeScope=runtime)
  fi

  hold_bench_lock
  local load_before
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)

  say "Anchor: RabbitMQ PerfTest, confirms, 15 s ..."
  local perf perf_rate perf_confirm_p99
  perf=$("$java" -cp "$work/lib/*" com.rabbitmq.perf.PerfTest -h "$amqp" \
    -x 1 -y 1 -s 200 -f persistent -z 15 -c 100 -q 100 2>&1 | tee "$work/perf-test.log")
  perf_rate=$(sed -n 's/.*sending rate avg: \([0-9]*\) msg\/s.*/\1/p' <<<"$perf" | tail -1)
  perf_confirm_p99=$(sed -n 's/.*confirm latency min\/median\/75th\/95th\/99th [^ ]*\/[^ ]*\/[^ ]*\/[^ ]*\/\([0-9]*\) .*/\1/p' <<<"$perf" | tail -1)
  [ -n "$perf_rate" ] || { tail -n 20 "$work/perf-test.log" >&2; fail "PerfTest gave no rate"; }
  say "  PerfTest: $perf_rate msg/s confirmed"

  say "Starting event-service ..."
  start_service

  say "Publish, fan-out and latency runs (about $((3 * seconds + latency_seconds + 40)) s) ..."
  local out
  out=$("$java" -Dlogback.configurationFile="$here/logback.xml" -cp "$work/lib/*" "$here/EventsBench.java" \
    "http://127.0.0.1:$port" "$amqp" "$exchange" \
    "$seconds" "$connections" "$here/publish.lua" "$rate" "$latency_seconds" "$pid" | tee "$work/bench.log")

  local publish fanout sse webhook
  publish=$(value "$out" publish_per_s); fanout=$(value "$out" fanout_publish_per_s)
  sse=$(value "$out" sse_per_s); webhook=$(value "$out" webhook_per_s)
  cat <<TABLE

Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)

| measure | figure | anchor (PerfTest, same broker, same run) | ratio | target |
|---|---|---|---|---|
| PerfTest: confirms, persistent 200 B, 1 producer, 1 consumer | ${perf_rate} msg/s, confirm p99 ${perf_confirm_p99:-?} us | - | 1.00 | - |
| confirmed publishes, POST /api/events, ${connections} connections, into one durable queue | ${publish} /s, p50 $(value "$out" publish_p50_ms) ms, p99 $(value "$out" publish_p99_ms) ms | ${perf_rate} msg/s | $(ratio "$publish" "$perf_rate") | >= 0.25 |
| service CPU per confirmed publish (all threads, GC included) | $(value "$out" publish_service_cpu_us) us | - | - | - |
| confirmed publishes with an SSE client and a webhook attached | ${fanout} /s | ${perf_rate} msg/s | $(ratio "$fanout" "$perf_rate") | - |
| deliveries to the SSE client during that load | ${sse} /s (cut off: $(value "$out" sse_cut_off)) | ${perf_rate} msg/s | $(ratio "$sse" "$perf_rate") | - |
| deliveries to the webhook (draining that load) | ${webhook} /s ($(value "$out" webhook_delivered) of $(value "$out" webhook_published)) | ${perf_rate} msg/s | $(ratio "$webhook" "$perf_rate") | - |
| publish at ${rate}/s (sent $(value "$out" latency_rate_per_s)/s): answer 202 | p50 $(value "$out" latency_publish_p50_ms) ms, p99 $(value "$out" latency_publish_p99_ms) ms | confirm p99 ${perf_confirm_p99:-?} us | - | - |
| publish-to-SSE at ${rate}/s | p50 $(value "$out" latency_sse_p50_ms) ms, p99 $(value "$out" latency_sse_p99_ms) ms ($(value "$out" latency_sse_received) received) | - | - | p99 < 20 ms |
| publish-to-webhook at ${rate}/s | p50 $(value "$out" latency_webhook_p50_ms) ms, p99 $(value "$out" latency_webhook_p99_ms) ms ($(value "$out" latency_webhook_received) received) | - | - | - |

Errors: $(value "$out" publish_errors) + $(value "$out" fanout_publish_errors) non-2xx publishes under load; at ${rate}/s $(value "$out" latency_errors) sends refused, failed or skipped (more than 256 waiting).
TABLE
}

main "$@"
