// Where an HTTP call goes: `http(s)://host:port/path?query`, the scheme optional
// (`localhost:8080/health` is how healthchecks are written). Checked here, before the HTTP
// library sees it, so that a spec's mistake gets a sentence that says what to write instead.

struct HTTPTarget: Equatable {
    var scheme = "http"
    var host: String
    var port: Int
    /// The request target as sent: path plus query, never empty, no fragment.
    var pathAndQuery: String
    /// The Host header's value: the authority as written (port kept when it was given).
    var hostHeader: String

    /// The URL handed to the HTTP library: scheme added, fragment dropped.
    var url: String { "\(scheme)://\(hostHeader)\(pathAndQuery)" }

    /// Parses `url`; the error is a sentence for the spec's author.
    static func parse(_ url: String) -> Result<HTTPTarget, ClientFailure> {
        func invalid(_ why: String) -> Result<HTTPTarget, ClientFailure> {
            .failure(ClientFailure("invalid URL '\(url)': \(why)"))
        }
        if url.utf8.contains(where: { $0 <= 32 || $0 == 127 }) {
            return invalid("it contains a space or a control character; percent-encode it (a space is %20)")
        }
        var rest = Substring(url)
        var scheme = "http"
        if let schemeEnd = rest.firstRange(of: "://") {
            scheme = rest[..<schemeEnd.lowerBound].lowercased()
            guard scheme == "http" || scheme == "https" else { return invalid("expected http://host:port/path") }
            rest = rest[schemeEnd.upperBound...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if path.isEmpty { path = "/" } else if path.first == "?" { path = "/" + path }
        guard !authority.isEmpty else { return invalid("expected http://host:port/path") }
        guard !authority.contains("@") else {
            return invalid("credentials in the URL are not supported; send them with headers={\"Authorization\": ...}")
        }

        var host: Substring
        var portText: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return invalid("an IPv6 address needs its closing ']'") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { return invalid("expected ':port' after ']'") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return invalid("expected http://host:port/path") }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value), portText.allSatisfy(\.isASCII) else {
                return invalid("port '\(portText)' is not a number in 1-65535")
            }
            port = value
        }
        return .success(HTTPTarget(scheme: scheme, host: String(host), port: port, pathAndQuery: path,
                                   hostHeader: String(authority)))
    }
}
