#!/usr/bin/env bash
# Compares two configurations or builds of the suite's gateway, both live at once, beside the bare gateway floor:
# one Redis, registry and cache-service behind gateways A and B (every feature on, as cache.sh runs them) and the
# bare Spring Cloud Gateway (scripts/bench/floors/gateway). Each round loads A, B and the floor in turn with wrk
# (hot cache GETs, 50 connections), the rounds taking the six orders of the three in turn (and, at a fixed rate, the
# three orders of their turns apart from wrk's: orders.log), and records each one's
# rate, p99 and CPU per GET, and Redis's commands per GET during its loads (the rate limit's leases: the near cache
# serves every hit), and from each gateway's GC log what it allocated per GET under wrk and how long its collections
# paused it.
#
# Why not two runs of cache.sh: one run's gateway ratio moves by a tenth between runs of the same jar (start-up,
# JIT, the machine's load), more than a configuration change of a few percent. Here both gateways are warm at once
# and take turns within minutes, so the machine's drift falls on both.
#
#   A_ARGS="--some.property=old" scripts/bench/gateway-ab.sh   A: a property set back; B: as built
#   B_JAR=/path/to/other/gateway.jar scripts/bench/gateway-ab.sh   A: this build; B: another
#   ROUNDS=18 DURATION=10s scripts/bench/gateway-ab.sh             rounds (default 18: every order under wrk with
#                                                                 every order of the turns at a fixed rate), length
#                                                                 of each load
#   A_JAVA_OPTS="-XX:StartFlightRecording=..." scripts/bench/gateway-ab.sh   JVM options of A (B_JAVA_OPTS: of B)
#   PACED_RATE=10000 scripts/bench/gateway-ab.sh   after each round's wrk loads, the three gateways at this fixed rate,
#                                                 open loop, taking turns in 100 ms slices for DURATION each
#                                                 (scripts/bench/paced/PacedGet.java): p50, p99 and p99.9 at the same
#                                                 load, with any slowdown of the machine spread over all three (one
#                                                 run of cache.sh's paced mode measures each gateway once, minutes
#                                                 apart, and the bare gateway's own p99 moved 2.8-6.1 ms between such
#                                                 runs); every request's due time and latency go to
#                                                 $work/trace-NAME-ROUND.txt, for scripts/bench/paced/slow_near.py
#                                                 beside a flight recording (A_JAVA_OPTS); all rounds' requests pooled
#                                                 give each gateway's p99 over the run, with a 95 % interval of its
#                                                 ratio to the bare gateway's by a bootstrap over the rounds, and again
#                                                 without the requests that the load generator's own stalls delayed
#                                                 (the machine running none of its threads for 100 ms or more:
#                                                 stalls-ROUND.txt, stalls.log); more rounds, a narrower interval;
#                                                 and each one's p99 outside the windows in which the machine as a
#                                                 whole was slow (scripts/bench/paced/episodes.py)
#   PACED_SLICE_MS=1000 PACED_RATE=4000 scripts/bench/gateway-ab.sh   turns of 1 s instead (the default before the
#                                                 twenty-seventh session): each of the machine's 300-500 ms episodes
#                                                 then falls on one gateway whole, and it measures the first calls
#                                                 after a client's 2 s pause, which 100 ms turns do not
#   PACED_SLICE_MS=0 PACED_RATE=1333 scripts/bench/gateway-ab.sh   the three at once instead of in turns, each at
#                                                 this rate for three times DURATION: the same machine for all, each
#                                                 one's load slowing the others
#
# Unattended, as cache.sh: installs wrk/redis-server/curl if missing, builds stale jars, runs on private ports, stops
# exactly what it started, and holds the benchmark lock (common.sh) while it measures.
set -euo pipefail

script_name=gateway-ab.sh
source "$(dirname "$0")/common.sh"
cd "$root"
rounds="${ROUNDS:-18}"
duration="${DURATION:-10s}"
paced_rate="${PACED_RATE:-}"
warmup_rounds="${WARMUP_ROUNDS:-4}"
work="$(mktemp -d /tmp/gateway-ab.XXXXXX)"
redis_port="$(free_port 27391)"
registry_port="$(free_port 27761)"
cache_port="$(free_port 27081)"
a_port="$(free_port 27181)"
b_port="$(free_port $((a_port + 1)))"
floor_port="$(free_port 27481)"
path=/api/caches/bench/entries/k1
api_key=bench-key

