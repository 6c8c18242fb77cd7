#!/usr/bin/env bash
# Routing at scale (benches/travel_scale.rs): the county grid of ../shared/tools/county_grid.py
# and a synthetic England-sized network. Nothing generated is kept in the repository: pyosmium
# goes into a venv outside it (VENV, default ~/.cache/needsmap/venv-osmium) and the grid PBF and
# point files into a temporary directory (KEEP=1 keeps it).
#
#   scripts/bench-travel-scale.sh            # county only (~1 min after the build)
#   ENGLAND=1 scripts/bench-travel-scale.sh  # also England (several minutes, ~5 GB of memory)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/needsmap/venv-osmium}
GRID_PY=${GRID_PY:-../shared/tools/county_grid.py}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/needsmap-travel-scale.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$TMP"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet osmium
fi
"$VENV/bin/python" "$GRID_PY" "$TMP/grid.osm.pbf"
ls -l "$TMP/grid.osm.pbf"

export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-1}
cargo build --release -j2 --bin needsmap
cargo bench -j2 --bench travel_scale --no-run
bench() { cargo bench -j2 --bench travel_scale -- "$@"; }

bench points "$TMP/county" gloucestershire
echo "== one mode end to end: needsmap travel --mode walk (wall time, peak RSS)"
/usr/bin/time -f "%e s wall, %M KB peak RSS" target/release/needsmap --network "$TMP/grid.osm.pbf" \
    travel --mode walk --origins "$TMP/county/origins.csv" --destinations "$TMP/county/practices.csv" \
    > "$TMP/walk.csv"
echo "$(($(wc -l < "$TMP/walk.csv") - 1)) rows; statuses: $(cut -d, -f7 "$TMP/walk.csv" | tail -n +2 | sort | uniq -c | tr '\n' ' ')"
echo "== all three modes, scenario"
bench county "$TMP/grid.osm.pbf" "$TMP/county"

if [ "${ENGLAND:-0}" = 1 ]; then
    bench points "$TMP/england" england
    echo "== England-sized synthetic network"
    /usr/bin/time -f "%e s wall, %M KB peak RSS (whole process)" \
        "$(ls -t target/release/deps/travel_scale-* | grep -v '\.d$' | head -1)" england "$TMP/england"
fi
