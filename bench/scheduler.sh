#!/bin/sh
# The job scheduler's benchmark (bench/run.sh runs this after the sales one;
# it also runs alone). Makes or reuses a database of BENCH_TASKS tasks
# (bench/scheduler_bench --generate) and times one scheduler tick on it:
# finding the due reminders when none are due (most ticks) and when 500
# are, the whole idle tick (reminders and recurring tasks), and the whole
# reminder step with 500 due (read, 500 jobs, mark, commit). Prints the
# figures and writes the "## Job scheduler" section of docs/perf.md
# (replacing the section, keeping the rest of the file).
#
#   BENCH_TASKS=100000 bench/scheduler.sh      a quicker run on fewer tasks
#
# Settings (environment): BUILD_DIR (build), BENCH_TASKS (1000000),
# BENCH_SCHEDULER_ROUNDS (2000 idle ticks), BENCH_SCHEDULER_DUE_ROUNDS (20
# ticks with 500 due), BENCH_REPORT (docs/perf.md), BENCH_REGENERATE (1:
# make the database again even when one is cached).
#
# The cached database is reused while its stamp matches the count and a
# checksum of what decides the rows; the benchmark puts back what it
# changes, so runs do not drift.
set -eu
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
TASKS=${BENCH_TASKS:-1000000}
ROUNDS=${BENCH_SCHEDULER_ROUNDS:-2000}
DUE_ROUNDS=${BENCH_SCHEDULER_DUE_ROUNDS:-20}
REPORT=${BENCH_REPORT:-docs/perf.md}
OUT=bench/out
DB=$OUT/tasks-$TASKS.db
STAMP=$DB.ok

# Target (2 cores): finding the due reminders of a tick, p95 <= 5 ms, idle or with 500 due.
TARGET_FIND_P95_MS=5

PROGRAM=$BUILD_DIR/bench/scheduler_bench
[ -x "$PROGRAM" ] || { echo "scheduler: $PROGRAM is missing; build first (make bench)" >&2; exit 1; }
mkdir -p "$OUT"

# ---- the data ----

fingerprint=$(cat src/store/migrations/sqlite/*.sql bench/scheduler_bench.c | cksum | cut -d' ' -f1)
wanted="tasks=$TASKS code=$fingerprint"
generated="reused"
set -- --db "$DB" --rounds "$ROUNDS" --due-rounds "$DUE_ROUNDS"
if [ "${BENCH_REGENERATE:-0}" = 1 ] || [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$wanted" ] ||
    [ ! -f "$DB" ]; then
    rm -f "$DB" "$DB-wal" "$DB-shm" "$STAMP"
    echo "scheduler: generating $wanted into $DB"
    set -- "$@" --generate "$TASKS"
    generated="generated"
fi

# ---- the run ----

echo "scheduler: timing $ROUNDS idle ticks and $DUE_ROUNDS with 500 reminders due"
"$PROGRAM" "$@" >"$OUT/scheduler.txt" 2>"$OUT/scheduler.log" ||
    { cat "$OUT/scheduler.log" >&2; exit 1; }
[ "$generated" = reused ] || echo "$wanted" >"$STAMP"
line=$(grep '^BENCH ' "$OUT/scheduler.txt" || true)
[ -n "$line" ] || { echo "scheduler: no figures, see $OUT/scheduler.log" >&2; exit 1; }
grep 'generated' "$OUT/scheduler.log" || true
db_mb=$(($(stat -c %s "$DB") / 1048576))

field() { # KEY
    echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
verdict() { if le "$1" "$2"; then echo pass; else echo "**FAIL**"; fi; }

for name in idle_find idle_tick due_find due_step; do
    printf 'scheduler: %s p50_ms=%s p95_ms=%s max_ms=%s\n' "$name" "$(field "${name}_p50_ms")" \
        "$(field "${name}_p95_ms")" "$(field "${name}_max_ms")"
done

# ---- the report ----

row() { # LABEL NAME TARGET: a table row; a target is checked against the p95
    target=""
    result=""
    if [ -n "$3" ]; then
        target="p95 ≤ $3 ms"
        result=$(verdict "$(field "${2}_p95_ms")" "$3")
    fi
    printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$(field "${2}_p50_ms")" \
        "$(field "${2}_p95_ms")" "$(field "${2}_max_ms")" "$target" "$result"
}

section=$OUT/scheduler-section.md
{
    echo "## Job scheduler"
    echo
    echo "Written by bench/scheduler.sh ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average"
    echo "$(cut -d' ' -f1-3 /proc/loadavg) at the end)."
    echo
    echo "- $(field tasks) tasks from \`bench/scheduler_bench --generate\` in batched INSERT ... SELECT: 10 %"
    echo "  without a reminder, 60 % reminded long ago, 20 % with a reminder in 2100, 10 % done"
    echo "  with an old reminder never sent, 1 % recurring; SQLite file of $db_mb MB ($generated)."
    echo "- Find: the scheduler's read of the due reminders (store_tasks_due_reminders, the"
    echo "  partial index tasks_reminders), $(field rounds) times with none due and $(field due_rounds) times with"
    echo "  $(field due) due. Idle tick: the reminder and recurrence steps with nothing due (reads only,"
    echo "  no write lock). Reminder step: with $(field due) due, the read under the write lock, $(field due) jobs"
    echo "  queued, the tasks marked, the commit (synchronous=FULL: the disk's flush)."
    echo
    echo "| figure | p50 ms | p95 ms | max ms | target | result |"
    echo "| --- | ---: | ---: | ---: | --- | --- |"
    row "find due reminders, none due" idle_find "$TARGET_FIND_P95_MS"
    row "find due reminders, $(field due) due" due_find "$TARGET_FIND_P95_MS"
    row "idle tick (reminders + recurring tasks)" idle_tick ""
    row "reminder step, $(field due) due (incl. commit)" due_step ""
} >"$section"

# The report without its old section, then the new one at the end.
if [ -f "$REPORT" ]; then
    awk '/^## / { skip = ($0 == "## Job scheduler") } !skip' "$REPORT" >"$OUT/scheduler-report.tmp"
else
    printf '# Performance\n' >"$OUT/scheduler-report.tmp"
fi
awk 'NF { for (; blank > 0; blank--) print ""; print; next } { blank++ } END { print "" }' \
    "$OUT/scheduler-report.tmp" >"$OUT/scheduler-report.new"
cat "$section" >>"$OUT/scheduler-report.new"
mv "$OUT/scheduler-report.new" "$REPORT"
rm -f "$OUT/scheduler-report.tmp"
echo "scheduler: wrote the Job scheduler section of $REPORT"
