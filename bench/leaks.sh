#!/usr/bin/env bash
# A long run leaks nothing (issue 12, section 5): bench/cells/matrix20.star with --runs 25,
# i.e. 500 cells in one serial `faultbox test`, each starting and tearing down both demo
# services under the injector. faultbox reports its open descriptors, threads and resident
# memory after cell 50 and cell 500 (FAULTBOX_SAMPLE_CELLS, Sources/Runner/ResourceSample.swift);
# this prints both and the growth, for a console-only run and for one writing --output JSON.
# Target: fds and threads do not grow; RSS grows only by the verdicts the summary needs
# (~2 KB a cell) and, with a report file, by the traces and output the report will hold.
# Usage: bench/leaks.sh [RUNS_OF_THE_MATRIX]   (default 25 = 500 cells; uses bin/)
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${1:-25}
bin="$PWD/bin"
[ -x "$bin/faultbox" ] || { echo "bench/leaks.sh: $bin/faultbox missing; run make build" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/faultbox-bench-leaks.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp bench/cells/matrix20.star "$work/"
ln -s "$bin" "$work/bin"
cd "$work"
last=$((20 * repeat))

measure() {  # measure LABEL [EXTRA FLAGS...]
    local label=$1 status=0 start end
    shift
    start=$(date +%s%N)
    FAULTBOX_SAMPLE_CELLS="50,$last" FAULTBOX_RUN_DIR="$work/runs" \
        "$bin/faultbox" test matrix20.star --test 'test_matrix_*' --runs "$repeat" "$@" >console.txt 2>samples.txt || status=$?
    end=$(date +%s%N)
    if [ "$status" -gt 2 ] || [ "$(grep -c '^faultbox: after cell' samples.txt)" -ne 2 ]; then
        echo "bench/leaks.sh: the $label run failed (exit $status):" >&2; tail -20 console.txt samples.txt >&2; exit 1
    fi
    grep '^faultbox: after cell' samples.txt | sed "s/^faultbox: /leaks ($label): /"
    awk -v label="$label" -v cells="$last" -v ms=$(( (end - start) / 1000000 )) '
        BEGIN { n = 0 }
        /^faultbox: after cell/ { for (i = 5; i <= NF; i++) { split($i, kv, "="); v[n, kv[1]] = kv[2] } n++ }
        END {
            printf "leaks (%s): %d cells in %d ms; cell 50 -> cell %d: fds %+d, threads %+d, rss %+d KB (%.2f KB a cell)\n",
                label, cells, ms, cells, v[1, "fds"] - v[0, "fds"], v[1, "threads"] - v[0, "threads"],
                v[1, "rss_kb"] - v[0, "rss_kb"], (v[1, "rss_kb"] - v[0, "rss_kb"]) / (cells - 50) }' samples.txt
}
measure console
measure "--output json" --output result.json
