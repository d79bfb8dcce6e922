"""Times the injector workloads: bare, `faultbox run` with each backend (notify, ptrace),
`strace -f --seccomp-bpf`, with the variants interleaved round by round (the machine is shared: interleaving keeps a
burst of load from landing on one variant only). Each cell is the median of the rounds
(medians, not minima: a lucky round says little about what a user sees)."""
import os
import statistics
import subprocess
import sys
import time

faultbox, syscalls, httpload, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
roundtrip = sys.argv[5] if len(sys.argv) > 5 else ""
STRACE = ["strace", "-f", "--seccomp-bpf", "-o", "/dev/null"]
N_UNTRAPPED, N_TRAPPED = 3_000_000, 20_000


COLUMNS = ("bare", "notify", "ptrace", "strace")
# FAULTBOX_BASELINE=/path/to/an/older/faultbox: its notify backend runs in the same rounds
# (a before/after comparison that shares the machine's load with the other columns).
baseline = os.environ.get("FAULTBOX_BASELINE", "")


def variants(fault, strace_filter, workload):
    commands = {
        "bare": workload,
        "notify": [faultbox, "run", "--injector", "notify", "--fault", fault, "--"] + workload,
        "ptrace": [faultbox, "run", "--injector", "ptrace", "--fault", fault, "--"] + workload,
        "strace": STRACE + strace_filter + workload,
    }
    if baseline:
        commands["baseline"] = [baseline, "run", "--injector", "notify", "--fault", fault, "--"] + workload
    return commands


def median_times(commands):
    times = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            r = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elapsed = time.perf_counter() - start
            if r.returncode != 0:
                sys.exit(f"failed ({r.returncode}): {' '.join(command)}")
            times[name].append(elapsed)
    return {name: statistics.median(t) for name, t in times.items()}


def per_call(fault, strace_filter, mode, n, extra=()):
    """Microseconds per call, process start-up (the same run with 0 iterations) removed."""
    full = median_times(variants(fault, strace_filter, [syscalls, mode, *extra, str(n)]))
    empty = median_times(variants(fault, strace_filter, [syscalls, mode, *extra, "0"]))
    return {k: (full[k] - empty[k]) / n * 1e6 for k in full}


connect_deny = ["-e", "trace=connect", "-e", "inject=connect:error=ECONNREFUSED"]
write_allow = ["-e", "trace=write", "-e", "inject=write:error=EIO:when=65535"]
# Start-up of each tool (nothing traced runs): `faultbox run` loads the Swift runtime and
# Foundation; the runner pays this once per test run, not per service.
startup = median_times(variants("connect=ECONNREFUSED", connect_deny, ["/bin/true"]))
rows = [
    ("start-up, /bin/true (s)", startup),
    ("untrapped getppid (us/call)", per_call("connect=ECONNREFUSED", connect_deny, "untrapped", N_UNTRAPPED)),
    ("trapped, allowed write (us/call)", per_call("write=EIO:path=/nonexistent/*", write_allow, "write", N_TRAPPED)),
    ("trapped, denied connect (us/call)", per_call("connect=ECONNREFUSED", connect_deny, "connect", N_TRAPPED)),
    ("4 threads x 5000 writes (s)", median_times(variants("write=EIO:path=/nonexistent/*", write_allow,
                                                            [syscalls, "threads", "4", str(N_TRAPPED // 4)]))),
]
if httpload:
    go = median_times(variants(
        "connect=ECONNREFUSED:dest=127.0.0.1:1",
        ["-e", "trace=connect", "-e", "inject=connect:error=ECONNREFUSED:when=65535"],
        [httpload, "1000"]))
    rows.append(("go http, 1000 requests (s)", go))
    rows.append(("  same, tool start-up removed (s)", {k: go[k] - startup[k] + startup["bare"] for k in go}))

# The seccomp floor: the same getppid loop under a 1-instruction allow-all filter.
floor_full = median_times({"floor": [syscalls, "floor", str(N_UNTRAPPED)]})["floor"]
floor_empty = median_times({"floor": [syscalls, "floor", "0"]})["floor"]
floor = (floor_full - floor_empty) / N_UNTRAPPED * 1e6
# 16 threads x 20 writes, each held 5 ms: overlapping holds take ~20 x 5 ms of wall time,
# serialised ones 16 x 20 x 5 ms = 1.6 s.
DELAY_MS, PER_THREAD = 5, 20
held = median_times({k: v for k, v in variants(f"write=delay:{DELAY_MS}ms:path=/dev/null", write_allow,
                                                [syscalls, "threads", "16", str(PER_THREAD)]).items()
                     if k in ("notify", "ptrace")})

print(f"median of {runs} interleaved rounds; per-call rows have start-up subtracted")
print(f"{'workload':36} " + " ".join(f"{c:>9}" for c in COLUMNS)
      + f" {'nt/bare':>8} {'pt/bare':>8} {'st/nt':>7} {'st/pt':>7}")
for name, r in rows:
    print(f"{name:36} " + " ".join(f"{r[c]:9.4f}" for c in COLUMNS)
          + f" {r['notify'] / r['bare']:8.2f} {r['ptrace'] / r['bare']:8.2f}"
          f" {r['strace'] / r['notify']:7.2f} {r['strace'] / r['ptrace']:7.2f}")
if baseline:
    print(f"baseline notify ({baseline}), same rounds:")
    for name, r in rows:
        print(f"  {name:34} {r['baseline']:9.4f}  base/bare {r['baseline'] / r['bare']:5.2f}  st/base {r['strace'] / r['baseline']:5.2f}"
              f"  (this build: nt/bare {r['notify'] / r['bare']:5.2f}, st/nt {r['strace'] / r['notify']:5.2f})")
print(f"{'untrapped getppid, allow-all floor':36} {floor:9.4f}   (1-instruction RET_ALLOW filter; "
      f"floor/bare {floor / rows[1][1]['bare']:.2f})")
print(f"16 threads x {PER_THREAD} writes held {DELAY_MS} ms: notify {held['notify']:.3f} s, ptrace {held['ptrace']:.3f} s "
      f"(one thread's chain {PER_THREAD * DELAY_MS / 1000:.2f} s, serialised {16 * PER_THREAD * DELAY_MS / 1000:.2f} s)")
print("targets: untrapped no worse than before (floor beside it); trapped st/nt >= 4; go http nt/bare <= 1.2")

if roundtrip:
    # The mechanism's floor, without faultbox: one trapped getppid allowed by a minimal
    # supervisor, per mechanism. Shows what a user-notification tracer would gain.
    print(f"\nround trip of one trapped call (us/call, median of {runs}; bench/injector/roundtrip.c)")
    for mode in ("ptrace", "notif", "notif-sync"):
        samples = []
        for _ in range(runs):
            r = subprocess.run([roundtrip, mode, "20000"], capture_output=True, text=True)
            if r.returncode != 0:
                samples = None
                print(f"  {mode:11} unavailable here: {r.stderr.strip().splitlines()[-1:]}")
                break
            samples.append(float(r.stderr.split()[1]))
        if samples:
            print(f"  {mode:11} {statistics.median(samples):8.2f}   (min {min(samples):.2f}, max {max(samples):.2f})")
