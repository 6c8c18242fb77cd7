#!/usr/bin/env bash
# Installs what the browser test (web/tests/browser.test.mjs) needs, and nothing else:
# Debian's chromium (the test drives /usr/bin/chromium through playwright-core; no browser
# download) and the web/ npm dependencies from the lockfile. Idempotent: does nothing when
# both are already present and node_modules is newer than package-lock.json.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$repo/web"

# --web-only: just the page's npm packages (what `scripts/run.sh` needs), no browser.
want_browser=1
if [ "${1:-}" = "--web-only" ]; then want_browser=0; fi

if [ "$want_browser" = 1 ] && ! command -v chromium >/dev/null 2>&1; then
    echo "browser-deps: installing Debian chromium" >&2
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -q
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi
if [ "$want_browser" = 1 ]; then
    # (Debian's chromium wrapper may print a harmless shell warning on stderr: hide it)
    version="$(chromium --version 2>/dev/null)" || { echo "browser-deps: chromium is not runnable" >&2; exit 1; }
    echo "browser-deps: $version" >&2
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "browser-deps: npm (Node.js 20+) is required" >&2
    exit 1
fi

# npm ci when node_modules is missing or older than the lockfile. npm writes
# node_modules/.package-lock.json on every install, so its mtime is the install time.
stamp="$web/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$web/package-lock.json" -nt "$stamp" ]; then
    echo "browser-deps: npm ci in web/" >&2
    (cd "$web" && npm ci --no-audit --no-fund)
    touch "$stamp"
fi
test -f "$web/node_modules/maplibre-gl/dist/maplibre-gl.js" || {
    echo "browser-deps: maplibre-gl missing after npm ci" >&2; exit 1; }
echo "browser-deps: ok" >&2
