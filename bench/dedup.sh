#!/bin/sh
# The duplicate detection benchmark (runs alone; bench/run.sh may call it at
# its end): build/bench/dedup_bench generates BENCH_DEDUP_CONTACTS synthetic
# contacts (Latin and Cyrillic names, e-mails, phones in varied formats)
# with 5 % planted duplicates (a typo, a transliteration, swapped names, a
# reformatted phone, a respelt e-mail, the same name at the same company),
# clusters them with dedup_cluster_people and scores the found pairs
# against the planted ones. Writes the "## Duplicates" section of
# docs/perf.md (replacing the section, keeping the rest).
#
#   BENCH_DEDUP_CONTACTS=100000 bench/dedup.sh      a quicker run
#
# Settings (environment): BUILD_DIR (build), BENCH_DEDUP_CONTACTS (1000000),
# BENCH_DEDUP_SEED (20240601), BENCH_REPORT (docs/perf.md).
# Target (2 cores): 1 M contacts in <= 30 s, precision >= 0.95, recall >= 0.90.
set -eu
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
CONTACTS=${BENCH_DEDUP_CONTACTS:-1000000}
SEED=${BENCH_DEDUP_SEED:-20240601}
REPORT=${BENCH_REPORT:-docs/perf.md}
OUT=bench/out
TARGET_SECONDS=30
TARGET_PRECISION=0.95
TARGET_RECALL=0.90

PROGRAM=$BUILD_DIR/bench/dedup_bench
[ -x "$PROGRAM" ] || { echo "dedup: $PROGRAM is missing; build first (make bench)" >&2; exit 1; }
mkdir -p "$OUT"

echo "dedup: $CONTACTS contacts, seed $SEED"
status=0
"$PROGRAM" --contacts "$CONTACTS" --seed "$SEED" >"$OUT/dedup.txt" 2>"$OUT/dedup.log" || status=$?
[ "$status" -le 1 ] || { cat "$OUT/dedup.log" >&2; exit 1; }
line=$(grep '^BENCH dedup ' "$OUT/dedup.txt" || true)
[ -n "$line" ] || { echo "dedup: no figures, see $OUT/dedup.log" >&2; exit 1; }
grep '^dedup: [0-9]' "$OUT/dedup.txt"

field() { # KEY
    echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
verdict_max() { if le "$1" "$2"; then echo pass; else echo "**FAIL**"; fi; }
verdict_min() { if le "$2" "$1"; then echo pass; else echo "**FAIL**"; fi; }

seconds=$(field seconds)
precision=$(field precision)
recall=$(field recall)
section=$OUT/dedup-section.md
{
    echo "## Duplicates"
    echo
    echo "Written by bench/dedup.sh ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average"
    echo "$(cut -d' ' -f1-3 /proc/loadavg) at the end)."
    echo
    echo "- $(field contacts) synthetic contacts from \`bench/dedup_bench\` (seed $SEED), half with"
    echo "  Russian names (four in five in Cyrillic), e-mails and phones in varied formats, two in"
    echo "  five at a company; $(field duplicates) of them planted duplicates of others (a typo, a"
    echo "  transliteration, swapped names, a reformatted phone, a respelt e-mail, the same name at"
    echo "  the same company)."
    echo "- Time: dedup_cluster_people over all of them (prepare, block, compare, cluster), wall"
    echo "  clock; CPU $(field cpu_seconds) s over all threads. Precision and recall: the pairs"
    echo "  inside the $(field clusters) clusters found ($(field pairs_found) pairs) against the"
    echo "  planted pairs."
    echo
    echo "| figure | value | target | result |"
    echo "| --- | ---: | --- | --- |"
    echo "| time | $seconds s | ≤ $TARGET_SECONDS s | $(verdict_max "$seconds" "$TARGET_SECONDS") |"
    echo "| precision | $precision | ≥ $TARGET_PRECISION |" \
        "$(verdict_min "$precision" "$TARGET_PRECISION") |"
    echo "| recall | $recall | ≥ $TARGET_RECALL | $(verdict_min "$recall" "$TARGET_RECALL") |"
} >"$section"

# The report without its old section, then the new one at the end.
if [ -f "$REPORT" ]; then
    awk '/^## / { skip = ($0 == "## Duplicates") } !skip' "$REPORT" >"$OUT/dedup-report.tmp"
else
    printf '# Performance\n' >"$OUT/dedup-report.tmp"
fi
awk 'NF { for (; blank > 0; blank--) print ""; print; next } { blank++ } END { print "" }' \
    "$OUT/dedup-report.tmp" >"$OUT/dedup-report.new"
cat "$section" >>"$OUT/dedup-report.new"
mv "$OUT/dedup-report.new" "$REPORT"
rm -f "$OUT/dedup-report.tmp"
echo "dedup: wrote the Duplicates section of $REPORT"
exit "$status"
