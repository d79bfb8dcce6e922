import Foundation
import Glibc
import XCTest
@testable import ServiceClients
import TestSupport

final class MockDBTests: XCTestCase {
    func send(_ db: RunningService, _ line: String) -> String? {
        TCPClient.sendLine(host: "localhost", port: db.port, data: line, timeout: .seconds(2)).reply
    }

    func testProtocolOverLoopback() throws {
        let db = try RunningService("mock-db", port: freePort())
        XCTAssertEqual(send(db, "PING"), "PONG")
        XCTAssertEqual(send(db, "SET color deep blue"), "OK")
        XCTAssertEqual(send(db, "GET color"), "deep blue")
        XCTAssertEqual(send(db, "GET missing"), "NOT_FOUND")
        XCTAssertEqual(send(db, "SET onlykey"), "ERR usage: SET key value")
        XCTAssertEqual(send(db, "DROP x")?.hasPrefix("ERR unknown command 'DROP'"), true)
        let quit = TCPClient.sendLine(host: "127.0.0.1", port: db.port, data: "QUIT", timeout: .seconds(2))
        XCTAssertNil(quit.reply)
        XCTAssertEqual(quit.error?.contains("closed the connection without a reply"), true)
        XCTAssertEqual(db.stop(), 0, "SIGTERM must end mock-db with status 0")
        XCTAssertTrue(db.readStdout().contains("mock-db: SET -> OK"))
        // How fast it starts is bench/startup.sh's business (a ratio against a C listener).
        print("mock-db start-up to listening: \(String(format: "%.1f", db.startupMs)) ms")
    }

    func testDataSurvivesRestartInDataDir() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rep-db-\(getpid())-\(Int.random(in: 0...999_999))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = freePort()
        let first = try RunningService("mock-db", port: port, environment: ["DATA_DIR": dir])
        XCTAssertEqual(send(first, "SET k1 v1"), "OK")
        XCTAssertEqual(first.stop(), 0)
        let contents = try String(contentsOfFile: dir + "/mock-db.data", encoding: .utf8)
        XCTAssertEqual(contents, "k1 v1\n")
        let second = try RunningService("mock-db", port: port, environment: ["DATA_DIR": dir])
        XCTAssertEqual(send(second, "GET k1"), "v1")
        second.stop()
    }

    /// Real syscall faults through strace's injection: the db must answer ERR, not crash,
    /// and must not keep a value it could not make durable.
    func testDiskFaultsBecomeErrReplies() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            throw cannotRun("strace not installed: disk-fault test not run", fix: "install strace (make deps)")
        }
        for (syscall, errnoName, expected) in [("fsync", "EIO", "ERR fsync: Input/output error"),
                                               ("write", "ENOSPC", "ERR write: No space left on device")] {
            let db = try RunningService("mock-db", port: freePort(), wrapper: [
                "/usr/bin/strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=\(syscall)",
                "-e", "inject=\(syscall):error=\(errnoName)",
            ])
            XCTAssertEqual(send(db, "SET k v"), expected)
            XCTAssertEqual(send(db, "GET k"), "NOT_FOUND")
            XCTAssertEqual(send(db, "PING"), "PONG")
            // strace passes SIGTERM on to nothing; end the traced child, then strace exits.
            for pid in childPIDs(of: db.process.processIdentifier) { kill(pid, SIGKILL) }
            db.process.waitUntilExit()
        }
    }

    func testBadPortIsAClearError() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try serviceBinary("mock-db"))
        process.environment = ["PORT": "99999"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2)
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(text, "mock-db: PORT must be a number from 1 to 65535, got '99999'\n")
    }

    func testPortTakenIsAClearError() throws {
        let db = try RunningService("mock-db", port: freePort())
        defer { db.stop() }
        XCTAssertFalse(PortFree.portIsFree(db.port))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try serviceBinary("mock-db"))
        process.environment = ["PORT": String(db.port)]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1)
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(text.contains("cannot listen on port \(db.port): Address already in use"), text)
    }
}
