#!/usr/bin/env bash
# Downloads org.apache.cassandra:cassandra-all:$CASSANDRA_VERSION and its runtime dependencies from Maven
# Central into $CAROUSEL_CASSANDRA_HOME/lib-<version> (~100 jars, ~66 MB, about a minute cold). Idempotent.
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [[ -f "${CASSANDRA_LIB}/cassandra-all-${CASSANDRA_VERSION}.jar" ]]; then
  echo "fetch-cassandra: ${CASSANDRA_LIB} is complete"
  exit 0
fi
echo "fetch-cassandra: resolving cassandra-all ${CASSANDRA_VERSION} + runtime deps into ${CASSANDRA_LIB}"
tmp="${CASSANDRA_LIB}.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
if ! mvn -B -q -f "${CASSANDRA_SCRIPTS}/pom.xml" dependency:copy-dependencies \
    -Dcassandra.version="${CASSANDRA_VERSION}" -DoutputDirectory="$tmp" -DincludeScope=runtime; then
  echo "fetch-cassandra: ERROR: Maven could not resolve cassandra-all ${CASSANDRA_VERSION}" >&2
  exit 1
fi
# Publish atomically: a half-copied folder never looks complete.
rm -rf "${CASSANDRA_LIB}"
mv "$tmp" "${CASSANDRA_LIB}"
echo "fetch-cassandra: $(ls "${CASSANDRA_LIB}" | wc -l) jars in ${CASSANDRA_LIB}"
