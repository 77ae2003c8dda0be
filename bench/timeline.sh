#!/bin/sh
# The client timeline benchmark (bench/run.sh runs this at its end; it also
# runs alone): build/bench/timeline_bench makes a fresh SQLite database with
# one company, BENCH_TIMELINE_CONTACTS contacts and BENCH_TIMELINE_ACTIVITIES
# activities with their timeline items, then reads the company's first page
# (50 items) as an administrator and as a sales rep. Writes the "## Client
# timeline" section of docs/perf.md (replacing the section, keeping the rest).
#
# Settings (environment): BUILD_DIR (build), BENCH_TIMELINE_CONTACTS (200),
# BENCH_TIMELINE_ACTIVITIES (10000), BENCH_TIMELINE_RUNS (500), BENCH_REPORT
# (docs/perf.md). Target: first page p95 <= 20 ms server time.
set -eu
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
CONTACTS=${BENCH_TIMELINE_CONTACTS:-200}
ACTIVITIES=${BENCH_TIMELINE_ACTIVITIES:-10000}
RUNS=${BENCH_TIMELINE_RUNS:-500}
REPORT=${BENCH_REPORT:-docs/perf.md}
OUT=bench/out
DB=$OUT/timeline.db
TARGET_P95_MS=20

[ -x "$BUILD_DIR/bench/timeline_bench" ] || { echo "timeline: build first (make bench)" >&2; exit 1; }
mkdir -p "$OUT"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BUILD_DIR/bench/timeline_bench" --db "$DB" --contacts "$CONTACTS" --activities "$ACTIVITIES" \
    --runs "$RUNS" 2>"$OUT/timeline.log" | tee "$OUT/timeline.txt"

field() { # CALLER KEY
    grep "^BENCH timeline caller=$1 " "$OUT/timeline.txt" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
verdict() { awk -v a="$1" -v b="$TARGET_P95_MS" 'BEGIN { print (a + 0 <= b + 0) ? "pass" : "**FAIL**" }'; }
row() { # LABEL CALLER
    echo "| $1 | $(field "$2" p50_ms) | $(field "$2" p95_ms) | $(field "$2" max_ms) | p95 ≤ $TARGET_P95_MS ms | $(verdict "$(field "$2" p95_ms)") |"
}

section=$OUT/timeline-section.md
{
    echo "## Client timeline"
    echo
    echo "Written by bench/timeline.sh ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average"
    echo "$(cut -d' ' -f1-3 /proc/loadavg) at the end)."
    echo
    echo "- One company, $CONTACTS contacts linked to it, $ACTIVITIES activities spread over them"
    echo "  and a year, each with its timeline item (a quarter owned by the sales rep); SQLite."
    echo "- The company's first page (50 items, newest first) through store_timeline_list and"
    echo "  the JSON of the answer, $RUNS times per caller: server time without HTTP."
    echo
    echo "| first page | p50 ms | p95 ms | max ms | target | result |"
    echo "| --- | ---: | ---: | ---: | --- | --- |"
    row "administrator (every item)" admin
    row "sales rep (own items only)" sales_rep
} >"$section"

if [ -f "$REPORT" ]; then
    awk '/^## / { skip = ($0 == "## Client timeline") } !skip' "$REPORT" >"$OUT/timeline-report.tmp"
else
    printf '# Performance\n' >"$OUT/timeline-report.tmp"
fi
awk 'NF { for (; blank > 0; blank--) print ""; print; next } { blank++ } END { print "" }' \
    "$OUT/timeline-report.tmp" >"$OUT/timeline-report.new"
cat "$section" >>"$OUT/timeline-report.new"
mv "$OUT/timeline-report.new" "$REPORT"
rm -f "$OUT/timeline-report.tmp" "$DB" "$DB-wal" "$DB-shm"
echo "timeline: wrote the Client timeline section of $REPORT"