pids=()
cleanup() {
  stop_processes "${pids[@]}"
  say "logs of this run: $work"
}
trap cleanup EXIT

install_missing_commands wrk:wrk redis-server:redis-server curl:curl
build_if_stale_modules registry gateway cache-service
build_floors_if_stale
java="$(find_java)"
# Run copies: a build in this working tree may replace a jar under a JVM that is still loading classes from it.
for module in registry cache-service; do cp "$(jar_of "$module")" "$work/$module.jar"; done
cp "${A_JAR:-$(jar_of gateway)}" "$work/gateway-a.jar"
cp "${B_JAR:-$(jar_of gateway)}" "$work/gateway-b.jar"
cp "$(floor_jar gateway)" "$work/floor-gateway.jar"

# start_jvm NAME JAR PORT "JVM_OPTS" "ARGS" [ENV...]: the JVM options cache.sh gives every JVM, then JVM_OPTS.
start_jvm() {
  local name=$1 jar=$2 port=$3 opts=() args=()
  read -r -a opts <<<"$4"
  read -r -a args <<<"$5"
  shift 5
  env PORT="$port" "$@" "$java" -Xms512m -Xmx512m -XX:+UseParallelGC -Dsun.misc.unsafe.memory.access=allow \
    --enable-native-access=ALL-UNNAMED "${opts[@]}" -jar "$work/$jar" "${args[@]}" >"$work/$name.log" 2>&1 9>&- &
  pids+=($!)
}

say "starting Redis :$redis_port, registry :$registry_port, cache-service :$cache_port," \
  "gateways :$a_port (A) and :$b_port (B), bare gateway :$floor_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 9>&- &
pids+=($!)
start_jvm registry registry.jar "$registry_port" "" ""
await_http "http://127.0.0.1:$registry_port/actuator/health" registry 600
env=(EUREKA_URL="http://127.0.0.1:$registry_port/eureka/" EUREKA_INSTANCE_IPADDRESS=127.0.0.1
  SPRING_DATA_REDIS_HOST=127.0.0.1 SPRING_DATA_REDIS_PORT="$redis_port")
features=(GATEWAY_API_KEYS="$api_key" GATEWAY_RATE_LIMIT_PER_SECOND=10000000 GATEWAY_RATE_LIMIT_BURST=10000000)
start_jvm cache-service cache-service.jar "$cache_port" "" "" "${env[@]}"
# Every gateway logs its collections: what they free, per GET, is what the gateway allocates per GET.
start_jvm gateway-a gateway-a.jar "$a_port" "-Xlog:gc:file=$work/gc-A.log:time,uptime,level,tags ${A_JAVA_OPTS:-}" "${A_ARGS:-}" "${env[@]}" "${features[@]}"
a_pid=${pids[-1]}
start_jvm gateway-b gateway-b.jar "$b_port" "-Xlog:gc:file=$work/gc-B.log:time,uptime,level,tags ${B_JAVA_OPTS:-}" "${B_ARGS:-}" "${env[@]}" "${features[@]}"
b_pid=${pids[-1]}
start_jvm floor-gateway floor-gateway.jar "$floor_port" "-Xlog:gc:file=$work/gc-floor.log:time,uptime,level,tags" "" FLOOR_TARGET="http://127.0.0.1:$cache_port"
floor_pid=${pids[-1]}
await_http "http://127.0.0.1:$cache_port/actuator/health/readiness" cache-service 600
curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' --data-binary '{"value":"x"}' \
  "http://127.0.0.1:$cache_port$path"
keyed=(-H "X-API-Key: $api_key")
# The gateways learn of cache-service from Eureka within a few fetch intervals.
await_http "http://127.0.0.1:$a_port$path" "gateway A's route to cache-service" 600 "${keyed[@]}"
await_http "http://127.0.0.1:$b_port$path" "gateway B's route to cache-service" 600 "${keyed[@]}"
await_http "http://127.0.0.1:$floor_port$path" "the bare gateway's route to cache-service" 600

redis_commands() {
  redis-cli -p "$redis_port" info stats | awk -F: '/^total_commands_processed:/ { print $2 + 0 }'
}

