// The api's connection to mock-db: a NEW connection per request (so a connect fault is seen by
// every request), a 2 s connect timeout and a 5 s deadline for the whole exchange. It speaks
// with connect()/write()/read() so that network faults injected on the api reach this path.
import DemoNet
import Glibc

/// Monotonic milliseconds.
func nowMs() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
}

/// One resolved address of the db.
struct SocketAddress: @unchecked Sendable {
    var storage = sockaddr_storage()
    var length: socklen_t = 0
    var family: Int32 = 0
}

struct DBClient: Sendable {
    let display: String
    let addresses: [SocketAddress]
    let connectTimeoutMs: Double = 2000
    let deadlineMs: Double = 5000

    /// Parses `host:port` or `[v6]:port` and resolves it once, at start-up: name resolution
    /// reads /etc/hosts, and a per-request read there would swallow the read faults meant for
    /// the db socket.
    static func resolve(_ address: String) -> Result<DBClient, DBFailure> {
        var host: Substring, port: Substring
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            host = address[address.index(after: address.startIndex)..<close]
            let rest = address[address.index(after: close)...]
            guard rest.hasPrefix(":") else { return .failure(DBFailure("DB_ADDR '\(address)' must look like host:port")) }
            port = rest.dropFirst()
        } else {
            guard let colon = address.lastIndex(of: ":") else {
                return .failure(DBFailure("DB_ADDR '\(address)' must look like host:port (e.g. localhost:5432)"))
            }
            host = address[..<colon]
            port = address[address.index(after: colon)...]
        }
        guard let number = Int(port), (1...65535).contains(number) else {
            return .failure(DBFailure("DB_ADDR '\(address)': port must be 1-65535"))
        }
        if host.isEmpty { host = "localhost" }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(String(host), String(number), &hints, &list)
        guard rc == 0 else {
            let text = gai_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
            return .failure(DBFailure("DB_ADDR '\(address)': cannot resolve '\(host)': \(text)"))
        }
        defer { freeaddrinfo(list) }
        var found: [SocketAddress] = []
        var cursor = list
        while let entry = cursor {
            var item = SocketAddress()
            item.family = entry.pointee.ai_family
            item.length = entry.pointee.ai_addrlen
            withUnsafeMutableBytes(of: &item.storage) { dst in
                dst.copyMemory(from: UnsafeRawBufferPointer(start: entry.pointee.ai_addr,
                                                            count: Int(entry.pointee.ai_addrlen)))
            }
            found.append(item)
            cursor = entry.pointee.ai_next
        }
        return .success(DBClient(display: address, addresses: found))
    }

    /// Sends one command line and returns the reply line (without "\n").
    func exchange(_ command: String) -> Result<String, DBFailure> {
        let started = nowMs()
        let fd: Int32
        switch connectAny(started: started) {
        case .success(let connected): fd = connected
        case .failure(let failure): return .failure(failure)
        }
        defer { close(fd) }
        var line = Array(command.utf8)
        line.append(10)
        let sent = line.withUnsafeBytes { raw -> Int32 in
            var offset = 0
            while offset < raw.count {
                guard waitFor(fd, events: Int16(POLLOUT), untilMs: started + deadlineMs) else { return ETIMEDOUT }
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n } else if n < 0 && (errno == EINTR || errno == EAGAIN) { continue } else {
                    return n == 0 ? EPIPE : errno
                }
            }
            return 0
        }
        if sent == ETIMEDOUT { return .failure(DBFailure("\(Int(deadlineMs)) ms deadline passed before the command reached \(display)")) }
        if sent != 0 { return .failure(DBFailure("write to \(display): \(errnoText(sent))")) }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let nl = reply.firstIndex(of: 10) {
                var end = nl
                if end > 0 && reply[end - 1] == 13 { end -= 1 }
                return .success(String(decoding: reply[..<end], as: UTF8.self))
            }
            guard waitFor(fd, events: Int16(POLLIN), untilMs: started + deadlineMs) else {
                return .failure(DBFailure("no reply from \(display) within \(Int(deadlineMs)) ms"))
            }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n > 0 {
                reply.append(contentsOf: chunk[0..<n])
                if reply.count > 1 << 20 { return .failure(DBFailure("reply from \(display) exceeds 1 MiB")) }
            } else if n == 0 {
                return .failure(DBFailure("\(display) closed the connection without a reply"))
            } else if errno != EINTR && errno != EAGAIN {
                return .failure(DBFailure("read from \(display): \(errnoText(errno))"))
            }
        }
    }

    /// Tries each resolved address with a non-blocking connect bounded by the connect timeout.
    private func connectAny(started: Double) -> Result<Int32, DBFailure> {
        var lastError = "no address"
        for address in addresses {
            let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            if fd < 0 { lastError = errnoText(errno); continue }
            var target = address
            let rc = withUnsafePointer(to: &target.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
            }
            if rc == 0 { return .success(fd) }
            var code = errno
            if code == EINPROGRESS {
                if waitFor(fd, events: Int16(POLLOUT), untilMs: nowMs() + connectTimeoutMs) {
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
            lastError = code == ETIMEDOUT ? "timed out after \(Int(connectTimeoutMs)) ms" : errnoText(code)
        }
        return .failure(DBFailure("connect \(display): \(lastError)"))
    }
}

struct DBFailure: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Waits until `fd` is ready for `events` or the deadline passes; false on timeout.
func waitFor(_ fd: Int32, events: Int16, untilMs deadline: Double) -> Bool {
    while true {
        let remaining = deadline - nowMs()
        if remaining <= 0 { return false }
        var entry = pollfd(fd: fd, events: events, revents: 0)
        let rc = poll(&entry, 1, Int32(min(remaining.rounded(.up), 60_000)))
        if rc > 0 { return true }
        if rc == 0 { return false }
        if errno != EINTR { return true } // let the following call report the real error
    }
}
