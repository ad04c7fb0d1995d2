#!/usr/bin/env bash
# Distribution smoke test: builds cli/target/carousel-<version>.tar.gz (unless SKIP_BUILD=1), unpacks
# it into a fresh folder and runs `bin/carousel serve` from another directory with an empty HOME and
# only the JDK's bin on PATH (no mvn, no ~/.m2, no checkout). Checks /health/ready, GET / (302 to
# /demo), POST /v1/events, GET a slate and the profile's eventCount, that no absl line reached
# stderr, and that SIGTERM stops the node with exit 0 (143 counts too: the JVM's exit on TERM).
# The first run trains the default dataset's model (amazon2018-small, ~1 min on 2 cores).
#   CAROUSEL_DATA_DIR  datasets (default: ../shared/data next to the checkout)
#   PORT               HTTP port (default 18600)       WORK  scratch folder (default: mktemp -d)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${CAROUSEL_DATA_DIR:-$root/../shared/data}"
port="${PORT:-18600}"
work="${WORK:-$(mktemp -d /tmp/carousel-dist-smoke.XXXXXX)}"
java_bin="$(dirname "$(readlink -f "$(command -v java)")")"
base="http://127.0.0.1:$port"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "dist-smoke: building the distribution (mvn package, tests skipped)" >&2
  (cd "$root" && mvn -B -o -q package -DskipTests -pl cli -am)
fi
archive="$(ls "$root"/cli/target/carousel-*.tar.gz | head -1)"
mkdir -p "$work/dist" "$work/home" "$work/cwd"
tar -xzf "$archive" -C "$work/dist"
launcher="$(ls -d "$work"/dist/carousel-*/bin/carousel)"
echo "dist-smoke: $archive -> $launcher (JDK bin $java_bin)" >&2

cd "$work/cwd"
env -i HOME="$work/home" PATH="$java_bin" CAROUSEL_DATA_DIR="$data" \
  "$launcher" serve --data-dir "$work/data" --port "$port" >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fsS "$base/health/ready" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "dist-smoke: serve exited early" >&2; tail -20 "$work/serve.err" >&2; exit 1; }
  sleep 1
done

fail=0
check() { # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok   $1: $3"; else echo "FAIL $1: expected $2, got $3"; fail=1; fi
}
check "GET /health/ready" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready")"
check "GET / redirects to /demo" "302 $base/demo" \
  "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$base/")"
item="$(curl -fsS "$base/v1/items?limit=1" | sed -E 's/.*"itemId":"([^"]+)".*/\1/')"
user="smoke-$(date +%s)"
event="{\"eventId\":\"$user-1\",\"userId\":\"$user\",\"itemId\":\"$item\",\"type\":\"click\",\"timestamp\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}"
check "POST /v1/events" 200 \
  "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$event" "$base/v1/events")"
slate="$(curl -s -w ' %{http_code}' "$base/v1/users/$user/recommendations?k=3")"
check "GET recommendations" 200 "${slate##* }"
echo "     slate: ${slate% *}" | cut -c1-200
check "eventCount after one event" 1 \
  "$(curl -fsS "$base/v1/users/$user" | sed -E 's/.*"eventCount":([0-9]+).*/\1/')"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
trap - EXIT
[[ $status == 0 || $status == 143 ]] && status=ok
check "SIGTERM stops the node" ok "$status"
check "absl lines on stderr" 0 "$(grep -c -e 'absl::InitializeLog' -e '^I[0-9]\{4\} ' "$work/serve.err" || true)"
# no locale under env -i: the launcher asks Java for UTF-8, so the line's "—" is not a "?"
check "start-up line in UTF-8" 1 "$(grep -c 'Carousel serving .* — ' "$work/serve.err" || true)"
grep -q "Carousel serving" "$work/serve.err" && echo "ok   start-up line: $(grep -o 'Carousel serving.*' "$work/serve.err")"
echo "dist-smoke: logs in $work (serve.out, serve.err)"
exit $fail