# gc_during NAME FROM_LINE -> "collected_kB pause_ms collections": the collections a gateway's GC log (-Xlog:gc) has
# recorded after line FROM_LINE. What they free is, in steady state, what it allocated then (to within one young
# generation, a few percent over a 10 s load; promotion to the old generation is near nothing here).
gc_during() {
  tail -n +"$(($2 + 1))" "$work/gc-$1.log" | awk '
    function kb(v, unit) {
      unit = substr(v, length(v)); v = substr(v, 1, length(v) - 1) + 0
      return unit == "G" ? v * 1048576 : unit == "M" ? v * 1024 : v
    }
    / Pause / {
      if (match($0, /[0-9]+[KMG]->[0-9]+[KMG]/)) { split(substr($0, RSTART, RLENGTH), heap, "->"); freed += kb(heap[1]) - kb(heap[2]) }
      if (match($0, /[0-9.]+ms$/)) pause += substr($0, RSTART, RLENGTH - 2)
      n++
    }
    END { printf "%d %.1f %d\n", freed, pause, n }'
}
gc_lines() { wc -l <"$work/gc-$1.log"; }

# load NAME PID PORT -> "NAME requests/s cpu_us_per_GET p99_ms" under wrk (paced_round adds the fixed rate's figures)
load() {
  local name=$1 pid=$2 port=$3 before after out redis_before gc_from
  redis_before="$(redis_commands)"
  gc_from="$(gc_lines "$name")"
  before="$(cpu_us "$pid")"
  out="$(wrk -t2 -c50 -d"$duration" --latency "${keyed[@]}" "http://127.0.0.1:$port$path")"
  after="$(cpu_us "$pid")"
  echo "$out" >>"$work/wrk.log"
  # Redis's commands during the load, per GET: the gateway's rate-limit leases (the near cache serves every hit).
  if [[ $measuring == yes ]]; then
    awk -v name="$name" -v redis=$(($(redis_commands) - redis_before)) \
      '/ requests in / { printf "%s %d %d\n", name, redis, $1 }' <<<"$out" >>"$work/redis-commands.log"
    # "NAME collected_kB pause_ms collections GETs"
    awk -v name="$name" -v gc="$(gc_during "$name" "$gc_from")" \
      '/ requests in / { printf "%s %s %d\n", name, gc, $1 }' <<<"$out" >>"$work/gc-per-load.log"
  fi
  awk -v name="$name" -v cpu=$((after - before)) '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v
    }
    /^ +99%/ { p99 = ms($2) } /^Requests\/sec:/ { rps = $2 } / requests in / { total = $1 }
    END { printf "%s %.0f %.0f %.2f", name, rps, (total > 0 ? cpu / total : 0), p99 }' <<<"$out"
}

# paced_round NAME... -> "NAME p50 p99 p99.9" per gateway at PACED_RATE, open loop ("NAME - - -" if the load failed).
# The gateways take turns in 100 ms slices for DURATION each (PacedGet.java with several URLs; PACED_SLICE_MS, passed
# on to it, sets the slice, and 0 loads all of them at once for three times DURATION). A slowdown of the machine that
# lasts seconds (in some rounds the gateways' CPU per GET rose by a third within a minute, and the queues with it) then
# falls on all of them, where loads one after another left it to whichever ran then. Why 100 ms and not 1 s: the
# machines these runs had stall every minute or so for 300-500 ms (docs/benchmarks.md, issue 22, twenty-sixth
# session), and with 1 s turns each such episode fell on one gateway whole: a run's half-dozen episodes decided which
# gateway had the highest pooled p99, and the ratio's interval was 0.65-1.77x. With 100 ms turns each episode spans a
# turn of all three: the intervals of eight measurements on two machines lay within 0.64-1.45x (on the first, one
# round on a machine a third slower left out), where two in 1 s turns in the same hour on the second reached
# 0.35-2.98x (twenty-seventh session). Each request's due time and
# latency go to trace-NAME-ROUND.txt; the load generator's own stalls to stalls-ROUND.txt, and with the machine's
# steal time to stalls.log: "ROUND stalls stalled_ms steal_ms".
export PACED_SLICE_MS="${PACED_SLICE_MS:-100}"
paced_round() {
  local urls=() name row steal_before out i=0
  for name in "$@"; do urls+=("http://127.0.0.1:${port_of[$name]}$path"); done
  steal_before="$(steal_ms)"
  out="$(PACED_TRACE="$work/trace-$round.txt" PACED_STALLS="$work/stalls-$round.txt" \
    paced_get "$(IFS=,; echo "${urls[*]}")" "$paced_rate" $((${duration%s} * $#)) 50 "X-API-Key: $api_key")"
  touch "$work/trace-$round.txt" "$work/stalls-$round.txt"
  awk -v round="$round" -v steal=$(($(steal_ms) - steal_before)) '{ n++; ms += $2 - $1 }
    END { printf "%d %d %.0f %d\n", round, n, ms, steal }' "$work/stalls-$round.txt" >>"$work/stalls.log"
  for name in "$@"; do
    awk -v t="$i" '$3 == t { print $1, $2 }' "$work/trace-$round.txt" >"$work/trace-$name-$round.txt"
    row="$(sed -n "$((i + 1))p" <<<"$out")"
    echo "$name $row" >>"$work/paced.log"
    awk -v name="$name" 'NF >= 7 { print name, $2, $4, $5; next } { print name, "- - -" }' <<<"$row"
    i=$((i + 1))
  done
}

