#!/bin/sh
# Installs what the build and the tests need, when it is missing: Debian
# packages through apt-get (as root; otherwise it prints the command to run)
# and the web UI's npm packages (npm ci in web/).
#
#   scripts/deps.sh          build and run dependencies
#   scripts/deps.sh test     also what the test suite needs (PostgreSQL, Chromium)
#   scripts/deps.sh bench    also what the benchmarks need (wrk)
set -eu
cd "$(dirname "$0")/.."

packages="build-essential meson ninja-build pkg-config python3 libmicrohttpd-dev libjansson-dev
libsqlite3-dev libpq-dev libsodium-dev libssl-dev libical-dev libcsv-dev libxlsxwriter-dev libzip-dev
libexpat1-dev nodejs npm"
case "${1:-}" in
test) packages="$packages postgresql postgresql-contrib chromium clang libclang-rt-14-dev" ;;
bench) packages="$packages postgresql wrk sqlite3" ;;
esac

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        # postgresql-contrib is a virtual package on Debian 12; unaccent ships with postgresql-15.
        if [ "$p" = postgresql-contrib ] && [ -f /usr/share/postgresql/15/extension/unaccent.control ]; then
            continue
        fi
        # node and npm may come from outside Debian's packages; accept them when on PATH.
        if { [ "$p" = nodejs ] && command -v node >/dev/null; } || { [ "$p" = npm ] && command -v npm >/dev/null; }; then
            continue
        fi
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages:$missing" >&2
        echo "run: sudo apt-get install -y$missing" >&2
        exit 1
    fi
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The web UI's packages, when package-lock.json changed since the last install.
if [ -f web/package-lock.json ]; then
    stamp=web/node_modules/.package-lock.json
    if [ ! -f "$stamp" ] || [ web/package-lock.json -nt "$stamp" ]; then
        (cd web && npm ci --no-audit --no-fund --loglevel=error)
    fi
fi
