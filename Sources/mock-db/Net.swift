// Socket plumbing for mock-db, on plain Glibc calls so that syscall-level faults reach it.
// Requests are read with read(2): the chapter's monitors watch the db's `read` syscall to
// see whether traffic reached it. Replies go out with send() (the sendto syscall) and the
// data file uses write()/fsync(): a `write=deny(...)` fault on the db then hits its disk,
// not its replies, and the api reports the disk error it was given.
import Glibc

/// The text of errno `code`, e.g. "Input/output error".
func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}

/// Writes a whole line to a file descriptor with write(2) (stdout/stderr logging).
/// Failures are ignored: a log line lost to an injected fault must not stop the service.
func writeLine(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    bytes.append(10)
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }
}

/// Opens a listening TCP socket on every address (IPv6 dual-stack, IPv4 as a fallback) so
/// that clients reaching "localhost" via ::1 or 127.0.0.1 both connect at the first try.
enum Listening { case success(Int32), failure(String) }

func listenTCP(port: Int) -> Listening {
    let v6 = socket(AF_INET6, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    if v6 >= 0 {
        var one: Int32 = 1, zero: Int32 = 0
        setsockopt(v6, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(v6, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in6()
        addr.sin6_family = sa_family_t(AF_INET6)
        addr.sin6_port = in_port_t(UInt16(port)).bigEndian
        addr.sin6_addr = in6addr_any
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(v6, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
        if bound == 0 && listen(v6, 128) == 0 { return .success(v6) }
        let code = errno
        close(v6)
        if code == EADDRINUSE || code == EACCES { return .failure(errnoText(code)) }
    }
    let v4 = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard v4 >= 0 else { return .failure(errnoText(errno)) }
    var one: Int32 = 1
    setsockopt(v4, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port)).bigEndian
    addr.sin_addr = in_addr(s_addr: INADDR_ANY)
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(v4, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard bound == 0, listen(v4, 128) == 0 else {
        let code = errno
        close(v4)
        return .failure(errnoText(code))
    }
    return .success(v4)
}

/// Sends all bytes on a socket; false when the peer is gone.
func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return false }
        }
        return true
    }
}

/// Reads newline-terminated lines from a socket with read(), keeping leftovers between calls.
struct LineReader {
    let fd: Int32
    let maxLine: Int
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32, maxLine: Int = 1 << 20) {
        self.fd = fd
        self.maxLine = maxLine
    }

    enum Next { case line(String), closed, tooLong, failed(Int32) }

    /// The next line without its "\n" (and without a "\r" before it).
    mutating func next() -> Next {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                var end = nl
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = nl + 1
                if start > 65536 { buffer.removeFirst(start); start = 0 }
                return .line(line)
            }
            if buffer.count - start > maxLine { return .tooLong }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n == 0 { return .closed }
            if n < 0 {
                if errno == EINTR { continue }
                return .failed(errno)
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}

/// Runs `body` on a new detached POSIX thread (one per connection keeps the code simple and
/// the start-up instant; the demo never sees more than a handful of clients).
func spawnThread(_ body: @escaping () -> Void) -> Bool {
    final class Job { let body: () -> Void; init(_ body: @escaping () -> Void) { self.body = body } }
    let context = Unmanaged.passRetained(Job(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { raw in
        guard let raw else { return nil }
        Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }, context)
    if rc != 0 {
        Unmanaged<Job>.fromOpaque(context).release()
        return false
    }
    pthread_detach(thread)
    return true
}

/// accept(2) with the new descriptor marked close-on-exec (accept4 is not in Glibc's Swift
/// overlay without _GNU_SOURCE).
func acceptClient(_ listener: Int32) -> Int32 {
    let fd = accept(listener, nil, nil)
    if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return fd
}