hold_bench_lock
measuring=no # the warm-up rounds load with wrk only
say "warming up, $warmup_rounds rounds ..."
for _ in $(seq "$warmup_rounds"); do
  load A "$a_pid" "$a_port" >/dev/null
  load B "$b_pid" "$b_port" >/dev/null
  load floor "$floor_pid" "$floor_port" >/dev/null
done
measuring=yes
paced_how="then ${duration} each at a fixed $paced_rate req/s, in turns of $PACED_SLICE_MS ms"
[[ ${PACED_SLICE_MS:-} != 0 ]] || paced_how="then all three at once, each at a fixed $paced_rate req/s"
say "measuring, $rounds rounds of ${duration} each${paced_rate:+, $paced_how} ..."
declare -A pid_of=([A]=$a_pid [B]=$b_pid [floor]=$floor_pid) port_of=([A]=$a_port [B]=$b_port [floor]=$floor_port)
orders=("A B floor" "floor A B" "B floor A" "floor B A" "B A floor" "A floor B")
turns=("A B floor" "B floor A" "floor A B")
for round in $(seq "$rounds"); do
  # Every order of the three in turn: each gateway comes first, second and last equally often, under wrk and at the
  # fixed rate alike. Alternating two orders (A B floor, floor B A) left B always second, never the one just loaded
  # by wrk when the fixed rate began, and in two runs of the twenty-fifth session whichever gateway was the A had
  # twice the pooled p99 in the rounds where it came last as in the others (69.8 against 38.2 ms; 35.5 against 17.5).
  read -r -a order <<<"${orders[(round - 1) % 6]}"
  # The order of the turns at the fixed rate, apart from wrk's: shifted by one every six rounds, so that over 18
  # rounds each of wrk's orders meets each order of the turns once. With the same order for both, the gateway loaded
  # last by wrk was always the last to take its turn, and an effect of either could not be told from the other's.
  read -r -a turn <<<"${turns[(round - 1 + (round - 1) / 6) % 3]}"
  echo "$round ${order[*]} | ${turn[*]}" >>"$work/orders.log"
  declare -A line=()
  for name in "${order[@]}"; do line[$name]="$(load "$name" "${pid_of[$name]}" "${port_of[$name]}")"; done
  if [[ -n $paced_rate ]]; then
    while read -r name paced; do line[$name]+=" $paced"; done < <(paced_round "${turn[@]}")
  fi
  for name in "${order[@]}"; do echo "${line[$name]}"; done | tee -a "$work/rounds.txt" >&2
done
release_bench_lock

echo
echo "gateway A: ${A_JAR:-this build} ${A_ARGS:-}"
echo "gateway B: ${B_JAR:-this build} ${B_ARGS:-}"
echo
awk '
  { rps[$1] += $2; cpu[$1] += $3; p99[$1] += $4; n[$1]++ }
  NF >= 7 && $5 != "-" { pp50[$1] += $5; pp99[$1] += $6; pp999[$1] += $7; pn[$1]++ }
  END {
    print "| gateway | requests/s (mean) | CPU us per GET | p99 ms (mean) |"
    print "|---|---:|---:|---:|"
    split("A B floor", names, " ")
    for (i = 1; i <= 3; i++) {
      k = names[i]
      printf "| %s | %.0f | %.0f | %.2f |\n", k, rps[k] / n[k], cpu[k] / n[k], p99[k] / n[k]
    }
    printf "\nA / floor %.3f, B / floor %.3f, B / A %.3f (rate); B / A %.3f (CPU per GET)\n",
      rps["A"] / rps["floor"], rps["B"] / rps["floor"], rps["B"] / rps["A"], cpu["B"] / cpu["A"]
    printf "p99 under wrk: A / floor %.2f, B / floor %.2f\n", p99["A"] / p99["floor"], p99["B"] / p99["floor"]
    if (pn["A"] && pn["B"] && pn["floor"]) {
      print "\nAt a fixed rate, open loop (means over the rounds; latency from when each request was due):\n"
      print "| gateway | p50 ms | p99 ms | p99.9 ms |"
      print "|---|---:|---:|---:|"
      for (i = 1; i <= 3; i++) {
        k = names[i]
        printf "| %s | %.2f | %.2f | %.2f |\n", k, pp50[k] / pn[k], pp99[k] / pn[k], pp999[k] / pn[k]
      }
      printf "\np99 at the fixed rate: A / floor %.2f, B / floor %.2f\n",
        (pp99["A"] / pn["A"]) / (pp99["floor"] / pn["floor"]), (pp99["B"] / pn["B"]) / (pp99["floor"] / pn["floor"])
    }
  }' "$work/rounds.txt"
