import StarlarkSyntax

/// How faultbox's own clients (a scenario's calls and the healthcheck) speak TLS to a
/// service that terminates TLS itself: `interface(..., "https", ...)` or
/// `interface(..., tls = tls_cert(...))`. There is no proxy in between (the reference
/// tool's `proxy_cert`/`proxy_key` have nothing to configure here), so only the client
/// side's material exists: whom to trust and which certificate to present.
public struct TLSSettings: Sendable, Hashable {
    /// A PEM bundle of the certificates to trust instead of the system's CA pool (absolute).
    public var ca: String?
    /// Accept any certificate (a self-signed one in development); never with `ca`.
    public var insecure = false
    /// Mutual TLS: the certificate chain (PEM) and its private key (PEM), both or neither.
    public var clientCert: String?
    public var clientKey: String?

    public init(ca: String? = nil, insecure: Bool = false, clientCert: String? = nil, clientKey: String? = nil) {
        self.ca = ca; self.insecure = insecure; self.clientCert = clientCert; self.clientKey = clientKey
    }

    /// The settings as a call, for messages and plan dumps: `tls_cert(insecure=True)`.
    /// `show` turns the absolute paths into what a listing prints (relative to the spec).
    public func written(showing show: (String) -> String = { $0 }) -> String {
        var parts: [String] = []
        if let ca { parts.append("ca=\(StarlarkQuote.quoted(show(ca)))") }
        if insecure { parts.append("insecure=True") }
        if let clientCert { parts.append("client_cert=\(StarlarkQuote.quoted(show(clientCert)))") }
        if let clientKey { parts.append("client_key=\(StarlarkQuote.quoted(show(clientKey)))") }
        return "tls_cert(\(parts.joined(separator: ", ")))"
    }
}
