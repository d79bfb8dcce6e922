#if canImport(Glibc)
import Glibc
#endif

/// One healthcheck attempt over a raw loopback socket: a TCP connect, and for HTTP a
/// `GET path HTTP/1.0` whose status line is read. The supervisor polls this every few
/// milliseconds while a service starts, so it stays as cheap as a probe can be (no
/// session, no pooling, no threads); the scenario's requests use ServiceClients.
enum HealthProbe {
    /// True when a TCP connection to host:port succeeds within `timeout`.
    static func tcp(host: String, port: Int, timeout: Duration) -> Bool {
        guard let fd = connect(host: host, port: port, timeout: timeout) else { return false }
        close(fd)
        return true
    }

    /// The HTTP status of `GET path`, or nil when the service does not answer in time.
    static func http(host: String, port: Int, path: String, timeout: Duration) -> Int? {
        guard let fd = connect(host: host, port: port, timeout: timeout) else { return nil }
        defer { close(fd) }
        let request = "GET \(path.isEmpty ? "/" : path) HTTP/1.0\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n"
        var bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeMutableBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return nil }
            sent += n
        }
        // Read until the status line is complete: "HTTP/1.x NNN ...".
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !reply.contains(10), reply.count < 4096 {
            guard waitReadable(fd, timeout: timeout) else { return nil }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            reply.append(contentsOf: buffer[0..<n])
        }
        let line = String(decoding: reply.prefix { $0 != 10 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return nil }
        return Int(parts[1])
    }

    /// A connected socket to host:port, IPv4 loopback for "localhost" and dotted quads,
    /// IPv6 for "::1"; nil on refusal or timeout.
    private static func connect(host: String, port: Int, timeout: Duration) -> Int32? {
        guard (1...65535).contains(port) else { return nil }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let name = host == "localhost" ? "127.0.0.1" : host
        guard getaddrinfo(name, String(port), &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let ai = entry {
            if let fd = attempt(ai.pointee, timeout: timeout) { return fd }
            entry = ai.pointee.ai_next
        }
        return nil
    }

    private static func attempt(_ ai: addrinfo, timeout: Duration) -> Int32? {
        let fd = socket(ai.ai_family, ai.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), ai.ai_protocol)
        if fd < 0 { return nil }
        if Glibc.connect(fd, ai.ai_addr, ai.ai_addrlen) == 0 { return fd }
        guard errno == EINPROGRESS else { close(fd); return nil }
        var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&pfd, 1, pollMillis(timeout)) == 1 else { close(fd); return nil }
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
        if err != 0 { close(fd); return nil }
        return fd
    }

    private static func waitReadable(_ fd: Int32, timeout: Duration) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, pollMillis(timeout)) == 1
    }

    private static func pollMillis(_ d: Duration) -> Int32 {
        Int32(clamping: max(1, min(d.milliseconds, 60_000)))
    }
}
