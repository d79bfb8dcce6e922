import ServiceClients
import SpecLowering

/// The requests a scenario makes (`api.get`, `db.main.send`), through ServiceClients. The
/// runtime calls only these two functions.
enum Clients {
    static func http(_ session: HTTPSession, method: String, host: String, port: Int, path: String, body: [UInt8]?,
                     headers: [(String, String)], timeout: Duration) -> SpecHTTPResult {
        let r = session.request(method: method, url: "http://\(loopback(host)):\(port)\(path)", body: body,
                                headers: headers, timeout: timeout)
        return SpecHTTPResult(status: r.status, body: r.body, headers: r.headers,
                              durationMilliseconds: r.durationMs, error: r.error)
    }

    /// Services are reached on loopback; "localhost" is sent to 127.0.0.1 directly so that
    /// a resolver trying ::1 first (where an IPv4-only service refuses) costs nothing.
    static func loopback(_ host: String) -> String { host == "localhost" ? "127.0.0.1" : host }

    static func tcpSendLine(host: String, port: Int, data: [UInt8], timeout: Duration) -> (reply: [UInt8]?, error: String?) {
        let r = TCPClient.sendLine(host: loopback(host), port: port, data: String(decoding: data, as: UTF8.self), timeout: timeout)
        return (r.reply.map { Array($0.utf8) }, r.error)
    }
}
