// The HTTP interface's get/post/put/delete/patch. Built on URLSession (FoundationNetworking,
// libcurl underneath): one shared session so connections to a service are kept alive and
// reused between calls; see docs/clients.md for the measurements and the choices.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The result of one HTTP call. Transport failures are values, not errors: `ok == false`,
/// `status == 0`, and `error` says what happened.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// Response headers, names lowercased, sorted by name (URLSession does not keep wire order).
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
    /// One session for the whole process: libcurl's connection cache then spares a TCP
    /// handshake per call. Ephemeral: no cookies, no cache, no credentials on disk.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForResource = 86_400
        return URLSession(configuration: configuration)
    }()

    /// Sends one request and waits for the answer (synchronous: the VM calls it from its own
    /// thread). `url` may omit the scheme (`localhost:8080/health` means http://). `timeout`
    /// bounds the whole call. Never throws.
    public static func request(method: String, url: String, body: [UInt8]?,
                               headers: [(String, String)], timeout: Duration) -> HTTPResponse {
        let clock = ContinuousClock()
        let started = clock.now
        func elapsedMs() -> Double {
            let (s, atto) = (clock.now - started).components
            return Double(s) * 1000 + Double(atto) / 1e15
        }
        let text = url.contains("://") ? url : "http://" + url
        guard let target = URL(string: text), let scheme = target.scheme?.lowercased(),
              scheme == "http" || scheme == "https", target.host != nil else {
            return .failure("invalid URL '\(url)': expected http://host:port/path", durationMs: elapsedMs())
        }
        let verb = method.uppercased()
        guard !verb.isEmpty, verb.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            return .failure("invalid HTTP method '\(method)'", durationMs: elapsedMs())
        }
        let seconds = milliseconds(timeout) / 1000
        // The session's own timeout is set a second beyond ours so that only ours decides.
        var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData,
                                 timeoutInterval: (seconds + 1).rounded(.up))
        request.httpMethod = verb
        for (name, value) in headers {
            // A CR or LF would let a header smuggle another one (or a second request) onto the wire.
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }) else {
                return .failure("invalid header name '\(name)': use visible ASCII without ':'", durationMs: elapsedMs())
            }
            guard !value.utf8.contains(where: { $0 == 10 || $0 == 13 || $0 == 0 }) else {
                return .failure("invalid value for header '\(name)': it contains a line break or NUL", durationMs: elapsedMs())
            }
            request.addValue(value, forHTTPHeaderField: name)
        }
        if let body, !body.isEmpty {
            // swift-corelibs-foundation fails such requests with NSURLErrorDataLengthExceedsMaximum
            // ("resource exceeds maximum size"); say what is really wrong instead.
            if verb == "GET" || verb == "HEAD" {
                return .failure("a \(verb) request cannot carry a body with this HTTP client (URLSession on Linux); send it with post() or put()", durationMs: elapsedMs())
            }
            request.httpBody = Data(body)
        }

        let box = ResultBox()
        let task = session.dataTask(with: request) { data, response, error in
            box.set(data: data, response: response, error: error)
        }
        task.resume()
        // The deadline is kept here, not by the session: swift-corelibs-foundation hands
        // libcurl whole seconds, so a 300 ms timeout would otherwise last a second or more.
        if box.semaphore.wait(timeout: .now() + seconds) == .timedOut {
            task.cancel()
            return .failure("timed out after \(describe(seconds))", durationMs: elapsedMs())
        }
        let (data, response, error) = box.get()
        let duration = elapsedMs()
        if let error {
            return .failure(describe(error, url: text, seconds: seconds), durationMs: duration)
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure("no HTTP response from \(text)", durationMs: duration)
        }
        var pairs: [(String, String)] = []
        for (name, value) in http.allHeaderFields {
            pairs.append((String(describing: name).lowercased(), String(describing: value)))
        }
        pairs.sort { $0.0 < $1.0 }
        let status = http.statusCode
        return HTTPResponse(status: status, body: data.map { [UInt8]($0) } ?? [], headers: pairs,
                            durationMs: duration, ok: (200...399).contains(status), error: nil)
    }

    /// A short, stable message for a transport error (URLError's own texts are vague).
    static func describe(_ error: Error, url: String, seconds: Double) -> String {
        let ns = error as NSError
        switch ns.code {
        case NSURLErrorTimedOut: return "timed out after \(describe(seconds)) (\(url))"
        case NSURLErrorCannotConnectToHost: return "connection refused (\(url))"
        case NSURLErrorNetworkConnectionLost: return "connection lost before a complete response (\(url))"
        case NSURLErrorCannotFindHost: return "cannot resolve host (\(url))"
        case NSURLErrorBadServerResponse: return "malformed HTTP response (\(url))"
        default: return "\(ns.localizedDescription) [code \(ns.code)] (\(url))"
        }
    }

    static func describe(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded()))ms" : "\((seconds * 1000).rounded() / 1000)s"
    }
}

/// Hands the completion handler's values to the waiting thread.
private final class ResultBox: @unchecked Sendable {
    let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var data: Data?
    private var response: URLResponse?
    private var error: Error?

    func set(data: Data?, response: URLResponse?, error: Error?) {
        lock.lock()
        self.data = data
        self.response = response
        self.error = error
        lock.unlock()
        semaphore.signal()
    }

    func get() -> (Data?, URLResponse?, Error?) {
        lock.lock()
        defer { lock.unlock() }
        return (data, response, error)
    }
}
