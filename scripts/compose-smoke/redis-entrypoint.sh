#!/bin/sh
# As the official image does: bare options are redis-server's, and protected mode is off because the
# container network, not a password, guards this server.
set -e
case "$1" in -*) set -- redis-server "$@" ;; esac
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
fi
exec "$@"
