#!/usr/bin/env bash
# Benchmarks lock-service against the library users would pick instead, in one run on one machine:
#   - uncontended: acquire+release cycles per second, 50 clients each on its own lock;
#   - contended: hand-offs per second of one lock among 16 clients that each acquire (waiting) and release, a
#     hand-off being an acquisition by another client than the previous holder (a lock that lets the releasing
#     client take it straight back, as Redisson's RLock does, makes more acquire+release cycles than hand-offs:
#     both are shown);
# each direct to the service and through the gateway (and, with the lean client, through a bare Spring Cloud Gateway
# with one static route, scripts/bench/floors/gateway: what the suite's gateway costs above the stack's floor), with a
# lean HTTP client and with the suite's Java client
# (DistributedLock, client/distpatterns-client), beside the same work done in-process with Redisson's RLock
# (the comparator; its fair lock too, for information), and beside redis-benchmark running the service's acquire
# script (the storage limit). Prints a table with the ratios the targets are stated in.
#
# Unattended: installs redis-server/redis-tools/curl from Debian if missing, builds the jars if stale, fetches
# Redisson from Maven Central (scripts/bench/lock/pom.xml), starts its own Redis, registry, lock-service, gateway and
# bare gateway on private ports, and stops exactly what it started. The load generator is scripts/bench/lock/LockBench.java
# (a lean keep-alive HTTP/1.1 client: acquire, then release with the leaseId it got).
#
#   scripts/bench/lock.sh                          5 rounds; 10 s per measurement after 30 s of warm-up
#   ROUNDS=3 SECONDS_PER_RUN=5 scripts/bench/lock.sh
#   GATEWAY_RATE_LIMIT=on scripts/bench/lock.sh   the gateway's rate limit on (off by default), far above the load
#
# The machine is shared and its load moves a lot: every round runs each configuration back to back, and the
# table reports the median over rounds of each rate and of each round's ratio.
#
# The measuring part holds /tmp/distpatterns-bench.lock (BENCH_LOCK to name another: a process that inherited the
# lock's descriptor from an earlier benchmark and outlived it holds it for ever) so that two benchmarks never run at once.
set -euo pipefail

script_name=lock.sh
source "$(dirname "$0")/common.sh"
cd "$root"
seconds="${SECONDS_PER_RUN:-10}"
# Long enough for the JIT compiler to be done with the Java client's code in a fresh JVM: the table says whether the
# measured window was steady (docs/benchmarks.md, issue 17).
warmup="${WARMUP:-30}"
uncontended_clients=50
contended_clients=16
rounds="${ROUNDS:-5}"
bench_dir="$root/scripts/bench/lock"
work="$(mktemp -d /tmp/lock-bench.XXXXXX)"

# Private ports, away from run-local's 8080-8093/8761 (and its end-to-end copy at 38xxx), the shared Redis on 6379 and cache.sh's 27xxx.
redis_port="${BENCH_REDIS_PORT:-26392}"
registry_port="${BENCH_REGISTRY_PORT:-28761}"
lock_port="${BENCH_LOCK_PORT:-28082}"
gateway_port="${BENCH_GATEWAY_PORT:-28080}"
floor_gateway_port="${BENCH_FLOOR_GATEWAY_PORT:-28083}"

pids=()
cleanup() {
  stop_processes "${pids[@]}"
  say "logs of this run: $work"
}
trap cleanup EXIT

client_jar="$root/client/distpatterns-client/target/distpatterns-client-$version.jar"

build_if_stale() {
  build_if_stale_modules registry gateway lock-service
  build_floors_if_stale
  if stale "$client_jar" "$root/client/distpatterns-client/src/main"; then
    say "building the Java client ..."
    ./mvnw -q -pl client/distpatterns-client -am -DskipTests package
  fi
  if ! ls "$bench_dir"/target/lib/redisson-*.jar "$bench_dir"/target/lib/jackson-databind-3*.jar >/dev/null 2>&1; then
    say "fetching Redisson and its dependencies ..."
    ./mvnw -q -f "$bench_dir/pom.xml" dependency:copy-dependencies
  fi
}

# start_jvm NAME JAR PORT [ENV...]
start_jvm() {
  local name=$1 jar=$2 port=$3
  shift 3
  # A private copy: others build in this tree, and a jar rewritten under a running JVM breaks it.
  cp "$jar" "$work/$name.jar"
  # Throughput settings: a fixed heap and the parallel collector; the rest is the production configuration.
  env PORT="$port" "$@" "$java" -Xms512m -Xmx512m -XX:+UseParallelGC \
    -Dsun.misc.unsafe.memory.access=allow --enable-native-access=ALL-UNNAMED \
    -jar "$work/$name.jar" >"$work/$name.log" 2>&1 &
  pids+=($!)
}

