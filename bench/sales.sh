#!/bin/sh
# The sales benchmarks (bench/run.sh runs this at its end; it also runs
# alone). Makes or reuses a database of BENCH_DEALS deals in one pipeline
# (bench/sales_data), serves a fresh copy of it with `crm serve`, and loads it
# with wrk at one connection, where a latency is the server's time plus the
# loopback: the board of the pipeline (20 cards per stage), the same with a
# filter, and moves of deals between two open stages. Prints one line per
# figure and writes the "## Sales" section of docs/perf.md (replacing the
# section, keeping the rest of the file), with the line of
# build/bench/quote_bench when that program exists.
#
#   BENCH_DEALS=10000 bench/sales.sh      a quicker run on fewer deals
#
# Settings (environment): BUILD_DIR (build), BENCH_DEALS (100000), BENCH_SEED
# (1), BENCH_SALES_DURATION (15s), BENCH_SALES_WARMUP (3s),
# BENCH_SALES_FILTER (amount >= 1000), BENCH_SALES_MOVE_IDS (5000: deals the
# moves cycle over), BENCH_SALES_PORT (18180), BENCH_LOG_LEVEL (info),
# BENCH_REPORT (docs/perf.md), BENCH_REGENERATE (1: make the database again
# even when one is cached).
#
# The cached database is reused while its stamp matches: the counts, the
# seed and a checksum of what decides the rows written. Every run serves a
# copy of it, so that the moves of one run do not change the next one's data.
set -eu
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
DEALS=${BENCH_DEALS:-100000}
SEED=${BENCH_SEED:-1}
DURATION=${BENCH_SALES_DURATION:-15s}
WARMUP=${BENCH_SALES_WARMUP:-3s}
FILTER=${BENCH_SALES_FILTER:-amount >= 1000}
MOVE_IDS=${BENCH_SALES_MOVE_IDS:-5000}
PORT=${BENCH_SALES_PORT:-18180}
LOG_LEVEL=${BENCH_LOG_LEVEL:-info}
REPORT=${BENCH_REPORT:-docs/perf.md}
OUT=bench/out
DB=$OUT/deals-$DEALS.db
STAMP=$DB.ok
INFO=$DB.info
IDS=$DB.move-ids
RUN_DB=$OUT/deals-$DEALS.run.db

# Targets (2 cores): board p95 <= 50 ms, move p95 <= 5 ms (server time).
TARGET_BOARD_P95_MS=50
TARGET_MOVE_P95_MS=5

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "sales: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
for program in "$BUILD_DIR/crm" "$BUILD_DIR/bench/sales_data"; do
    [ -x "$program" ] || { echo "sales: $program is missing; build first (make bench)" >&2; exit 1; }
done
mkdir -p "$OUT"

