#!/bin/sh
# The benchmarks (`make bench` builds, then runs this). Makes or reuses a
# database of BENCH_CONTACTS contacts in bench/out/, starts `crm serve` and
# bench/probe (bare libmicrohttpd + SQLite) side by side, loads them with wrk
# (single-record GET on both, list pages, search) and writes docs/perf.md
# with the machine, the date, the numbers and each target's pass/fail.
# The server wants a signed-in caller: the script makes an admin user
# (bench@example.com, a new random password each run), signs in and creates a
# read-scoped API token that every request carries as `Authorization: Bearer`
# (the wrk scripts read it from BENCH_TOKEN).
#
#   BENCH_CONTACTS=100000 bench/run.sh      a quicker run on fewer rows
#
# Settings (environment): BUILD_DIR (build), BENCH_CONTACTS (1000000),
# BENCH_COMPANIES (contacts / 20), BENCH_SEED (1), BENCH_DURATION (20s),
# BENCH_CONNECTIONS (32), BENCH_LATENCY_CONNECTIONS (2: list and search run
# again with this few connections, which shows the time a request takes
# rather than the queue in front of it), BENCH_WRK_THREADS (1), BENCH_ROUNDS
# (2: the GET pair runs this many times, alternating, and keeps each side's
# best), BENCH_WARMUP (5s), BENCH_PORT (18080; the probe uses the next port),
# BENCH_LOG_LEVEL (info, the server's default), BENCH_REPORT (docs/perf.md),
# BENCH_REGENERATE (1: make the database again even when one is cached),
# BENCH_SALES (1: then run bench/sales.sh, which adds the "## Sales" section
# of the report; 0: skip it; see that script for its own settings),
# BENCH_SCHEDULER (1: then run bench/scheduler.sh, which adds the "## Job
# scheduler" section; 0: skip it).
#
# The cached database is reused while its stamp matches: the row counts, the
# seed and a checksum of what decides the rows written (the SQLite
# migrations, the entity tables, the store's records code and gen_data.c).
set -eu
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
CONTACTS=${BENCH_CONTACTS:-1000000}
COMPANIES=${BENCH_COMPANIES:-$((CONTACTS / 20))}
SEED=${BENCH_SEED:-1}
DURATION=${BENCH_DURATION:-20s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
LATENCY_CONNECTIONS=${BENCH_LATENCY_CONNECTIONS:-2}
WARMUP=${BENCH_WARMUP:-5s}
WRK_THREADS=${BENCH_WRK_THREADS:-1}
ROUNDS=${BENCH_ROUNDS:-2}
PORT=${BENCH_PORT:-18080}
PROBE_PORT=$((PORT + 1))
LOG_LEVEL=${BENCH_LOG_LEVEL:-info}
REPORT=${BENCH_REPORT:-docs/perf.md}
SALES=${BENCH_SALES:-1}
SCHEDULER=${BENCH_SCHEDULER:-1}
OUT=bench/out
DB=$OUT/contacts-$CONTACTS.db
STAMP=$DB.ok

# Targets (2 cores): GET at >= 80 % of the probe, list p95 <= 20 ms, search
# p95 <= 25 ms, no query over 1 s, server RSS <= 128 MB.
TARGET_GET_RATIO=0.80
TARGET_LIST_P95_MS=20
TARGET_SEARCH_P95_MS=25
TARGET_MAX_MS=1000
TARGET_RSS_MB=128

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
for program in "$BUILD_DIR/crm" "$BUILD_DIR/bench/gen_data" "$BUILD_DIR/bench/probe"; do
    [ -x "$program" ] || { echo "bench: $program is missing; build first (make bench)" >&2; exit 1; }
done
mkdir -p "$OUT"

crm_pid=""
probe_pid=""
stop_servers() {
    # Only the processes this script started, by their ids.
    for pid in $crm_pid $probe_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    crm_pid=""
    probe_pid=""
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# ---- the data ----

fingerprint=$(cat src/store/migrations/sqlite/*.sql src/domain/entities.c src/store/records.c \
    bench/gen_data.c | cksum | cut -d' ' -f1)
wanted="contacts=$CONTACTS companies=$COMPANIES seed=$SEED code=$fingerprint"
generated="reused"
if [ "${BENCH_REGENERATE:-0}" = 1 ] || [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$wanted" ] ||
    [ ! -f "$DB" ]; then
    rm -f "$DB" "$DB-wal" "$DB-shm" "$STAMP"
    echo "bench: generating $wanted into $DB"
    started=$(date +%s)
    "$BUILD_DIR/bench/gen_data" --db "$DB" --contacts "$CONTACTS" --companies "$COMPANIES" \
        --seed "$SEED" 2>&1 | tee "$OUT/gen_data.log"
    generated="generated in $(($(date +%s) - started)) s"
    echo "$wanted" >"$STAMP"
fi
db_mb=$(($(stat -c %s "$DB") / 1048576))

# The bench user: added to a new database; in a reused one it is already there,
# and setting its password again also ends the sessions and tokens of earlier runs.
BENCH_EMAIL=bench@example.com
PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
if ! printf '%s\n' "$PASSWORD" | "$BUILD_DIR/crm" user add --db "$DB" --email "$BENCH_EMAIL" \
    --name Bench --role admin >"$OUT/user.log" 2>&1 &&
    ! printf '%s\n' "$PASSWORD" | "$BUILD_DIR/crm" user reset-password --db "$DB" \
        --email "$BENCH_EMAIL" >>"$OUT/user.log" 2>&1; then
    echo "bench: could not add the user $BENCH_EMAIL:" >&2
    cat "$OUT/user.log" >&2
    exit 1
fi
# Start from a warm page cache, as a server that has been up for a while would.
cat "$DB" >/dev/null

# ---- helpers ----

wait_ready() { # url pid
    i=0
    while ! curl -sf -o /dev/null "$1"; do
        kill -0 "$2" 2>/dev/null || { echo "bench: server for $1 exited" >&2; exit 1; }
        i=$((i + 1))
        [ "$i" -lt 300 ] || { echo "bench: $1 did not answer" >&2; exit 1; }
        sleep 0.1
    done
}

# run_wrk NAME CONNECTIONS DURATION SCRIPT URL [SCRIPT ARGS...]: prints the script's BENCH line.
run_wrk() {
    name=$1 connections=$2 duration=$3 script=$4 url=$5
    shift 5
    wrk -t"$WRK_THREADS" -c"$connections" -d"$duration" --timeout 10s --latency \
        -s "$script" "$url" -- "$@" >"$OUT/wrk-$name.txt" 2>&1 || true
    line=$(grep '^BENCH ' "$OUT/wrk-$name.txt" || true)
    [ -n "$line" ] || { echo "bench: wrk $name failed, see $OUT/wrk-$name.txt" >&2; exit 1; }
    echo "$line"
}

field() { # LINE KEY
    echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# le A B: true when A <= B (decimals).
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
both_le() { le "$1" "$2" && le "$3" "$4"; }
verdict() { if "$@"; then echo pass; else echo "**FAIL**"; fi; }

vm_kb() { # PID FIELD
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# CPU time a process has used, user and system, in clock ticks.
cpu_ticks() { # PID
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# json_text FILE KEY: the string value of KEY in a flat JSON answer.
json_text() {
    sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" "$1"
}

# sign_in URL: signs in as the bench user, creates a read-scoped API token with
# the session, signs out again (the token stays valid) and prints the token.
sign_in() {
    jar=$OUT/cookies.txt
    answer=$(printf '{"email":"%s","password":"%s"}' "$BENCH_EMAIL" "$PASSWORD" |
        curl -s -c "$jar" -o "$OUT/auth.json" -w '%{http_code}' \
            -H 'Content-Type: application/json' --data-binary @- "$1/api/v1/auth/login")
    if [ "$answer" != 200 ]; then
        echo "bench: sign-in failed: $answer" >&2
        cat "$OUT/auth.json" >&2
        exit 1
    fi
    csrf=$(json_text "$OUT/auth.json" csrf_token)
    answer=$(curl -s -b "$jar" -o "$OUT/auth.json" -w '%{http_code}' -H "X-CSRF-Token: $csrf" \
        -H 'Content-Type: application/json' --data '{"name":"bench","scopes":["read"]}' \
        "$1/api/v1/tokens")
    if [ "$answer" != 201 ]; then
        echo "bench: making an API token failed: $answer" >&2
        cat "$OUT/auth.json" >&2
        exit 1
    fi
    json_text "$OUT/auth.json" token
    curl -s -b "$jar" -o /dev/null -X POST -H "X-CSRF-Token: $csrf" "$1/api/v1/auth/logout"
    rm -f "$jar" "$OUT/auth.json"
}

# ---- servers ----

echo "bench: starting crm on port $PORT and probe on port $PROBE_PORT"
"$BUILD_DIR/crm" serve --db "$DB" --listen "127.0.0.1:$PORT" --log-level "$LOG_LEVEL" \
    >"$OUT/crm.log" 2>&1 &
crm_pid=$!
"$BUILD_DIR/bench/probe" --db "$DB" --listen "127.0.0.1:$PROBE_PORT" >"$OUT/probe.log" 2>&1 &
probe_pid=$!
wait_ready "http://127.0.0.1:$PORT/healthz" "$crm_pid"
wait_ready "http://127.0.0.1:$PROBE_PORT/api/v1/contacts/1" "$probe_pid"
rss_start_kb=$(vm_kb "$crm_pid" VmRSS)
BENCH_TOKEN=$(sign_in "http://127.0.0.1:$PORT")
[ -n "$BENCH_TOKEN" ] || { echo "bench: no API token in the answer" >&2; exit 1; }
# For the wrk scripts (bench/report.lua); the probe gets the header too and ignores it.
export BENCH_TOKEN

# Pages 1 to 5 of each list query, with their cursors, for bench/list.lua.
urls=$OUT/list-urls.txt
: >"$urls"
grep -v '^#' bench/list_queries.txt | grep -v '^$' | while IFS='|' read -r sort filter; do
    cursor=""
    page=1
    while [ "$page" -le 5 ]; do
        set -- -s -G -o "$OUT/page.json" -w '%{http_code} %{url_effective}' \
            -H "Authorization: Bearer $BENCH_TOKEN" \
            "http://127.0.0.1:$PORT/api/v1/contacts" --data-urlencode "sort=$sort"
        [ -z "$filter" ] || set -- "$@" --data-urlencode "filter=$filter"
        [ -z "$cursor" ] || set -- "$@" --data-urlencode "cursor=$cursor"
        answer=$(curl "$@")
        [ "${answer%% *}" = 200 ] || { echo "bench: list query failed: $answer" >&2; cat "$OUT/page.json" >&2; exit 1; }
        echo "${answer#* http://127.0.0.1:"$PORT"}" >>"$urls"
        cursor=$(sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p' "$OUT/page.json")
        [ -n "$cursor" ] || break
        page=$((page + 1))
    done
done

# ---- runs ----

echo "bench: warming up"
run_wrk warm-probe "$CONNECTIONS" "$WARMUP" bench/get.lua "http://127.0.0.1:$PROBE_PORT" "$CONTACTS" >/dev/null
run_wrk warm-crm "$CONNECTIONS" "$WARMUP" bench/get.lua "http://127.0.0.1:$PORT" "$CONTACTS" >/dev/null

best_probe="" best_crm=""
probe_ticks=0 probe_requests=0 crm_ticks=0 crm_requests=0
round=1
while [ "$round" -le "$ROUNDS" ]; do
    echo "bench: GET round $round/$ROUNDS"
    before=$(cpu_ticks "$probe_pid")
    line=$(run_wrk "get-probe-$round" "$CONNECTIONS" "$DURATION" bench/get.lua \
        "http://127.0.0.1:$PROBE_PORT" "$CONTACTS")
    probe_ticks=$((probe_ticks + $(cpu_ticks "$probe_pid") - before))
    probe_requests=$((probe_requests + $(field "$line" requests)))
    if [ -z "$best_probe" ] || le "$(field "$best_probe" rps)" "$(field "$line" rps)"; then best_probe=$line; fi
    before=$(cpu_ticks "$crm_pid")
    line=$(run_wrk "get-crm-$round" "$CONNECTIONS" "$DURATION" bench/get.lua \
        "http://127.0.0.1:$PORT" "$CONTACTS")
    crm_ticks=$((crm_ticks + $(cpu_ticks "$crm_pid") - before))
    crm_requests=$((crm_requests + $(field "$line" requests)))
    if [ -z "$best_crm" ] || le "$(field "$best_crm" rps)" "$(field "$line" rps)"; then best_crm=$line; fi
    round=$((round + 1))
done
# Each of list and search under the full load, then with few connections.
scenario() { # NAME CONNECTIONS SCRIPT [ARGS...]
    echo "bench: $1, $2 connections" >&2
    name=$1 c=$2
    shift 2
    run_wrk "$name-c$c" "$c" "$DURATION" "$@"
}
list_hi=$(scenario list "$CONNECTIONS" bench/list.lua "http://127.0.0.1:$PORT" "$urls")
search_hi=$(scenario search "$CONNECTIONS" bench/search.lua "http://127.0.0.1:$PORT")
common_hi=$(scenario search-common "$CONNECTIONS" bench/search.lua "http://127.0.0.1:$PORT" common)
list_lo=$(scenario list "$LATENCY_CONNECTIONS" bench/list.lua "http://127.0.0.1:$PORT" "$urls")
search_lo=$(scenario search "$LATENCY_CONNECTIONS" bench/search.lua "http://127.0.0.1:$PORT")
common_lo=$(scenario search-common "$LATENCY_CONNECTIONS" bench/search.lua \
    "http://127.0.0.1:$PORT" common)
rss_peak_kb=$(vm_kb "$crm_pid" VmHWM)
stop_servers

# ---- the report ----

ratio=$(awk -v a="$(field "$best_crm" rps)" -v b="$(field "$best_probe" rps)" \
    'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
ticks_per_s=$(getconf CLK_TCK)
cpu_us() { # TICKS REQUESTS
    awk -v t="$1" -v r="$2" -v hz="$ticks_per_s" 'BEGIN { printf "%.0f", (r > 0 ? t * 1e6 / hz / r : 0) }'
}
probe_cpu_us=$(cpu_us "$probe_ticks" "$probe_requests")
crm_cpu_us=$(cpu_us "$crm_ticks" "$crm_requests")
rss_peak_mb=$((rss_peak_kb / 1024))
worst_max=$(printf '%s\n' "$best_crm" "$list_hi" "$search_hi" "$common_hi" "$list_lo" "$search_lo" \
    "$common_lo" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^max_ms=/) { v = substr($i, 8) + 0
        if (v > m) m = v } } END { print m + 0 }')

commit="none yet"
if [ -f .git/HEAD ]; then
    ref=$(sed -n 's/^ref: //p' .git/HEAD)
    if [ -z "$ref" ]; then
        commit=$(cut -c1-12 .git/HEAD)
    elif [ -f ".git/$ref" ]; then
        commit=$(cut -c1-12 ".git/$ref")
    elif [ -f .git/packed-refs ] && grep -q " $ref\$" .git/packed-refs; then
        commit=$(grep " $ref\$" .git/packed-refs | cut -c1-12)
    fi
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
ram_gb=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
load=$(cut -d' ' -f1-3 /proc/loadavg)

row() { # LABEL CONNECTIONS LINE TARGET RESULT
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(field "$3" rps)" \
        "$(field "$3" p50_ms)" "$(field "$3" p95_ms)" "$(field "$3" p99_ms)" "$(field "$3" max_ms)" \
        "$(field "$3" requests)" "$(($(field "$3" errors) + $(field "$3" non2xx)))" "$4" "$5"
}

{
    echo "# Performance"
    echo
    echo "Written by \`make bench\` (bench/run.sh); do not edit by hand. See bench/ for the"
    echo "data generator, the baseline probe and the wrk scripts."
    echo
    echo "## Machine"
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| date | $(date -u +%Y-%m-%dT%H:%MZ) |"
    echo "| commit | $commit |"
    echo "| cores (nproc) | $(nproc) |"
    echo "| CPU | $cpu |"
    echo "| RAM | $ram_gb GiB |"
    echo "| load average before the runs | $load |"
    echo "| SQLite | $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?') (sqlite3 shell) |"
    echo
    echo "## Data and method"
    echo
    echo "- $CONTACTS contacts and $COMPANIES companies from \`bench/gen_data --seed $SEED\`"
    echo "  (written through record_validate and store_record_insert); SQLite file of"
    echo "  $db_mb MB, $generated; page cache warmed before the runs."
    echo "- \`crm serve\` from $BUILD_DIR with its defaults (threads = cores, log level $LOG_LEVEL,"
    echo "  access log to a file) and \`bench/probe\` run side by side on the same database."
    echo "- Every request carries \`Authorization: Bearer\` with a read-scoped API token of an"
    echo "  admin user, so crm checks the token on each one; the probe ignores the header."
    echo "- wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --timeout 10s, on the same machine (wrk"
    echo "  takes CPU from the servers). wrk keeps every connection busy, so under"
    echo "  -c$CONNECTIONS a latency is mostly the queue in front of $(nproc) worker threads; list and"
    echo "  search also run with -c$LATENCY_CONNECTIONS, where a latency is close to the time one request takes."
    echo "- GET: random ids (bench/get.lua), the same sequence on both servers, $ROUNDS rounds"
    echo "  alternating, best req/s of each kept; CPU per request is the server's user + system"
    echo "  time over all rounds. List: pages 1-5 (following next_cursor) of the queries in"
    echo "  bench/list_queries.txt. Search: bench/search.lua, a quarter very common terms"
    echo "  (frequent first names and surnames, mail domains, two-letter prefixes), or only those."
    echo
    echo "## Results"
    echo
    echo "| scenario | conns | req/s | p50 ms | p95 ms | p99 ms | max ms | requests | errors | target | result |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
    row "GET /api/v1/contacts/{id}, bench/probe" "$CONNECTIONS" "$best_probe" "baseline" "-"
    row "GET /api/v1/contacts/{id}, crm" "$CONNECTIONS" "$best_crm" "req/s ≥ 80 % of probe" \
        "$(verdict le "$TARGET_GET_RATIO" "$ratio") ($ratio)"
    for c in hi lo; do
        if [ "$c" = hi ]; then n=$CONNECTIONS l=$list_hi s=$search_hi m=$common_hi; else
            n=$LATENCY_CONNECTIONS l=$list_lo s=$search_lo m=$common_lo; fi
        row "list page (filter, sort, cursor)" "$n" "$l" "p95 ≤ $TARGET_LIST_P95_MS ms" \
            "$(verdict le "$(field "$l" p95_ms)" "$TARGET_LIST_P95_MS")"
        row "search, mixed terms" "$n" "$s" "p95 ≤ $TARGET_SEARCH_P95_MS ms, max ≤ $TARGET_MAX_MS ms" \
            "$(verdict both_le "$(field "$s" p95_ms)" "$TARGET_SEARCH_P95_MS" "$(field "$s" max_ms)" "$TARGET_MAX_MS")"
        row "search, very common terms only" "$n" "$m" "max ≤ $TARGET_MAX_MS ms" \
            "$(verdict le "$(field "$m" max_ms)" "$TARGET_MAX_MS")"
    done
    echo
    echo "| measure | value | target | result |"
    echo "| --- | ---: | --- | --- |"
    echo "| GET req/s, crm / probe | $ratio | ≥ $TARGET_GET_RATIO | $(verdict le "$TARGET_GET_RATIO" "$ratio") |"
    echo "| GET server CPU per request, probe / crm | $probe_cpu_us µs / $crm_cpu_us µs | | |"
    echo "| slowest request in any run | $worst_max ms | ≤ $TARGET_MAX_MS ms | $(verdict le "$worst_max" "$TARGET_MAX_MS") |"
    echo "| crm RSS after start | $((rss_start_kb / 1024)) MB | | |"
    echo "| crm peak RSS (VmHWM) | $rss_peak_mb MB | ≤ $TARGET_RSS_MB MB | $(verdict le "$rss_peak_mb" "$TARGET_RSS_MB") |"
} >"$REPORT"

echo "bench: wrote $REPORT"
# The sales benchmarks add their own section to the report just written.
if [ "$SALES" = 1 ]; then
    BUILD_DIR=$BUILD_DIR BENCH_REPORT=$REPORT BENCH_SEED=$SEED BENCH_LOG_LEVEL=$LOG_LEVEL bench/sales.sh
fi
if [ "$SCHEDULER" = 1 ]; then
    BUILD_DIR=$BUILD_DIR BENCH_REPORT=$REPORT bench/scheduler.sh
fi
BUILD_DIR=$BUILD_DIR BENCH_REPORT=$REPORT bench/timeline.sh
BUILD_DIR=$BUILD_DIR BENCH_REPORT=$REPORT bench/dedup.sh
cat "$REPORT"
