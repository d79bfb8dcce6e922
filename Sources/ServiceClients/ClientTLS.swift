// TLS for the HTTP client: whom to trust and which certificate to present, built into
// NIOSSL's configuration once per session and per setting (async-http-client pools
// connections per TLS configuration, so equal settings share kept connections).
import NIOSSL

/// How the client speaks TLS to one service. Paths are absolute (the spec loader resolves
/// them against the spec's folder).
public struct ClientTLS: Sendable, Hashable {
    /// A PEM bundle to trust instead of the system's CA pool.
    public var ca: String?
    /// Accept any certificate and any host name (development, self-signed services).
    public var insecure: Bool
    /// Mutual TLS: the client certificate chain and its private key, both PEM.
    public var clientCert: String?
    public var clientKey: String?

    public init(ca: String? = nil, insecure: Bool = false, clientCert: String? = nil, clientKey: String? = nil) {
        self.ca = ca; self.insecure = insecure; self.clientCert = clientCert; self.clientKey = clientKey
    }

    func configuration() throws -> TLSConfiguration {
        var c = TLSConfiguration.makeClientConfiguration()
        if insecure { c.certificateVerification = .none }
        if let ca { c.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca)) }
        if let clientCert, let clientKey {
            c.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCert).map { .certificate($0) }
            c.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKey, format: .pem))
        }
        return c
    }

    /// Why `path` cannot serve as a PEM certificate bundle, or nil (checked at spec load, so
    /// a wrong file fails there, not at the first call).
    public static func certificateProblem(_ path: String) -> String? {
        do {
            if try NIOSSLCertificate.fromPEMFile(path).isEmpty { return "it holds no PEM certificate" }
            return nil
        } catch {
            return "it is not a PEM certificate file (\(error))"
        }
    }

    /// Why `path` cannot serve as a PEM private key, or nil.
    public static func privateKeyProblem(_ path: String) -> String? {
        do {
            _ = try NIOSSLPrivateKey(file: path, format: .pem)
            return nil
        } catch {
            return "it is not a PEM private key (\(error))"
        }
    }

    /// A sentence for a TLS failure the library reports, or nil when `error` is not one.
    static func describe(_ error: Error, url: String) -> String? {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") || error as? NIOSSLError == .unableToValidateCertificate {
            return "TLS: the service's certificate is not trusted (certificate verify failed); trust its CA with "
                + "tls = tls_cert(ca = \"ca.pem\"), or accept a self-signed one with tls = tls_cert(insecure = True) (\(url))"
        }
        if error is NIOSSLExtraError, text.contains("hostname") || text.contains("Hostname") {
            return "TLS: the service's certificate is not valid for this host name (\(text)); reach it by a name in "
                + "its certificate, or use tls = tls_cert(insecure = True) (\(url))"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") {
            return "TLS handshake failed: the service did not answer with TLS (is it plain HTTP? then declare the "
                + "interface \"http\" without tls=) (\(url))"
        }
        if text.contains("CERTIFICATE_REQUIRED") || text.contains("HANDSHAKE_FAILURE") && text.contains("alert") {
            return "TLS handshake failed: the service refused the client (does it require a client certificate? "
                + "give tls = tls_cert(client_cert = ..., client_key = ...)) (\(url))"
        }
        if error is NIOSSLError || error is BoringSSLError {
            return "TLS: \(text) (\(url))"
        }
        return nil
    }
}
