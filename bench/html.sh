#!/usr/bin/env bash
# The HTML report of a real 1,000-cell run (25 scenarios x 40 faults on the demo services),
# loaded in headless Chromium: time from navigation start until the grid is drawn
# (performance.now() in the page, after the script has unpacked the gzipped JSON) and the
# file's size (and the size it would have with the JSON embedded unpacked), against a peer
# measured in the same run: the same cells pre-rendered as static markup with every cell's
# details panel (the design the report avoids). Target (issue 11): under a second for
# 1,000 cells.
# Usage: bench/html.sh [LOADS]   (uses bin/faultbox, the demo services, .build/html-venv)
set -euo pipefail
cd "$(dirname "$0")/.."
loads=${1:-5}
bin="$PWD/bin"
python=${FAULTBOX_SELENIUM_PYTHON:-$PWD/.build/html-venv/bin/python}
[ -x "$bin/faultbox" ] || { echo "bench/html.sh: $bin/faultbox missing; run make build" >&2; exit 1; }
[ -x "$python" ] && [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
    { echo "bench/html.sh: needs $python (selenium), /usr/bin/chromium, /usr/bin/chromedriver; run make deps" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/faultbox-bench-html.XXXXXX")
trap 'rm -rf "$work"' EXIT
ln -s "$bin" "$work/bin"
{
    sed -n '/^BIN/,/^def order_flow/p' bench/cells/matrix20.star | sed '$d'   # the two services
    # Half of the scenarios assert, so the faults that break the api fail their cells.
    scenarios=""
    for i in $(seq -w 1 25); do
        if [ $((10#$i % 2)) = 0 ]; then
            printf 'def flow_%s():\n    api.post(path="/data/k%s", body="v")\n    r = api.get(path="/data/k%s")\n    assert_eq(r.status, 200)\n    return r\n' "$i" "$i" "$i"
        else
            printf 'def flow_%s():\n    return api.get(path="/health")\n' "$i"
        fi
        scenarios="$scenarios flow_$i,"
    done
    faults=""
    for i in $(seq -w 1 8); do
        printf 'down_%s = fault_assumption("down_%s", target = api, connect = deny("ECONNREFUSED"))\n' "$i" "$i"
        printf 'reset_%s = fault_assumption("reset_%s", target = api, read = deny("ECONNRESET"))\n' "$i" "$i"
        printf 'eio_%s = fault_assumption("eio_%s", target = db, write = deny("EIO"))\n' "$i" "$i"
        printf 'full_%s = fault_assumption("full_%s", target = db, write = deny("ENOSPC"))\n' "$i" "$i"
        printf 'fsync_%s = fault_assumption("fsync_%s", target = db, fsync = deny("EIO"))\n' "$i" "$i"
        faults="$faults down_$i, reset_$i, eio_$i, full_$i, fsync_$i,"
    done
    printf 'fault_matrix(scenarios = [%s], faults = [%s])\n' "$scenarios" "$faults"
} >"$work/matrix1000.star"
cd "$work"
start=$(date +%s%N)
status=0
"$bin/faultbox" test matrix1000.star --jobs auto --html report.html --output report.json >console.txt 2>&1 || status=$?
end=$(date +%s%N)
if [ "$status" -gt 2 ] || ! grep -q "^Result: " console.txt; then
    echo "bench/html.sh: the 1,000-cell run failed (exit $status):" >&2; tail -20 console.txt >&2; exit 1
fi
echo "html: the 1,000-cell run took $(( (end - start) / 1000000 )) ms (--jobs auto); $(grep '^Result: ' console.txt)"
cd - >/dev/null
"$python" bench/html/measure.py "$work/report.html" "$work/report.json" "$loads"
