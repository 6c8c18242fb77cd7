#!/usr/bin/env bash
# Load test (not a timed test): CONNS concurrent clients for DURATION seconds of mixed tile and API
# requests against `needsmap --region england serve` on 127.0.0.1. Reports errors (socket errors and
# statuses other than 2xx/304), latency percentiles (p99) and the server's RSS before and after.
# See benches/README.md for results.
#
#   scripts/load.sh                         # from the repository root
#
# Environment (all optional):
#   REGION=england  DURATION=60  CONNS=50  THREADS=2  PORT=18190
#   WARM=0                  1 = let the server pre-encode z6..13 in the background (default: off)
#   NEEDSMAP_BIN=path       measure this binary instead of building target/release
#   KEEP=1                  keep the temporary folder (paths, logs)
#
# Needs: curl, python3, wrk (Debian: apt-get install -y wrk). Writes only to a temporary folder;
# the server it starts is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${NEEDSMAP_BIN:-$ROOT/target/release/needsmap}
REGION=${REGION:-england}
DURATION=${DURATION:-60}
CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
PORT=${PORT:-18190}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/needsmap-load.XXXXXX")
case "$WORK" in "$ROOT"/*) echo "refusing to work inside the repository: $WORK" >&2; exit 2 ;; esac

SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in curl python3 wrk; do
    command -v "$tool" >/dev/null || { echo "missing $tool (wrk: apt-get install -y wrk)" >&2; exit 2; }
done
if [ -z "${NEEDSMAP_BIN:-}" ]; then
    (cd "$ROOT" && cargo build --release -j2 --bin needsmap) || { [ -x "$BIN" ] || exit 1; echo "WARNING: build failed; using existing $BIN" >&2; }
fi

rss() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$SERVER_PID/status"; }
hwm() { awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$SERVER_PID/status"; }

WARM_FLAG=--no-warm
[ "${WARM:-0}" = 1 ] && WARM_FLAG=
started=$(date +%s)
(cd "$ROOT" && exec "$BIN" --region "$REGION" serve --addr "127.0.0.1:$PORT" $WARM_FLAG) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
B="http://127.0.0.1:$PORT"
for _ in $(seq 600); do
    curl -sf -o /dev/null "$B/healthz" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited:" >&2; tail -20 "$WORK/server.log" >&2; exit 1; }
    sleep 0.5
done
curl -sf -o /dev/null "$B/healthz" || { echo "server did not come up" >&2; exit 1; }
echo "== server up in $(( $(date +%s) - started )) s (region $REGION, pid $SERVER_PID)"

curl -sf "$B/tiles/areas.json" >"$WORK/tilejson.json"
curl -sf "$B/api/areas?format=csv" >"$WORK/areas.csv"

# A fixed, seeded mix of requests (what a map page and its users do):
#   70% tiles at z5..14 around random areas, one layer (as the page asks), 10% of those with ?where=
#   30% API: area profiles, filtered lists, layers, healthz, TileJSON, postcode-free lookups.
python3 - "$WORK" <<'EOF'
import csv, json, math, random, sys, urllib.parse
work = sys.argv[1]
random.seed(9)
tj = json.load(open(f"{work}/tilejson.json"))
fields = [f for f in tj["vector_layers"][0]["fields"] if f not in ("code", "selected")]
layers = [f for f in ("imd_decile", "imd_score", "idaci_decile", "gp_walk_min", "gp_car_min") if f in fields] or fields[:3]
rows = list(csv.DictReader(open(f"{work}/areas.csv", encoding="utf-8-sig")))
def tile(lon, lat, z):
    n = 2 ** z
    r = math.radians(lat)
    return z, int((lon + 180) / 360 * n), int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
filters = ["imd_decile <= 2", "gp_walk_min > 30", "idaci_decile <= 3 and imd_decile <= 3", "imd_decile = 1 or gp_car_min > 15"]
q = lambda s: urllib.parse.quote(s, safe="")
paths = []
for _ in range(20000):
    r = random.random()
    a = random.choice(rows)
    if r < 0.70:
        z, x, y = tile(float(a["lon"]), float(a["lat"]), random.randint(5, 14))
        p = f"/tiles/areas/{z}/{x}/{y}.mvt?layers={random.choice(layers)}"
        if random.random() < 0.10:
            p += "&where=" + q(random.choice(filters))
    elif r < 0.82:
        p = f"/api/areas/{a['code']}"
    elif r < 0.92:
        p = f"/api/areas?limit=20&sort=-imd_score&where=" + q(random.choice(filters))
    elif r < 0.95:
        p = "/api/layers"
    elif r < 0.98:
        p = "/healthz"
    else:
        p = "/tiles/areas.json"
    paths.append(p)
open(f"{work}/paths", "w").write("\n".join(paths) + "\n")
print(f"{len(paths)} request paths from {len(rows)} areas; tile layers {layers}")
EOF

cat >"$WORK/mix.lua" <<'EOF'
local paths, i = {}, 0
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = (id or 0) * 7919 % #paths
  bad = 0
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Accept-Encoding"] = "gzip, br" })
end
function response(status, headers, body)
  if status >= 400 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + (t:get("bad") or 0) end
  io.write(string.format("status>=400: %d\n", b))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%s latency: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("max latency: %.2f ms\n", latency.max / 1000))
  local e = summary.errors
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d; status errors %d\n",
    e.connect, e.read, e.write, e.timeout, e.status))
end
EOF

echo "== RSS before: $(rss) MiB (peak so far $(hwm) MiB)"
uptime
wrk -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --timeout 10s --latency -s "$WORK/mix.lua" "$B" -- "$WORK/paths" | tee "$WORK/wrk.out"
echo "== RSS after: $(rss) MiB (peak $(hwm) MiB)"
uptime
kill -0 "$SERVER_PID" && echo "== server still running" || { echo "server died" >&2; exit 1; }
