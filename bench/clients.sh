#!/usr/bin/env bash
# Service calls from a spec against their peers, as ratios measured in one run
# (docs/clients.md, "Where the time went"):
#  1. 2,000 api.get(path="/health") from a spec (ms per call: the test's duration with 2,000
#     calls minus the same test with none, over 2,000) vs CPython's http.client on one
#     keep-alive connection to the same demo api (target ratio <= 1.0);
#  2. the first (cold: new connection) GET of a test, its duration_ms, vs curl's time_total
#     for one request on a new connection (target <= 1.5);
#  3. 2,000 db.main.send(data="PING") vs a raw Python socket round trip with its own
#     connection per call, as send makes one (target <= 1.5).
# The peers talk to the same demo services, started under the same injector.
# Usage: bench/clients.sh [RUNS] [BIN]   (BIN defaults to bin/: faultbox, mock-db, mock-api)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=$(realpath "${2:-$PWD/bin}")
n=2000
[ -x "$bin/faultbox" ] || { echo "bench/clients.sh: $bin/faultbox missing; run make build" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/faultbox-bench-clients.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ln -s "$bin" "$work/bin"
sed "s/@N@/$n/g" bench/clients/calls.star.in > "$work/calls.star"
sed "s/@N@/0/g" bench/clients/calls.star.in > "$work/none.star"
cp bench/clients/peers.py "$work/"
cd "$work"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# duration_ms of test $2 in JSON report $1
test_ms() { python3 -c 'import json,sys; print([t for t in json.load(open(sys.argv[1]))["tests"] if t["name"] == sys.argv[2]][0]["duration_ms"])' "$1" "$2"; }
first_ms() { python3 -c '
import json, sys
for t in json.load(open(sys.argv[1]))["tests"]:
    for o in t.get("output", []):
        for l in (o.get("stdout") or "").splitlines():
            if l.startswith("first_ms "): print(l.split()[1])' "$1" | head -1; }
run_spec() {
    if ! "$bin/faultbox" test "$1" --output "$2" >console.txt 2>&1; then
        echo "bench/clients.sh: $1 failed:" >&2; tail -20 console.txt >&2; exit 1
    fi
}
wait_port() { for _ in $(seq 200); do python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1)).close()" 2>/dev/null && return; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }

# Each run measures the spec, then the peers on the same services under the same injector
# (`faultbox run`, no faults): a traced service pays a tracer stop per new thread, and the
# demo services start a thread per connection, so untraced services would flatter the
# peers' new connections. The machine's load changes; each run's ratio is taken within it.
start_services() {
    PORT=5432 TMPDIR="$work" "$bin/faultbox" run -- "$bin/mock-db" >db.log 2>&1 & pids+=($!)
    wait_port 5432
    PORT=8080 DB_ADDR=localhost:5432 "$bin/faultbox" run -- "$bin/mock-api" >api.log 2>&1 & pids+=($!)
    wait_port 8080
}
stop_services() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    pids=()
    for _ in $(seq 100); do
        python3 -c "import socket; [socket.create_connection(('127.0.0.1',p)).close() for p in (5432,8080)]" 2>/dev/null || return 0
        sleep 0.05
    done
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
r_http=(); r_first=(); r_tcp=()
for i in $(seq 1 "$runs"); do
    run_spec calls.star c.json; run_spec none.star z.json
    sh=$(awk -v a="$(test_ms c.json test_http)" -v b="$(test_ms z.json test_http)" -v n=$n 'BEGIN { printf "%.4f", (a - b) / n }')
    st=$(awk -v a="$(test_ms c.json test_tcp)" -v b="$(test_ms z.json test_tcp)" -v n=$n 'BEGIN { printf "%.4f", (a - b) / n }')
    sf=$(first_ms z.json)
    start_services
    read -r ph pt pk < <(python3 peers.py $n)
    cf=$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' http://127.0.0.1:8080/health; done | awk '{ print $1 * 1000 }' | median)
    stop_services
    r_http+=("$(ratio "$sh" "$ph")"); r_first+=("$(ratio "$sf" "$cf")"); r_tcp+=("$(ratio "$st" "$pt")")
    printf 'run %d: GET spec %.3f / http.client %.3f ms; first GET spec %.3f / curl %.3f ms; TCP send spec %.3f / socket %.3f ms (kept socket %.3f)\n' \
        "$i" "$sh" "$ph" "$sf" "$cf" "$st" "$pt" "$pk"
done
m() { printf '%s\n' "$@" | median; }
echo "GET /health on a kept connection, spec / http.client: median ratio $(m "${r_http[@]}") (target <= 1.0)"
echo "first GET (new connection), spec / curl: median ratio $(m "${r_first[@]}") (target <= 1.5)"
echo "TCP send (connection per call), spec / Python socket: median ratio $(m "${r_tcp[@]}") (target <= 1.5)"
