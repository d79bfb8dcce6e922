import Foundation
import Glibc
import XCTest
@testable import ServiceClients

/// A real server on loopback that answers each connection with canned bytes (written in
/// pieces, so framing is tested across reads) and records the request it received.
final class ScriptedServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let log = RequestLog()
    private let thread: Thread

    init(reply pieces: [String], closeAfter: Bool = true) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0, listen(sock, 8) == 0 else { throw ServiceError("cannot listen: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &length) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        fd = sock
        let listener = sock, log = self.log
        thread = Thread {
            while true {
                let client = accept(listener, nil, nil)
                // The listener is closed here, not in deinit: closing it there would free its
                // number for the next test's socket while this thread may still call accept.
                if client < 0 { close(listener); return }
                var request: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                // Read the head, then as much body as Content-Length says.
                while true {
                    let n = recv(client, &chunk, chunk.count, 0)
                    if n <= 0 { break }
                    request += chunk[0..<n]
                    let text = String(decoding: request, as: UTF8.self)
                    if let end = text.range(of: "\r\n\r\n") {
                        let head = text[..<end.lowerBound].lowercased()
                        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                            .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                        if request.count >= text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound) + length { break }
                    }
                }
                log.append(String(decoding: request, as: UTF8.self))
                for piece in pieces {
                    _ = piece.utf8CString.withUnsafeBufferPointer { send(client, $0.baseAddress!, $0.count - 1, Int32(MSG_NOSIGNAL)) }
                    usleep(2000)
                }
                if closeAfter { close(client) }
            }
        }
        thread.start()
    }

    var received: [String] { log.all }
    var url: String { "http://127.0.0.1:\(port)" }

    deinit { shutdown(fd, Int32(SHUT_RDWR)) }
}

final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}

final class HTTPWireTests: XCTestCase {
    private func get(_ server: ScriptedServer, _ path: String = "/", method: String = "GET",
                     body: [UInt8]? = nil, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPSession.once(method: method, url: server.url + path, body: body, headers: headers, timeout: .seconds(3))
    }

    func testContentLengthBodyAcrossSeveralReadsAndHeadersInWireOrder() throws {
        let server = try ScriptedServer(reply: ["HTTP/1.1 201 Created\r\nX-B: 2\r\nContent-Len", "gth: 11\r\nX-A: 1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello", " world", "TRAILING GARBAGE"])
        let r = get(server, "/items?x=1#frag")
        XCTAssertEqual(r.status, 201, r.error ?? "")
        XCTAssertTrue(r.ok)
        XCTAssertEqual(String(decoding: r.body, as: UTF8.self), "hello world")
        XCTAssertEqual(r.headers.map(\.0), ["x-b", "content-length", "x-a", "set-cookie"])
        XCTAssertEqual(r.headers.last?.1, "a=1, b=2")
        let request = server.received.first ?? ""
        XCTAssertTrue(request.hasPrefix("GET /items?x=1 HTTP/1.1\r\n"), request)
        XCTAssertTrue(request.lowercased().contains("\r\nhost: 127.0.0.1:\(server.port)\r\n"), request)
        XCTAssertTrue(request.contains("\r\nUser-Agent: faultbox\r\n"), request)
    }

