#!/usr/bin/env bash
# `make bench`: every benchmark of the project, each comparing faultbox with its peers in
# the same run and printing ratios (never pass/fail on absolute times).
#   lang.sh      the Starlark VM vs go.starlark.net and CPython
#   plan.sh      `faultbox compile` time and memory for 1,000 .. 5,000 cells
#   injector.sh  bare vs `faultbox run` vs strace --seccomp-bpf
#   cells.sh     milliseconds per matrix cell on the demo services
#   leaks.sh     faultbox's fds, threads and RSS after cell 50 and cell 500 of one run
#   trace.sh     the event trace: traced / untraced requests, query cost, bytes per event
#   clients.sh   service calls from a spec vs http.client, curl and a raw socket
#   startup.sh   demo services' start-up to listening vs a C and a Python listener
#   html.sh      the HTML report of a 1,000-cell run in Chromium vs the same cells pre-rendered
set -uo pipefail
cd "$(dirname "$0")/.."
export FAULTBOX="$PWD/bin/faultbox"
status=0
for b in lang plan injector cells leaks trace clients startup html; do
    echo "== bench/$b.sh"
    if [ "$b" = lang ]; then bash bench/lang.sh "$FAULTBOX" || status=1
    else bash "bench/$b.sh" || status=1; fi
    echo
done
exit $status
