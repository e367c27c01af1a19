#!/usr/bin/env bash
# Compares two builds of cache-service, both live at once against one Redis: each round loads A and B in turn with
# wrk (hot GETs of one key, near-cache hits, 50 connections, direct), the order alternating from round to round, and
# records each one's rate, p99 and CPU per GET (the process's user+system time over the GETs wrk completed), and the
# machine's steal time in the round. Prints every round, then the medians and the median of the rounds' B / A ratios.
#
# Why not two runs of cache.sh: its direct rate moved by a tenth or more between runs of the same jar on these
# machines (the bare WebFlux floor's by a third), more than a change of a few percent. Here both instances are warm
# at once and take turns within seconds, so the machine's drift falls on both.
#
#   A_JAR=/path/to/main/cache-service.jar scripts/bench/cache-ab.sh   A: another build; B: this one (built if stale)
#   A_JAR=... B_JAR=... ROUNDS=12 DURATION=10s WARMUP_ROUNDS=6 scripts/bench/cache-ab.sh   (the defaults)
#   A_JAVA_OPTS="-XX:StartFlightRecording=..." ...   more JVM options for A (B_JAVA_OPTS: for B): a profile of each,
#                                                    or one jar against itself with one option changed
#
# Unattended: installs wrk/redis-server/curl if missing, starts its own Redis and the two instances on private ports (no registry: Eureka is off) and stops
# exactly what it started. Holds /tmp/distpatterns-bench.lock, as every benchmark here does.
set -euo pipefail

script_name=cache-ab.sh
source "$(dirname "$0")/common.sh"
cd "$root"
rounds="${ROUNDS:-12}"
duration="${DURATION:-10s}"
warmup_rounds="${WARMUP_ROUNDS:-6}"
work="$(mktemp -d /tmp/cache-ab.XXXXXX)"
redis_port="${BENCH_REDIS_PORT:-$(free_port 27392)}"
a_port="${BENCH_A_PORT:-$(free_port 27082)}"
b_port="${BENCH_B_PORT:-$(free_port $((a_port + 1)))}"

[[ -n "${A_JAR:-}" && -f "$A_JAR" ]] || fail "A_JAR: the cache-service jar to compare this build with"
install_missing_commands wrk:wrk redis-server:redis-server curl:curl
[[ -n "${B_JAR:-}" ]] || build_if_stale_modules cache-service
cp "$A_JAR" "$work/a.jar"
cp "${B_JAR:-$(jar_of cache-service)}" "$work/b.jar"
java="$(find_java)"

pids=()
cleanup() {
  stop_processes "${pids[@]}"
  say "logs of this run: $work"
}
trap cleanup EXIT
hold_bench_lock

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
# start NAME PORT [JVM options]: one instance as cache.sh starts it (a fixed heap, the parallel collector), without
# Eureka.
start() {
  local extra=()
  [[ -n "${3:-}" ]] && read -r -a extra <<<"$3"
  env PORT="$2" EUREKA_CLIENT_ENABLED=false SPRING_DATA_REDIS_HOST=127.0.0.1 SPRING_DATA_REDIS_PORT="$redis_port" \
    "$java" -Xms512m -Xmx512m -XX:+UseParallelGC -Dsun.misc.unsafe.memory.access=allow "${extra[@]}" \
    --enable-native-access=ALL-UNNAMED -jar "$work/$1.jar" >"$work/$1.log" 2>&1 &
  pids+=($!)
}
start a "$a_port" "${A_JAVA_OPTS:-}"
a_pid=${pids[-1]}
start b "$b_port" "${B_JAVA_OPTS:-}"
b_pid=${pids[-1]}
await_http "http://127.0.0.1:$a_port/actuator/health/readiness" "A" 600
await_http "http://127.0.0.1:$b_port/actuator/health/readiness" "B" 600
path=/api/caches/bench/entries/k1
curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' --data-binary '{"value":"x"}' \
  "http://127.0.0.1:$a_port$path?ttlSeconds=86400"

# load PORT PID -> "requests/s p99_ms cpu_us_per_get"
load() {
  local before after out
  before="$(cpu_us "$2")"
  out="$(wrk -t2 -c50 -d"$duration" --latency "http://127.0.0.1:$1$path")"
  after="$(cpu_us "$2")"
  echo "$out" >>"$work/wrk.log"
  awk -v cpu=$((after - before)) '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +99%/ { p99 = ms($2) } /^Requests\/sec:/ { rps = $2 } / requests in / { total = $1 }
    /Non-2xx/ { print "non-2xx answers: " $0 > "/dev/stderr"; exit 1 }
    END { printf "%.0f %.2f %.1f\n", rps, p99, (total > 0 ? cpu / total : 0) }' <<<"$out"
}

say "warming up both instances: $warmup_rounds rounds of $duration each ..."
for _ in $(seq 1 "$warmup_rounds"); do
  load "$a_port" "$a_pid" >/dev/null
  load "$b_port" "$b_pid" >/dev/null
done

printf '| round | order | A GETs/s | A p99 ms | A CPU us/GET | B GETs/s | B p99 ms | B CPU us/GET | B/A rate | B/A CPU | steal ms |\n'
printf '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for round in $(seq 1 "$rounds"); do
  steal_before="$(steal_ms)"
  if ((round % 2)); then
    order=AB
    a="$(load "$a_port" "$a_pid")"
    b="$(load "$b_port" "$b_pid")"
  else
    order=BA
    b="$(load "$b_port" "$b_pid")"
    a="$(load "$a_port" "$a_pid")"
  fi
  steal=$(($(steal_ms) - steal_before))
  echo "$round $order $a $b $steal" >>"$work/rounds.txt"
  read -r ar ap ac <<<"$a"
  read -r br bp bc <<<"$b"
  printf '| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$round" "$order" "$ar" "$ap" "$ac" "$br" "$bp" "$bc" \
    "$(ratio "$br" "$ar")" "$(ratio "$bc" "$ac")" "$steal"
done

awk '
  function median(v, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  { n++; ar[n] = $3; ap[n] = $4; ac[n] = $5; br[n] = $6; bp[n] = $7; bc[n] = $8
    rr[n] = $6 / $3; rc[n] = $8 / $5; faster += ($6 > $3); steal += $9 }
  END {
    printf "\nmedians over %d rounds: A %.0f GETs/s, p99 %.2f ms, %.1f us of CPU per GET; B %.0f GETs/s, p99 %.2f ms, %.1f us\n",
      n, median(ar, n), median(ap, n), median(ac, n), median(br, n), median(bp, n), median(bc, n)
    printf "B / A, median of the rounds: rate %.3f, CPU per GET %.3f; B faster in %d of %d rounds\n",
      median(rr, n), median(rc, n), faster, n
    printf "the machine'"'"'s steal time in the measured rounds: %d ms\n", steal
  }' "$work/rounds.txt"
