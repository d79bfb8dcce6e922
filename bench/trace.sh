#!/usr/bin/env bash
# The event trace's costs, as ratios and per-call figures measured in one run:
#  1. 1,000 requests through the demo api and db with the db's write calls traced, against
#     the same requests untraced (wall time of the test, from the JSON report);
#  2. assert_eventually + events() + assert_never over a trace of 100,000 events (1% of them
#     denied, the filters select those): ms per round, timed by the trace's own clock;
#  3. faultbox's peak RSS with 90,000 traced events against none: bytes per stored event
#     (below the 100,000 events a test keeps before its trace is thinned, docs/trace.md).
# Usage: bench/trace.sh [RUNS]   (uses bin/faultbox, bin/mock-db, bin/mock-api, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
bin="$PWD/bin"
[ -x "$bin/faultbox" ] || { echo "bench/trace.sh: $bin/faultbox missing; run make build" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/faultbox-bench-trace.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp bench/trace/burner.py "$work/"
ln -s "$bin" "$work/bin"
cd "$work"

# The test's duration_ms from a JSON report.
test_ms() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tests"][0]["duration_ms"])' "$1"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
run_spec() { # spec out.json
    if ! "$bin/faultbox" test "$1" --output "$2" >console.txt 2>&1; then
        echo "bench/trace.sh: $1 failed:" >&2; tail -20 console.txt >&2; exit 1
    fi
}

sed 's/@TRACED@/True/' "$OLDPWD/bench/trace/requests.star.in" > traced.star
sed 's/@TRACED@/False/' "$OLDPWD/bench/trace/requests.star.in" > untraced.star
ratios=()
for i in $(seq 1 "$runs"); do
    run_spec untraced.star u.json; u=$(test_ms u.json)
    run_spec traced.star t.json; t=$(test_ms t.json)
    r=$(awk -v a="$t" -v b="$u" 'BEGIN { printf "%.2f", a / b }')
    ratios+=("$r")
    echo "requests run $i: traced ${t} ms, untraced ${u} ms, ratio $r"
done
echo "1,000 requests with db writes traced / untraced: median ratio $(printf '%s\n' "${ratios[@]}" | median)"

make_q() { sed "s/@EVENTS@/$1/; s/@QUERIES@/$2/" "$OLDPWD/bench/trace/queries.star.in" > "$3"; }
make_q 100000 100 q100.star
# Milliseconds between the answer to the first send and the second send (the marker),
# from the trace's own clock: the queries alone, whatever the burn itself cost.
query_ms() { python3 - "$1" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))["tests"][0]["events"]
recv = [e["time_ns"] for e in events if e["event_type"] == "step_recv.burner"]
send = [e["time_ns"] for e in events if e["event_type"] == "step_send.burner"]
print("%.3f" % ((send[1] - recv[0]) / 1e6 / 100))
PY
}
per=()
for i in $(seq 1 "$runs"); do
    run_spec q100.star q100.json
    p=$(query_ms q100.json)
    per+=("$p")
    echo "queries run $i: 100,000 events, 100 rounds: ${p} ms per round of three queries"
done
echo "assert_eventually + events() + assert_never over 100,000 events: median $(printf '%s\n' "${per[@]}" | median) ms per round (target well under 20 ms a call)"

make_q 0 0 m0.star
make_q 90000 0 m1.star
rss() { /usr/bin/time -f '%M' "$bin/faultbox" test "$1" 2>&1 >/dev/null | tail -1; }
r0=$(rss m0.star); r1=$(rss m1.star)
bytes=$(awk -v a="$r0" -v b="$r1" 'BEGIN { printf "%.0f", (b - a) * 1024 / 90000 }')
echo "peak RSS: no events ${r0} KB, 90,000 events ${r1} KB: ${bytes} bytes per stored event (whole process; target < 200)"
