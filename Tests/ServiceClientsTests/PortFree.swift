import Glibc

/// Test-only: a loopback port the test may bind (the product asks /proc who listens
/// instead, Runner's PortCheck).
enum PortFree {
    /// True when nothing listens on `port` on loopback: binding 127.0.0.1 (and ::1 when the
    /// machine has IPv6) succeeds. SO_REUSEADDR is set as the services set it, so sockets in
    /// TIME_WAIT from a previous test do not count as taken.
    public static func portIsFree(_ port: Int) -> Bool {
        guard (1...65535).contains(port) else { return false }
        if !canBind(family: AF_INET, port: port) { return false }
        return canBind(family: AF_INET6, port: port)
    }

    private static func canBind(family: Int32, port: Int) -> Bool {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { return family == AF_INET6 } // no IPv6 on this machine: nothing can hold it
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if family == AF_INET6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port)).bigEndian
            addr.sin6_addr = in6addr_loopback
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
            return rc == 0 || errno == EADDRNOTAVAIL // ::1 not configured: not taken either
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port)).bigEndian
        addr.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0
    }
}
