#if canImport(Glibc)
import Glibc
#endif

/// A decoded destination of connect/sendto/sendmsg.
struct SocketAddress: Sendable, Equatable {
    enum Host: Sendable, Equatable {
        /// IPv4 as 4 bytes; v4-mapped IPv6 addresses are normalised to this form.
        case ipv4([UInt8])
        case ipv6([UInt8])
    }
    enum Kind: Sendable, Equatable {
        case inet(Host, port: UInt16)
        /// A filesystem path, or `@name` for the abstract namespace.
        case unix(String)
        case other(family: UInt16)
    }
    var kind: Kind

    var isLoopback: Bool {
        guard case .inet(let host, _) = kind else { return false }
        switch host {
        case .ipv4(let b): return b.first == 127
        case .ipv6(let b): return b == [UInt8](repeating: 0, count: 15) + [1]
        }
    }

    /// `127.0.0.1:5432`, `[::1]:80`, `/run/x.sock`, `@abstract`.
    var display: String {
        switch kind {
        case .inet(let host, let port):
            switch host {
            case .ipv4(let b): return "\(SocketAddress.format(b, family: AF_INET)):\(port)"
            case .ipv6(let b): return "[\(SocketAddress.format(b, family: AF_INET6))]:\(port)"
            }
        case .unix(let path): return path
        case .other(let family): return "family \(family)"
        }
    }

    /// Parses the bytes of a `struct sockaddr` of `length` bytes.
    init?(bytes: [UInt8]) {
        guard bytes.count >= 2 else { return nil }
        let family = UInt16(bytes[0]) | UInt16(bytes[1]) << 8  // host order (little endian)
        func port() -> UInt16 { UInt16(bytes[2]) << 8 | UInt16(bytes[3]) }  // network order
        switch Int32(family) {
        case AF_INET:
            guard bytes.count >= 8 else { return nil }
            kind = .inet(.ipv4(Array(bytes[4..<8])), port: port())
        case AF_INET6:
            guard bytes.count >= 24 else { return nil }
            let address = Array(bytes[8..<24])
            let mappedPrefix = [UInt8](repeating: 0, count: 10) + [0xff, 0xff]
            if Array(address[0..<12]) == mappedPrefix {
                kind = .inet(.ipv4(Array(address[12..<16])), port: port())
            } else {
                kind = .inet(.ipv6(address), port: port())
            }
        case AF_UNIX:
            let path = bytes.dropFirst(2)
            if path.first == 0 {
                kind = .unix("@" + String(decoding: path.dropFirst().prefix { $0 != 0 }, as: UTF8.self))
            } else {
                kind = .unix(String(decoding: path.prefix { $0 != 0 }, as: UTF8.self))
            }
        default:
            kind = .other(family: family)
        }
    }

    init(kind: Kind) { self.kind = kind }

    static func format(_ bytes: [UInt8], family: Int32) -> String {
        var out = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &out, socklen_t(out.count)) != nil
        }
        guard ok else { return "?" }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func parseIP(_ text: String) -> Host? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return .ipv4(v4) }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let mappedPrefix = [UInt8](repeating: 0, count: 10) + [0xff, 0xff]
            if Array(v6[0..<12]) == mappedPrefix { return .ipv4(Array(v6[12..<16])) }
            return .ipv6(v6)
        }
        return nil
    }
}

/// A rule's `destination` condition.
enum DestinationPattern: Sendable, Equatable {
    /// An exact address; port nil = any port.
    case host(SocketAddress.Host, port: UInt16?)
    /// Any loopback address (127.0.0.0/8, ::1, v4-mapped) on this port; `"5432"`, `"localhost:5432"`.
    case loopback(port: UInt16)
    case unix(String)

    /// Accepted: `127.0.0.1:5432`, `[::1]:80`, `::1`, `127.0.0.1`, `5432`, `localhost:5432`,
    /// `/path/to.sock`, `@abstract`. Returns nil for anything else.
    static func parse(_ text: String) -> DestinationPattern? {
        if text.hasPrefix("/") || text.hasPrefix("@") { return .unix(text) }
        if let port = UInt16(text) { return .loopback(port: port) }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard let ip = SocketAddress.parseIP(host) else { return nil }
            if rest.isEmpty { return .host(ip, port: nil) }
            guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()) else { return nil }
            return .host(ip, port: port)
        }
        if let ip = SocketAddress.parseIP(text) { return .host(ip, port: nil) }
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        let host = String(text[..<colon])
        if host == "localhost" { return .loopback(port: port) }
        guard let ip = SocketAddress.parseIP(host) else { return nil }
        return .host(ip, port: port)
    }

    func matches(_ address: SocketAddress) -> Bool {
        switch (self, address.kind) {
        case (.unix(let want), .unix(let got)): return want == got
        case (.loopback(let want), .inet(_, let port)): return port == want && address.isLoopback
        case (.host(let want, let wantPort), .inet(let host, let port)):
            return host == want && (wantPort == nil || wantPort == port)
        default: return false
        }
    }
}
