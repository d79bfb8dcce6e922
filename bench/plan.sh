#!/usr/bin/env bash
# Compile time and peak memory of `faultbox compile` for generated matrices of 1,000, 2,000
# and 5,000 cells (N scenarios x 50 assumptions), best of RUNS, plus the cost per cell, to
# show that the cost grows linearly with the number of cells.
# Target: 5,000 cells in under 0.5 s and 100 MB.
# Usage: bench/plan.sh [RUNS]   (uses $FAULTBOX or bin/faultbox)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
faultbox=${FAULTBOX:-$PWD/bin/faultbox}
[ -x "$faultbox" ] || { echo "bench/plan.sh: $faultbox missing; run make build (or set FAULTBOX)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/plan.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/faultbox-plan-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

measure() {  # spec format -> "seconds kilobytes" (best time of $runs, its peak memory)
    local spec=$1 format=$2 best="" mem=""
    for _ in $(seq 1 "$runs"); do
        /usr/bin/time -f "%e %M" -o "$work/time" "$faultbox" compile "$spec" --format "$format" >"$work/out" 2>"$work/err" \
            || { echo "bench/plan.sh: compile failed:" >&2; cat "$work/err" >&2; exit 1; }
        read -r t m <"$work/time"
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; mem=$m; fi
    done
    echo "$best $mem"
}

printf '%-7s %-6s %9s %9s %12s\n' cells format seconds MB "us/cell"
declare -A per
for scenarios in 20 40 100; do
    cells=$((scenarios * 50))
    bench/plan/gen-spec.sh "$scenarios" 50 >"$work/m$cells.star"
    for format in text json; do
        read -r t m < <(measure "$work/m$cells.star" "$format")
        us=$(awk -v t="$t" -v c="$cells" 'BEGIN { printf "%.1f", t * 1e6 / c }')
        printf '%-7s %-6s %9s %9s %12s\n' "$cells" "$format" "$t" "$(awk -v k="$m" 'BEGIN { printf "%.1f", k / 1024 }')" "$us"
        per[$cells$format]=$t
        if [ "$cells" = 5000 ] && [ "$format" = json ]; then final_t=$t; final_m=$m; fi
    done
done
ratio=$(awk -v a="${per[5000json]}" -v b="${per[1000json]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
echo "json time 5000/1000 cells: ${ratio}x (5.0x = linear; process start-up makes small sizes look dearer)"
ok=$(awk -v t="$final_t" -v m="$final_m" 'BEGIN { print (t < 0.5 && m < 102400) ? "met" : "MISSED" }')
echo "target (5,000 cells < 0.5 s and < 100 MB): $ok"
