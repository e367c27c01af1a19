#!/usr/bin/env bash
# Starts the README's example of a user's task endpoint (scripts/demo/WordCount.java) in the background, on
# 127.0.0.1:8090 (shifted by RUN_PORT_OFFSET like the suite), for an http-mode task type to call. Run-local's
# profile lets task-service call 127.0.0.1; `scripts/run-local.sh stop` stops this endpoint with the suite.
#
#   scripts/demo-endpoint.sh          start it (or find it running) and say where it listens
#   scripts/demo-endpoint.sh stop     stop it
set -euo pipefail
script_name=demo-endpoint
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

root=$(cd "$(dirname "$0")/.." && pwd)
run_dir=${RUN_DIR:-$root/.run}
port=$((8090 + ${RUN_PORT_OFFSET:-0}))
name=demo-endpoint
pid_file=$run_dir/$name.pid
# The marker run-local.sh knows its processes by, so that its `stop` ends this one too.
marker="-Ddistpatterns.run-local=$run_dir/$name"

running_pid() {
  local pid
  [ -f "$pid_file" ] || return 1
  pid=$(cat "$pid_file")
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$marker" || return 1
  echo "$pid"
}

start() {
  if ! running_pid >/dev/null; then
    reachable 127.0.0.1 "$port" && fail "port $port is taken by another process."
    local java
    java=$(find_java)
    mkdir -p "$run_dir"
    nohup "$java" "$marker" "$root/scripts/demo/WordCount.java" "$port" >"$run_dir/$name.log" 2>&1 </dev/null &
    echo $! >"$pid_file"
    local deadline=$((SECONDS + 50))
    until reachable 127.0.0.1 "$port"; do
      running_pid >/dev/null || { cat "$run_dir/$name.log" >&2; fail "the endpoint exited (log above)."; }
      [ $SECONDS -lt $deadline ] || fail "the endpoint does not listen on :$port after 50 s ($run_dir/$name.log)."
      sleep 0.3
    done
  fi
  say "word-count endpoint on http://127.0.0.1:$port/word-count (log $run_dir/$name.log)"
}

stop() {
  local pid
  if pid=$(running_pid); then
    kill "$pid"
    say "stopped the word-count endpoint (pid $pid)"
  fi
  rm -f "$pid_file"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) fail "usage: $0 [start|stop]" ;;
esac
