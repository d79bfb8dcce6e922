// A small HTTP/1.1 server side: request parsing with Content-Length bodies, keep-alive, and
// plain-text responses. Enough for the demo's clients (faultbox's HTTP client, curl); not a general server.
// The HTTP side uses recv()/send(); the db connection (DBClient.swift) uses read()/write(), so
// that faults aimed at the api's db traffic (`read=deny(ECONNRESET)`) hit that traffic only.
import DemoNet
import Glibc

struct HTTPRequest {
    var method: String
    var path: String
    var version: String
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name }?.1
    }

    var keepAlive: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        return version == "HTTP/1.0" ? connection == "keep-alive" : connection != "close"
    }
}

struct HTTPResponse {
    var status: Int
    var body: String
}

/// Reads requests from one connection, keeping leftover bytes (pipelined requests) between calls.
struct RequestReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    static let headerLimit = 64 * 1024
    static let bodyLimit = 1 << 20

    init(fd: Int32) { self.fd = fd }

    enum Next { case request(HTTPRequest), closed, bad(HTTPResponse) }

    mutating func next() -> Next {
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = findHeaderEnd()
            if headerEnd != nil { break }
            if buffer.count > Self.headerLimit { return .bad(HTTPResponse(status: 431, body: "request headers exceed 64 KiB")) }
            guard fill() else { return .closed }
        }
        guard let end = headerEnd else { return .closed }
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else {
            return .bad(HTTPResponse(status: 400, body: "malformed request line (expected: METHOD /path HTTP/1.1)"))
        }
        var headers: [(String, String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                return .bad(HTTPResponse(status: 400, body: "malformed header line: \(line.prefix(80))"))
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            headers.append((String(line[..<colon]), value))
        }
        var request = HTTPRequest(method: requestLine[0], path: requestLine[1], version: requestLine[2],
                                  headers: headers, body: [])
        if request.header("transfer-encoding") != nil {
            return .bad(HTTPResponse(status: 501, body: "chunked request bodies are not supported; send Content-Length"))
        }
        let lengthText = request.header("content-length") ?? "0"
        guard let length = Int(lengthText), length >= 0 else {
            return .bad(HTTPResponse(status: 400, body: "invalid Content-Length '\(lengthText)'"))
        }
        guard length <= Self.bodyLimit else { return .bad(HTTPResponse(status: 413, body: "body exceeds 1 MiB")) }
        if length > 0, request.header("expect")?.lowercased() == "100-continue" {
            _ = sendAll(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        while buffer.count < length {
            guard fill() else { return .closed }
        }
        request.body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return .request(request)
    }

    private func findHeaderEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// recv()s more bytes; false on end of stream, idle timeout or error.
    private mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 { buffer.append(contentsOf: chunk[0..<n]); return true }
            if n < 0 && errno == EINTR { continue }
            return false
        }
    }
}

func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 100: return "Continue"
    case 200: return "OK"
    case 400: return "Bad Request"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 413: return "Content Too Large"
    case 431: return "Request Header Fields Too Large"
    case 500: return "Internal Server Error"
    case 501: return "Not Implemented"
    default: return "Status"
    }
}

func sendResponse(_ fd: Int32, _ response: HTTPResponse, keepAlive: Bool, extraHeaders: String = "") -> Bool {
    let body = Array(response.body.utf8)
    let head = "HTTP/1.1 \(response.status) \(reasonPhrase(response.status))\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: \(body.count)\r\n"
        + "Connection: \(keepAlive ? "keep-alive" : "close")\r\n"
        + extraHeaders
        + "\r\n"
    return sendAll(fd, Array(head.utf8) + body)
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let drop = Set(set)
        var scalars = Substring(self)
        while let first = scalars.first, drop.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, drop.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
