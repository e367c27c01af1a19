# Helpers every benchmark script shares; sourced, never run. Set script_name (for messages) before sourcing:
#   script_name=cache.sh; source "$(dirname "$0")/common.sh"
# On top of scripts/lib/common.sh (fail, reachable, find_java, install_packages) it sets root (the repository) and
# version, and defines say (to stderr: benchmark functions answer on stdout), port_free, free_port, jar_of, stale,
# build_if_stale_modules, floor_jar, build_floors_if_stale, steal_ms, await_http, stop_processes, cpu_us, paced_get,
# hold_bench_lock, release_bench_lock, ratio and install_missing_commands.
# shellcheck shell=bash

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../lib/common.sh
. "$root/scripts/lib/common.sh"
version=0.1.0-SNAPSHOT

say() { printf '%s\n' "$*" >&2; }

port_free() { ! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
# The first free port from a base: other benchmarks and tests on this machine hold ports of their own.
free_port() { local port=$1; while ! port_free "$port"; do port=$((port + 1)); done; echo "$port"; }

jar_of() { echo "$root/$1/target/$1-$version.jar"; }

# Whether a file is missing or older than any file under the given paths (build output excluded). Older than when
# it was written (its status change time): the build stamps every jar's modification time with
# project.build.outputTimestamp, a fixed date, so that time would call every jar stale and rebuild it on every run.
stale() {
  local file=$1
  shift
  [[ ! -f "$file" ]] || [[ -n "$(find "$@" -newermc "$file" -type f -not -path '*/target/*' -print -quit)" ]]
}

# Builds the given service modules (and what they need) in one Maven run when any of their jars is missing or
# older than its sources, its pom or the shared platform code.
build_if_stale_modules() {
  local module stale_modules=no
  for module in "$@"; do
    stale "$(jar_of "$module")" "$root/$module/src/main" "$root/$module/pom.xml" "$root/platform" && stale_modules=yes
  done
  if [[ $stale_modules == yes ]]; then
    local list
    list="$(IFS=,; echo "$*")"
    say "building $list ..."
    (cd "$root" && ./mvnw -q -pl "$list" -am -DskipTests package)
  fi
}

# The floors of the stack (scripts/bench/floors): a bare Spring WebFlux application, a bare Spring Cloud Gateway and
# a bare Jetty servlet container.
floors="$root/scripts/bench/floors"
floor_jar() { echo "$floors/$1/target/floor-$1-$version.jar"; }

# Builds the floor applications in one Maven run when any jar is missing or older than its sources or poms.
build_floors_if_stale() {
  local module
  for module in webflux gateway jetty; do
    if stale "$(floor_jar "$module")" "$floors/$module/src" "$floors/$module/pom.xml" "$floors/pom.xml"; then
      say "building the floor applications ..."
      (cd "$root" && ./mvnw -q -f "$floors/pom.xml" package)
      return
    fi
  done
}

# The machine's steal time so far, in ms (/proc/stat's eighth figure, in clock ticks): time the hypervisor gave this
# machine's cores to someone else while they had work, which no process here can see in its own CPU time.
steal_ms() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { print int($9 * 1000 / hz) }' /proc/stat; }

# await_http URL WHAT [SECONDS [CURL_ARGS...]]: waits until URL answers 2xx, at most SECONDS (240), then fails
# naming WHAT. CURL_ARGS go with each try (an API key header, say). $work, if set, is named as where the logs are.
await_http() {
  local url=$1 what=$2 seconds=${3:-240}
  local deadline=$((SECONDS + seconds))
  until curl -fsS -o /dev/null --max-time 2 "${@:4}" "$url" 2>/dev/null; do
    [[ $SECONDS -lt $deadline ]] || fail "$what not up after ${seconds} s${work:+ (logs in $work)}"
    sleep 1
  done
}

# Stops the given processes (this shell's children) and waits for every one, so that none outlives the run and
# holds its port into the next.
stop_processes() {
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

# The CPU time (user + system, all threads) a process has used so far, in microseconds.
cpu_us() { awk -v tck="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) * 1000000 / tck }' "/proc/$1/stat"; }

# paced_get URL RATE SECONDS CONNECTIONS [HEADER...]: GETs URL at RATE requests/s for SECONDS, open loop
# (scripts/bench/paced/PacedGet.java; latency from when each request was due) -> "requests/s p50 p90 p99 p99.9 max
# non2xx" in ms, or "failed". Needs $java; its errors go to $work/paced.err.
paced_get() {
  "$java" "$root/scripts/bench/paced/PacedGet.java" "$@" 2>>"$work/paced.err" || echo failed
}

# Two benchmarks never measure at once: the measuring part holds /tmp/distpatterns-bench.lock on descriptor 9
# (BENCH_LOCK to name another: a process that inherited the lock's descriptor from an earlier benchmark and
# outlived it holds it for ever). Start long-lived children with 9>&- so that they do not inherit it.
hold_bench_lock() {
  local lock="${BENCH_LOCK:-/tmp/distpatterns-bench.lock}"
  exec 9>"$lock"
  say "waiting for $lock (other builds and benchmarks may still be running on this machine) ..."
  flock 9
}
release_bench_lock() { flock -u 9; }

# A ratio of two measured figures; n/a when either is not a number (not measured, "failed") or the divisor is 0.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "n/a" }'
}

# install_missing_commands COMMAND:PACKAGE...: installs from Debian the package of each command neither on the PATH
# nor in /usr/sbin (where Debian puts nginx, off a user's PATH).
install_missing_commands() {
  local pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || [[ -x "/usr/sbin/${pair%%:*}" ]] || install_packages "${pair#*:}"
  done
}
