import Foundation
import Glibc
import XCTest
@testable import ServiceClients
import TestSupport

final class MockAPITests: XCTestCase {
    func body(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    func testStoreAndReadThroughTheDB() throws {
        let db = try RunningService("mock-db", port: freePort())
        let api = try RunningService("mock-api", port: freePort(), environment: ["DB_ADDR": "localhost:\(db.port)"])
        let base = "http://localhost:\(api.port)"
        let health = HTTPSession.once(method: "GET", url: base + "/health", body: nil, headers: [], timeout: .seconds(2))
        XCTAssertEqual(health.status, 200)
        XCTAssertTrue(health.ok)
        XCTAssertEqual(body(health), "ok")

        let stored = HTTPSession.once(method: "POST", url: base + "/data/mykey", body: Array("myvalue".utf8), headers: [], timeout: .seconds(5))
        XCTAssertEqual(stored.status, 200, stored.error ?? body(stored))
        XCTAssertEqual(body(stored), "stored: mykey=myvalue")
        let read = HTTPSession.once(method: "GET", url: base + "/data/mykey", body: nil, headers: [], timeout: .seconds(5))
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(body(read), "myvalue")
        XCTAssertTrue(read.headers.contains { $0.0 == "content-type" && $0.1.hasPrefix("text/plain") })

        let missing = HTTPSession.once(method: "GET", url: base + "/data/nothing", body: nil, headers: [], timeout: .seconds(5))
        XCTAssertEqual(missing.status, 404)
        XCTAssertFalse(missing.ok)
        XCTAssertNil(missing.error, "an HTTP error status is not a transport error")

        let multiLine = HTTPSession.once(method: "POST", url: base + "/data/k", body: Array("a\nb".utf8), headers: [], timeout: .seconds(5))
        XCTAssertEqual(multiLine.status, 400)

        // The db goes away: a new connection per request sees it at once.
        XCTAssertEqual(db.stop(), 0)
        let down = HTTPSession.once(method: "GET", url: base + "/data/mykey", body: nil, headers: [], timeout: .seconds(5))
        XCTAssertEqual(down.status, 500)
        XCTAssertEqual(body(down), "db error: connect localhost:\(db.port): Connection refused")
        XCTAssertEqual(api.stop(), 0)
        let log = api.readStdout()
        XCTAssertTrue(log.contains("mock-api: POST /data/mykey -> 200"), log)
        XCTAssertTrue(api.readStderr().contains("db error: connect"))
        print("mock-api start-up to listening: \(String(format: "%.1f", api.startupMs)) ms")
    }

    /// A db that accepts but never answers: the api gives up at its 5 s deadline with a 500.
    func testSilentDBHitsTheDeadline() throws {
        let silent = try ListeningSocket()
        let api = try RunningService("mock-api", port: freePort(), environment: ["DB_ADDR": "127.0.0.1:\(silent.port)"])
        defer { api.stop() }
        let response = HTTPSession.once(method: "GET", url: "http://127.0.0.1:\(api.port)/data/k", body: nil, headers: [], timeout: .seconds(10))
        XCTAssertEqual(response.status, 500)
        XCTAssertEqual(body(response), "db error: no reply from 127.0.0.1:\(silent.port) within 5000 ms")
        // The api's deadline and the client's stopwatch read the same clock (CLOCK_MONOTONIC)
        // and the api's 5 s lie inside the client's call, so no slack is needed.
        XCTAssertGreaterThanOrEqual(response.durationMs, 5000)
        // No upper bound: a 500 at all (not the client's own 10 s timeout, status 0) shows the
        // api gave up by itself; how close to 5 s is not a test's business.
    }

    /// Real syscall faults on the api (strace's injection): a refused connect and a reset on
    /// the db socket's read() both become a 500 naming the cause, while the api's own HTTP
    /// side (recv/send) keeps working.
    func testNetworkFaultsOnTheAPIBecome500s() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            throw cannotRun("strace not installed: network-fault test not run", fix: "install strace (make deps)")
        }
        let db = try RunningService("mock-db", port: freePort())
        defer { db.stop() }
        let cases = [("connect", "ECONNREFUSED", "db error: connect 127.0.0.1:\(db.port): Connection refused"),
                     ("read", "ECONNRESET", "db error: read from 127.0.0.1:\(db.port): Connection reset by peer")]
        for (syscall, errnoName, expected) in cases {
            let api = try RunningService("mock-api", port: freePort(), environment: ["DB_ADDR": "127.0.0.1:\(db.port)"])
            defer { api.stop() }
            // Attach after start-up, so the dynamic loader's own reads are not failed.
            let tracer = try attachStrace(to: api.process.processIdentifier, inject: syscall, errno: errnoName)
            let response = HTTPSession.once(method: "GET", url: "http://127.0.0.1:\(api.port)/data/k", body: nil, headers: [], timeout: .seconds(5))
            XCTAssertEqual(response.status, 500)
            XCTAssertEqual(body(response), expected)
            XCTAssertEqual(HTTPSession.once(method: "GET", url: "http://127.0.0.1:\(api.port)/health", body: nil, headers: [], timeout: .seconds(5)).status, 200)
            tracer.interrupt()
            tracer.waitUntilExit()
        }
    }

    /// Starts `strace -p` on a running process (all its threads, and threads it creates) with
    /// a fault injected into `syscall`, and waits until the tracer is attached.
    func attachStrace(to pid: Int32, inject syscall: String, errno errnoName: String) throws -> Process {
        let tracer = Process()
        tracer.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        tracer.arguments = ["-f", "-qq", "-o", "/dev/null", "-e", "trace=\(syscall)", "-e", "inject=\(syscall):error=\(errnoName)", "-p", String(pid)]
        try tracer.run()
        let deadline = monotonicMs() + 3000
        while monotonicMs() < deadline {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("TracerPid:") }),
               line.split(separator: "\t").last.map({ $0 != "0" }) == true {
                return tracer
            }
            usleep(2000)
        }
        tracer.terminate()
        throw ServiceError("strace did not attach to \(pid) within 3 s")
    }

    func testBadDBAddrIsAClearError() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try serviceBinary("mock-api"))
        process.environment = ["PORT": String(freePort()), "DB_ADDR": "nocolon"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2)
        XCTAssertEqual(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                       "mock-api: DB_ADDR 'nocolon' must look like host:port (e.g. localhost:5432)\n")
    }
}

/// A socket that listens (the kernel completes handshakes) but never reads or answers.
final class ListeningSocket {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw ServiceError("cannot listen: \(errno)") }
        var actual = sockaddr_in()
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    deinit { close(fd) }
}
