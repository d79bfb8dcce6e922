// The HTTP interface's get/post/put/delete/patch: plain HTTP/1.1 on a socket of its own per
// call (`Connection: close`). Written here rather than on URLSession: FoundationNetworking
// and libcurl tripled the memory every `faultbox` run starts with (7.7 -> 22.7 MB), and a
// fresh connection per call keeps cells apart. docs/clients.md has the choices and numbers.
import Glibc

/// The result of one HTTP call. Transport failures are values, not errors: `ok == false`,
/// `status == 0`, and `error` says what happened.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// Response headers in wire order, names lowercased, a repeated name joined with ", ".
    public var headers: [(String, String)]
    public var durationMs: Double
    /// True for statuses 200-399 (the same range a healthcheck accepts).
    public var ok: Bool
    public var error: String?

    public init(status: Int, body: [UInt8], headers: [(String, String)], durationMs: Double, ok: Bool, error: String?) {
        self.status = status
        self.body = body
        self.headers = headers
        self.durationMs = durationMs
        self.ok = ok
        self.error = error
    }

    static func failure(_ message: String, durationMs: Double) -> HTTPResponse {
        HTTPResponse(status: 0, body: [], headers: [], durationMs: durationMs, ok: false, error: message)
    }
}

public enum HTTPClient {
    /// Sends one request and waits for the answer (synchronous: the VM calls it from its own
    /// thread). `url` may omit the scheme (`localhost:8080/health` means http://). `timeout`
    /// bounds the whole call, connect included. Redirects are not followed: the scenario sees
    /// the 3xx the service sent. Never throws.
    public static func request(method: String, url: String, body: [UInt8]?,
                               headers: [(String, String)], timeout: Duration) -> HTTPResponse {
        let started = monotonicMs()
        let deadline = started + milliseconds(timeout)
        func failure(_ message: String) -> HTTPResponse { .failure(message, durationMs: monotonicMs() - started) }

        let target: HTTPTarget
        switch HTTPTarget.parse(url) {
        case .success(let parsed): target = parsed
        case .failure(let problem): return failure(problem.message)
        }
        let shown = url.contains("://") ? url : "http://" + url
        let verb = method.uppercased()
        guard !verb.isEmpty, verb.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            return failure("invalid HTTP method '\(method)'")
        }
        let request: [UInt8]
        switch encode(verb: verb, target: target, body: body, headers: headers) {
        case .success(let bytes): request = bytes
        case .failure(let problem): return failure(problem.message)
        }

        let fd: Int32
        switch connectTCP(host: target.host, port: target.port, deadlineMs: deadline) {
        case .success(let connected): fd = connected
        case .failure(let problem):
            if problem.unresolved { return failure("cannot resolve host (\(shown))") }
            switch problem.errno {
            case ECONNREFUSED?: return failure("connection refused (\(shown))")
            case ETIMEDOUT?: return failure("timed out after \(describe(timeout)) (\(shown))")
            default: return failure("\(problem.message) (\(shown))")
            }
        }
        defer { close(fd) }
        // A send that fails (the service answered early and closed) is not the end: the
        // answer it sent is what the scenario should see, so the response is read anyway.
        let sent = sendAll(fd, request, deadlineMs: deadline)
        if sent == ETIMEDOUT { return failure("timed out after \(describe(timeout)) (\(shown))") }
        var reader = SocketReader(fd: fd, deadlineMs: deadline)
        do {
            let response = try ResponseReader.read(&reader, head: verb == "HEAD")
            return HTTPResponse(status: response.status, body: response.body, headers: response.headers,
                                durationMs: monotonicMs() - started, ok: (200...399).contains(response.status), error: nil)
        } catch WireError.timedOut {
            return failure("timed out after \(describe(timeout)) (\(shown))")
        } catch WireError.lost {
            return failure("connection lost before a complete response (\(shown))")
        } catch WireError.malformed(let why) {
            return failure("malformed HTTP response (\(shown)): \(why)")
        } catch {
            return failure("\(error) (\(shown))")
        }
    }

    /// The request's bytes; header names and values are checked so that nothing a spec
    /// passes can smuggle a second header or request onto the wire.
    static func encode(verb: String, target: HTTPTarget, body: [UInt8]?,
                       headers: [(String, String)]) -> Result<[UInt8], ClientFailure> {
        var given = Set<String>()
        var lines = "\(verb) \(target.pathAndQuery) HTTP/1.1\r\n"
        var custom = ""
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }) else {
                return .failure(ClientFailure("invalid header name '\(name)': use visible ASCII without ':'"))
            }
            guard !value.utf8.contains(where: { $0 == 10 || $0 == 13 || $0 == 0 }) else {
                return .failure(ClientFailure("invalid value for header '\(name)': it contains a line break or NUL"))
            }
            let lower = name.lowercased()
            if lower == "content-length" || lower == "transfer-encoding" {
                return .failure(ClientFailure("header '\(name)' is set by faultbox from the body; leave it out"))
            }
            given.insert(lower)
            custom += "\(name): \(value)\r\n"
        }
        if !given.contains("host") { lines += "Host: \(target.hostHeader)\r\n" }
        if !given.contains("user-agent") { lines += "User-Agent: faultbox\r\n" }
        if !given.contains("accept") { lines += "Accept: */*\r\n" }
        if !given.contains("connection") { lines += "Connection: close\r\n" }
        let payload = body ?? []
        // POST, PUT and PATCH always say their length (some servers answer 411 otherwise).
        if !payload.isEmpty || ["POST", "PUT", "PATCH"].contains(verb) {
            lines += "Content-Length: \(payload.count)\r\n"
        }
        lines += custom + "\r\n"
        return .success(Array(lines.utf8) + payload)
    }

    /// Sends every byte before the deadline: 0 when done, else the errno that stopped it.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8], deadlineMs: Double) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            guard waitReady(fd, events: Int16(POLLOUT), deadlineMs: deadlineMs) else { return ETIMEDOUT }
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 { offset += n } else if n < 0 && (errno == EINTR || errno == EAGAIN) { continue } else {
                return n == 0 ? EPIPE : errno
            }
        }
        return 0
    }

    static func describe(_ timeout: Duration) -> String {
        let ms = milliseconds(timeout)
        return ms < 1000 ? "\(Int(ms.rounded()))ms" : "\((ms).rounded() / 1000)s"
    }
}
