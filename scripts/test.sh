#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it:
#   1. banned-function check; build (default) and build-asan (ASan+UBSan); web UI build
#   2. a throwaway PostgreSQL cluster on loopback (scripts/pg-temp.sh)
#   3. C unit tests, the store contract suite (SQLite, PostgreSQL), fuzz corpus replay,
#      black-box API tests (SQLite, PostgreSQL) — each in both builds
#   4. the browser test (headless Chromium) against the default build (SQLite, PostgreSQL)
# Closes with the sum of every runner's counts: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
log_dir=$(mktemp -d /tmp/crm-test.XXXXXX)
total_passed=0
total_failed=0
suites_failed=()

step() { printf '\n== %s\n' "$*"; }

# Adds the counts of one runner's output to the totals.
count_output() {
    local file=$1 name=$2 status=$3 p f
    p=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$file" | tail -n 1 | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$file" | tail -n 1 | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
    if [ -z "$p" ]; then
        p=$(grep -aE '^# pass [0-9]+' "$file" | tail -n 1 | awk '{print $3}')
        f=$(grep -aE '^# fail [0-9]+' "$file" | tail -n 1 | awk '{print $3}')
    fi
    p=${p:-0}
    f=${f:-0}
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # the runner failed without counting a failure (crash, sanitizer report)
    fi
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    if [ "$f" -ne 0 ]; then
        suites_failed+=("$name")
    fi
    printf '%-40s %5s passed, %s failed\n' "$name" "$p" "$f"
}

# run NAME COMMAND...: runs a suite, keeps its output in the log dir, counts it.
run() {
    local name=$1
    shift
    local out="$log_dir/${name//[^a-zA-Z0-9_.-]/_}.log"
    "$@" >"$out" 2>&1
    local status=$?
    count_output "$out" "$name" "$status"
    if [ "$status" -ne 0 ]; then
        echo "---- $name ----"
        if grep -q '^# Subtest' "$out"; then
            # node --test: the failing tests with their errors, then the last lines
            grep -aE '^\s*not ok|^\s+(error|location):|^\s+(expected|actual):' "$out" | head -n 80
        fi
        tail -n 40 "$out"
        echo "----"
    fi
}

step "checks"
if ! scripts/check-banned.sh; then
    echo "0 passed, 1 failed"
    exit 1
fi

step "build"
[ -f build/build.ninja ] || meson setup build --buildtype=debugoptimized >/dev/null || exit 1
[ -f build-asan/build.ninja ] || meson setup build-asan --buildtype=debug \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 1
ninja -C build >"$log_dir/build.log" 2>&1 || { tail -n 60 "$log_dir/build.log"; echo "0 passed, 1 failed"; exit 1; }
ninja -C build-asan >"$log_dir/build-asan.log" 2>&1 || { tail -n 60 "$log_dir/build-asan.log"; echo "0 passed, 1 failed"; exit 1; }
if [ -f web/package.json ]; then
    (cd web && npx vite build --logLevel warn) >"$log_dir/web.log" 2>&1 || { tail -n 40 "$log_dir/web.log"; echo "0 passed, 1 failed"; exit 1; }
fi

step "PostgreSQL"
pg_env=$(scripts/pg-temp.sh) || { echo "cannot start a PostgreSQL cluster"; echo "0 passed, 1 failed"; exit 1; }
eval "export $(echo "$pg_env" | grep '^CRM_TEST_PG_URL=')"
pg_dir=$(echo "$pg_env" | grep '^CRM_TEST_PG_DIR=' | cut -d= -f2-)
trap 'scripts/pg-temp.sh stop "$pg_dir" >/dev/null 2>&1; rm -rf "$log_dir"' EXIT
echo "cluster at $CRM_TEST_PG_URL"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for b in build build-asan; do
    step "suites in $b"
    run "unit ($b)" "$b/tests/unit/unit_tests"
    run "store sqlite ($b)" env -u CRM_TEST_PG_URL "$b/tests/store/store_tests"
    run "store postgresql ($b)" "$b/tests/store/store_tests"
    for replay in "$b"/fuzz/*_replay; do
        target=$(basename "$replay" _replay)
        run "fuzz corpus $target ($b)" "$replay" "fuzz/corpus/$target"
    done
    run "api sqlite ($b)" env -u CRM_TEST_PG_URL CRM_BIN="$root/$b/crm" node --test tests/api/
    run "api postgresql ($b)" env CRM_BIN="$root/$b/crm" node --test tests/api/
done

step "browser"
run "e2e chromium (build)" env -u CRM_TEST_PG_URL CRM_BIN="$root/build/crm" node --test tests/e2e/
run "e2e chromium pg (build)" env CRM_BIN="$root/build/crm" node --test tests/e2e/

echo
if [ ${#suites_failed[@]} -gt 0 ]; then
    echo "failed suites: ${suites_failed[*]}"
fi
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
