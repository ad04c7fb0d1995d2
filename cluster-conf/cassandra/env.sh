# Shared settings of the Cassandra scripts; sourced, not run. Every value can be set in the environment.
#   CAROUSEL_CASSANDRA_HOME  all state: jars, config, data, logs, pid (default cluster-conf/cassandra/target)
#   CASSANDRA_VERSION        5.0.x from Maven Central (default 5.0.6)
#   CASSANDRA_LIB            the jars (default $CAROUSEL_CASSANDRA_HOME/lib-<version>); a second node
#                            (e.g. the outage test's) may share the first node's folder
#   CQL_PORT / STORAGE_PORT / JMX_PORT  (defaults 19042 / 17000 / 17199, loopback only)
#   MAX_HEAP / NEW_HEAP      JVM heap (defaults 512M / 128M)
#   START_TIMEOUT            seconds to wait for the CQL port (default 180)
#   JAVA_HOME                a JDK 17 (default: the `java` on PATH)
CASSANDRA_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CASSANDRA_VERSION="${CASSANDRA_VERSION:-5.0.6}"
CASSANDRA_HOME_DIR="${CAROUSEL_CASSANDRA_HOME:-${CASSANDRA_SCRIPTS}/target}"
CASSANDRA_LIB="${CASSANDRA_LIB:-${CASSANDRA_HOME_DIR}/lib-${CASSANDRA_VERSION}}"
CASSANDRA_NODE="${CASSANDRA_HOME_DIR}/node"
CASSANDRA_LOGS="${CASSANDRA_NODE}/logs"
CASSANDRA_PIDFILE="${CASSANDRA_NODE}/cassandra.pid"
CQL_PORT="${CQL_PORT:-19042}"
STORAGE_PORT="${STORAGE_PORT:-17000}"
JMX_PORT="${JMX_PORT:-17199}"
MAX_HEAP="${MAX_HEAP:-512M}"
NEW_HEAP="${NEW_HEAP:-128M}"
START_TIMEOUT="${START_TIMEOUT:-180}"
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
