// Plain-socket helpers for the TCP client and the probes: resolution, connect with a timeout,
// deadline-bounded send/receive. Glibc only, every call checked, no traps on bad input.
import Glibc

/// Monotonic time in milliseconds.
func monotonicMs() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
}

func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}

/// Milliseconds in a Duration, clamped to [0, one day] so that user-given timeouts cannot
/// overflow the arithmetic below.
func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    let ms = Double(seconds) * 1000 + Double(attoseconds) / 1e15
    return min(max(ms, 0), 86_400_000)
}

struct ResolvedAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0
    var family: Int32 = 0
}

/// getaddrinfo for a stream socket; the error names the host.
func resolve(host: String, port: Int) -> Result<[ResolvedAddress], ClientFailure> {
    guard (1...65535).contains(port) else { return .failure(ClientFailure("port \(port) is out of range 1-65535")) }
    guard !host.isEmpty, !host.utf8.contains(0) else { return .failure(ClientFailure("empty or invalid host name")) }
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let rc = getaddrinfo(host, String(port), &hints, &list)
    guard rc == 0 else {
        let text = gai_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
        return .failure(ClientFailure("cannot resolve '\(host)': \(text)", unresolved: true))
    }
    defer { freeaddrinfo(list) }
    var found: [ResolvedAddress] = []
    var cursor = list
    while let entry = cursor {
        var item = ResolvedAddress()
        item.family = entry.pointee.ai_family
        item.length = entry.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &item.storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: entry.pointee.ai_addr, count: Int(entry.pointee.ai_addrlen)))
        }
        found.append(item)
        cursor = entry.pointee.ai_next
    }
    return found.isEmpty ? .failure(ClientFailure("'\(host)' resolved to no address")) : .success(found)
}

/// Waits for `events` on `fd` until the deadline; false on timeout.
func waitReady(_ fd: Int32, events: Int16, deadlineMs: Double) -> Bool {
    while true {
        let remaining = deadlineMs - monotonicMs()
        if remaining <= 0 { return false }
        var entry = pollfd(fd: fd, events: events, revents: 0)
        let rc = poll(&entry, 1, Int32(min(remaining.rounded(.up), 3_600_000)))
        if rc > 0 { return true }
        if rc == 0 { return false }
        if errno != EINTR { return true }
    }
}

/// Connects to the first address of host:port that accepts before the deadline.
/// The socket is left non-blocking.
func connectTCP(host: String, port: Int, deadlineMs: Double) -> Result<Int32, ClientFailure> {
    let addresses: [ResolvedAddress]
    switch resolve(host: host, port: port) {
    case .success(let list): addresses = list
    case .failure(let failure): return .failure(failure)
    }
    var lastError = EADDRNOTAVAIL
    for address in addresses {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        if fd < 0 { lastError = errno; continue }
        var target = address
        let rc = withUnsafePointer(to: &target.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        if rc == 0 { return .success(fd) }
        var code = errno
        if code == EINPROGRESS {
            if waitReady(fd, events: Int16(POLLOUT), deadlineMs: deadlineMs) {
                var soError: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &size)
                if soError == 0 { return .success(fd) }
                code = soError
            } else {
                code = ETIMEDOUT
            }
        }
        close(fd)
        lastError = code
        if code == ETIMEDOUT { break }
    }
    return .failure(ClientFailure("connect \(host):\(port): \(errnoText(lastError))", errno: lastError))
}

/// What went wrong, for people (`message`) and for callers that word it their own way
/// (`errno` of a failed connect, `unresolved` when the name did not resolve).
struct ClientFailure: Error {
    let message: String
    var errno: Int32?
    var unresolved = false
    init(_ message: String, errno: Int32? = nil, unresolved: Bool = false) {
        self.message = message
        self.errno = errno
        self.unresolved = unresolved
    }
}