# LockBench <mode> ... -> "rate p50_ms p99_ms refused failed handoff_rate cpu_us jit_us" (cpu_us: the load generator's
# own CPU time per measured cycle; jit_us: the part of it its JIT compiler threads spent)
bench() {
  local mode=$1 out
  shift
  # Later options win: a caller may override seconds= or warmup=.
  out="$("$java" -Xms256m -Xmx512m -XX:+UseParallelGC -Dsun.misc.unsafe.memory.access=allow \
    --enable-native-access=ALL-UNNAMED -cp "$work/distpatterns-client.jar:$bench_dir/target/lib/*" "$bench_dir/LockBench.java" \
    "$mode" seconds="$seconds" warmup="$warmup" "$@" 2>>"$work/bench-errors.log")"
  echo "$out" >>"$work/bench.log"
  sed -n 's/^RESULT .* rate=\([0-9]*\) p50_ms=\([0-9.]*\) p99_ms=\([0-9.]*\) refused=\([0-9]*\) failed=\([0-9]*\) handoff_rate=\([0-9]*\) cpu_us=\([0-9.]*\) jit_us=\([0-9.]*\).*/\1 \2 \3 \4 \5 \6 \7 \8/p' <<<"$out"
}

install_missing_commands redis-server:redis-server redis-benchmark:redis-tools redis-cli:redis-tools curl:curl
build_if_stale
java="$(find_java)"
# A private copy, as for the services' jars.
cp "$client_jar" "$work/distpatterns-client.jar"
for port in "$redis_port" "$registry_port" "$lock_port" "$gateway_port" "$floor_gateway_port"; do
  port_free "$port" || fail "port $port is taken; set BENCH_*_PORT to free ones"
done

say "starting Redis :$redis_port, registry :$registry_port, lock-service :$lock_port, gateway :$gateway_port," \
  "bare gateway :$floor_gateway_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
start_jvm registry "$(jar_of registry)" "$registry_port"
eureka="http://127.0.0.1:$registry_port/eureka/"
await_http "http://127.0.0.1:$registry_port/actuator/health" registry
redis_env=(SPRING_DATA_REDIS_HOST=127.0.0.1 SPRING_DATA_REDIS_PORT="$redis_port")
start_jvm lock-service "$(jar_of lock-service)" "$lock_port" EUREKA_URL="$eureka" "${redis_env[@]}"
lock_pid="${pids[-1]}"
# No rate limit, and a bulkhead wider than the clients: the gateway's default admits 25 concurrent calls per
# route, and a waiting acquire holds its permit for as long as it waits.
# GATEWAY_RATE_LIMIT=on: the rate limit on, with a limit far above the load (it decides every call, refuses none).
if [[ "${GATEWAY_RATE_LIMIT:-off}" == on ]]; then
  rate_limit=(GATEWAY_RATE_LIMIT_PER_SECOND=10000000 GATEWAY_RATE_LIMIT_BURST=10000000)
else
  rate_limit=(GATEWAY_RATE_LIMIT_ENABLED=false)
fi
start_jvm gateway "$(jar_of gateway)" "$gateway_port" EUREKA_URL="$eureka" "${redis_env[@]}" "${rate_limit[@]}" \
  SPRING_APPLICATION_JSON='{"resilience4j.bulkhead.instances.lock-service.max-concurrent-calls":1000}'
start_jvm floor-gateway "$(floor_jar gateway)" "$floor_gateway_port" FLOOR_TARGET="http://127.0.0.1:$lock_port"
await_http "http://127.0.0.1:$lock_port/actuator/health/readiness" lock-service
await_http "http://127.0.0.1:$gateway_port/actuator/health/readiness" gateway
# The gateway learns of the service from Eureka within a few fetch intervals.
await_http "http://127.0.0.1:$gateway_port/api/locks/bench-probe" "the gateway's route to lock-service" 120
await_http "http://127.0.0.1:$floor_gateway_port/api/locks/bench-probe" "the bare gateway's route to lock-service" 120

direct="http://127.0.0.1:$lock_port"
gateway="http://127.0.0.1:$gateway_port"
floor_gateway="http://127.0.0.1:$floor_gateway_port"
redis_address="127.0.0.1:$redis_port"

