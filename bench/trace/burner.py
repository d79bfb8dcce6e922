# A service for bench/trace.sh: answers "BURN N" on TCP by making N getppid() calls (one
# traced syscall each when the spec traces getppid), then "DONE".
import os, socket, sys

port = int(sys.argv[1])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(8)
while True:
    c, _ = s.accept()
    f = c.makefile("rb")
    for line in f:
        parts = line.split()
        if parts and parts[0] == b"BURN":
            for _ in range(int(parts[1])):
                os.getppid()
        c.sendall(b"DONE\n")
    c.close()
