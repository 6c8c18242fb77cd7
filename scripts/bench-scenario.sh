#!/usr/bin/env bash
# Scenario latency over HTTP (not a timed test): `needsmap serve` on 127.0.0.1 answers
# /api/scenario for the county RUNS times per scenario, one request at a time, and curl's
# time_total gives the median, p90 and max. See benches/README.md for results.
#
#   scripts/bench-scenario.sh                  # from the repository root
#
# Environment (all optional):
#   RUNS=30  PORT=18193
#   NETWORK=file.osm.pbf    serve with --network, so scenarios route (default: the estimate)
#   NEEDSMAP_BIN=path       measure this binary instead of building target/release
#
# Needs: curl, python3. Writes only to a temporary folder; the server it starts is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${NEEDSMAP_BIN:-$ROOT/target/release/needsmap}
RUNS=${RUNS:-30}
PORT=${PORT:-18193}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/needsmap-scenario.XXXXXX")

SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
if [ -z "${NEEDSMAP_BIN:-}" ]; then
    (cd "$ROOT" && cargo build --release -j2 --bin needsmap)
fi

NET=()
[ -n "${NETWORK:-}" ] && NET=(--network "$NETWORK")
(cd "$ROOT" && exec "$BIN" "${NET[@]}" serve --addr "127.0.0.1:$PORT" --no-warm) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.5
done

measure() {
    local name=$1 query=$2
    local url="http://127.0.0.1:$PORT/api/scenario?$query"
    curl -sf "$url" -o "$WORK/answer.json" || { echo "$name: request failed" >&2; curl -s "$url" >&2; exit 1; }
    : >"$WORK/times"
    for _ in $(seq 1 "$RUNS"); do
        curl -sf -o /dev/null -w '%{time_total}\n' "$url" >>"$WORK/times"
    done
    python3 - "$name" "$WORK/times" "$WORK/answer.json" <<'EOF'
import json, sys
name, times, answer = sys.argv[1], sys.argv[2], sys.argv[3]
t = sorted(float(x) * 1000 for x in open(times))
a = json.load(open(answer))
print(f"{name:<34} n={len(t):>3}  median {t[len(t)//2]:7.1f} ms  p90 {t[int(len(t)*0.9)-1]:7.1f} ms  max {t[-1]:7.1f} ms"
      f"  ({a['method']}, {len(a['changes'])} changes)")
EOF
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
measure "close L84003" "close=L84003&mode=walk&minutes=45"
measure "close L84003,L84005 + open 2 (issue)" "close=L84003,L84005&open=GL1%202EH&open=-2.24,51.86&mode=walk&minutes=45"
measure "car, open 2" "open=GL1%202EH&open=-2.24,51.86&mode=car&minutes=15"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