# lock-service's CPU time (clock ticks) and context switches (all its threads) so far: "ticks switches"
service_counters() {
  local ticks switches
  ticks="$(awk '{ print $14 + $15 }' "/proc/$lock_pid/stat")"
  switches="$(cat /proc/"$lock_pid"/task/*/status 2>/dev/null | awk '/voluntary_ctxt_switches/ { s += $2 } END { print s + 0 }')"
  echo "$ticks $switches"
}

# A direct measurement, with what it cost lock-service per operation (per cycle uncontended, per hand-off
# contended; warm-up included on both sides): appends "cpu_us switches" to $work/<name>.cost
bench_direct() {
  local name=$1 mode=$2 before after line ops
  shift 2
  before="$(service_counters)"
  line="$(bench "$mode" url="$direct" "$@")"
  after="$(service_counters)"
  echo "$line" >>"$work/$name"
  ops="$(awk -v s="$((seconds + warmup))" -v c="$([[ $mode == *-contended ]] && echo 6 || echo 1)" '{ print $c * s }' <<<"$line")"
  awk -v b="$before" -v a="$after" -v ops="$ops" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(b, x, " "); split(a, y, " ")
    if (ops > 0) printf "%.0f %.1f\n", (y[1] - x[1]) * 1e6 / hz / ops, (y[2] - x[2]) / ops }' >>"$work/$name.cost"
}

# One round: every configuration once, back to back, so a change in the machine's load hits all of them alike.
round() {
  local r=$1
  bench_direct direct-uncontended http-uncontended clients=$uncontended_clients prefix="du$r-"
  bench redisson-uncontended redis="$redis_address" clients=$uncontended_clients prefix="ru$r-" >>"$work/redisson-uncontended"
  bench_direct direct-contended http-contended clients=$contended_clients prefix="dc$r-"
  bench redisson-contended redis="$redis_address" clients=$contended_clients prefix="rc$r-" >>"$work/redisson-contended"
  bench redisson-fair-contended redis="$redis_address" clients=$contended_clients prefix="rf$r-" >>"$work/redisson-fair-contended"
  bench http-uncontended url="$gateway" clients=$uncontended_clients prefix="gu$r-" >>"$work/gateway-uncontended"
  bench http-contended url="$gateway" clients=$contended_clients prefix="gc$r-" >>"$work/gateway-contended"
  bench http-uncontended url="$floor_gateway" clients=$uncontended_clients prefix="fu$r-" >>"$work/floor-gateway-uncontended"
  bench http-contended url="$floor_gateway" clients=$contended_clients prefix="fc$r-" >>"$work/floor-gateway-contended"
  bench_direct client-direct-uncontended client-uncontended clients=$uncontended_clients prefix="cu$r-"
  bench client-uncontended url="$gateway" clients=$uncontended_clients prefix="cgu$r-" >>"$work/client-gateway-uncontended"
  bench_direct client-direct-contended client-contended clients=$contended_clients prefix="cc$r-"
  bench client-contended url="$gateway" clients=$contended_clients prefix="cgc$r-" >>"$work/client-gateway-contended"
}

measure() {
  say "warming up lock-service and the gateway (unmeasured) ..."
  bench http-uncontended url="$direct" clients=$uncontended_clients prefix=warm-du- seconds=10 >/dev/null
  bench http-contended url="$direct" clients=$contended_clients prefix=warm-dc- seconds=5 >/dev/null
  bench http-uncontended url="$gateway" clients=$uncontended_clients prefix=warm-gu- seconds=10 >/dev/null
  bench http-contended url="$gateway" clients=$contended_clients prefix=warm-gc- seconds=5 >/dev/null
  bench http-uncontended url="$floor_gateway" clients=$uncontended_clients prefix=warm-fu- seconds=10 >/dev/null
  bench http-contended url="$floor_gateway" clients=$contended_clients prefix=warm-fc- seconds=5 >/dev/null
  bench client-uncontended url="$direct" clients=$uncontended_clients prefix=warm-cu- seconds=5 >/dev/null
  local r
  for r in $(seq 1 "$rounds"); do
    say "round $r of $rounds: ${warmup} s warm-up + ${seconds} s per line ..."
    round "$r"
  done

  # The storage limit: the service's own acquire script, each call a grant on a fresh lock name.
  local sha out
  sha="$(redis-cli -p "$redis_port" SCRIPT LOAD "$(cat "$root/lock-service/src/main/resources/scripts/acquire.lua")")"
  out="$(redis-benchmark -p "$redis_port" -q -n 200000 -c $uncontended_clients -r 100000000 \
    EVALSHA "$sha" 3 'rb:lock:{__rand_int__}:lease' 'rb:lock:{__rand_int__}:fence' 'rb:lock:{__rand_int__}:queue' \
    AAAAAAAAAAAAAAAAAAAAAA 10000 '' 'rb:lock:{__rand_int__}:waiter:' '' '' '' 2>/dev/null | tr '\r' '\n')"
  echo "$out" >"$work/redis-benchmark.log"
  script_rate="$(awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/) v = $i } END { printf "%.0f", v }' <<<"$out")"
}

