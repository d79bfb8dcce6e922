import Foundation
import Glibc
import XCTest
@testable import ServiceClients

/// Concurrency and malformed input against the real services.
final class RobustnessTests: XCTestCase {
    func testConcurrentClientsOfTheDB() throws {
        let db = try RunningService("mock-db", port: freePort())
        defer { db.stop() }
        let port = db.port
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            for round in 0..<20 {
                let key = "w\(worker)r\(round)"
                if TCPClient.sendLine(host: "127.0.0.1", port: port, data: "SET \(key) v\(round)", timeout: .seconds(5)).reply != "OK" { failures.add() }
                if TCPClient.sendLine(host: "127.0.0.1", port: port, data: "GET \(key)", timeout: .seconds(5)).reply != "v\(round)" { failures.add() }
            }
        }
        XCTAssertEqual(failures.value, 0)
    }

    /// Raw bytes to mock-api: keep-alive with two pipelined requests, then malformed input.
    func testHTTPEdgeCases() throws {
        let api = try RunningService("mock-api", port: freePort(), environment: ["DB_ADDR": "127.0.0.1:\(freePort())"])
        defer { api.stop() }
        let pipelined = try exchange(port: api.port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(pipelined.components(separatedBy: "HTTP/1.1 200 OK").count - 1, 2, pipelined)
        XCTAssertTrue(pipelined.contains("Connection: close"))

        let garbage = try exchange(port: api.port, "HELLO\r\n\r\n")
        XCTAssertTrue(garbage.hasPrefix("HTTP/1.1 400 Bad Request"), garbage)
        XCTAssertTrue(garbage.hasSuffix("malformed request line (expected: METHOD /path HTTP/1.1)"))

        let chunked = try exchange(port: api.port, "POST /data/k HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        XCTAssertTrue(chunked.hasPrefix("HTTP/1.1 501"), chunked)

        let badLength = try exchange(port: api.port, "POST /data/k HTTP/1.1\r\nContent-Length: -4\r\n\r\n")
        XCTAssertTrue(badLength.hasPrefix("HTTP/1.1 400"), badLength)

        let badKey = try exchange(port: api.port, "GET /data/a%20b/c HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(badKey.hasPrefix("HTTP/1.1 400"), badKey)

        // Still serving after all that.
        XCTAssertEqual(HTTPSession.once(method: "GET", url: "localhost:\(api.port)/health", body: nil, headers: [], timeout: .seconds(2)).status, 200)
    }

    /// Sends raw bytes, half-closes, and returns everything the server sent until it closed.
    func exchange(port: Int, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port)).bigEndian
        addr.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw ServiceError("connect failed: \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(fd, Int32(SHUT_WR))
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n <= 0 { break }
            reply += chunk[0..<n]
        }
        return String(decoding: reply, as: UTF8.self)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
