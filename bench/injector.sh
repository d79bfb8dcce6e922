#!/usr/bin/env bash
# Injector benchmarks: bare vs `faultbox run` vs `strace -f --seccomp-bpf` on the same
# workloads, one run, ratios printed. Targets (docs/injector.md):
#   untrapped syscalls within 1.3x of bare per call; trapped calls at least 1.5x cheaper
#   than strace; Go HTTP server with a connect rule within 1.5x of bare wall time.
# FAULTBOX=/path/to/faultbox uses that binary; otherwise a release build is made.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$(mktemp -d /tmp/faultbox-bench-inj.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if [ -z "${FAULTBOX:-}" ]; then
  (cd "$root" && swift build -c release --product faultbox >/dev/null)
  FAULTBOX="$(cd "$root" && swift build -c release --show-bin-path)/faultbox"
fi
cc -O2 -pthread -o "$work/syscalls" "$here/injector/syscalls.c"
have_go=0
if command -v go >/dev/null; then
  (cd "$work" && cp "$here/injector/httpload.go" . && CGO_ENABLED=0 GOCACHE="${GOCACHE:-/tmp/faultbox-gocache}" \
     go build -o httpload httpload.go) && have_go=1
fi
have_strace=0; command -v strace >/dev/null && have_strace=1

RUNS="${RUNS:-5}"
# best-of-$RUNS wall time in seconds of the given command
best() {
  python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
best = None
for _ in range(runs):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    d = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"command failed ({r.returncode}): {' '.join(cmd)}")
    best = d if best is None else min(best, d)
print(f"{best:.6f}")
PY
}
# per-call cost in microseconds: (t(N) - t(0)) / N removes process start-up
percall() { python3 -c "import sys; print(f'{(float(sys.argv[1]) - float(sys.argv[2])) / int(sys.argv[3]) * 1e6:.3f}')" "$@"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$@"; }

FB="$FAULTBOX run"
ST="strace -f --seccomp-bpf -o /dev/null"
N_UNTRAPPED=3000000
N_TRAPPED=20000
# 1. untrapped syscall (getppid) with connect trapped: per-call cost
b0=$(best "$work/syscalls" untrapped 0); b1=$(best "$work/syscalls" untrapped $N_UNTRAPPED)
f0=$(best $FB --fault connect=ECONNREFUSED -- "$work/syscalls" untrapped 0)
f1=$(best $FB --fault connect=ECONNREFUSED -- "$work/syscalls" untrapped $N_UNTRAPPED)
s0=$(best $ST -e trace=connect -e inject=connect:error=ECONNREFUSED "$work/syscalls" untrapped 0)
s1=$(best $ST -e trace=connect -e inject=connect:error=ECONNREFUSED "$work/syscalls" untrapped $N_UNTRAPPED)
ub=$(percall $b1 $b0 $N_UNTRAPPED); uf=$(percall $f1 $f0 $N_UNTRAPPED); us=$(percall $s1 $s0 $N_UNTRAPPED)

# 2. trapped-and-allowed write (the rule's path condition does not match)
b1=$(best "$work/syscalls" write $N_TRAPPED)
b0=$(best "$work/syscalls" write 0)
f1=$(best $FB --fault 'write=EIO:path=/nonexistent/*' -- "$work/syscalls" write $N_TRAPPED)
s1=$(best $ST -e trace=write -e inject=write:error=EIO:when=65535 "$work/syscalls" write $N_TRAPPED)
wb=$(percall $b1 $b0 $N_TRAPPED); wf=$(percall $f1 $f0 $N_TRAPPED); ws=$(percall $s1 $s0 $N_TRAPPED)

# 3. trapped-and-denied connect
b1=$(best "$work/syscalls" connect $N_TRAPPED)
f1=$(best $FB --fault connect=ECONNREFUSED -- "$work/syscalls" connect $N_TRAPPED)
s1=$(best $ST -e trace=connect -e inject=connect:error=ECONNREFUSED "$work/syscalls" connect $N_TRAPPED)
cb=$(percall $b1 $b0 $N_TRAPPED); cf=$(percall $f1 $f0 $N_TRAPPED); cs=$(percall $s1 $s0 $N_TRAPPED)

# 4. multi-threaded writer: 4 threads, trapped-and-allowed writes
tb=$(best "$work/syscalls" threads 4 $((N_TRAPPED / 4)))
tf=$(best $FB --fault 'write=EIO:path=/nonexistent/*' -- "$work/syscalls" threads 4 $((N_TRAPPED / 4)))
ts=$(best $ST -e trace=write -e inject=write:error=EIO:when=65535 "$work/syscalls" threads 4 $((N_TRAPPED / 4)))

echo "per-call microseconds (start-up subtracted); wall seconds for threads and go-http"
printf "%-36s %10s %10s %10s %9s %10s\n" workload bare faultbox strace fb/bare strace/fb
line() { printf "%-36s %10s %10s %10s %9s %10s\n" "$1" "$2" "$3" "$4" "$(ratio "$3" "$2")" "$(ratio "$4" "$3")"; }
line "untrapped getppid (us/call)" "$ub" "$uf" "$us"
line "trapped, allowed write (us/call)" "$wb" "$wf" "$ws"
line "trapped, denied connect (us/call)" "$cb" "$cf" "$cs"
line "4 threads x $((N_TRAPPED / 4)) writes (s)" "$tb" "$tf" "$ts"

# 5. Go HTTP server + client, fresh connection per request, under a connect rule
if [ "$have_go" = 1 ]; then
  gb=$(best "$work/httpload" 500)
  gf=$(best $FB --fault connect=ECONNREFUSED:dest=127.0.0.1:1 -- "$work/httpload" 500)
  gs=$(best $ST -e trace=connect -e inject=connect:error=ECONNREFUSED:when=65535 "$work/httpload" 500)
  line "go http, 500 requests (s)" "$gb" "$gf" "$gs"
else
  echo "go http: skipped (no go; make deps installs golang-go)"
fi
