import FaultPlan
import ServiceClients
import SpecLowering

/// The requests a scenario makes (`api.get`, `db.main.send`), through ServiceClients. The
/// runtime calls only these two functions.
enum Clients {
    static func http(_ session: HTTPSession, method: String, host: String, port: Int, path: String, body: [UInt8]?,
                     headers: [(String, String)], timeout: Duration, tls: TLSSettings? = nil) -> SpecHTTPResult {
        let r = session.request(method: method, url: url(host: host, port: port, path: path, tls: tls), body: body,
                                headers: headers, timeout: timeout, tls: tls.map(clientTLS))
        return SpecHTTPResult(status: r.status, body: r.body, headers: r.headers,
                              durationMilliseconds: r.durationMs, error: r.error)
    }

    /// Services are reached on loopback; "localhost" is sent to 127.0.0.1 directly so that
    /// a resolver trying ::1 first (where an IPv4-only service refuses) costs nothing.
    static func loopback(_ host: String) -> String { host == "localhost" ? "127.0.0.1" : host }

    /// `http://127.0.0.1:port/path`, or `https://localhost:port/path` over TLS: a
    /// certificate names the host, and "localhost" is what certificates for local services
    /// carry, so TLS keeps the name (and pays the resolver once per kept connection).
    static func url(host: String, port: Int, path: String, tls: TLSSettings?) -> String {
        tls == nil ? "http://\(loopback(host)):\(port)\(path)" : "https://\(host):\(port)\(path)"
    }

    static func clientTLS(_ s: TLSSettings) -> ClientTLS {
        ClientTLS(ca: s.ca, insecure: s.insecure, clientCert: s.clientCert, clientKey: s.clientKey)
    }

    static func tcpSendLine(host: String, port: Int, data: [UInt8], timeout: Duration) -> (reply: [UInt8]?, error: String?) {
        let r = TCPClient.sendLine(host: loopback(host), port: port, data: String(decoding: data, as: UTF8.self), timeout: timeout)
        return (r.reply.map { Array($0.utf8) }, r.error)
    }
}