crm_pid=""
stop_server() {
    # Only the process this script started, by its id.
    if [ -n "$crm_pid" ]; then
        kill "$crm_pid" 2>/dev/null || true
        wait "$crm_pid" 2>/dev/null || true
    fi
    crm_pid=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# ---- the data ----

fingerprint=$(cat src/store/migrations/sqlite/*.sql src/domain/entities.c src/domain/pipeline.c \
    src/store/records.c src/store/pipelines.c src/store/deals.c src/store/currencies.c \
    bench/sales_data.c | cksum | cut -d' ' -f1)
wanted="deals=$DEALS seed=$SEED move_ids=$MOVE_IDS code=$fingerprint"
generated="reused"
if [ "${BENCH_REGENERATE:-0}" = 1 ] || [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$wanted" ] ||
    [ ! -f "$DB" ] || [ ! -f "$INFO" ] || [ ! -f "$IDS" ]; then
    rm -f "$DB" "$DB-wal" "$DB-shm" "$STAMP" "$INFO" "$IDS"
    echo "sales: generating $wanted into $DB"
    started=$(date +%s)
    "$BUILD_DIR/bench/sales_data" --db "$DB" --deals "$DEALS" --seed "$SEED" --info "$INFO" \
        --move-ids "$IDS" --move-count "$MOVE_IDS" >"$OUT/sales_data.log" 2>&1 ||
        { cat "$OUT/sales_data.log" >&2; exit 1; }
    grep -v 'event=migration_applied' "$OUT/sales_data.log" || true
    generated="generated in $(($(date +%s) - started)) s"
    echo "$wanted" >"$STAMP"
fi
info() { sed -n "s/^$1=//p" "$INFO"; }
PIPELINE_ID=$(info pipeline_id)
MOVE_FROM=$(info move_from)
MOVE_TO=$(info move_to)
if [ -z "$PIPELINE_ID" ] || [ -z "$MOVE_FROM" ] || [ -z "$MOVE_TO" ] || [ ! -s "$IDS" ]; then
    echo "sales: $INFO or $IDS is incomplete; run with BENCH_REGENERATE=1" >&2
    exit 1
fi
db_mb=$(($(stat -c %s "$DB") / 1048576))
move_deals=$(grep -c . "$IDS")

# A fresh copy for this run: the moves change it.
rm -f "$RUN_DB" "$RUN_DB-wal" "$RUN_DB-shm"
cp "$DB" "$RUN_DB"
[ ! -f "$DB-wal" ] || cp "$DB-wal" "$RUN_DB-wal"

BENCH_EMAIL=bench@example.com
PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
if ! printf '%s\n' "$PASSWORD" | "$BUILD_DIR/crm" user add --db "$RUN_DB" --email "$BENCH_EMAIL" \
    --name Bench --role admin >"$OUT/sales-user.log" 2>&1; then
    echo "sales: could not add the user $BENCH_EMAIL:" >&2
    cat "$OUT/sales-user.log" >&2
    exit 1
fi
cat "$RUN_DB" >/dev/null

# ---- helpers ----

wait_ready() { # url pid
    i=0
    while ! curl -sf -o /dev/null "$1"; do
        kill -0 "$2" 2>/dev/null || { echo "sales: server for $1 exited" >&2; exit 1; }
        i=$((i + 1))
        [ "$i" -lt 300 ] || { echo "sales: $1 did not answer" >&2; exit 1; }
        sleep 0.1
    done
}

# run_wrk NAME DURATION SCRIPT [SCRIPT ARGS...]: one thread, one connection; prints the BENCH line.
run_wrk() {
    name=$1 duration=$2 script=$3
    shift 3
    wrk -t1 -c1 -d"$duration" --timeout 10s --latency -s "$script" "$BASE_URL" -- "$@" \
        >"$OUT/wrk-sales-$name.txt" 2>&1 || true
    line=$(grep '^BENCH ' "$OUT/wrk-sales-$name.txt" || true)
    [ -n "$line" ] || { echo "sales: wrk $name failed, see $OUT/wrk-sales-$name.txt" >&2; exit 1; }
    echo "$line"
}

field() { # LINE KEY
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

json_text() { # FILE KEY: the string value of KEY in a flat JSON answer
    sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" "$1"
}

# sign_in: signs in as the bench user, makes a read and write API token with
# the session, signs out (the token stays valid) and prints the token.
sign_in() {
    jar=$OUT/sales-cookies.txt
    answer=$(printf '{"email":"%s","password":"%s"}' "$BENCH_EMAIL" "$PASSWORD" |
        curl -s -c "$jar" -o "$OUT/sales-auth.json" -w '%{http_code}' \
            -H 'Content-Type: application/json' --data-binary @- "$BASE_URL/api/v1/auth/login")
    if [ "$answer" != 200 ]; then
        echo "sales: sign-in failed: $answer" >&2
        cat "$OUT/sales-auth.json" >&2
        exit 1
    fi
    csrf=$(json_text "$OUT/sales-auth.json" csrf_token)
    answer=$(curl -s -b "$jar" -o "$OUT/sales-auth.json" -w '%{http_code}' -H "X-CSRF-Token: $csrf" \
        -H 'Content-Type: application/json' --data '{"name":"bench-sales","scopes":["read","write"]}' \
        "$BASE_URL/api/v1/tokens")
    if [ "$answer" != 201 ]; then
        echo "sales: making an API token failed: $answer" >&2
        cat "$OUT/sales-auth.json" >&2
        exit 1
    fi
    json_text "$OUT/sales-auth.json" token
    curl -s -b "$jar" -o /dev/null -X POST -H "X-CSRF-Token: $csrf" "$BASE_URL/api/v1/auth/logout"
    rm -f "$jar" "$OUT/sales-auth.json"
}

# ---- the server ----

BASE_URL=http://127.0.0.1:$PORT
echo "sales: starting crm on port $PORT"
"$BUILD_DIR/crm" serve --db "$RUN_DB" --listen "127.0.0.1:$PORT" --log-level "$LOG_LEVEL" \
    >"$OUT/sales-crm.log" 2>&1 &
crm_pid=$!
wait_ready "$BASE_URL/healthz" "$crm_pid"
BENCH_TOKEN=$(sign_in)
[ -n "$BENCH_TOKEN" ] || { echo "sales: no API token in the answer" >&2; exit 1; }
export BENCH_TOKEN

# One board answer each, kept for a look and checked to be a board.
for which in plain filtered; do
    set -- -s -G -o "$OUT/sales-board-$which.json" -w '%{http_code}' \
        -H "Authorization: Bearer $BENCH_TOKEN" "$BASE_URL/api/v1/pipelines/$PIPELINE_ID/board" \
        --data-urlencode "limit=20"
    [ "$which" = plain ] || set -- "$@" --data-urlencode "filter=$FILTER"
    answer=$(curl "$@")
    if [ "$answer" != 200 ] || ! grep -q '"total_base"' "$OUT/sales-board-$which.json"; then
        echo "sales: the $which board answered $answer:" >&2
        head -c 500 "$OUT/sales-board-$which.json" >&2
        exit 1
    fi
done
board_kb=$(($(stat -c %s "$OUT/sales-board-plain.json") / 1024))

# ---- runs ----

echo "sales: warming up"
run_wrk warm "$WARMUP" bench/board.lua "$PIPELINE_ID" >/dev/null
echo "sales: board"
board=$(run_wrk board "$DURATION" bench/board.lua "$PIPELINE_ID")
echo "sales: board with filter \"$FILTER\""
board_filtered=$(run_wrk board-filter "$DURATION" bench/board.lua "$PIPELINE_ID" "$FILTER")
echo "sales: moves between stages $MOVE_FROM and $MOVE_TO"
move=$(run_wrk move "$DURATION" bench/move.lua "$IDS" "$MOVE_FROM" "$MOVE_TO")
stop_server

quote=""
if [ -x "$BUILD_DIR/bench/quote_bench" ]; then
    echo "sales: $BUILD_DIR/bench/quote_bench"
    quote=$("$BUILD_DIR/bench/quote_bench" 2>"$OUT/quote_bench.log" || echo "quote_bench failed (exit $?)")
fi

# ---- the report ----

figure() { # NAME LINE
    printf 'sales: %s p50_ms=%s p95_ms=%s p99_ms=%s max_ms=%s rps=%s errors=%s\n' "$1" \
        "$(field "$2" p50_ms)" "$(field "$2" p95_ms)" "$(field "$2" p99_ms)" "$(field "$2" max_ms)" \
        "$(field "$2" rps)" "$(($(field "$2" errors) + $(field "$2" non2xx)))"
}
figure board "$board"
figure board_filtered "$board_filtered"
figure move "$move"
[ -z "$quote" ] || printf '%s\n' "$quote" | sed 's/^/sales: /'

# row LABEL LINE TARGET_MS: a table row; passes when p95 <= TARGET_MS and nothing failed.
row() {
    errors=$(($(field "$2" errors) + $(field "$2" non2xx)))
    result="**FAIL**"
    if [ "$errors" = 0 ] && le "$(field "$2" p95_ms)" "$3"; then result=pass; fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | p95 ≤ %s ms | %s |\n' "$1" "$(field "$2" rps)" \
        "$(field "$2" p50_ms)" "$(field "$2" p95_ms)" "$(field "$2" p99_ms)" "$(field "$2" max_ms)" \
        "$(field "$2" requests)" "$errors" "$3" "$result"
}

section=$OUT/sales-section.md
{
    echo "## Sales"
    echo
    echo "Written by bench/sales.sh ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average"
    echo "$(cut -d' ' -f1-3 /proc/loadavg) at the end)."
    echo
    echo "- $DEALS deals in one pipeline of 6 stages (4 open, won, lost) from"
    echo "  \`bench/sales_data --seed $SEED\`, in EUR, USD and GBP with monthly rates (base EUR),"
    echo "  written through record_validate and store_record_insert with their stage history;"
    echo "  SQLite file of $db_mb MB, $generated; each run serves a fresh copy."
    echo "- wrk -t1 -c1 -d$DURATION against \`crm serve\` (defaults, log level $LOG_LEVEL), a read"
    echo "  and write API token of an admin: with one connection a latency is the server's time"
    echo "  plus the loopback."
    echo "- Board: GET /api/v1/pipelines/$PIPELINE_ID/board?limit=20 (counts, sums per currency and in"
    echo "  the base currency, 20 cards for each of the 6 stages; $board_kb KB), then the same with"
    echo "  filter=\`$FILTER\`. Move: POST /api/v1/deals/{id}/move without If-Match, $move_deals deals"
    echo "  taken in turn from stage $MOVE_FROM to $MOVE_TO and back (bench/move.lua)."
    echo "- An unfiltered board reads the per-stage counts and sums the database keeps"
    echo "  (deal_stage_totals, kept by triggers); a filtered one counts the matching deals through"
    echo "  the covering index deals_board, which grows with the pipeline. A move's time is"
    echo "  mostly its commit (synchronous=FULL: the disk's flush)."
    echo
    echo "| scenario | req/s | p50 ms | p95 ms | p99 ms | max ms | requests | errors | target | result |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
    row "board, $DEALS deals" "$board" "$TARGET_BOARD_P95_MS"
    row "board, filter \`$FILTER\`" "$board_filtered" "$TARGET_BOARD_P95_MS"
    row "move a deal" "$move" "$TARGET_MOVE_P95_MS"
    if [ -n "$quote" ]; then
        echo
        echo "Quote totals (\`bench/quote_bench\`, printed as is):"
        echo
        printf '%s\n' "$quote" | sed 's/^/    /'
    fi
} >"$section"

# The report without its old Sales section, then the new one at the end.
if [ -f "$REPORT" ]; then
    awk '/^## / { skip = ($0 == "## Sales") } !skip' "$REPORT" >"$OUT/sales-report.tmp"
else
    printf '# Performance\n' >"$OUT/sales-report.tmp"
fi
# One blank line between the rest and the section.
awk 'NF { for (; blank > 0; blank--) print ""; print; next } { blank++ } END { print "" }' \
    "$OUT/sales-report.tmp" >"$OUT/sales-report.new"
cat "$section" >>"$OUT/sales-report.new"
mv "$OUT/sales-report.new" "$REPORT"
rm -f "$OUT/sales-report.tmp"
echo "sales: wrote the Sales section of $REPORT"
