import Foundation
import Injector

/// Who listens on a TCP port, asked of the kernel's socket diagnostics (ListeningSockets),
/// else read from /proc/net/tcp{,6}. Checking LISTEN sockets (rather than trying to bind)
/// gives no false alarm for connections of the previous cell that linger in TIME_WAIT, and
/// lets the error name the process that holds the port.
enum PortCheck {
    /// Local port -> inodes of the sockets in LISTEN state on it (any local address), from
    /// one question per address family: a cell checks all its ports at once.
    static func listeners() -> [Int: [String]] {
        var found: [Int: [String]] = [:]
        if let sockets = ListeningSockets.tcp() {
            for s in sockets { found[s.port, default: []].append(String(s.inode)) }
            return found
        }
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let data = FileManager.default.contents(atPath: table) else { continue }
            for line in data.split(separator: 10).dropFirst() {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                let fields = line.split(separator: 32)
                guard fields.count > 9, fields[3].elementsEqual("0A".utf8) else { continue }
                guard let colon = fields[1].lastIndex(of: 58),
                      let port = Int(String(decoding: fields[1][(colon + 1)...], as: UTF8.self), radix: 16)
                else { continue }
                found[port, default: []].append(String(decoding: fields[9], as: UTF8.self))
            }
        }
        return found
    }

    static func listeningInodes(port: Int) -> [String] { listeners()[port] ?? [] }

    static func isListening(port: Int) -> Bool { listeners()[port] != nil }

    /// "pid 1234 (mock-db)" for the process holding one of the sockets, if it is visible.
    static func owner(of port: Int) -> String? {
        let targets = Set(listeningInodes(port: port).map { "socket:[\($0)]" })
        if targets.isEmpty { return nil }
        let fm = FileManager.default
        guard let pids = try? fm.contentsOfDirectory(atPath: "/proc") else { return nil }
        for pid in pids where pid.allSatisfy(\.isNumber) {
            guard let fds = try? fm.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
            for fd in fds {
                if let dest = try? fm.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"), targets.contains(dest) {
                    let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
                        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                    return "pid \(pid) (\(comm))"
                }
            }
        }
        return nil
    }

    /// Polls until nobody listens on any of `ports` or the deadline passes; returns the
    /// ports still taken.
    static func waitUntilFree(_ ports: [Int], timeout: Duration) -> [Int] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var pause = Duration.microseconds(200)
        while true {
            let listening = listeners()
            let busy = ports.filter { listening[$0] != nil }
            if busy.isEmpty || clock.now >= deadline { return busy }
            Thread.sleep(forTimeInterval: pause.secondsDouble)
            pause = min(pause * 2, .milliseconds(20))
        }
    }
}
