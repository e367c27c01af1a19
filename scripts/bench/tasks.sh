#!/usr/bin/env bash
# Benchmark of task-service beside Celery, the peer users would pick instead, and the broker's own limit, all
# measured in the same run on the same RabbitMQ and Redis.
#
#   scripts/bench/tasks.sh
#
# Measures, against the RabbitMQ and Redis this machine uses (SPRING_RABBITMQ_HOST/PORT, SPRING_DATA_REDIS_HOST/PORT):
#   anchor  RabbitMQ PerfTest (com.rabbitmq:perf-test), publisher confirms + manual acks, persistent 200-byte
#           messages: -x 1 -y 1 -s 200 -f persistent -z 15 -c 100 -q 100 (a classic queue); for scale, the same
#           on a quorum queue, the kind the task queue is
#   celery  Celery 5.6 (scripts/bench/tasks/celery_bench.py): no-op tasks end to end, late acks, publisher
#           confirms, durable queue, results and STARTED in Redis, 64 submitting threads, prefork pool of
#           CELERY_CONCURRENCY processes; installed into a venv of its own under CELERY_VENV on first use
#   e2e     end-to-end tasks/s, first submission to last task.succeeded event, for a no-op task
#           (sleep 0 ms) submitted one POST /api/tasks per task, with one worker (and at the end with two)
#   http    the same for an http-mode type whose endpoint is a minimal HTTP server (the JDK's, in the load client)
#   pull    the same for a pull-mode type served by 16 long-polling workers in one JVM (the load client), each
#           leasing up to 16 tasks at a time and completing each with one POST
#   batch   the same clock for one POST /api/batches of 10,000 items in chunks of 1 (10,000 tasks, two workers)
#   rpc     POST /api/rpc/factorial {"n":100} from 16 concurrent callers, after 10 s of the same unmeasured:
#           calls/s, p50, p99
# The load client (scripts/bench/tasks/TaskBench.java) speaks HTTP/1.1 over keep-alive sockets of its own: the
# JDK's HttpClient cost as much CPU per call as the service and set the rate it measured.
# The service runs as its own processes (one API, one or two workers) on ports 18083/18093/18094 under a queue
# and key prefix of its own, called directly (not through the gateway, so no rate limit applies); Celery uses a
# queue and result keys under the same prefix. The measuring part holds /tmp/distpatterns-bench.lock so no two
# benchmarks of the suite run at once.
#
# Tunables (environment): TASKS (10000), CONCURRENCY (64 HTTP clients), RPC_SECONDS (15), CELERY_CONCURRENCY (4,
# its best here: 2 gave 694 tasks/s, 4 gave 747), CELERY_VENV (~/.cache/distpatterns/celery-venv), BENCH_DIR,
# PROFILE=1 (a JFR recording of each service process, $BENCH_DIR/<process>.jfr, for `jfr print --events
# jdk.ExecutionSample`).
set -euo pipefail

script_name=tasks.sh
source "$(dirname "$0")/common.sh"
here="$root/scripts/bench/tasks"
work=${BENCH_DIR:-/tmp/distpatterns-bench-tasks}
tasks=${TASKS:-10000}
concurrency=${CONCURRENCY:-64}
rpc_seconds=${RPC_SECONDS:-15}
rpc_callers=16
pull_workers=16
celery_concurrency=${CELERY_CONCURRENCY:-4}
celery_venv=${CELERY_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/distpatterns/celery-venv}
batch_items=10000
api_port=18083
worker_ports=(18093 18094)
prefix="tasks-bench-$(date +%s)-$$"
jar="$(jar_of task-service)"
rabbit_host=${SPRING_RABBITMQ_HOST:-127.0.0.1}
rabbit_port=${SPRING_RABBITMQ_PORT:-5672}
redis_host=${SPRING_DATA_REDIS_HOST:-127.0.0.1}
redis_port=${SPRING_DATA_REDIS_PORT:-6379}

install_tools() {
  install_missing_commands curl:curl flock:util-linux redis-cli:redis-tools python3:python3
  python3 -c 'import venv, ensurepip' 2>/dev/null || install_packages python3-venv
}

pids=()
cleanup() {
  stop_processes "${pids[@]}"
  if [ -d "$work/lib" ]; then
    bench clean "$prefix" >/dev/null 2>&1 || true
  fi
  redis-cli -h "$redis_host" -p "$redis_port" --scan --pattern "$prefix:*" 2>/dev/null \
    | xargs -r -n 500 redis-cli -h "$redis_host" -p "$redis_port" del >/dev/null 2>&1 || true
}
trap cleanup EXIT

