"""Times the injector workloads: bare, `faultbox run`, `strace -f --seccomp-bpf`, with the
three variants interleaved round by round (the machine is shared: interleaving keeps a
burst of load from landing on one variant only) and the best round kept."""
import subprocess
import sys
import time

faultbox, syscalls, httpload, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
STRACE = ["strace", "-f", "--seccomp-bpf", "-o", "/dev/null"]
N_UNTRAPPED, N_TRAPPED = 3_000_000, 20_000


def variants(fault, strace_filter, workload):
    return {
        "bare": workload,
        "faultbox": [faultbox, "run", "--fault", fault, "--"] + workload,
        "strace": STRACE + strace_filter + workload,
    }


def best(commands):
    result = {name: float("inf") for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            r = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elapsed = time.perf_counter() - start
            if r.returncode != 0:
                sys.exit(f"failed ({r.returncode}): {' '.join(command)}")
            result[name] = min(result[name], elapsed)
    return result


def per_call(fault, strace_filter, mode, n, extra=()):
    """Microseconds per call, process start-up (the same run with 0 iterations) removed."""
    full = best(variants(fault, strace_filter, [syscalls, mode, *extra, str(n)]))
    empty = best(variants(fault, strace_filter, [syscalls, mode, *extra, "0"]))
    return {k: (full[k] - empty[k]) / n * 1e6 for k in full}


connect_deny = ["-e", "trace=connect", "-e", "inject=connect:error=ECONNREFUSED"]
write_allow = ["-e", "trace=write", "-e", "inject=write:error=EIO:when=65535"]
rows = [
    ("untrapped getppid (us/call)", per_call("connect=ECONNREFUSED", connect_deny, "untrapped", N_UNTRAPPED)),
    ("trapped, allowed write (us/call)", per_call("write=EIO:path=/nonexistent/*", write_allow, "write", N_TRAPPED)),
    ("trapped, denied connect (us/call)", per_call("connect=ECONNREFUSED", connect_deny, "connect", N_TRAPPED)),
    ("4 threads x 5000 writes (s)", best(variants("write=EIO:path=/nonexistent/*", write_allow,
                                                    [syscalls, "threads", "4", str(N_TRAPPED // 4)]))),
]
if httpload:
    rows.append(("go http, 1000 requests (s)", best(variants(
        "connect=ECONNREFUSED:dest=127.0.0.1:1",
        ["-e", "trace=connect", "-e", "inject=connect:error=ECONNREFUSED:when=65535"],
        [httpload, "1000"]))))

print(f"best of {runs} interleaved rounds; per-call rows have start-up subtracted")
print(f"{'workload':36} {'bare':>10} {'faultbox':>10} {'strace':>10} {'fb/bare':>8} {'strace/fb':>9}")
for name, r in rows:
    print(f"{name:36} {r['bare']:10.4f} {r['faultbox']:10.4f} {r['strace']:10.4f} "
          f"{r['faultbox'] / r['bare']:8.2f} {r['strace'] / r['faultbox']:9.2f}")
print("targets: untrapped fb/bare <= 1.3; trapped strace/fb >= 1.5; go http fb/bare <= 1.5")
