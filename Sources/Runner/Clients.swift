#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The requests a scenario makes (`api.get`, `db.main.send`). Interim implementation over
/// raw loopback sockets (HTTP/1.1 with Content-Length, one line over TCP) until
/// ServiceClients lands; the runtime calls only these two functions, so switching is local.
enum Clients {
    struct HTTPResult {
        var status: Int
        var body: [UInt8]
        var headers: [(String, String)]
        var durationMs: Double
        var error: String?
    }

    static func http(method: String, host: String, port: Int, path: String, body: [UInt8]?,
                     headers: [(String, String)], timeout: Duration) -> HTTPResult {
        let clock = ContinuousClock()
        let began = clock.now
        func failed(_ e: String) -> HTTPResult {
            HTTPResult(status: 0, body: [], headers: [], durationMs: ms(clock.now - began), error: e)
        }
        guard let fd = RawSocket.connect(host: host, port: port, timeout: timeout) else {
            return failed("connection to \(host):\(port) failed: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        guard RawSocket.sendAll(fd, Array(head.utf8) + (body ?? [])) else { return failed("send failed") }
        guard let reply = RawSocket.readAll(fd, timeout: timeout) else { return failed("timed out waiting for the response") }
        guard let split = find(reply, [13, 10, 13, 10]) else { return failed("malformed HTTP response") }
        let headText = String(decoding: reply[..<split], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return failed("malformed status line") }
        var parsed: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            parsed.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var bodyBytes = Array(reply[(split + 4)...])
        if let cl = parsed.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }), cl < bodyBytes.count {
            bodyBytes = Array(bodyBytes.prefix(cl))
        }
        return HTTPResult(status: status, body: bodyBytes, headers: parsed, durationMs: ms(clock.now - began), error: nil)
    }

    static func tcpSendLine(host: String, port: Int, data: [UInt8], timeout: Duration) -> (reply: [UInt8]?, error: String?) {
        guard let fd = RawSocket.connect(host: host, port: port, timeout: timeout) else {
            return (nil, "connection to \(host):\(port) failed: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard RawSocket.sendAll(fd, data + [10]) else { return (nil, "send failed") }
        guard let line = RawSocket.readLine(fd, timeout: timeout) else { return (nil, "no reply") }
        return (line, nil)
    }

    private static func ms(_ d: Duration) -> Double { d.secondsDouble * 1000 }

    private static func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}

/// Blocking helpers over a non-blocking loopback socket with poll-based timeouts.
enum RawSocket {
    static func connect(host: String, port: Int, timeout: Duration) -> Int32? {
        guard (1...65535).contains(port) else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { return nil }
        var tv = timeval(tv_sec: Int(min(timeout.components.seconds, 3600)), tv_usec: 0)
        if tv.tv_sec == 0 { tv.tv_usec = 200_000 }
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r != 0 { let e = errno; close(fd); errno = e; return nil }
        return fd
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress.map { $0 + sent }, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    static func readAll(_ fd: Int32, timeout: Duration) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return out }
            if n < 0 { return out.isEmpty ? nil : out }
            out.append(contentsOf: buffer[0..<n])
            if out.count > 64 << 20 { return out }
        }
    }

    static func readLine(_ fd: Int32, timeout: Duration) -> [UInt8]? {
        var out: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = recv(fd, &byte, 1, 0)
            if n <= 0 { return out.isEmpty ? nil : out }
            if byte == 10 { return out.last == 13 ? Array(out.dropLast()) : out }
            out.append(byte)
        }
    }
}
