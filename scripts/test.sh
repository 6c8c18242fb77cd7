#!/usr/bin/env bash
# Every check CI runs: formatting and lint first (they fail in seconds, before a long build),
# then unit, property, doc and integration tests on the real data (cargo), then the browser
# test in headless Chromium against a real `needsmap serve`. Installs what it needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/browser-deps.sh
cargo fmt --all --check
# Release profile, like the tests below: clippy checks what the test build then compiles, and
# the dependencies' release artefacts are shared between the two.
cargo clippy --release --all-targets --locked -- -D warnings
# Release profile: the real-data tests parse ~100 MB of official files, and the browser test
# needs the release binary anyway, so everything compiles once.
cargo test --release --locked
(cd web && NEEDSMAP_BIN=../target/release/needsmap node --test)
