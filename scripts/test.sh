#!/usr/bin/env bash
# Every test: unit, property, doc and integration tests on the real data (cargo), then the
# browser test in headless Chromium against a real `needsmap serve`. Installs what it needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/browser-deps.sh
# Release profile: the real-data tests parse ~100 MB of official files, and the browser test
# needs the release binary anyway, so everything compiles once.
cargo test --release --locked
(cd web && NEEDSMAP_BIN=../target/release/needsmap node --test)
