import Foundation

/// Who listens on a TCP port, read from /proc/net/tcp{,6}. Checking LISTEN sockets (rather
/// than trying to bind) gives no false alarm for connections of the previous cell that
/// linger in TIME_WAIT, and lets the error name the process that holds the port.
enum PortCheck {
    /// Inodes of the sockets listening on `port` on any local address.
    static func listeningInodes(port: Int) -> [String] {
        var inodes: [String] = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                guard fields.count > 9, fields[3] == "0A" else { continue }
                guard let colon = fields[1].lastIndex(of: ":"),
                      let p = Int(fields[1][fields[1].index(after: colon)...], radix: 16), p == port
                else { continue }
                inodes.append(String(fields[9]))
            }
        }
        return inodes
    }

    static func isListening(port: Int) -> Bool { !listeningInodes(port: port).isEmpty }

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
            let busy = ports.filter(isListening)
            if busy.isEmpty || clock.now >= deadline { return busy }
            Thread.sleep(forTimeInterval: pause.secondsDouble)
            pause = min(pause * 2, .milliseconds(20))
        }
    }
}
