#!/bin/sh
# Starts a throwaway PostgreSQL 15 cluster on 127.0.0.1 for the tests, or stops one.
#
#   scripts/pg-temp.sh            start; prints CRM_TEST_PG_URL=... and CRM_TEST_PG_DIR=...
#   scripts/pg-temp.sh stop DIR   stop the cluster in DIR and remove DIR
#
# Typical use:  set -a; eval "$(scripts/pg-temp.sh)"; set +a
#               node --test tests/api/; scripts/pg-temp.sh stop "$CRM_TEST_PG_DIR"
#
# The cluster trusts every local and loopback connection and runs with fsync off: it is for
# tests only. Run as root, the server runs as the postgres user (runuser); as another user it
# runs as that user. The extension unaccent is created in template1 so that every database
# created from it has it. PGBIN overrides the binaries' directory.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
MARKER=crm-pg-temp

die() {
    echo "pg-temp: $*" >&2
    exit 1
}

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    elif command -v node >/dev/null 2>&1; then
        node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
    else
        die "need python3 or node to pick a free port"
    fi
}

stop_cluster() {
    dir=${1:-}
    [ -n "$dir" ] || die "usage: $0 stop DIR"
    [ -d "$dir" ] || die "no such directory: $dir"
    # Refuse to remove anything this script did not make.
    [ -f "$dir/$MARKER" ] || die "$dir was not made by pg-temp.sh (no $MARKER file); not touching it"
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null ||
            echo "pg-temp: pg_ctl stop failed; removing the directory anyway" >&2
    fi
    rm -rf -- "$dir"
}

start_cluster() {
    [ -x "$PGBIN/initdb" ] || die "PostgreSQL binaries not found in $PGBIN (set PGBIN)"
    dir=$(mktemp -d "${TMPDIR:-/tmp}/crm-pg.XXXXXX")
    touch "$dir/$MARKER"
    mkdir "$dir/data" "$dir/sock"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs a postgres user"
        chown -R postgres: "$dir"
    fi
    chmod 700 "$dir/data"

    locale=C.UTF-8
    locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || locale=C

    if ! as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
        --locale="$locale" --no-instructions >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        rm -rf -- "$dir"
        die "initdb failed"
    fi

    echo "include 'pg-temp.conf'" >>"$dir/data/postgresql.conf"

    # A free port can be taken between picking and binding: try a few.
    tries=0
    while :; do
        port=$(free_port)
        cat >"$dir/data/pg-temp.conf" <<EOF
# pg-temp.sh: a throwaway cluster for tests
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
        if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
            >/dev/null 2>&1; then
            break
        fi
        tries=$((tries + 1))
        if [ "$tries" -ge 3 ]; then
            cat "$dir/server.log" >&2 2>/dev/null || true
            rm -rf -- "$dir"
            die "the server did not start"
        fi
    done

    ready=0
    i=0
    while [ "$i" -lt 100 ]; do
        if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
            ready=1
            break
        fi
        i=$((i + 1))
        sleep 0.1
    done
    if [ "$ready" -ne 1 ]; then
        cat "$dir/server.log" >&2 2>/dev/null || true
        stop_cluster "$dir"
        die "the server did not become ready"
    fi

    for db in template1 postgres; do
        "$PGBIN/psql" -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" \
            -c 'CREATE EXTENSION IF NOT EXISTS unaccent' >/dev/null ||
            echo "pg-temp: could not create extension unaccent in $db" >&2
    done

    echo "CRM_TEST_PG_URL=postgresql://postgres@127.0.0.1:$port/postgres"
    echo "CRM_TEST_PG_DIR=$dir"
}

case "${1:-start}" in
start) start_cluster ;;
stop) stop_cluster "${2:-}" ;;
-h | --help | help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' ;;
*) die "unknown command '$1' (use: start, stop DIR)" ;;
esac
