// Socket plumbing shared by the two demo services (mock-db, mock-api), on plain Glibc calls
// so that syscall-level faults injected into a service reach exactly these calls. Which
// syscall each service uses for which traffic is chosen in the service itself (see the
// header of each service's Net.swift / DBClient.swift); these helpers are the common part:
// logging lines, the dual-stack listener, send-all, accept and one thread per connection.
import Glibc

/// The text of errno `code`, e.g. "Input/output error".
public func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}

/// Writes a whole line to a file descriptor with write(2) (stdout/stderr logging).
/// Failures are ignored: a log line lost to an injected fault must not stop the service.
public func writeLine(_ fd: Int32, _ text: String) {
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
public enum Listening { case success(Int32), failure(String) }

public func listenTCP(port: Int) -> Listening {
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
public func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return false }
        }
        return true
    }
}

/// Runs `body` on a new detached POSIX thread (one per connection keeps the code simple and
/// the start-up instant; the demo never sees more than a handful of clients).
public func spawnThread(_ body: @escaping () -> Void) -> Bool {
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
public func acceptClient(_ listener: Int32) -> Int32 {
    let fd = accept(listener, nil, nil)
    if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return fd
}