if [[ -n $paced_rate ]]; then
  # One stall of the machine moves a round's p99 at a fixed rate by several times: the median over rounds as well.
  for name in A B floor; do
    awk -v k="$name" '$1 == k && NF >= 7 && $6 != "-" { print $6 }' "$work/rounds.txt" | sort -n |
      awk -v k="$name" '{ v[++n] = $1 }
        END { if (n) printf "%s: median p99 at the fixed rate %.2f ms over %d rounds\n", k, (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), n }'
  done
  awk '{ n += $2; ms += $3; steal += $4 }
    END { printf "\nThe load generator stalled (100 ms or more) %d times during the paced loads, %d ms in all; the machine'"'"'s steal time then: %d ms\n", n, ms, steal }' "$work/stalls.log"
  # Every request of every round in one distribution: the run's own p99 at the fixed rate, which neither the mean of
  # the rounds' p99s (one stalled round moves it) nor their median (it drops the stalls) is, with each ratio's 95 %
  # interval by a bootstrap over the rounds; then the same without the requests the load generator's own stalls
  # delayed (scripts/bench/paced/PooledP99.java). A stall of the machine lands on whichever gateway is being loaded at
  # the time, and one of 0.5 s at 4,000 req/s is 2,000 late requests, as many as the top percent of five rounds: the
  # pooled p99 then says where the stalls fell, not what the gateways cost.
  "$java" "$root/scripts/bench/paced/PooledP99.java" "$work" A B floor
  # The same requests apart from the windows in which the machine as a whole was slow (scripts/bench/paced/
  # episodes.py): each gateway's own tail, whichever turns the machine's episodes fell in, and how many slow requests
  # each had in them (even in 100 ms turns; uneven in 1 s turns).
  if command -v python3 >/dev/null; then
    echo
    python3 "$root/scripts/bench/paced/episodes.py" "$work" A B floor || echo "(episodes.py failed)"
  fi
fi
awk '{ redis[$1] += $2; gets[$1] += $3 }
  END { printf "Redis commands per 1,000 GETs: A %.1f, B %.1f, floor %.1f\n",
    1000 * redis["A"] / gets["A"], 1000 * redis["B"] / gets["B"], 1000 * redis["floor"] / gets["floor"] }' \
  "$work/redis-commands.log"
awk -v seconds="${duration%s}" '{ kb[$1] += $2; pause[$1] += $3; n[$1] += $4; gets[$1] += $5; loads[$1]++ }
  END {
    printf "Allocated per GET under wrk (what the collections freed): A %.1f kB, B %.1f kB, floor %.1f kB\n",
      kb["A"] / gets["A"], kb["B"] / gets["B"], kb["floor"] / gets["floor"]
    printf "GC pauses under wrk, ms per second of load (collections per second): A %.1f (%.1f), B %.1f (%.1f), floor %.1f (%.1f)\n",
      pause["A"] / (loads["A"] * seconds), n["A"] / (loads["A"] * seconds), pause["B"] / (loads["B"] * seconds),
      n["B"] / (loads["B"] * seconds), pause["floor"] / (loads["floor"] * seconds), n["floor"] / (loads["floor"] * seconds)
  }' "$work/gc-per-load.log"
awk '$1 == "A" { a[++i] = $2 } $1 == "B" { b[++j] = $2 }
  END { for (r = 1; r <= i; r++) won += (b[r] > a[r]); printf "B faster than A in %d of %d rounds\n", won, i }' \
  "$work/rounds.txt"
