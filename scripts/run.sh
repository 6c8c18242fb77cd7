#!/usr/bin/env bash
# Run needsmap on the default data (Gloucestershire): build, fetch and verify the data, install
# the map page's packages, serve on http://127.0.0.1:8080/ (pass --addr HOST:PORT to change).
# Data comes from NEEDSMAP_MIRROR, ../shared/opendata, or the publishers (see geodata/sources.toml).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/browser-deps.sh --web-only
cargo build --release --locked
./target/release/needsmap data fetch
exec ./target/release/needsmap serve "$@"
