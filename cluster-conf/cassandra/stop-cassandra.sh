#!/usr/bin/env bash
# Stops the Cassandra started by start-cassandra.sh, by its pid only (TERM, then KILL after
# STOP_TIMEOUT seconds, default 30). Idempotent: exits 0 when it is not running.
set -uo pipefail
source "$(dirname "$0")/env.sh"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"
if [[ ! -f "$CASSANDRA_PIDFILE" ]]; then
  echo "stop-cassandra: not running (no ${CASSANDRA_PIDFILE})"
  exit 0
fi
pid="$(cat "$CASSANDRA_PIDFILE")"
if ! kill -0 "$pid" 2>/dev/null; then
  echo "stop-cassandra: stale pid file ($pid not alive), removed"
  rm -f "$CASSANDRA_PIDFILE"
  exit 0
fi
kill -TERM "$pid"
for _ in $(seq 1 $((STOP_TIMEOUT * 2))); do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$CASSANDRA_PIDFILE"
    echo "stop-cassandra: stopped pid $pid"
    exit 0
  fi
  sleep 0.5
done
echo "stop-cassandra: pid $pid did not exit in ${STOP_TIMEOUT}s; sending KILL" >&2
kill -KILL "$pid" 2>/dev/null
rm -f "$CASSANDRA_PIDFILE"