hold_bench_lock
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
measure
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
release_bench_lock

verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "met" : "MISSED" }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# column N (1 rate, 2 p50, 3 p99, 4 refused, 5 failed, 6 hand-off rate, 7 load generator CPU us per cycle, 8 the part
# of it the JIT compiler spent) of a configuration's rounds -> median (sum for 4, 5)
col() { awk -v c="$2" '{ print $c }' "$work/$1" | median; }
total() { awk -v c="$2" '{ s += $c } END { print s + 0 }' "$work/$1"; }
# the median over rounds of a / b, round by round, of column $3 (default 1, the cycle rate)
ratio_median() {
  paste -d' ' "$work/$1" "$work/$2" | awk -v c="${3:-1}" '{ if ($(8 + c) > 0) printf "%.2f\n", $c / $(8 + c) }' | median
}
# a row of the table; hand-offs only for the contended lines (on distinct locks there is nothing to hand over)
row() {
  local handoffs=-
  [[ $1 == *-contended ]] && handoffs="$(printf '%.0f' "$(col "$1" 6)")"
  printf '| %-44s | %8.0f | %9s | %6s | %6s | %s |\n' "$2" "$(col "$1" 1)" "$handoffs" "$(col "$1" 2)" \
    "$(col "$1" 3)" "$(total "$1" 4) / $(total "$1" 5)"
}

r_unc="$(ratio_median direct-uncontended redisson-uncontended)"
r_con="$(ratio_median direct-contended redisson-contended 6)"
script_cycle_limit=$((script_rate / 2))
# The same without the JIT compiler's CPU on either side: a fresh JVM per line still compiles the client's code
# (Jackson's above all) during a short warm-up, a one-time cost rather than one per cycle.
added_share_warm="$(awk -v c="$(col client-direct-uncontended 7)" -v cj="$(col client-direct-uncontended 8)" \
  -v l="$(col direct-uncontended 7)" -v lj="$(col direct-uncontended 8)" -v s="$(col direct-uncontended.cost 1)" \
  'BEGIN { if (s > 0) printf "%.2f", ((c - cj) - (l - lj)) / s; else print "n/a" }')"
added_share="$(awk -v c="$(col client-direct-uncontended 7)" -v l="$(col direct-uncontended 7)" -v s="$(col direct-uncontended.cost 1)" \
  'BEGIN { if (s > 0) printf "%.2f", (c - l) / s; else print "n/a" }')"

cat <<TABLE

