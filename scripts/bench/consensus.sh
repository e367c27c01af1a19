#!/usr/bin/env bash
# Benchmarks consensus-service against etcd in the same run: a three-node cluster of each on this machine, writes
# and linearizable reads per second with p50/p99 at 50 connections over HTTP, driven by the same load generator
# (wrk, two threads) with the same value size (96 bytes) over the same 1,000 keys, both clusters addressed at
# their leader. etcd 3.4 (Debian's etcd-server) is driven through its JSON gateway (/v3/kv/put, /v3/kv/range).
# Prints a table with the ratios the targets are stated in, and beside each line the CPU time the three members of
# each cluster used per request together (what bounds the rates when the two cores are busy, docs/benchmarks.md).
#
# Unattended: installs etcd-server and wrk from Debian if missing, builds the jar if missing or stale, starts both
# clusters on private ports with data in a temporary directory, stops exactly what it started and deletes the data.
#
#   scripts/bench/consensus.sh                  10 s per measurement, 10 s warm-up
#   DURATION=5s WARMUP=5s scripts/bench/consensus.sh
#   KEEP=1 scripts/bench/consensus.sh           keep the temporary directory (logs, data) afterwards
#   MODE=leases scripts/bench/consensus.sh      1,000 leases kept alive at once instead (LEASES=n for another count)
#   MODE=watch scripts/bench/consensus.sh       watches instead: WATCHERS (100) on one prefix of a follower, RATE
#                                               (1,000) puts/s under it at the leader for SECONDS (20) after WARMUP_S
#                                               (5): put-to-watcher latency p50/p99 and events delivered per second
#                                               (scripts/bench/consensus/watch_bench.py), both systems alike
#
# The measuring part holds /tmp/distpatterns-bench.lock so that two benchmarks never run at once.
set -euo pipefail

script_name=consensus.sh
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"
cd "$root"
jar="$(jar_of consensus-service)"
lua="$root/scripts/bench/consensus"
duration="${DURATION:-10s}"
warmup="${WARMUP:-10s}"
connections=50
export VALUE_BYTES=96 KEYS=1000 LUA_DIR="$lua"
work="$(mktemp -d /tmp/consensus-bench.XXXXXX)"

# Private ports, away from run-local's 8080-8093/7001-7003 and etcd's default 2379/2380.
http_ports=(18185 18186 18187)
raft_ports=(17101 17102 17103)
etcd_client_ports=(12379 22379 32379)
etcd_peer_ports=(12380 22380 32380)

