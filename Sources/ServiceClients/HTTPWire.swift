// Reading one HTTP/1.1 response off a socket: status line, headers, and the body framed by
// Content-Length, chunked transfer coding, or the end of the connection (RFC 9112 §6).
// Everything is bounded: by the caller's deadline and by size limits, so a misbehaving
// service gives an error value, never a hang or unbounded memory.
import Glibc

enum WireError: Error {
    case timedOut
    /// The peer closed (or reset) before the response was complete.
    case lost
    case malformed(String)
}

/// Bytes from a non-blocking socket, read on demand until a deadline.
struct SocketReader {
    let fd: Int32
    let deadlineMs: Double
    private var buffer: [UInt8] = []
    private var start = 0
    private(set) var closed = false
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(fd: Int32, deadlineMs: Double) {
        self.fd = fd
        self.deadlineMs = deadlineMs
    }

    var buffered: Int { buffer.count - start }

    /// Reads more bytes; false when the peer has closed the connection.
    mutating func fill() throws -> Bool {
        if closed { return false }
        if start > 0 && start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
        while true {
            guard waitReady(fd, events: Int16(POLLIN), deadlineMs: deadlineMs) else { throw WireError.timedOut }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n > 0 { buffer.append(contentsOf: chunk[0..<n]); return true }
            if n == 0 { closed = true; return false }
            if errno == EINTR || errno == EAGAIN { continue }
            if errno == ECONNRESET || errno == EPIPE { closed = true; return false }
            throw WireError.malformed("receive failed: \(errnoText(errno))")
        }
    }

    /// One line without its CR LF (a bare LF is accepted too); nil at a clean end of stream.
    mutating func line(limit: Int) throws -> [UInt8]? {
        var scanned = 0 // bytes after `start` already known to hold no LF (fill may move `start`)
        while true {
            if let nl = buffer[(start + scanned)...].firstIndex(of: 10) {
                var end = nl
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let line = Array(buffer[start..<end])
                start = nl + 1
                return line
            }
            scanned = buffered
            if buffered > limit { throw WireError.malformed("a header line is longer than \(limit / 1024) KiB") }
            if try !fill() {
                if buffered == 0 { return nil }
                throw WireError.lost
            }
        }
    }

    /// Exactly `count` bytes appended to `into`.
    mutating func bytes(_ count: Int, into body: inout [UInt8]) throws {
        var needed = count
        while needed > 0 {
            if buffered == 0, try !fill() { throw WireError.lost }
            let take = min(needed, buffered)
            body.append(contentsOf: buffer[start..<(start + take)])
            start += take
            needed -= take
        }
    }

    /// Everything until the peer closes, at most `limit` bytes.
    mutating func toEnd(into body: inout [UInt8], limit: Int) throws {
        while true {
            body.append(contentsOf: buffer[start...])
            start = buffer.count
            if body.count > limit { throw WireError.malformed("the body exceeds \(limit >> 20) MiB") }
            if try !fill() { return }
        }
    }
}

struct WireResponse {
    var status: Int
    /// Names lowercased, in wire order; a repeated name is joined with ", " (RFC 9110 §5.3).
    var headers: [(String, String)]
    var body: [UInt8]
}

enum ResponseReader {
    static let headerLimit = 64 * 1024
    static let bodyLimit = 64 << 20

    /// Reads one final response (1xx interim responses are skipped). `head` says the request
    /// was HEAD, whose response has headers only.
    static func read(_ reader: inout SocketReader, head: Bool) throws -> WireResponse {
        while true {
            guard let statusLine = try reader.line(limit: headerLimit) else { throw WireError.lost }
            let status = try parseStatus(statusLine)
            let headers = try readHeaders(&reader)
            if (100...199).contains(status) && status != 101 { continue }
            var body: [UInt8] = []
            if !head && status != 204 && status != 304 && !(100...199).contains(status) {
                try readBody(&reader, headers: headers, into: &body)
            }
            return WireResponse(status: status, headers: headers, body: body)
        }
    }

