#!/usr/bin/env bash
# bench/lang.sh [-r RUNS] [-w WARMUP] [FAULTBOX_BINARY]
#
# Times bench/lang/*.star (our programs: recursion, calls, loops, strings, dicts,
# comprehensions) on `faultbox eval`, go.starlark.net (built from Debian's packages by
# ../shared/bench/peers/starlark-go/build.sh beside the repository) and python3, all in one hyperfine run
# per program, checks that the three print the same result, and prints median
# milliseconds with the ratios faultbox/go and faultbox/python, then the peak RSS of one
# run of each (GNU time's %M) and the ratio faultbox/go (the issue's target: <= 1.5).
# FAULTBOX_BINARY defaults to .build/release/faultbox (build it with
# `swift build -c release --product faultbox`).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNS=5; WARMUP=1
while getopts "r:w:h" opt; do
  case $opt in
    r) RUNS=$OPTARG;; w) WARMUP=$OPTARG;;
    h) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) exit 2;;
  esac
done
shift $((OPTIND-1))
FAULTBOX="${1:-$HERE/../.build/release/faultbox}"
[[ -x "$FAULTBOX" ]] || { echo "no faultbox binary at $FAULTBOX (swift build -c release --product faultbox)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "need hyperfine: apt-get install -y hyperfine" >&2; exit 2; }
# The shared tree (peers, conformance) sits beside the repository: ../shared.
SHARED="${FAULTBOX_SHARED_DIR:-$(cd "$HERE/../.." && pwd)/shared}"
[[ -d "$SHARED/bench" ]] || { echo "no shared tree at $SHARED (set FAULTBOX_SHARED_DIR)" >&2; exit 2; }
PEER="${FAULTBOX_PEER_DIR:-/tmp/faultbox-peers}/starlark-peer"
[[ -x "$PEER" ]] || "$SHARED/bench/peers/starlark-go/build.sh" "$PEER" >&2
PY="$(python3 -c 'import sys; print(sys.executable)')"
OUT="$(mktemp -d)"
norm() { tr "'" '"'; }
command -v /usr/bin/time >/dev/null || { echo "need GNU time: apt-get install -y time" >&2; exit 2; }
peak_kb() { /usr/bin/time -o "$OUT/rss" -f %M "$@" >/dev/null 2>&1; tail -1 "$OUT/rss"; }
# parse1mb: a generated 1 MB file of small functions, one of them called: mostly the lexer,
# parser, resolver and compiler (the speed claim the syntax tests used to make, as a ratio).
{
  for i in $(seq 0 7199); do
    printf 'def f_%d(a, b = 2):\n    if a > b:\n        return [x * 2 for x in range(a) if x %% 3 == 0]\n    return {"k": a, "v": (b, a), "s": "text %d"}\n\n' "$i" "$i"
  done
  printf 'print(f_7199(9))\n'
} >"$OUT/parse1mb.star"
printf "%-16s %10s %10s %10s %9s %9s %8s %8s %8s\n" program faultbox_ms go_ms python_ms fb/go fb/py fb_MB go_MB rss/go
for f in "$HERE"/lang/*.star "$OUT/parse1mb.star"; do
  b=$(basename "$f" .star)
  a=$("$FAULTBOX" eval "$f" | norm); g=$("$PEER" -recursion "$f" | norm); p=$("$PY" "$f" | norm)
  if [[ "$a" != "$g" || "$a" != "$p" ]]; then
    echo "$b: outputs differ: faultbox=[$a] go=[$g] python=[$p]" >&2; exit 1
  fi
  hyperfine -N -r "$RUNS" -w "$WARMUP" --export-json "$OUT/$b.json" \
    -n faultbox "$FAULTBOX eval $f" -n go "$PEER -recursion $f" -n python "$PY $f" >/dev/null 2>&1
  fbkb=$(peak_kb "$FAULTBOX" eval "$f"); gokb=$(peak_kb "$PEER" -recursion "$f")
  python3 - "$OUT/$b.json" "$b" "$fbkb" "$gokb" <<'PY'
import json, sys
r = {x["command"]: x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
fb, go, py = r["faultbox"], r["go"], r["python"]
fbkb, gokb = int(sys.argv[3]), int(sys.argv[4])
print("%-16s %10.1f %10.1f %10.1f %9.2f %9.2f %8.1f %8.1f %8.2f" % (sys.argv[2], fb, go, py, fb / go, fb / py,
      fbkb / 1024, gokb / 1024, fbkb / gokb))
PY
done
