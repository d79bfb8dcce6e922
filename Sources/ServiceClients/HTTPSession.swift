// The HTTP interface's get/post/put/delete/patch, on async-http-client (SwiftNIO). Chosen
// over URLSession: the same kept library the issue names, but statically linked, where
// FoundationNetworking pulls libcurl, gnutls, krb5 and ldap into every faultbox process
// (peak RSS of `faultbox eval` 19.9 -> 16.2 MB; docs/clients.md has the numbers).
import AsyncHTTPClient
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

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

/// A set of HTTP calls with their own connections: the runner makes one per cell, so no
/// connection, pool state or backoff crosses from one cell to the next, and stopping a cell
/// (`shutdown`) fails its calls at once, even one still waiting for a connection.
/// Connections are kept alive and reused between the session's calls (a new connection per
/// call cost 3-4x the time of the call itself, docs/clients.md), idle ones are closed after
/// a second, and all of them with the session. Redirects are returned, not followed: the
/// scenario sees the 3xx the service sent. Every session runs on one event-loop thread
/// (`group`), started at the first session, so `faultbox eval` never pays for it.
public final class HTTPSession: Sendable {
    private let client: HTTPClient
    private let closed = Mutex(false)
    /// NIOSSL configurations by setting: built once (they read the PEM files) per session.
    private let tlsConfigurations = Mutex<[ClientTLS: TLSConfiguration]>([:])

    public init() {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            connectionPool: .init(idleTimeout: .seconds(1)))
        configuration.httpVersion = .http1Only
        // A failed connect or TLS handshake is the answer, as with curl: retrying it with a
        // backoff until the deadline turned a refused connection or an untrusted
        // certificate into a 10 s wait and then a timeout that hid the cause.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .shared(HTTPSession.group), configuration: configuration)
    }

    /// One event-loop thread for every session of the process, started at the first one. With
    /// NIO's shared group (a loop per CPU) a call's task was bound to the next loop while the
    /// kept connection it reused sat on another, so half the calls hopped between two loop
    /// threads before waking the VM: one wake-up more per call (kept-connection GET, 11
    /// interleaved rounds under load: 0.257 -> 0.186 ms, docs/clients.md). A spec's calls are
    /// sequential, so one loop is all they use.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    deinit { shutdown() }

    /// Fails the calls in flight and refuses later ones. Idempotent; never call it from an
    /// event loop (the runner calls it from its own threads).
    public func shutdown() {
        let first = closed.withLock { value -> Bool in
            defer { value = true }
            return !value
        }
        if first { try? client.syncShutdown() }
    }

    /// Sends one request and waits for the answer (synchronous: the VM calls it from its own
    /// thread, never from an event loop). `url` may omit the scheme (`localhost:8080/health`
    /// means http://). `timeout` bounds the whole call, connect included. Never throws.
    /// `tls` applies to https:// URLs (nil: the system's CA pool and full verification).
    public func request(method: String, url: String, body: [UInt8]?,
                        headers: [(String, String)], timeout: Duration, tls: ClientTLS? = nil) -> HTTPResponse {
        let started = monotonicMs()
        func failure(_ message: String) -> HTTPResponse { .failure(message, durationMs: monotonicMs() - started) }
        if closed.withLock({ $0 }) { return failure("the test was stopped before this call (\(url))") }

        let target: HTTPTarget
        switch HTTPTarget.parse(url) {
        case .success(let parsed): target = parsed
        case .failure(let problem): return failure(problem.message)
        }
        let shown = target.url
        let verb = method.uppercased()
        guard !verb.isEmpty, verb.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            return failure("invalid HTTP method '\(method)'")
        }
        var fields = HTTPHeaders()
        for (name, value) in headers {
            // A CR or LF would let a header smuggle another one (or a second request) onto the wire.
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }) else {
                return failure("invalid header name '\(name)': use visible ASCII without ':'")
            }
            guard !value.utf8.contains(where: { $0 == 10 || $0 == 13 || $0 == 0 }) else {
                return failure("invalid value for header '\(name)': it contains a line break or NUL")
            }
            let lower = name.lowercased()
            if lower == "content-length" || lower == "transfer-encoding" {
                return failure("header '\(name)' is set by faultbox from the body; leave it out")
            }
            fields.add(name: name, value: value)
        }
        if !fields.contains(name: "user-agent") { fields.add(name: "User-Agent", value: "faultbox") }

        var request: HTTPClient.Request
        do {
            let payload: HTTPClient.Body? = (body?.isEmpty ?? true) ? nil : .bytes(body!)
            request = try .init(url: shown, method: HTTPMethod(rawValue: verb), headers: fields, body: payload)
        } catch {
            return failure("invalid URL '\(url)': \(error)")
        }
        if let tls, target.scheme == "https" {
            do {
                request.tlsConfiguration = try tlsConfiguration(tls)
            } catch {
                return failure("TLS material for \(shown) cannot be loaded: \(error)")
            }
        }
        let nanos = Int64(milliseconds(timeout) * 1_000_000)
        do {
            let response = try FutureWait.result(of: client.execute(request: request, deadline: .now() + .nanoseconds(nanos)))
            var pairs: [(String, String)] = []
            for (name, value) in response.headers {
                let lower = name.lowercased()
                if let i = pairs.firstIndex(where: { $0.0 == lower }) { pairs[i].1 += ", " + value } else { pairs.append((lower, value)) }
            }
            let status = Int(response.status.code)
            let bytes = response.body.map { Array($0.readableBytesView) } ?? []
            return HTTPResponse(status: status, body: bytes, headers: pairs, durationMs: monotonicMs() - started,
                                ok: (200...399).contains(status), error: nil)
        } catch {
            return failure(HTTPSession.describe(error, url: shown, timeout: timeout))
        }
    }
}

