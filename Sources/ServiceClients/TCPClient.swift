// The TCP interface's `send(data=)`: write one line, read one reply line.
import Glibc

public enum TCPClient {
    /// nil when a TCP connection to host:port is accepted within `timeout`, else why not
    /// (`connect 127.0.0.1:6379: Connection refused`). The healthcheck's `tcp(...)` without
    /// `send`, and the tests' wait for a service.
    public static func connectFailure(host: String, port: Int, timeout: Duration) -> String? {
        switch connectTCP(host: host, port: port, deadlineMs: monotonicMs() + milliseconds(timeout)) {
        case .success(let fd):
            close(fd)
            return nil
        case .failure(let failure):
            return failure.message
        }
    }

    /// Connects, sends `data` (a "\n" is added unless it already ends with one), and reads the
    /// reply up to the first "\n" (the newline and a "\r" before it are dropped). The whole
    /// exchange, connect included, is bounded by `timeout`. Never throws: on failure `reply`
    /// is nil and `error` says what went wrong. A reply cut off by the peer closing the
    /// connection is returned as it is when it is not empty.
    public static func sendLine(host: String, port: Int, data: String,
                                timeout: Duration) -> (reply: String?, error: String?, durationMs: Double) {
        let started = monotonicMs()
        let deadline = started + milliseconds(timeout)
        func finish(_ reply: String?, _ error: String?) -> (reply: String?, error: String?, durationMs: Double) {
            (reply, error, monotonicMs() - started)
        }
        let fd: Int32
        switch connectTCP(host: host, port: port, deadlineMs: deadline) {
        case .success(let connected): fd = connected
        case .failure(let failure): return finish(nil, failure.message)
        }
        defer { close(fd) }
        var line = Array(data.utf8)
        if line.last != 10 { line.append(10) }
        var offset = 0
        while offset < line.count {
            guard waitReady(fd, events: Int16(POLLOUT), deadlineMs: deadline) else {
                return finish(nil, "timed out sending to \(host):\(port)")
            }
            let n = line.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 { offset += n } else if n < 0 && (errno == EINTR || errno == EAGAIN) { continue } else {
                return finish(nil, "send to \(host):\(port): \(errnoText(n == 0 ? EPIPE : errno))")
            }
        }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let nl = reply.firstIndex(of: 10) {
                var end = nl
                if end > 0 && reply[end - 1] == 13 { end -= 1 }
                return finish(String(decoding: reply[..<end], as: UTF8.self), nil)
            }
            guard waitReady(fd, events: Int16(POLLIN), deadlineMs: deadline) else {
                return finish(nil, "timed out waiting for a reply from \(host):\(port) after \(Int(milliseconds(timeout))) ms")
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 {
                reply.append(contentsOf: chunk[0..<n])
                if reply.count > 16 << 20 { return finish(nil, "reply from \(host):\(port) exceeds 16 MiB without a newline") }
            } else if n == 0 {
                if reply.isEmpty { return finish(nil, "\(host):\(port) closed the connection without a reply") }
                return finish(String(decoding: reply, as: UTF8.self), nil)
            } else if errno != EINTR && errno != EAGAIN {
                return finish(nil, "receive from \(host):\(port): \(errnoText(errno))")
            }
        }
    }
}
