#!/usr/bin/env bash
# Milliseconds per matrix cell: a 20-cell matrix (4 scenarios x 5 faults, no delays) on the
# demo services, each cell starting both services under the injector, arming, running the
# scenario, tearing down. Target: under 50 ms per cell (the reference tool: ~210 ms).
# Usage: bench/cells.sh [RUNS]   (uses bin/faultbox, bin/mock-db, bin/mock-api)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
bin="$PWD/bin"
[ -x "$bin/faultbox" ] || { echo "bench/cells.sh: $bin/faultbox missing; run make build" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/faultbox-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp bench/cells/matrix20.star "$work/"
ln -s "$bin" "$work/bin"
cd "$work"
cells=20
best=""
all=()
for i in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    status=0
    "$bin/faultbox" test matrix20.star --test 'test_matrix_*' --output result.json >console.txt 2>&1 || status=$?
    end=$(date +%s%N)
    if [ "$status" -gt 2 ] || ! grep -q "^Result: " console.txt; then
        echo "bench/cells.sh: run $i failed (exit $status):" >&2; tail -20 console.txt >&2; exit 1
    fi
    ms=$(( (end - start) / 1000000 ))
    per=$(awk -v t="$ms" -v c="$cells" 'BEGIN { printf "%.1f", t / c }')
    echo "run $i: $cells cells in ${ms} ms = ${per} ms/cell (whole command, spec load included); $(tail -1 console.txt)"
    all+=("$per")
    if [ -z "$best" ] || awk -v a="$per" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$per; fi
done
median=$(printf '%s\n' "${all[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "cells: best ${best} ms, median ${median} ms per cell over $runs runs (target < 50 ms; reference tool ~210 ms)"