    /// `HTTP/1.1 200 OK` -> 200.
    static func parseStatus(_ line: [UInt8]) throws -> Int {
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3,
              let code = Int(parts[1]), (100...999).contains(code) else {
            let shown = text.count > 60 ? String(text.prefix(60)) + "..." : text
            throw WireError.malformed("expected a status line like 'HTTP/1.1 200 OK', got '\(shown)'")
        }
        return code
    }

    static func readHeaders(_ reader: inout SocketReader) throws -> [(String, String)] {
        var headers: [(String, String)] = []
        var total = 0
        while true {
            guard let line = try reader.line(limit: headerLimit) else { throw WireError.lost }
            if line.isEmpty { return headers }
            total += line.count
            if total > headerLimit { throw WireError.malformed("the headers exceed \(headerLimit / 1024) KiB") }
            if line.first == 32 || line.first == 9 {
                // An obsolete folded continuation: part of the previous header's value.
                guard !headers.isEmpty else { throw WireError.malformed("the first header line starts with whitespace") }
                headers[headers.count - 1].1 += " " + trimmed(line[...])
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                throw WireError.malformed("header line without a ':': '\(String(decoding: line.prefix(60), as: UTF8.self))'")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = trimmed(line[(colon + 1)...])
            if let existing = headers.firstIndex(where: { $0.0 == name }) {
                headers[existing].1 += ", " + value
            } else {
                headers.append((name, value))
            }
        }
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let f = slice.first, f == 32 || f == 9 { slice = slice.dropFirst() }
        while let l = slice.last, l == 32 || l == 9 { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }

    static func readBody(_ reader: inout SocketReader, headers: [(String, String)], into body: inout [UInt8]) throws {
        func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
        if let coding = header("transfer-encoding") {
            guard coding.lowercased().split(separator: ",").last?.trimmingSpaces == "chunked" else {
                // Not chunked last: the body runs to the end of the connection (RFC 9112 §6.3).
                try reader.toEnd(into: &body, limit: bodyLimit)
                return
            }
            try readChunked(&reader, into: &body)
            return
        }
        if let length = header("content-length") {
            // Repeated identical values were joined with ", "; differing ones are an error.
            let values = Set(length.split(separator: ",").map(\.trimmingSpaces))
            guard values.count == 1, let n = Int(values.first!), n >= 0 else {
                throw WireError.malformed("invalid Content-Length '\(length)'")
            }
            guard n <= bodyLimit else { throw WireError.malformed("the body (\(n) bytes) exceeds \(bodyLimit >> 20) MiB") }
            body.reserveCapacity(n)
            try reader.bytes(n, into: &body)
            return
        }
        try reader.toEnd(into: &body, limit: bodyLimit)
    }

    static func readChunked(_ reader: inout SocketReader, into body: inout [UInt8]) throws {
        while true {
            guard let sizeLine = try reader.line(limit: 4096) else { throw WireError.lost }
            let sizeText = String(decoding: sizeLine.prefix { $0 != UInt8(ascii: ";") }, as: UTF8.self).trimmingSpaces
            guard !sizeText.isEmpty, sizeText.count <= 15, let size = Int(sizeText, radix: 16), size >= 0 else {
                throw WireError.malformed("invalid chunk size '\(String(decoding: sizeLine.prefix(30), as: UTF8.self))'")
            }
            if size == 0 {
                // Trailer fields, up to the empty line; they are not kept.
                while let trailer = try reader.line(limit: headerLimit), !trailer.isEmpty {}
                return
            }
            guard body.count + size <= bodyLimit else { throw WireError.malformed("the body exceeds \(bodyLimit >> 20) MiB") }
            try reader.bytes(size, into: &body)
            guard let end = try reader.line(limit: 2), end.isEmpty else {
                throw WireError.malformed("a chunk is not followed by CR LF")
            }
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
