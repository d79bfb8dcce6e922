import Foundation
import TestSupport
import XCTest

/// The healthcheck issue's own case, against Debian's real `redis-server` with its
/// append-only file on: while Redis loads a large data set it accepts connections but
/// answers `-LOADING`, so a connect is not readiness and `send`/`expect` is.
final class RedisHealthcheckTests: XCTestCase {
    var harness: FaultboxHarness!
    /// Large enough that loading takes well over a second on this class of machine.
    static let keys = 1_000_000

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server") else {
            throw cannotRun("redis-server is not installed", fix: "make deps installs it")
        }
        harness = try FaultboxHarness.make()
    }

    override func tearDown() {
        if let harness {
            XCTAssertEqual(redisServers(in: harness.workDirectory), [], "redis-server left running")
            harness.cleanUp()
        }
    }

    func testSendExpectWaitsForTheDataSetWherePlainTCPLetsLoadingThrough() throws {
        let data = try makeDataSet()
        let port = kernelFreePort()
        func spec(_ healthcheck: String) -> String {
            """
            redis = service("redis", "/usr/bin/redis-server", interface("main", "tcp", \(port)),
                args = ["--port", "\(port)", "--bind", "127.0.0.1", "--dir", "\(data)",
                        "--appendonly", "yes", "--save", "", "--daemonize", "no"],
                \(healthcheck))

            def test_dbsize():
                assert_eq(redis.main.send(data = "DBSIZE"), ":\(Self.keys)")

            """
        }
        try harness.write("ready.star", spec(
            #"healthcheck = tcp("localhost:\#(port)", send = "PING", expect = "+PONG", timeout = "120s")"#))
        let ready = try harness.run(["test", "ready.star"])
        XCTAssertEqual(ready.status, 0, ready.all)
        XCTAssertTrue(ready.stdout.contains("1 passed, 0 failed"), ready.all)

        // The plain check passes as soon as the port accepts, before the data set is in.
        try harness.write("early.star", spec(#"healthcheck = tcp("localhost:\#(port)", timeout = "120s")"#))
        let early = try harness.run(["test", "early.star"])
        XCTAssertEqual(early.status, 2, early.all)
        XCTAssertTrue(early.all.contains("-LOADING Redis is loading the dataset in memory"), early.all)
    }

    /// An append-only data set of `keys` keys, written by a Redis of its own (DEBUG POPULATE,
    /// then an AOF rewrite, then SHUTDOWN, which leaves the files complete).
    private func makeDataSet() throws -> String {
        let dir = harness.path("redis-data")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let port = kernelFreePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        server.arguments = ["--port", "\(port)", "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes",
                            "--save", "", "--enable-debug-command", "yes"]
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() }; server.waitUntilExit() }
        let client = try RedisLine(port: port, within: 30)
        XCTAssertEqual(try client.call("DEBUG POPULATE \(Self.keys)"), "+OK")
        XCTAssertTrue(try client.call("BGREWRITEAOF").hasPrefix("+"))
        while try client.call("INFO persistence").contains("aof_rewrite_in_progress:1") {
            Thread.sleep(forTimeInterval: 0.1)
        }
        _ = try? client.call("SHUTDOWN")
        server.waitUntilExit()
        return dir
    }

    private func redisServers(in directory: String) -> [String] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.compactMap { pid -> String? in
            guard Int(pid) != nil,
                  let cmd = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                  cmd.hasPrefix("/usr/bin/redis-server") || cmd.hasPrefix("redis-server"),
                  cmd.contains(directory) else { return nil }
            return pid
        }
    }
}

/// One connection speaking Redis' inline protocol, a reply read whole (a bulk reply's
/// payload included) for the set-up above.
private final class RedisLine {
    let fd: Int32

    init(port: Int, within seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            if connected { self.fd = fd; return }
            close(fd)
            if Date() > deadline { throw POSIXError(.ECONNREFUSED) }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    deinit { close(fd) }

    func call(_ command: String) throws -> String {
        let line = Array((command + "\r\n").utf8)
        guard write(fd, line, line.count) == line.count else { throw POSIXError(.EPIPE) }
        var reply = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            reply += buffer[0..<n]
            if Self.complete(reply) { break }
        }
        return String(decoding: reply, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A status/error/integer reply is one line; a bulk reply `$N` is N bytes after it.
    private static func complete(_ reply: [UInt8]) -> Bool {
        guard let end = reply.firstIndex(of: UInt8(ascii: "\n")) else { return false }
        guard reply.first == UInt8(ascii: "$"),
              let size = Int(String(decoding: reply[1..<end], as: UTF8.self)
                  .trimmingCharacters(in: .whitespacesAndNewlines)), size >= 0 else { return true }
        return reply.count >= end + 1 + size + 2
    }
}
