#!/usr/bin/env bash
# Starts a single-node Apache Cassandra 5.0 on 127.0.0.1 for Carousel (see env.sh for every setting).
# Idempotent: exits 0 at once when our node already answers on the CQL port. Fetches the jars first
# when missing. Waits at most START_TIMEOUT seconds for the CQL port; on failure prints the log tail
# and exits 1. Cassandra runs on Java 17 as its own process: `java ... CassandraDaemon`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
JAVA="${JAVA_HOME}/bin/java"

die() { echo "start-cassandra: ERROR: $*" >&2; exit 1; }
log_tail() {
  echo "---- last lines of ${CASSANDRA_LOGS}/stdout.log ----" >&2
  tail -n 30 "${CASSANDRA_LOGS}/stdout.log" >&2 2>/dev/null || true
  echo "---- errors in ${CASSANDRA_LOGS}/system.log ----" >&2
  grep -E "ERROR|Exception" "${CASSANDRA_LOGS}/system.log" 2>/dev/null | tail -n 10 >&2 || true
}

[[ -x "$JAVA" ]] || die "no java at $JAVA (set JAVA_HOME to a JDK 17)"
java_major="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
[[ "$java_major" == "17" ]] || die "Cassandra ${CASSANDRA_VERSION} needs Java 17, $JAVA is ${java_major:-unknown} (set JAVA_HOME)"

pid=""
if [[ -f "$CASSANDRA_PIDFILE" ]] && kill -0 "$(cat "$CASSANDRA_PIDFILE")" 2>/dev/null; then
  pid="$(cat "$CASSANDRA_PIDFILE")"
  if port_open "$CQL_PORT"; then
    echo "start-cassandra: already running (pid $pid), CQL on 127.0.0.1:${CQL_PORT}"
    exit 0
  fi
  echo "start-cassandra: pid $pid is starting; waiting for CQL port ${CQL_PORT}"
else
  port_open "$CQL_PORT" && die "port ${CQL_PORT} is in use by a process that is not ours (no live pid in ${CASSANDRA_PIDFILE}); set CQL_PORT"
  port_open "$STORAGE_PORT" && die "storage port ${STORAGE_PORT} is in use; set STORAGE_PORT"
  "$(dirname "$0")/fetch-cassandra.sh"

  mkdir -p "${CASSANDRA_NODE}/conf" "${CASSANDRA_NODE}/data" "${CASSANDRA_NODE}/triggers" "$CASSANDRA_LOGS"
  sed -e "s#@@NODE@@#${CASSANDRA_NODE}#g" -e "s#@@CQL_PORT@@#${CQL_PORT}#g" \
      -e "s#@@STORAGE_PORT@@#${STORAGE_PORT}#g" \
      "${CASSANDRA_SCRIPTS}/conf/cassandra.yaml.tmpl" > "${CASSANDRA_NODE}/conf/cassandra.yaml"
  cp "${CASSANDRA_SCRIPTS}/conf/logback.xml" "${CASSANDRA_NODE}/conf/logback.xml"
  jamm="$(ls "${CASSANDRA_LIB}"/jamm-*.jar 2>/dev/null | head -n1)"
  [[ -n "$jamm" ]] || die "no jamm jar in ${CASSANDRA_LIB}"

  # What bin/cassandra and conf/jvm17-server.options would add: heap, G1, the jamm agent, and the
  # JDK internals Cassandra, Chronicle and Netty reach into on Java 17.
  opts=(
    -Xms"${MAX_HEAP}" -Xmx"${MAX_HEAP}" -Xmn"${NEW_HEAP}" -Xss256k
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1
    -XX:+CrashOnOutOfMemoryError -XX:ActiveProcessorCount=2
    -Djava.net.preferIPv4Stack=true -Djdk.attach.allowAttachSelf=true
    -javaagent:"$jamm"
    -Dcassandra.config="file://${CASSANDRA_NODE}/conf/cassandra.yaml"
    -Dcassandra.storagedir="${CASSANDRA_NODE}/data"
    -Dcassandra.triggers_dir="${CASSANDRA_NODE}/triggers"
    -Dcassandra.logdir="${CASSANDRA_LOGS}"
    -Dlogback.configurationFile="${CASSANDRA_NODE}/conf/logback.xml"
    -Dcassandra.jmx.local.port="${JMX_PORT}"
    -Dcassandra-foreground=yes
    -Dcassandra.skip_wait_for_gossip_to_settle=0
    -Dcassandra.ring_delay_ms=1000
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
    --add-exports java.base/sun.nio.ch=ALL-UNNAMED
    --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
    --add-exports java.sql/java.sql=ALL-UNNAMED
    --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
    --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  )
  for p in java.lang java.lang.reflect java.lang.module java.io java.nio java.net java.math java.util \
      java.util.concurrent java.util.concurrent.atomic sun.nio.ch jdk.internal.loader jdk.internal.ref \
      jdk.internal.reflect jdk.internal.math jdk.internal.module jdk.internal.util.jar; do
    opts+=(--add-opens "java.base/${p}=ALL-UNNAMED")
  done
  opts+=(--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

  echo "start-cassandra: launching Cassandra ${CASSANDRA_VERSION} (heap ${MAX_HEAP}, CQL ${CQL_PORT}, storage ${STORAGE_PORT}, JMX ${JMX_PORT}) in ${CASSANDRA_NODE}"
  date +%s > "${CASSANDRA_NODE}/launch-time"
  nohup "$JAVA" "${opts[@]}" -cp "${CASSANDRA_NODE}/conf:${CASSANDRA_LIB}/*" \
      org.apache.cassandra.service.CassandraDaemon > "${CASSANDRA_LOGS}/stdout.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$CASSANDRA_PIDFILE"
fi

t0=$(date +%s)
until port_open "$CQL_PORT"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start-cassandra: ERROR: Cassandra (pid $pid) exited during startup" >&2
    log_tail
    rm -f "$CASSANDRA_PIDFILE"
    exit 1
  fi
  if (( $(date +%s) - t0 >= START_TIMEOUT )); then
    echo "start-cassandra: ERROR: CQL port ${CQL_PORT} not open after ${START_TIMEOUT}s (pid $pid still running)" >&2
    log_tail
    exit 1
  fi
  sleep 0.5
done
echo "start-cassandra: ready: CQL on 127.0.0.1:${CQL_PORT} (pid $pid, $(( $(date +%s) - $(cat "${CASSANDRA_NODE}/launch-time") )) s since launch)"
