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

# --jobs (docs/runner.md, "Parallel cells"): the same 20 cells serially and with one worker
# per CPU, as ratios of one run; then the namespace set-up alone; then 20 vs 200 cells.
wall() {  # wall SPEC JOBS -> ms for the whole command
    local s e status=0
    s=$(date +%s%N)
    "$bin/faultbox" test "$1" --test 'test_matrix_*' --jobs "$2" >jobs.txt 2>&1 || status=$?
    e=$(date +%s%N)
    if [ "$status" -gt 2 ]; then echo "bench/cells.sh: --jobs $2 failed (exit $status)" >&2; tail -20 jobs.txt >&2; exit 1; fi
    echo $(( (e - s) / 1000000 ))
}
cpus=$(nproc)
serial=$(wall matrix20.star 1)
parallel=$(wall matrix20.star auto)
two=$(wall matrix20.star 2)
grep -q "cannot create network and PID namespaces" jobs.txt && echo "jobs: no namespaces here, --jobs ran serially"
awk -v s="$serial" -v p="$parallel" -v t="$two" -v c="$cells" -v n="$cpus" 'BEGIN {
    printf "jobs: --jobs 1 %.1f ms/cell, --jobs auto (%d) %.1f ms/cell (%.2fx serial), --jobs 2 %.2fx serial (target <= 0.6x on 2 CPUs)\n",
        s / c, n, p / c, p / s, t / s }'
"$bin/faultbox" __cell --measure-namespaces 200 | sed 's/^/jobs: /'

# Cells that wait (each api connect delayed 300 ms) rather than compute: what --jobs is for.
{
    sed -n '/^BIN/,/^def order_flow/p' matrix20.star
    printf '    api.post(path="/data/mykey", body="myvalue")\n    return api.get(path="/data/mykey")\n'
    for i in $(seq 1 20); do printf 'slow_%d = fault_assumption("slow_%d", target = api, connect = delay("300ms"))\n' "$i" "$i"; done
    printf 'fault_matrix(scenarios = [order_flow], faults = [%s])\n' "$(seq -s, -f 'slow_%g' 1 20)"
} >wait20.star
wserial=$(wall wait20.star 1)
wtwo=$(wall wait20.star 2)
wfour=$(wall wait20.star 4)
awk -v s="$wserial" -v t="$wtwo" -v f="$wfour" 'BEGIN {
    printf "jobs: 20 waiting cells (300 ms connect delays): --jobs 1 %d ms, --jobs 2 %.2fx serial, --jobs 4 %.2fx serial\n", s, t / s, f / s }'

# 200 cells: 10 scenarios x 20 faults, the same kinds of cell as matrix20.
{
    sed -n '/^BIN/,/^scenario(write_twice)/p' matrix20.star
    for i in 1 2 3 4 5 6; do printf 'def extra_%d():\n    return api.get(path="/health")\nscenario(extra_%d)\n' "$i" "$i"; done
    faults=""
    for i in 1 2 3 4; do
        printf 'down_%d = fault_assumption("down_%d", target = api, connect = deny("ECONNREFUSED"))\n' "$i" "$i"
        printf 'reset_%d = fault_assumption("reset_%d", target = api, read = deny("ECONNRESET"))\n' "$i" "$i"
        printf 'eio_%d = fault_assumption("eio_%d", target = db, write = deny("EIO"))\n' "$i" "$i"
        printf 'full_%d = fault_assumption("full_%d", target = db, write = deny("ENOSPC"))\n' "$i" "$i"
        printf 'fsync_%d = fault_assumption("fsync_%d", target = db, fsync = deny("EIO"))\n' "$i" "$i"
        faults="$faults down_$i, reset_$i, eio_$i, full_$i, fsync_$i,"
    done
    printf 'fault_matrix(scenarios = [order_flow, health_check, read_missing, write_twice, extra_1, extra_2, extra_3, extra_4, extra_5, extra_6], faults = [%s])\n' "$faults"
} >matrix200.star
for j in 1 auto; do
    t20=$(wall matrix20.star "$j")
    t200=$(wall matrix200.star "$j")
    awk -v a="$t20" -v b="$t200" -v j="$j" 'BEGIN {
        printf "jobs: --jobs %s: 20 cells %d ms (%.1f ms/cell), 200 cells %d ms (%.1f ms/cell): %.1fx the time for 10x the cells\n",
            j, a, a / 20, b, b / 200, b / a }'
done