lock-service benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $("$java" -version 2>&1 | head -1)
$rounds rounds of ${warmup} s warm-up + ${seconds} s per line; medians over rounds. Uncontended: $uncontended_clients clients,
each on its own lock; contended: $contended_clients clients on one lock, each acquiring (waitMs 60000) then releasing.
Load average before $load_before, after $load_after (the benchmark's own processes included; more than 2 before means others ran too).

| what (cycles = acquire+release cycles/s)     |   cycles | hand-offs | p50 ms | p99 ms | refused / failed |
|----------------------------------------------|---------:|----------:|-------:|-------:|------------------|
$(row direct-uncontended "direct, uncontended")
$(row gateway-uncontended "gateway, uncontended")
$(row redisson-uncontended "Redisson RLock in-process, uncontended")
$(row direct-contended "direct, contended hand-offs")
$(row gateway-contended "gateway, contended hand-offs")
$(row floor-gateway-uncontended "floor: bare gateway, uncontended")
$(row floor-gateway-contended "floor: bare gateway, contended hand-offs")
$(row redisson-contended "Redisson RLock in-process, contended")
$(row redisson-fair-contended "Redisson fair lock in-process, contended")
$(row client-direct-uncontended "client DistributedLock, direct, uncontended")
$(row client-gateway-uncontended "client DistributedLock, gateway, uncontended")
$(row client-direct-contended "client DistributedLock, direct, contended")
$(row client-gateway-contended "client DistributedLock, gateway, contended")
| anchor: redis-benchmark acquire script (evals/s) | $(printf '%8s' "$script_rate") |         - |      - |      - | - |

| ratio (median of the rounds' ratios)             | value | target  |        |
|--------------------------------------------------|------:|---------|--------|
| direct uncontended / Redisson uncontended        | $(printf '%5s' "$r_unc") | >= 0.5  | $(verdict "$r_unc" 0.5) |
| direct contended / Redisson RLock contended, hand-offs | $(printf '%5s' "$r_con") | >= 0.8  | $(verdict "$r_con" 0.8) |
| the same, in acquire+release cycles              | $(printf '%5s' "$(ratio_median direct-contended redisson-contended)") | (info)  |        |
| direct contended / Redisson fair lock contended, hand-offs | $(printf '%5s' "$(ratio_median direct-contended redisson-fair-contended 6)") | (info)  |        |
| gateway uncontended / direct uncontended         | $(printf '%5s' "$(ratio_median gateway-uncontended direct-uncontended)") | (info)  |        |
| gateway contended / direct contended             | $(printf '%5s' "$(ratio_median gateway-contended direct-contended)") | (info)  |        |
| gateway uncontended / bare gateway uncontended   | $(printf '%5s' "$(ratio_median gateway-uncontended floor-gateway-uncontended)") | (info)  |        |
| gateway contended / bare gateway contended, hand-offs | $(printf '%5s' "$(ratio_median gateway-contended floor-gateway-contended 6)") | (info)  |        |
| bare gateway uncontended / direct uncontended    | $(printf '%5s' "$(ratio_median floor-gateway-uncontended direct-uncontended)") | (info)  |        |
| bare gateway contended / direct contended, hand-offs | $(printf '%5s' "$(ratio_median floor-gateway-contended direct-contended 6)") | (info)  |        |
| client direct uncontended / lean direct uncontended, cycles | $(printf '%5s' "$(ratio_median client-direct-uncontended direct-uncontended)") | (info)  |        |
| client gateway uncontended / lean gateway uncontended, cycles | $(printf '%5s' "$(ratio_median client-gateway-uncontended gateway-uncontended)") | (info)  |        |
| client direct contended / lean direct contended, hand-offs | $(printf '%5s' "$(ratio_median client-direct-contended direct-contended 6)") | (info)  |        |
| client gateway contended / lean gateway contended, hand-offs | $(printf '%5s' "$(ratio_median client-gateway-contended gateway-contended 6)") | (info)  |        |
| direct uncontended / (acquire script evals / 2)  | $(printf '%5s' "$(ratio "$(col direct-uncontended 1)" "$script_cycle_limit")") | (info)  |        |

| lock-service's own cost (direct lines, median of the rounds) | CPU us | context switches |
|--------------------------------------------------------------|-------:|-----------------:|
| per uncontended cycle                                        | $(printf '%6s' "$(col direct-uncontended.cost 1)") | $(printf '%16s' "$(col direct-uncontended.cost 2)") |
| per contended hand-off                                       | $(printf '%6s' "$(col direct-contended.cost 1)") | $(printf '%16s' "$(col direct-contended.cost 2)") |
| the same, per uncontended cycle of the client's lines        | $(printf '%6s' "$(col client-direct-uncontended.cost 1)") | $(printf '%16s' "$(col client-direct-uncontended.cost 2)") |

What the suite's Java client adds per uncontended cycle (direct lines, medians of the rounds): the load generator's own
CPU per cycle with the client minus with the lean HTTP client, against lock-service's own CPU per cycle.

| per uncontended cycle, direct                                | CPU us | target |        |
|--------------------------------------------------------------|-------:|--------|--------|
| load generator, lean HTTP client                             | $(printf '%6s' "$(col direct-uncontended 7)") |        |        |
| load generator, DistributedLock                              | $(printf '%6s' "$(col client-direct-uncontended 7)") |        |        |
| added by the client / lock-service's own cost                | $(printf '%6s' "$added_share") | <= 0.10 | $(awk -v v="$added_share" 'BEGIN { print (v <= 0.10) ? "met" : "MISSED" }') |
| of which JIT compiler threads, lean HTTP client              | $(printf '%6s' "$(col direct-uncontended 8)") |        |        |
| of which JIT compiler threads, DistributedLock               | $(printf '%6s' "$(col client-direct-uncontended 8)") |        |        |
| the same ratio without the JIT compiler on either side       | $(printf '%6s' "$added_share_warm") | (info) |        |
| window in steady state (client's JIT < 5 % of its CPU)?      | $(awk -v c="$(col client-direct-uncontended 7)" -v j="$(col client-direct-uncontended 8)" 'BEGIN { print (c > 0 && j < 0.05 * c) ? "   yes" : "    NO" }') | (info) | a NO: lengthen WARMUP |
TABLE
