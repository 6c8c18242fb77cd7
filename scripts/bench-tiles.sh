#!/usr/bin/env bash
# Tiles per second of `needsmap serve` against Martin on the same LSOA polygons and properties,
# measured in one session on loopback. See benches/README.md for the method and results.
#
#   scripts/bench-tiles.sh                  # from the repository root
#
# Environment (all optional):
#   MARTIN=/work/scratch/martin/bin/martin  Martin binary (cargo install martin@1.14.0 ... --root DIR)
#   DURATION=20 CONNS=16 THREADS=2          wrk run length (s), connections, load-generator threads
#   NPORT=18181 MPORT=18182                 loopback ports for needsmap and Martin
#   COLD_PASSES=3                           fresh servers per cold measurement (median reported)
#   NEEDSMAP_BIN=path                       measure this binary instead of building target/release
#   KEEP=1                                  keep the temporary folder (GeoJSON, tile lists, logs)
#   LAYER=imd_decile                        the one layer each tile carries (?layers=, as the page asks)
#
# Needs: curl, python3, wrk (Debian: apt-get install -y wrk). Everything it writes goes to a
# temporary folder outside the repository; every server it starts is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${NEEDSMAP_BIN:-$ROOT/target/release/needsmap}
MARTIN=${MARTIN:-$ROOT/../scratch/martin/bin/martin}
DURATION=${DURATION:-20}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
NPORT=${NPORT:-18181}
MPORT=${MPORT:-18182}
COLD_PASSES=${COLD_PASSES:-3}
LAYER=${LAYER:-imd_decile}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/needsmap-bench-tiles.XXXXXX")
case "$WORK" in "$ROOT"/*) echo "refusing to work inside the repository: $WORK" >&2; exit 2 ;; esac

SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}
cleanup() {
    stop_server
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in curl python3 wrk; do
    command -v "$tool" >/dev/null || { echo "missing $tool (wrk: apt-get install -y wrk)" >&2; exit 2; }
done
# Measure the current source: rebuild the release binary (a no-op when it is up to date).
if [ -z "${NEEDSMAP_BIN:-}" ]; then
    if ! (cd "$ROOT" && cargo build --release --locked -j2 --bin needsmap); then
        [ -x "$BIN" ] || exit 1
        echo "WARNING: cargo build failed; measuring the existing $BIN ($(date -r "$BIN"))" >&2
    fi
fi

# Wait (at most 180 s) until a URL answers 2xx, or the server has died.
wait_for() {
    local url=$1
    for _ in $(seq 360); do
        curl -sf -o /dev/null "$url" && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; log:" >&2; tail -20 "$WORK"/*.log >&2; return 1; }
        sleep 0.5
    done
    echo "timed out waiting for $url" >&2
    return 1
}

start_needsmap() {
    (cd "$ROOT" && exec "$BIN" serve --addr "127.0.0.1:$NPORT" --no-warm) >"$WORK/needsmap.log" 2>&1 &
    SERVER_PID=$!
    wait_for "http://127.0.0.1:$NPORT/healthz"
}

# $1: config file.
start_martin() {
    "$MARTIN" --config "$1" >"$WORK/martin.log" 2>&1 &
    SERVER_PID=$!
    wait_for "http://127.0.0.1:$MPORT/health"
}

# CPU time (user + system, in clock ticks) the running server has used so far, all threads.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICK=$(getconf CLK_TCK)

# One pass over every tile, each requested once, CONNS at a time, with curl's parallel mode.
# $1 label, $2 url list. Prints a result line (wall-clock rate and the server's CPU time) and
# appends it to results; per-tile status and size go to $WORK/$1.codes, sorted by URL.
one_pass() {
    local label=$1 list=$2 cfg="$WORK/$1.curl" out="$WORK/$1.codes"
    sed 's/^/url = "/; s/$/"\noutput = "\/dev\/null"/' "$list" >"$cfg"
    local t0 t1 c0 c1
    c0=$(cpu_ticks)
    t0=$(date +%s.%N)
    curl -s --no-progress-meter --parallel --parallel-max "$CONNS" --max-time 60 -K "$cfg" \
        -w '%{url_effective} %{http_code} %{size_download}\n' | sort >"$out"
    t1=$(date +%s.%N)
    c1=$(cpu_ticks)
    python3 - "$label" "$t0" "$t1" "$out" "$c0" "$c1" "$TICK" <<'EOF' | tee -a "$WORK/results"
import sys, collections
label, t0, t1, path = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
cpu = (int(sys.argv[6]) - int(sys.argv[5])) / int(sys.argv[7])
rows = [l.split() for l in open(path) if l.strip()]
codes = collections.Counter(r[1] for r in rows)
size = sum(int(r[2]) for r in rows)
secs = t1 - t0
print(f"{label}: {len(rows)} tiles in {secs:.3f} s = {len(rows)/secs:.0f} tiles/s; "
      f"server CPU {cpu:.2f} s = {cpu * 1e3 / len(rows):.2f} ms/tile; "
      f"status {dict(sorted(codes.items()))}; {size/1024:.0f} KiB")
EOF
}

# A fixed-duration wrk run cycling through the tile list. $1 label, $2 base URL, $3 path list,
# then any extra wrk arguments (e.g. -H 'Accept-Encoding: gzip').
sustained() {
    local label=$1 base=$2 list=$3 c0 c1
    shift 3
    c0=$(cpu_ticks)
    wrk -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --timeout 10s --latency "$@" \
        -s "$WORK/cycle.lua" "$base" -- "$list" >"$WORK/$label.wrk" 2>&1
    c1=$(cpu_ticks)
    sed 's/^/    /' "$WORK/$label.wrk"
    local rps n cpu
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/$label.wrk")
    n=$(awk '/requests in/ {print $1}' "$WORK/$label.wrk")
    cpu=$(python3 -c "print(f'{($c1 - $c0) / $TICK:.2f} s = {($c1 - $c0) / $TICK * 1e3 / max($n, 1):.3f} ms/tile')")
    echo "$label: $rps tiles/s sustained (wrk ${DURATION}s, $CONNS connections, $THREADS threads); server CPU $cpu" | tee -a "$WORK/results"
}

# Each wrk thread walks the whole list from its own starting offset, wrapping around.
cat >"$WORK/cycle.lua" <<'EOF'
local paths, i = {}, 0
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = (id or 0) * math.floor(#paths / 2)
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
EOF

echo "== machine"
uptime
nproc

echo "== needsmap: $BIN (built $(date -r "$BIN" '+%F %T'))"
start_needsmap
N="http://127.0.0.1:$NPORT"
curl -sf "$N/tiles/areas.json" >"$WORK/tilejson.json"
curl -sf "$N/api/areas?format=geojson" >"$WORK/areas-full.geojson"

# Tile list from the TileJSON bounds (standard slippy-map formula), and a GeoJSON for Martin with
# exactly the properties the needsmap tiles carry: `code` and the one layer asked for with
# ?layers= (`selected` only appears with ?where=, which this benchmark does not use).
python3 - "$WORK" "$LAYER" <<'EOF'
import json, math, sys
work, layer = sys.argv[1], sys.argv[2]
tj = json.load(open(f"{work}/tilejson.json"))
w, s, e, n = tj["bounds"]
def tx(lon, z): return int(math.floor((lon + 180.0) / 360.0 * 2**z))
def ty(lat, z):
    r = math.radians(lat)
    return int(math.floor((1.0 - math.log(math.tan(r) + 1.0 / math.cos(r)) / math.pi) / 2.0 * 2**z))
tiles = []
for z in range(6, 14):
    for x in range(tx(w, z), tx(e, z) + 1):
        for y in range(ty(n, z), ty(s, z) + 1):
            tiles.append((z, x, y))
with open(f"{work}/needsmap.paths", "w") as f:
    f.writelines(f"/tiles/areas/{z}/{x}/{y}.mvt?layers={layer}\n" for z, x, y in tiles)
with open(f"{work}/martin.paths", "w") as f:
    f.writelines(f"/areas/{z}/{x}/{y}\n" for z, x, y in tiles)
print(f"bounds {w:.5f},{s:.5f},{e:.5f},{n:.5f}: {len(tiles)} tiles at z6..13")
# needsmap tiles carry the feature id, `code` and the requested layer; give Martin the same.
assert layer in tj["vector_layers"][0]["fields"], f"{layer} is not a tile field"
fields = {"code", layer}
fc = json.load(open(f"{work}/areas-full.geojson"))
dropped = set()
for f in fc["features"]:
    props = f["properties"]
    dropped |= set(props) - fields
    f["properties"] = {k: v for k, v in props.items() if k in fields}
fc = {"type": "FeatureCollection", "features": fc["features"]}
json.dump(fc, open(f"{work}/areas.geojson", "w"))
print(f"GeoJSON for Martin: {len(fc['features'])} features, {len(fields)} properties "
      f"(dropped {sorted(dropped)}, which the needsmap tiles do not carry)")
EOF
sed "s#^#$N#" "$WORK/needsmap.paths" >"$WORK/needsmap.urls"
sed "s#^#http://127.0.0.1:$MPORT#" "$WORK/martin.paths" >"$WORK/martin.urls"
TILES=$(wc -l <"$WORK/needsmap.paths")

echo "== needsmap cold: fresh server, one pass, each tile once ($COLD_PASSES servers)"
one_pass needsmap_cold_1 "$WORK/needsmap.urls"
echo "== needsmap warm: second pass, then ${DURATION}s of wrk"
one_pass needsmap_warm_pass "$WORK/needsmap.urls"
sustained needsmap_warm_wrk "$N" "$WORK/needsmap.paths"
# What a browser asks for: the same, gzip accepted (both servers compress on the fly).
sustained needsmap_warm_wrk_gzip "$N" "$WORK/needsmap.paths" -H 'Accept-Encoding: gzip'
for t in 10/505/339 12/2023/1355 13/4040/2711; do
    curl -s -o "$WORK/n_$(echo $t | tr / _).mvt" "$N/tiles/areas/$t.mvt?layers=$LAYER"
    curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w "%{size_download}\n" "$N/tiles/areas/$t.mvt?layers=$LAYER" >"$WORK/n_$(echo $t | tr / _).gz"
done
stop_server
for k in $(seq 2 "$COLD_PASSES"); do
    start_needsmap
    one_pass "needsmap_cold_$k" "$WORK/needsmap.urls"
    stop_server
done

if [ -x "$MARTIN" ]; then
    echo "== martin: $("$MARTIN" --version 2>&1)"
    # Two configurations: Martin's defaults (its in-memory tile cache on) and the cache off, so
    # that cold needsmap can be compared with Martin generating every tile.
    for cache in default off; do
        cfg="$WORK/martin-$cache.yaml"
        {
            echo "listen_addresses: \"127.0.0.1:$MPORT\""
            [ "$cache" = off ] && echo "cache_size_mb: 0"
            echo "geojson:"
            echo "  paths:"
            echo "    - $WORK/areas.geojson"
        } >"$cfg"
        start_martin "$cfg"
        curl -sf "http://127.0.0.1:$MPORT/catalog" >"$WORK/martin-catalog.json"
        one_pass "martin_${cache}cache_cold_1" "$WORK/martin.urls"
        one_pass "martin_${cache}cache_second_pass" "$WORK/martin.urls"
        sustained "martin_${cache}cache_wrk" "http://127.0.0.1:$MPORT" "$WORK/martin.paths"
        sustained "martin_${cache}cache_wrk_gzip" "http://127.0.0.1:$MPORT" "$WORK/martin.paths" -H 'Accept-Encoding: gzip'
        if [ "$cache" = default ]; then
            for t in 10/505/339 12/2023/1355 13/4040/2711; do
                curl -s -o "$WORK/m_$(echo $t | tr / _).mvt" "http://127.0.0.1:$MPORT/areas/$t"
                curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w "%{size_download}\n" "http://127.0.0.1:$MPORT/areas/$t" >"$WORK/m_$(echo $t | tr / _).gz"
            done
        fi
        stop_server
        for k in $(seq 2 "$COLD_PASSES"); do
            start_martin "$cfg"
            one_pass "martin_${cache}cache_cold_$k" "$WORK/martin.urls"
            stop_server
        done
    done
else
    echo "== martin not found at $MARTIN: only needsmap was measured"
fi

echo "== tile contents (uncompressed bytes, gzip bytes, features, properties, geometry ints)"
python3 - "$WORK" <<'EOF'
import glob, os, sys
work = sys.argv[1]
def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1
        v |= (c & 0x7F) << s; s += 7
        if c < 0x80: return v, i
def fields(b):
    i = 0
    while i < len(b):
        key, i = varint(b, i)
        wt = key & 7
        if wt == 0: v, i = varint(b, i)
        elif wt == 2:
            n, i = varint(b, i); v = b[i:i + n]; i += n
        elif wt == 1: v = b[i:i + 8]; i += 8
        elif wt == 5: v = b[i:i + 4]; i += 4
        else: raise ValueError(f"wire type {wt}")
        yield key >> 3, v
def packed_len(b):
    i = n = 0
    while i < len(b):
        _, i = varint(b, i); n += 1
    return n
def summary(path):
    b = open(path, "rb").read()
    feats = keys = geom = 0
    for f, layer in fields(b):
        if f != 3: continue
        for lf, v in fields(layer):
            if lf == 2:
                feats += 1
                geom += sum(packed_len(g) for ff, g in fields(v) if ff == 4)
            elif lf == 3:
                keys += 1
    return len(b), feats, keys, geom
for n in sorted(glob.glob(f"{work}/n_*.mvt")):
    t = os.path.basename(n)[2:-4].replace("_", "/")
    m = n.replace("/n_", "/m_")
    line = f"  {t:>14}  needsmap {summary(n)} gz {open(n[:-4] + '.gz').read().strip()}"
    if os.path.exists(m) and os.path.getsize(m) > 0:
        line += f" | martin {summary(m)} gz {open(m[:-4] + '.gz').read().strip()}"
    print(line)
EOF

echo "== same tiles? per-tile status of the first cold passes"
python3 - "$WORK/needsmap_cold_1.codes" "$WORK/martin_offcache_cold_1.codes" <<'EOF'
import os, re, sys
def load(path):
    out = {}
    for line in open(path):
        url, code, size = line.split()
        z, x, y = re.search(r"/(\d+)/(\d+)/(\d+)(?:\.mvt)?(?:\?.*)?$", url).groups()
        out[(int(z), int(x), int(y))] = (code, int(size))
    return out
if not os.path.exists(sys.argv[2]):
    print("  (no Martin run)"); sys.exit()
n, m = load(sys.argv[1]), load(sys.argv[2])
diff = sorted(t for t in n if n[t][0] != m.get(t, ("missing", 0))[0])
kinds = {}
for t in diff:
    kinds.setdefault((n[t][0], m[t][0], m[t][1] if m[t][0] == "200" else n[t][1]), []).append(t)
print(f"  {len(n) - len(diff)} of {len(n)} tiles have the same status on both servers")
for (a, b, size), ts in kinds.items():
    print(f"  needsmap {a} / martin {b} ({size} bytes): {len(ts)} tiles, e.g. {'/'.join(map(str, ts[0]))}")
both = [t for t in n if n[t][0] == m[t][0] == "200"]
print(f"  bytes over the {len(both)} tiles both fill: needsmap {sum(n[t][1] for t in both)}, "
      f"martin {sum(m[t][1] for t in both)}")
EOF

echo "== summary ($TILES tiles z6..13)"
python3 - "$WORK/results" <<'EOF'
import re, statistics, sys
rate, cpu = {}, {}
for line in open(sys.argv[1]):
    label, rest = line.split(":", 1)
    rate[label] = float(re.search(r"([\d.]+) tiles/s", rest).group(1))
    cpu[label] = float(re.search(r"([\d.]+) ms/tile", rest).group(1))
def cold(prefix, d):
    v = [r for k, r in d.items() if re.fullmatch(prefix + r"_cold_\d+", k)]
    return (statistics.median(v), len(v)) if v else (None, 0)
(nc, k), _ = cold("needsmap", rate), None
ncc, _ = cold("needsmap", cpu)
nw, nwc = rate["needsmap_warm_wrk"], cpu["needsmap_warm_wrk"]
print(f"needsmap cold, one pass per fresh server (median of {k}): {nc:.0f} tiles/s, {ncc:.3f} CPU ms/tile")
print(f"needsmap warm, wrk: {nw:.0f} tiles/s, {nwc:.3f} CPU ms/tile")
for cache in ("default", "off"):
    (mc, k), (mcc, _) = cold(f"martin_{cache}cache", rate), cold(f"martin_{cache}cache", cpu)
    if mc is None: continue
    mw, mwc = rate[f"martin_{cache}cache_wrk"], cpu[f"martin_{cache}cache_wrk"]
    print(f"martin, {cache} tile cache, cold one pass (median of {k}): {mc:.0f} tiles/s, {mcc:.3f} CPU ms/tile"
          f" -> needsmap cold is {nc/mc:.1f}x the rate, {mcc/ncc:.1f}x less CPU per tile")
    print(f"martin, {cache} tile cache, wrk: {mw:.0f} tiles/s, {mwc:.3f} CPU ms/tile"
          f" -> needsmap warm is {nw/mw:.1f}x the rate, {mwc/nwc:.1f}x less CPU per tile")
    g, mg = rate.get("needsmap_warm_wrk_gzip"), rate.get(f"martin_{cache}cache_wrk_gzip")
    if g and mg:
        print(f"  with Accept-Encoding: gzip, wrk: needsmap {g:.0f} tiles/s, martin {mg:.0f} tiles/s -> {g/mg:.1f}x")
EOF
uptime