pids=()
cleanup() {
  stop_processes "${pids[@]}"
  if [[ -n "${KEEP:-}" ]]; then
    say "logs and data of this run: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

start_etcd() {
  local i cluster="" name
  for i in 0 1 2; do cluster+="${cluster:+,}e$((i + 1))=http://127.0.0.1:${etcd_peer_ports[$i]}"; done
  for i in 0 1 2; do
    name="e$((i + 1))"
    port_free "${etcd_client_ports[$i]}" || fail "port ${etcd_client_ports[$i]} is taken"
    etcd --name "$name" --data-dir "$work/etcd-$name" \
      --listen-client-urls "http://127.0.0.1:${etcd_client_ports[$i]}" \
      --advertise-client-urls "http://127.0.0.1:${etcd_client_ports[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${etcd_peer_ports[$i]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${etcd_peer_ports[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token consensus-bench \
      >"$work/etcd-$name.log" 2>&1 &
    pids+=($!)
  done
}

start_consensus() {
  local i java peers=""
  java="$(find_java)"
  for i in 0 1 2; do peers+="${peers:+,}$((i + 1))=127.0.0.1:${raft_ports[$i]}"; done
  for i in 0 1 2; do
    port_free "${http_ports[$i]}" || fail "port ${http_ports[$i]} is taken"
    env PORT="${http_ports[$i]}" CONSENSUS_NODE_ID=$((i + 1)) CONSENSUS_RAFT_PORT="${raft_ports[$i]}" \
      CONSENSUS_PEERS="$peers" CONSENSUS_DATA_DIR="$work/consensus-$((i + 1))" EUREKA_CLIENT_ENABLED=false \
      "$java" ${JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC} -Dsun.misc.unsafe.memory.access=allow \
      --enable-native-access=ALL-UNNAMED -jar "$jar" >"$work/consensus-$((i + 1)).log" 2>&1 &
    pids+=($!)
  done
}

# The client port of the etcd member that leads.
etcd_leader() {
  local port status member leader
  for port in "${etcd_client_ports[@]}"; do
    status="$(curl -fsS --max-time 2 -X POST "http://127.0.0.1:$port/v3/maintenance/status" -d '{}' 2>/dev/null)" || continue
    member="$(sed -n 's/.*"member_id":"\([0-9]*\)".*/\1/p' <<<"$status")"
    leader="$(sed -n 's/.*"leader":"\([0-9]*\)".*/\1/p' <<<"$status")"
    if [[ -n "$leader" && "$member" == "$leader" ]]; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# The HTTP port of the consensus node that leads, once every node knows it.
consensus_leader() {
  local port status role
  for port in "${http_ports[@]}"; do
    curl -fsS --max-time 2 "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 || return 1
  done
  for port in "${http_ports[@]}"; do
    status="$(curl -fsS --max-time 2 "http://127.0.0.1:$port/api/cluster" 2>/dev/null)" || continue
    role="$(sed -n 's/.*"role":"\([a-z-]*\)".*/\1/p' <<<"$status")"
    if [[ "$role" == leader ]]; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

wait_for() {
  local what=$1 probe=$2 deadline=$((SECONDS + ${START_TIMEOUT:-300})) answer
  until answer="$($probe)"; do
    [[ $SECONDS -lt $deadline ]] || { tail -n 30 "$work"/*.log >&2; fail "$what not ready after ${START_TIMEOUT:-300} s"; }
    sleep 1
  done
  echo "$answer"
}

# wrk with a Lua script against a URL; prints "requests/s p50 p99 errors" with latencies in ms.
measure() {
  local url=$1 script=$2 time=$3 out
  out="$(wrk -t2 -c"$connections" -d"$time" --latency -s "$lua/$script" "$url")"
  echo "$out" >>"$work/wrk.log"
  grep '^status ' <<<"$out" | sed "s|^|  $script |" >&2 || true
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { errors += $5 }
    /Socket errors/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, errors }' <<<"$out"
}

# Every key the reads ask for exists in both stores: one curl, one connection, one PUT per key.
populate() {
  local urls=() i value
  value="\"$(printf 'x%.0s' $(seq 1 $((VALUE_BYTES - 2))))\""
  for ((i = 0; i < KEYS; i++)); do urls+=("$consensus_url/api/kv/key-$i"); done
  curl -fsS -X PUT -H 'Content-Type: application/json' -d "$value" "${urls[@]}" >/dev/null \
    || fail "could not write the keys to consensus-service"
}

# ---- leases (issue 20), MODE=leases: 1,000 leases kept alive at once on each cluster. LEASES leases of 60 s are
# granted on each leader, then keepalives go round-robin over them at 50 connections, as the writes do:
# keepalives/s, p50/p99, and the leader's CPU meanwhile (user + system, in percent of one core, and per keepalive).
# CPU ticks (user + system) the processes named in $1 (pids separated by spaces) have used so far, together.
cpu_ticks() {
  local pid files=()
  for pid in $1; do files+=("/proc/$pid/stat"); done
  awk '{ t += $14 + $15 } END { print t }' "${files[@]}"
}

# measure, plus the CPU the processes in $1 used meanwhile: "requests/s p50 p99 errors cpu% cpu-us-per-request"
# (cpu% in percent of one core, all of them together).
measure_cpu() {
  local pids=$1 before after start end result
  shift
  before="$(cpu_ticks "$pids")" start="$(date +%s%N)"
  result="$(measure "$@")"
  after="$(cpu_ticks "$pids")" end="$(date +%s%N)"
  awk -v r="$result" -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v ns="$((end - start))" 'BEGIN {
    split(r, f, " "); cpu = t / hz; secs = ns / 1e9
    printf "%s %.0f %.0f\n", r, 100 * cpu / secs, (f[1] > 0 ? cpu * 1e6 / (f[1] * secs) : 0) }'
}

# Grants $1 leases with the curl arguments that follow; prints their ids, one a line.
grant_leases() {
  local count=$1 url=$2 body=$3 pattern=$4 urls=() i
  for ((i = 0; i < count; i++)); do urls+=("$url"); done
  curl -fsS -X POST -H 'Content-Type: application/json' -d "$body" "${urls[@]}" | grep -o "$pattern" | grep -o '[0-9][0-9]*'
}

bench_leases() {
  local count="${LEASES:-1000}" cs_pid etcd_pid i
  for i in 0 1 2; do
    [[ "${http_ports[$i]}" == "$consensus_port" ]] && cs_pid="${pids[$((3 + i))]}"
    [[ "${etcd_client_ports[$i]}" == "$etcd_port" ]] && etcd_pid="${pids[$i]}"
  done
  say "granting $count leases of 60 s on each ..."
  grant_leases "$count" "$consensus_url/api/leases" '{"ttlSeconds":60}' '"id":[0-9]*' >"$work/leases-consensus"
  grant_leases "$count" "$etcd_url/v3/lease/grant" '{"TTL":60}' '"ID":"[0-9]*"' >"$work/leases-etcd"
  [[ "$(wc -l <"$work/leases-consensus")" -eq "$count" && "$(wc -l <"$work/leases-etcd")" -eq "$count" ]] \
    || fail "could not grant $count leases on both"
  say "warming up ($warmup of keepalives each), then measuring $duration each ..."
  export LEASE_IDS="$work/leases-consensus"
  measure "$consensus_url" keepalive.lua "$warmup" >/dev/null
  export LEASE_IDS="$work/leases-etcd"
  measure "$etcd_url" etcd-keepalive.lua "$warmup" >/dev/null
  read -r etcd_k etcd_k50 etcd_k99 etcd_kerr etcd_kcpu etcd_kus < <(measure_cpu "$etcd_pid" "$etcd_url" etcd-keepalive.lua "$duration")
  export LEASE_IDS="$work/leases-consensus"
  read -r cs_k cs_k50 cs_k99 cs_kerr cs_kcpu cs_kus < <(measure_cpu "$cs_pid" "$consensus_url" keepalive.lua "$duration")
  local load_after
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '\n%-34s %10s %9s %9s %7s %11s %9s\n' "$count leases, 50 connections" "keepalive/s" "p50 ms" "p99 ms" "errors" "leader CPU%" "CPU us/ka"
  printf '%-34s %10s %9s %9s %7s %11s %9s\n' "consensus-service keepalive" "$cs_k" "$cs_k50" "$cs_k99" "$cs_kerr" "$cs_kcpu" "$cs_kus"
  printf '%-34s %10s %9s %9s %7s %11s %9s\n' "etcd 3.4 POST /v3/lease/keepalive" "$etcd_k" "$etcd_k50" "$etcd_k99" "$etcd_kerr" "$etcd_kcpu" "$etcd_kus"
  printf '\nkeepalives: throughput %sx etcd, p99 %sx etcd, leader CPU per keepalive %sx etcd\n' \
    "$(ratio "$cs_k" "$etcd_k")" "$(ratio "$cs_k99" "$etcd_k99")" "$(ratio "$cs_kus" "$etcd_kus")"
  printf 'load average after: %s (the benchmark'"'"'s own processes included)\n' "$load_after"
}
# ---- end of leases

# Debian starts its own etcd on 2379 when installed with a service manager; ours use other ports either way.
install_missing_commands wrk:wrk etcd:etcd-server curl:curl flock:util-linux
build_if_stale_modules consensus-service
start_etcd
start_consensus
etcd_port="$(wait_for "etcd cluster" etcd_leader)"
consensus_port="$(wait_for "consensus cluster" consensus_leader)"
say "etcd leader on :$etcd_port, consensus-service leader on :$consensus_port"
# The members of each cluster, for the CPU they use together (start_etcd ran first).
etcd_pids="${pids[*]:0:3}" consensus_pids="${pids[*]:3:3}"

hold_bench_lock
say "java: $("$(find_java)" -version 2>&1 | head -1); etcd: $(etcd --version 2>/dev/null | head -1); cpus: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"

consensus_url="http://127.0.0.1:$consensus_port"
etcd_url="http://127.0.0.1:$etcd_port"
if [[ "${MODE:-kv}" == leases ]]; then
  bench_leases
  exit 0
fi

# A follower of each: watchers are served by a node that applies what the leader commits, as most are.
follower_of() {
  local leader=$1; shift
  local port
  for port in "$@"; do [[ "$port" != "$leader" ]] && { echo "$port"; return; }; done
}

watch_bench() {
  local args=(--watchers "${WATCHERS:-100}" --rate "${RATE:-1000}" --seconds "${SECONDS_MEASURED:-20}" --warmup "${WARMUP_S:-5}")
  local cs_follower etcd_follower
  cs_follower="http://127.0.0.1:$(follower_of "$consensus_port" "${http_ports[@]}")"
  etcd_follower="http://127.0.0.1:$(follower_of "$etcd_port" "${etcd_client_ports[@]}")"
  say "watch: ${WATCHERS:-100} watchers on a follower, ${RATE:-1000} puts/s at the leader, ${SECONDS_MEASURED:-20} s after ${WARMUP_S:-5} s ..."
  read -r etcd_d etcd_50 etcd_99 etcd_ok etcd_err etcd_exp etcd_seen < <(python3 "$lua/watch_bench.py" etcd "$etcd_follower" "$etcd_url" "${args[@]}")
  read -r cs_d cs_50 cs_99 cs_ok cs_err cs_exp cs_seen < <(python3 "$lua/watch_bench.py" consensus "$cs_follower" "$consensus_url" "${args[@]}")
  local idx java_bin idle_n="${IDLE_WATCHERS:-1000}"
  for idx in 0 1 2; do [[ "${http_ports[$idx]}" == "${cs_follower##*:}" ]] && break; done
  java_bin="$(find_java)"
  say "heap per idle watcher: $idle_n idle streams on the follower ..."
  read -r idle_per idle_before idle_after < <(python3 "$lua/watch_bench.py" idle "$cs_follower" "${pids[$((3 + idx))]}" "${java_bin%/java}/jcmd" "$idle_n")
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
  release_bench_lock
  printf '\n%-34s %12s %9s %9s %10s %8s %14s\n' "watch, three nodes" "delivered/s" "p50 ms" "p99 ms" "puts ok" "failed" "seen/expected"
  printf '%-34s %12s %9s %9s %10s %8s %14s\n' "consensus-service SSE" "$cs_d" "$cs_50" "$cs_99" "$cs_ok" "$cs_err" "$cs_seen/$cs_exp"
  printf '%-34s %12s %9s %9s %10s %8s %14s\n' "etcd 3.4 POST /v3/watch" "$etcd_d" "$etcd_50" "$etcd_99" "$etcd_ok" "$etcd_err" "$etcd_seen/$etcd_exp"
  printf '\nwatch: delivered/s %sx etcd (target >= 1.0), p99 %sx etcd (target <= 1.0)\n' "$(ratio "$cs_d" "$etcd_d")" "$(ratio "$cs_99" "$etcd_99")"
  printf 'heap per idle HTTP watcher on consensus-service: %s bytes (%s idle streams; used heap after a full GC %s -> %s bytes)\n' "$idle_per" "$idle_n" "$idle_before" "$idle_after"
  printf 'load average after: %s (the benchmark'"'"'s own processes included)\n' "$load_after"
}
if [[ "${MODE:-kv}" == watch ]]; then
  watch_bench
  exit 0
fi
say "writing the $KEYS keys to both, then warming up both ($warmup of writes each, then reads) ..."
populate
measure "$consensus_url" put.lua "$warmup" >/dev/null
measure "$etcd_url" etcd-put.lua "$warmup" >/dev/null
measure "$consensus_url" get.lua "$warmup" >/dev/null
measure "$etcd_url" etcd-range.lua "$warmup" >/dev/null

say "measuring, $duration each ..."
read -r etcd_w etcd_w50 etcd_w99 etcd_werr _ etcd_wcpu < <(measure_cpu "$etcd_pids" "$etcd_url" etcd-put.lua "$duration")
read -r cs_w cs_w50 cs_w99 cs_werr _ cs_wcpu < <(measure_cpu "$consensus_pids" "$consensus_url" put.lua "$duration")
read -r etcd_r etcd_r50 etcd_r99 etcd_rerr _ etcd_rcpu < <(measure_cpu "$etcd_pids" "$etcd_url" etcd-range.lua "$duration")
read -r cs_r cs_r50 cs_r99 cs_rerr _ cs_rcpu < <(measure_cpu "$consensus_pids" "$consensus_url" get.lua "$duration")
# etcd's data model: ranges of 100 keys by prefix (linearizable), a two-compare two-put transaction, create-if-absent.
read -r etcd_g etcd_g50 etcd_g99 etcd_gerr _ etcd_gcpu < <(measure_cpu "$etcd_pids" "$etcd_url" etcd-range100.lua "$duration")
read -r cs_g cs_g50 cs_g99 cs_gerr _ cs_gcpu < <(measure_cpu "$consensus_pids" "$consensus_url" range.lua "$duration")
read -r etcd_t etcd_t50 etcd_t99 etcd_terr _ etcd_tcpu < <(measure_cpu "$etcd_pids" "$etcd_url" etcd-txn.lua "$duration")
read -r cs_t cs_t50 cs_t99 cs_terr _ cs_tcpu < <(measure_cpu "$consensus_pids" "$consensus_url" txn.lua "$duration")
read -r etcd_c etcd_c50 etcd_c99 etcd_cerr _ etcd_ccpu < <(measure_cpu "$etcd_pids" "$etcd_url" etcd-put-if.lua "$duration")
read -r cs_c cs_c50 cs_c99 cs_cerr _ cs_ccpu < <(measure_cpu "$consensus_pids" "$consensus_url" put-if.lua "$duration")
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
release_bench_lock

printf '\n%-34s %10s %9s %9s %7s %10s\n' "three nodes, 50 connections" "req/s" "p50 ms" "p99 ms" "errors" "CPU us/req"
printf '%-34s %10s %9s %9s %7s %10s\n' "consensus-service PUT /api/kv" "$cs_w" "$cs_w50" "$cs_w99" "$cs_werr" "$cs_wcpu"
printf '%-34s %10s %9s %9s %7s %10s\n' "etcd 3.4 POST /v3/kv/put" "$etcd_w" "$etcd_w50" "$etcd_w99" "$etcd_werr" "$etcd_wcpu"
printf '%-34s %10s %9s %9s %7s %10s\n' "consensus-service GET /api/kv" "$cs_r" "$cs_r50" "$cs_r99" "$cs_rerr" "$cs_rcpu"
printf '%-34s %10s %9s %9s %7s %10s\n' "etcd 3.4 POST /v3/kv/range" "$etcd_r" "$etcd_r50" "$etcd_r99" "$etcd_rerr" "$etcd_rcpu"
printf '%-34s %10s %9s %9s %7s %10s\n' "consensus-service range 100 keys" "$cs_g" "$cs_g50" "$cs_g99" "$cs_gerr" "$cs_gcpu"
printf '%-34s %10s %9s %9s %7s %10s\n' "etcd 3.4 range 100 keys" "$etcd_g" "$etcd_g50" "$etcd_g99" "$etcd_gerr" "$etcd_gcpu"
printf '%-34s %10s %9s %9s %7s %10s\n' "consensus-service POST /api/txn" "$cs_t" "$cs_t50" "$cs_t99" "$cs_terr" "$cs_tcpu"
printf '%-34s %10s %9s %9s %7s %10s\n' "etcd 3.4 POST /v3/kv/txn" "$etcd_t" "$etcd_t50" "$etcd_t99" "$etcd_terr" "$etcd_tcpu"
printf '%-34s %10s %9s %9s %7s %10s\n' "consensus-service PUT ifModRevision" "$cs_c" "$cs_c50" "$cs_c99" "$cs_cerr" "$cs_ccpu"
printf '%-34s %10s %9s %9s %7s %10s\n' "etcd 3.4 txn put if mod=0" "$etcd_c" "$etcd_c50" "$etcd_c99" "$etcd_cerr" "$etcd_ccpu"
printf '\nwrites: throughput %sx etcd (target >= 2.0), p99 %sx etcd (target <= 1.0)\n' "$(ratio "$cs_w" "$etcd_w")" "$(ratio "$cs_w99" "$etcd_w99")"
printf 'linearizable reads: throughput %sx etcd (target >= 2.0), p99 %sx etcd\n' "$(ratio "$cs_r" "$etcd_r")" "$(ratio "$cs_r99" "$etcd_r99")"
printf 'ranges of 100: throughput %sx etcd (target >= 1.5), p99 %sx etcd (target <= 1.0)\n' "$(ratio "$cs_g" "$etcd_g")" "$(ratio "$cs_g99" "$etcd_g99")"
printf 'transactions: throughput %sx etcd (target >= 1.5), p99 %sx etcd (target <= 1.0)\n' "$(ratio "$cs_t" "$etcd_t")" "$(ratio "$cs_t99" "$etcd_t99")"
printf 'conditional puts: throughput %sx etcd (target >= 1.5), p99 %sx etcd (target <= 1.0)\n' "$(ratio "$cs_c" "$etcd_c")" "$(ratio "$cs_c99" "$etcd_c99")"
printf 'CPU us/req: user + system time of the three members together per request (wrk not included); CPU per write %sx etcd'"'"'s\n' "$(ratio "$cs_wcpu" "$etcd_wcpu")"
printf 'load average after: %s (the benchmark'"'"'s own processes included)\n' "$load_after"
