#!/usr/bin/env bash
# Scale-out scenario on loopback: its own Cassandra (CQL 39042, storage 37000, JMX 37199, state under
# cluster-conf/cassandra/target/scale-out, so the developers' nodes on 19042/29142 are untouched),
# nodes 1 and 2 (--config local1/local2: Akka 25521/25522, HTTP 8081/8082) under bounded event load,
# node 3 (local3: 25523/8083) joins and takes shards, node 2 is killed with kill -9, the split-brain
# resolver downs it and its users recover on the survivors from Cassandra. Every acknowledged event is
# checked per user against GET /v1/users/{id} eventCount. Bounded: every wait has a limit (about 3-4
# minutes in all on 2 cores, plus the first build). The LAST line of output is the JSON report.
# The same scenario on a Cassandra of your own: CQL_PORT=... ./carousel bench scale-out WORK
#   KEEP_CASSANDRA=1  leave the scenario's Cassandra running afterwards (default: stopped)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CAROUSEL_CASSANDRA_HOME="${CAROUSEL_CASSANDRA_HOME:-$root/cluster-conf/cassandra/target/scale-out}"
export CQL_PORT="${SCENARIO_CQL_PORT:-39042}" STORAGE_PORT="${SCENARIO_STORAGE_PORT:-37000}"
export JMX_PORT="${SCENARIO_JMX_PORT:-37199}"
work="$root/cli/target/scale-out"

for port in 8081 8082 8083 25521 25522 25523; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "scale-out: port $port is in use; the local1..3 overlays need 8081-8083 and 25521-25523" >&2
    exit 1
  fi
done

# The Cassandra jars: reuse the default home's copy when there is one (no second download).
default_lib="$root/cluster-conf/cassandra/target/lib-5.0.6"
mkdir -p "$CAROUSEL_CASSANDRA_HOME"
if [[ -d "$default_lib" && ! -e "$CAROUSEL_CASSANDRA_HOME/lib-5.0.6" ]]; then
  ln -s "$default_lib" "$CAROUSEL_CASSANDRA_HOME/lib-5.0.6"
fi
if [[ "${KEEP_CASSANDRA:-0}" != "1" ]]; then
  trap 'cluster-conf/cassandra/stop-cassandra.sh >&2' EXIT
fi
cluster-conf/cassandra/start-cassandra.sh >&2

rm -rf "$work"
mkdir -p "$work"
# The scenario is `carousel bench scale-out` (io.carousel.offline.bench.cluster): the launcher builds
# when the jars are stale and its classpath is the one the nodes it starts run on.
JAVA_OPTS="${JAVA_OPTS:--Xmx512m}" timeout 900 ./carousel bench scale-out "$work" \
  | tee "$work/scenario.out"
