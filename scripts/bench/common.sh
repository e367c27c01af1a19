# Helpers every benchmark script shares; sourced, never run. Set bench_name (for messages) before sourcing:
#   bench_name=cache.sh; source "$(dirname "$0")/common.sh"
# It sets root (the repository) and version, and defines say, fail, port_free, free_port, reachable, find_java,
# jar_of, stale, build_if_stale_modules, hold_bench_lock, release_bench_lock and ratio.
# shellcheck shell=bash

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version=0.1.0-SNAPSHOT

say() { printf '%s\n' "$*" >&2; }
fail() { say "${bench_name:-bench}: $*"; exit 1; }

port_free() { ! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
# The first free port from a base: other benchmarks and tests on this machine hold ports of their own.
free_port() { local port=$1; while ! port_free "$port"; do port=$((port + 1)); done; echo "$port"; }
reachable() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# The JDK Maven's toolchain would pick: the first java of version 21 or newer, looking where toolchains and the
# usual installers put them.
find_java() {
  local candidates=() home java major
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  for home in $(grep -ho '<jdkHome>[^<]*' "$HOME"/.m2/toolchains.xml "$HOME"/.m2/discovered-jdk-toolchains-cache.xml \
      2>/dev/null | sed 's/<jdkHome>//'); do
    candidates+=("$home/bin/java")
  done
  for home in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do candidates+=("$home/bin/java"); done
  candidates+=("$(command -v java || true)")
  for java in "${candidates[@]}"; do
    [[ -x "$java" ]] || continue
    major="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [[ -n "$major" && "${major%%.*}" -ge 21 ]]; then
      echo "$java"
      return
    fi
  done
  fail "no JDK 21 or newer found"
}

jar_of() { echo "$root/$1/target/$1-$version.jar"; }

# Whether a file is missing or older than any file under the given paths (build output excluded).
stale() {
  local file=$1
  shift
  [[ ! -f "$file" ]] || [[ -n "$(find "$@" -newer "$file" -type f -not -path '*/target/*' -print -quit)" ]]
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

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
