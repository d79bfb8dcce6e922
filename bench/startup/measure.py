"""Start-up to listening: spawn, then connect every 0.2 ms until the port accepts; the
median of RUNS starts per program, each program's starts interleaved with the others' so
a change of load hits all of them alike. argv: RUNS NAME=COMMAND..."""
import os, socket, statistics, subprocess, sys, time

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def start_ms(command):
    port = free_port()
    env = dict(os.environ, PORT=str(port))
    began = time.monotonic()
    p = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return (time.monotonic() - began) * 1000
            except OSError:
                if p.poll() is not None:
                    sys.exit(f"bench/startup.sh: {command[0]} exited {p.returncode} before listening")
                if time.monotonic() - began > 10:
                    sys.exit(f"bench/startup.sh: {command[0]} not listening after 10 s")
                time.sleep(0.0002)
    finally:
        p.terminate()
        p.wait()

runs = int(sys.argv[1])
programs = [arg.split("=", 1) for arg in sys.argv[2:]]
times = {name: [] for name, _ in programs}
for _ in range(runs):
    for name, command in programs:
        times[name].append(start_ms(command.split()))
for name, _ in programs:
    print(name, "%.2f" % statistics.median(times[name]))