    func testChunkedBodyWithExtensionsAndTrailers() throws {
        let server = try ScriptedServer(reply: ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "5;name=x\r\nhello\r\n", "1\r\n \r\n6\r\nchunks\r\n0\r\nX-Trailer: t\r\n\r\n"])
        let r = get(server)
        XCTAssertEqual(r.status, 200, r.error ?? "")
        XCTAssertEqual(String(decoding: r.body, as: UTF8.self), "hello chunks")
    }

    func testBodyUntilCloseAndInterimResponsesAreSkipped() throws {
        let server = try ScriptedServer(reply: ["HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nto the ", "end"])
        let r = get(server, method: "POST", body: Array("x".utf8))
        XCTAssertEqual(r.status, 200, r.error ?? "")
        XCTAssertEqual(String(decoding: r.body, as: UTF8.self), "to the end")
        XCTAssertTrue(server.received.first?.contains("Content-Length: 1\r\n\r\nx") ?? false, server.received.first ?? "")
    }

    func testRedirectsAreReturnedNotFollowed() throws {
        let server = try ScriptedServer(reply: ["HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n"])
        let r = get(server, "/old")
        XCTAssertEqual(r.status, 302)
        XCTAssertTrue(r.ok, "3xx counts as ok, as for healthchecks")
        XCTAssertEqual(r.headers.first { $0.0 == "location" }?.1, "/elsewhere")
        XCTAssertEqual(server.received.count, 1)
    }

    func testNoBodyFor204AndHead() throws {
        let server = try ScriptedServer(reply: ["HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"])
        XCTAssertEqual(get(server).status, 204)
        let head = try ScriptedServer(reply: ["HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"], closeAfter: false)
        let r = get(head, method: "HEAD")
        XCTAssertEqual(r.status, 200, r.error ?? "")
        XCTAssertEqual(r.body, [])
    }

    func testGetMayCarryABody() throws {
        let server = try ScriptedServer(reply: ["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"])
        let r = get(server, body: Array("{\"q\":1}".utf8), headers: [("Content-Type", "application/json")])
        XCTAssertEqual(r.status, 200, r.error ?? "")
        let request = server.received.first ?? ""
        XCTAssertTrue(request.contains("Content-Type: application/json\r\n"), request)
        XCTAssertTrue(request.contains("\r\nContent-Length: 7\r\n"), request)
        XCTAssertTrue(request.hasSuffix("\r\n\r\n{\"q\":1}"), request)
    }

    func testBrokenResponsesAreErrorValues() throws {
        let cases: [([String], String)] = [
            (["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"], "connection lost before a complete response"),
            (["HTTP/1.1 200 OK\r\nContent-Le"], "connection lost before a complete response"),
            ([], "connection lost before a complete response"),
            (["SSH-2.0-OpenSSH_9.2\r\n\r\n"], "malformed HTTP response"),
            (["HTTP/1.1 2000 OK\r\n\r\n"], "malformed HTTP response"),
            (["HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"], "malformed HTTP response"),
            (["HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"], "malformed HTTP response"),
            (["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"], "malformed HTTP response"),
            (["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n"], "malformed HTTP response"),
        ]
        for (reply, prefix) in cases {
            let server = try ScriptedServer(reply: reply)
            let r = get(server)
            XCTAssertEqual(r.status, 0, "\(reply)")
            XCTAssertFalse(r.ok)
            XCTAssertEqual(r.error?.hasPrefix(prefix), true, "\(reply) -> \(r.error ?? "nil")")
        }
    }

    func testURLForms() {
        func parse(_ s: String) -> HTTPTarget? { try? HTTPTarget.parse(s).get() }
        XCTAssertEqual(parse("localhost:8080/health"), HTTPTarget(host: "localhost", port: 8080, pathAndQuery: "/health", hostHeader: "localhost:8080"))
        XCTAssertEqual(parse("HTTP://example"), HTTPTarget(host: "example", port: 80, pathAndQuery: "/", hostHeader: "example"))
        XCTAssertEqual(parse("http://[::1]:9000?x=1#f"), HTTPTarget(host: "::1", port: 9000, pathAndQuery: "/?x=1", hostHeader: "[::1]:9000"))
        func error(_ s: String) -> String {
            if case .failure(let f) = HTTPTarget.parse(s) { return f.message }
            return "parsed"
        }
        XCTAssertEqual(parse("https://svc/x"), HTTPTarget(scheme: "https", host: "svc", port: 443, pathAndQuery: "/x", hostHeader: "svc"))
        XCTAssertEqual(parse("https://svc/x")?.url, "https://svc/x")
        XCTAssertEqual(error("ftp://x/"), "invalid URL 'ftp://x/': expected http://host:port/path")
        XCTAssertEqual(error("http://a b/"), "invalid URL 'http://a b/': it contains a space or a control character; percent-encode it (a space is %20)")
        XCTAssertEqual(error("http://localhost:99999/"), "invalid URL 'http://localhost:99999/': port '99999' is not a number in 1-65535")
        XCTAssertEqual(error("http://u:p@host/"), "invalid URL 'http://u:p@host/': credentials in the URL are not supported; send them with headers={\"Authorization\": ...}")
        XCTAssertEqual(error("http://[::1/"), "invalid URL 'http://[::1/': an IPv6 address needs its closing ']'")
        XCTAssertEqual(error("http://:80/"), "invalid URL 'http://:80/': expected http://host:port/path")
    }

    func testHeadersThatFaultboxOwnsAreRefused() {
        let r = HTTPSession.once(method: "POST", url: "http://127.0.0.1:9/", body: [1], headers: [("Content-Length", "5")], timeout: .seconds(1))
        XCTAssertEqual(r.error, "header 'Content-Length' is set by faultbox from the body; leave it out")
    }

    /// SwiftNIO's parser caps a response head at 80 KiB; beyond, an error, not unbounded memory.
    func testOversizedHeadersAreRefused() throws {
        let server = try ScriptedServer(reply: ["HTTP/1.1 200 OK\r\n" + String(repeating: "X-Pad: \(String(repeating: "p", count: 1000))\r\n", count: 200) + "\r\n"])
        let r = get(server)
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.error?.hasPrefix("malformed HTTP response"), true, r.error ?? "")
    }
}
