#!/usr/bin/env bash
# Injector benchmarks: bare vs `faultbox run` vs `strace -f --seccomp-bpf` on the same
# workloads, one run, ratios printed (medians of RUNS interleaved rounds, default 9), then
# the round trip of one trapped call per mechanism (ptrace, seccomp user notification).
# Targets (docs/injector.md):
#   notify backend: trapped calls (denied, allowed) at least 4x cheaper than strace; Go
#   HTTP server with a connect rule within 1.2x of bare; untrapped calls at the seccomp floor;
#   16 threads under a delay rule overlap. Each row also shows the ptrace backend.
# FAULTBOX=/path/to/faultbox uses that binary; otherwise a release build is made.
# FAULTBOX_BASELINE=/path/to/an/older/faultbox adds its notify backend to the same rounds.
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
cc -O2 -o "$work/roundtrip" "$here/injector/roundtrip.c"
have_go=0
if command -v go >/dev/null; then
  (cd "$work" && cp "$here/injector/httpload.go" . && CGO_ENABLED=0 GOCACHE="${GOCACHE:-/tmp/faultbox-gocache}" \
     go build -o httpload httpload.go) && have_go=1
fi
command -v strace >/dev/null || { echo "strace is missing (make deps installs it)"; exit 1; }
python3 "$here/injector/measure.py" "$FAULTBOX" "$work/syscalls" "$([ "$have_go" = 1 ] && echo "$work/httpload")" "${RUNS:-9}" "$work/roundtrip"