extension HTTPSession {
    fileprivate func tlsConfiguration(_ tls: ClientTLS) throws -> TLSConfiguration {
        if let known = tlsConfigurations.withLock({ $0[tls] }) { return known }
        let built = try tls.configuration()
        tlsConfigurations.withLock { $0[tls] = built }
        return built
    }

    /// A one-off call (tools, tests) in a session of its own.
    public static func once(method: String, url: String, body: [UInt8]?,
                            headers: [(String, String)], timeout: Duration) -> HTTPResponse {
        let session = HTTPSession()
        defer { session.shutdown() }
        return session.request(method: method, url: url, body: body, headers: headers, timeout: timeout)
    }

    /// A short, stable message for a transport error (the library's own are type dumps).
    static func describe(_ error: Error, url: String, timeout: Duration) -> String {
        if let tls = ClientTLS.describe(error, url: url) { return tls }
        if let code = errnoCode(of: error) {
            switch code {
            case ECONNREFUSED: return "connection refused (\(url))"
            case ECONNRESET, EPIPE: return "connection lost before a complete response (\(url))"
            case ETIMEDOUT: return "timed out after \(describe(timeout)) (\(url))"
            default: return "\(errnoText(code)) (\(url))"
            }
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout:
                return "timed out after \(describe(timeout)) (\(url))"
            case .remoteConnectionClosed:
                return "connection lost before a complete response (\(url))"
            case .cancelled, .alreadyShutdown:
                return "the test was stopped during this call (\(url))"
            default:
                return "\(client) (\(url))"
            }
        }
        if let parser = error as? HTTPParserError, parser == .invalidEOFState {
            return "connection lost before a complete response (\(url))"
        }
        if error is HTTPParserError {
            return "malformed HTTP response (\(url)): \(error)"
        }
        if let name = error as? NIOConnectionError, name.dnsAError != nil || name.dnsAAAAError != nil, name.connectionErrors.isEmpty {
            return "cannot resolve host (\(url))"
        }
        if error is SocketAddressError || "\(error)".contains("getaddrinfo") {
            return "cannot resolve host (\(url))"
        }
        return "\(error) (\(url))"
    }

    /// The errno beneath a connect or I/O failure, however the library wrapped it.
    static func errnoCode(of error: Error) -> Int32? {
        if let io = error as? IOError { return io.errnoCode }
        if let connection = error as? NIOConnectionError {
            for attempt in connection.connectionErrors {
                if let code = errnoCode(of: attempt.error) { return code }
            }
        }
        return nil
    }

    static func describe(_ timeout: Duration) -> String {
        let ms = milliseconds(timeout)
        return ms < 1000 ? "\(Int(ms.rounded()))ms" : "\((ms).rounded() / 1000)s"
    }
}