start_service() {
  local name=$1 port=$2 roles=$3
  reachable 127.0.0.1 "$port" && fail "port $port is taken"
  local profile=()
  [ -z "${PROFILE:-}" ] || profile=("-XX:StartFlightRecording=filename=$work/$name.jfr,settings=profile,dumponexit=true")
  "$java" -Xms256m -Xmx512m -XX:+UseParallelGC "${profile[@]}" -Dsun.misc.unsafe.memory.access=allow \
    --enable-native-access=ALL-UNNAMED -jar "$jar" \
    --server.port="$port" --tasks.roles="$roles" --tasks.amqp-prefix="$prefix" --tasks.redis-prefix="$prefix" \
    --tasks.result-ttl=15m --tasks.http.allowed-hosts=127.0.0.1 --eureka.client.enabled=false --spring.main.banner-mode=off \
    --spring.rabbitmq.host="$rabbit_host" --spring.rabbitmq.port="$rabbit_port" \
    --spring.data.redis.host="$redis_host" --spring.data.redis.port="$redis_port" \
    >"$work/$name.log" 2>&1 9>&- &
  pids+=($!)
  local deadline=$((SECONDS + 240))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { tail -n 30 "$work/$name.log" >&2; fail "$name did not become ready"; }
    sleep 1
  done
  say "  $name ready on :$port ($roles)"
}

# Celery 5.6 in a venv of its own. --no-deps: Celery's CLI plugins (click-didyoumean, click-repl, ...) are not
# installable everywhere, and celery_bench.py starts its worker without the CLI; six is python-dateutil's one need.
install_celery() {
  if ! "$celery_venv/bin/python" -c 'import celery, redis, dateutil.tz' 2>/dev/null; then
    say "Installing Celery 5.6 into $celery_venv ..."
    python3 -m venv "$celery_venv"
    "$celery_venv/bin/pip" install -q --retries 1 --no-deps 'celery>=5.6,<5.7' kombu billiard vine amqp click \
      python-dateutil six tzlocal redis
  fi
}

# Where celery_bench.py finds the broker and Redis, and the names of this run's queue and result keys.
celery_environment() {
  export CELERY_BROKER="amqp://guest:guest@$rabbit_host:$rabbit_port//" CELERY_REDIS_HOST="$redis_host" \
    CELERY_REDIS_PORT="$redis_port" CELERY_QUEUE="$prefix.celery" CELERY_KEY_PREFIX="$prefix:celery:"
}

celery() { "$celery_venv/bin/python" "$here/celery_bench.py" "$@"; }

# "RESULT key=value" lines of TaskBench -> the value of one key
value() { sed -n "s/^RESULT $2=//p" <<<"$1"; }

bench() { "$java" -Dlogback.configurationFile="$here/logback-bench.xml" -cp "$work/lib/*" "$here/TaskBench.java" "$@"; }

# PerfTest with the anchor's flags (and any given after them), its output kept in $work/<log>
perf_test() {
  local log=$1
  shift
  "$java" -cp "$work/lib/*" com.rabbitmq.perf.PerfTest -h "amqp://guest:guest@$rabbit_host:$rabbit_port" \
    -x 1 -y 1 -s 200 -f persistent -z 15 -c 100 -q 100 "$@" 2>&1 | tee "$work/$log"
}

# PerfTest's output -> its average receiving rate, msg/s
receiving_rate() { sed -n 's/.*receiving rate avg: \([0-9]*\) msg\/s.*/\1/p' | tail -1; }

