#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and
# runs each for FUZZ_SECONDS (default 60) over its committed seed corpus.
# New inputs go to a scratch folder, so the committed corpus only grows by
# hand: copy an input that found a bug into fuzz/corpus/<target>/.
#   scripts/fuzz.sh [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang meson setup build-fuzz --buildtype=debugoptimized -Dfuzzing=true \
        -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for f in fuzz/*_fuzz.c; do targets+=("$(basename "$f" _fuzz.c)"); done
fi
ninja -C build-fuzz $(printf 'fuzz/%s_fuzz ' "${targets[@]}")
scratch=$(mktemp -d /tmp/crm-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
    echo "== $t (${seconds}s)"
    mkdir -p "$scratch/$t"
    dict=()
    [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
    "build-fuzz/fuzz/${t}_fuzz" "$scratch/$t" "fuzz/corpus/$t" -max_total_time="$seconds" \
        -print_final_stats=1 "${dict[@]}" 2>&1 | tail -n 3
done
