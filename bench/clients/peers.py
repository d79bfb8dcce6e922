# The peers of bench/clients.sh, against the same demo services: CPython's http.client on
# one keep-alive connection, and a raw socket round trip (connect, one line, reply, close,
# as faultbox's TCP send does; also on one kept connection, for reference).
import http.client, socket, sys, time

n = int(sys.argv[1])
c = http.client.HTTPConnection("127.0.0.1", 8080)
c.request("GET", "/health"); c.getresponse().read()
t = time.perf_counter()
for _ in range(n):
    c.request("GET", "/health")
    r = c.getresponse(); r.read()
    assert r.status == 200
http_ms = (time.perf_counter() - t) / n * 1000

def line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk: break
        buf += chunk
    return buf

t = time.perf_counter()
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", 5432))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(b"PING\n"); line(s); s.close()
tcp_ms = (time.perf_counter() - t) / n * 1000

s = socket.create_connection(("127.0.0.1", 5432))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
t = time.perf_counter()
for _ in range(n):
    s.sendall(b"PING\n"); line(s)
kept_ms = (time.perf_counter() - t) / n * 1000
print("%.4f %.4f %.4f" % (http_ms, tcp_ms, kept_ms))