main() {
  install_tools
  java=$(find_java)
  reachable "$rabbit_host" "$rabbit_port" || fail "RabbitMQ not reachable at $rabbit_host:$rabbit_port"
  reachable "$redis_host" "$redis_port" || fail "Redis not reachable at $redis_host:$redis_port"
  mkdir -p "$work"

  build_if_stale_modules task-service
  if [ ! -f "$work/lib/perf-test-2.22.1.jar" ]; then
    say "Resolving com.rabbitmq:perf-test 2.22.1 ..."
    (cd "$root" && ./mvnw -q -f "$here/perf-test-pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$work/lib" -DincludeScope=runtime)
  fi

  install_celery

  hold_bench_lock

  say "Anchor: RabbitMQ PerfTest, confirms + manual acks, 15 s ..."
  local perf perf_rate perf_confirm_p99 perf_quorum_rate
  perf=$(perf_test perf-test.log)
  perf_rate=$(receiving_rate <<<"$perf")
  perf_confirm_p99=$(sed -n 's/.*confirm latency min\/median\/75th\/95th\/99th [^ ]*\/[^ ]*\/[^ ]*\/[^ ]*\/\([0-9]*\) .*/\1/p' <<<"$perf" | tail -1)
  [ -n "$perf_rate" ] || { tail -n 20 "$work/perf-test.log" >&2; fail "PerfTest gave no rate"; }
  # The same on a quorum queue, the kind the task queue is: what the broker alone does for one message of a task.
  say "For scale: the same PerfTest on a quorum queue, 15 s ..."
  perf_quorum_rate=$(perf_test perf-test-quorum.log --quorum-queue --queue "$prefix.perf-quorum" | receiving_rate)

  say "Peer: Celery $("$celery_venv/bin/python" -c 'import celery; print(celery.__version__)'), prefork $celery_concurrency, $tasks no-op tasks, 64 submitting threads ..."
  local cel c celery_worker
  celery_environment
  # Started as a plain command so that $! is the worker itself (stopped below, and by cleanup on a failure), and
  # without the benchmark lock's descriptor, which it would otherwise hold for as long as it lives.
  "$celery_venv/bin/python" "$here/celery_bench.py" worker "$celery_concurrency" prefork \
    >"$work/celery-worker.log" 2>&1 9>&- &
  celery_worker=$!
  pids+=("$celery_worker")
  celery submit 2000 >/dev/null # warm-up, and the worker's start-up
  cel=$(celery submit "$tasks")
  kill "$celery_worker" 2>/dev/null || true
  wait "$celery_worker" 2>/dev/null || true
  say "$cel"
  c=$(value "$cel" e2e_per_s)
  [ -n "$c" ] || { tail -n 20 "$work/celery-worker.log" >&2; fail "Celery gave no rate"; }

  say "Starting task-service: one API, one worker (prefix $prefix) ..."
  start_service api "$api_port" api
  start_service worker-1 "${worker_ports[0]}" worker
  local url="http://127.0.0.1:$api_port"

  say "Warm-up ..."
  bench e2e "$url" 3000 "$concurrency" >/dev/null
  bench http "$url" 2000 "$concurrency" >/dev/null
  bench pull "$url" 2000 "$concurrency" "$pull_workers" >/dev/null

  local one http pull two batch rpc
  say "End to end, built-in no-op, one worker: $tasks tasks, $concurrency clients ..."
  one=$(bench e2e "$url" "$tasks" "$concurrency")
  say "$one"
  say "End to end, http type (local endpoint), one worker ..."
  http=$(bench http "$url" "$tasks" "$concurrency")
  say "$http"
  say "End to end, pull type, $pull_workers long-polling workers in one JVM ..."
  pull=$(bench pull "$url" "$tasks" "$concurrency" "$pull_workers")
  say "$pull"
  say "RPC, $rpc_callers callers, 10 s warm-up + $rpc_seconds s ..."
  rpc=$(bench rpc "$url" 10 "$rpc_seconds" "$rpc_callers")
  say "$rpc"

  start_service worker-2 "${worker_ports[1]}" worker
  say "End to end, two workers ..."
  two=$(bench e2e "$url" "$tasks" "$concurrency")
  say "$two"
  say "Batch of $batch_items tasks, two workers ..."
  batch=$(bench batch "$url" "$batch_items")
  say "$batch"

  local e1 eh ep e2 eb rp p99
  e1=$(value "$one" e2e_per_s); eh=$(value "$http" e2e_per_s); ep=$(value "$pull" e2e_per_s)
  e2=$(value "$two" e2e_per_s); eb=$(value "$batch" e2e_per_s)
  rp=$(value "$rpc" calls_per_s); p99=$(value "$rpc" p99_ms)
  lat() { echo "p50 $(value "$1" latency_p50_ms) ms, p99 $(value "$1" latency_p99_ms) ms"; }
  cat <<TABLE

Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)

| measure | figure | peer: Celery, same run | ratio | target |
|---|---|---|---|---|
| Celery 5.6, prefork $celery_concurrency, no-op end to end | ${c} tasks/s (submissions $(value "$cel" submit_per_s)/s) | ${c} tasks/s | 1.00 | - |
| built-in no-op, 1 worker (POST per task) | ${e1} tasks/s, $(lat "$one") | ${c} tasks/s | $(ratio "$e1" "$c") | >= 2.0 |
| http type, local endpoint, 1 worker | ${eh} tasks/s, $(lat "$http") | ${c} tasks/s | $(ratio "$eh" "$c") | >= 1.0 |
| pull type, $pull_workers long-polling workers, 1 worker | ${ep} tasks/s, $(lat "$pull") | ${c} tasks/s | $(ratio "$ep" "$c") | >= 1.5 |
| RPC factorial(100), $rpc_callers callers | ${rp} calls/s, p50 $(value "$rpc" p50_ms) ms, p99 ${p99} ms | - | - | p99 < 20 ms |
| built-in no-op, 2 workers (POST per task) | ${e2} tasks/s, $(lat "$two") | ${c} tasks/s | $(ratio "$e2" "$c") | - |
| built-in, 2 workers, one batch (chunks of 1) | ${eb} tasks/s | ${c} tasks/s | $(ratio "$eb" "$c") | - |

| broker's limit | figure | ratio of the 1-worker no-op rate |
|---|---|---|
| PerfTest: confirms + manual acks, persistent 200 B | ${perf_rate} msg/s, confirm p99 ${perf_confirm_p99:-?} us | $(ratio "$e1" "$perf_rate") |
| the same PerfTest on a quorum queue | ${perf_quorum_rate:-?} msg/s | $(ratio "$e1" "${perf_quorum_rate:-0}") |

Errors: e2e $(value "$one" errors)+$(value "$http" errors)+$(value "$pull" errors)+$(value "$two" errors) refused submissions, $(value "$one" failed_events)+$(value "$http" failed_events)+$(value "$pull" failed_events)+$(value "$two" failed_events) failed tasks, $(value "$pull" worker_errors) failed lease/complete calls; rpc $(value "$rpc" errors) failed calls; Celery $(value "$cel" finished) of $(value "$cel" tasks) finished.
TABLE
}

main "$@"
