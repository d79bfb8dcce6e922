import FaultPlan
import ServiceClients
import StarlarkSyntax

/// What one healthcheck attempt found: ready or not, and what was seen (for the timeout
/// message: the last reply, status, error or exception).
struct HealthcheckAttempt: Sendable {
    var ready: Bool
    var seen: String
}

/// One healthcheck attempt, through the same clients as the scenario's calls
/// (ServiceClients): the TCP client for `send`/`expect`, the cell's HTTP session for
/// `http(...)` (with `Connection: close`, so that no start-up connection is pooled and
/// reused by the scenario after the faults are armed), and the cell's VM for a function.
struct HealthProber {
    let http: HTTPSession
    /// Calls a `healthcheck = fn` in the cell's VM (set by the cell program).
    var function: ((CallableRef, Duration) -> HealthcheckAttempt)?

    func attempt(_ check: Healthcheck, timeout: Duration) -> HealthcheckAttempt {
        switch check.probe {
        case .connect(let host, let port):
            if let failure = TCPClient.connectFailure(host: Clients.loopback(host), port: port, timeout: timeout) {
                return HealthcheckAttempt(ready: false, seen: failure)
            }
            return HealthcheckAttempt(ready: true, seen: "connected")
        case .exchange(let host, let port, let send, let expect):
            let r = TCPClient.sendLine(host: Clients.loopback(host), port: port, data: send, timeout: timeout)
            guard let reply = r.reply else { return HealthcheckAttempt(ready: false, seen: r.error ?? "no reply") }
            let shown = "reply " + StarlarkQuote.quoted(Self.clip(reply))
            return HealthcheckAttempt(ready: expect?.matches(reply) ?? true, seen: shown)
        case .http(let host, let port, let path, let status, let body, let tls):
            // Connect first: async-http-client retries a refused connection with a backoff
            // until the call's deadline, which held every cell's start by ~80 ms (bench/cells.sh
            // 27 -> 108 ms per cell). A port that refuses is "not yet", at once.
            if let failure = TCPClient.connectFailure(host: Clients.loopback(host), port: port, timeout: timeout) {
                return HealthcheckAttempt(ready: false, seen: failure)
            }
            let r = http.request(method: "GET", url: Clients.url(host: host, port: port, path: path, tls: tls), body: nil,
                                 headers: [("Connection", "close")], timeout: timeout, tls: tls.map(Clients.clientTLS))
            if let error = r.error { return HealthcheckAttempt(ready: false, seen: error) }
            let text = String(decoding: r.body.prefix(4096), as: UTF8.self)
            let statusOK = status.map { $0 == r.status } ?? (200...399).contains(r.status)
            let bodyOK = body.map { String(decoding: r.body, as: UTF8.self).contains($0) } ?? true
            return HealthcheckAttempt(ready: statusOK && bodyOK,
                               seen: "status \(r.status), body " + StarlarkQuote.quoted(Self.clip(text)))
        case .function(let ref):
            guard let function else { return HealthcheckAttempt(ready: false, seen: "no VM to call \(ref.name) in") }
            return function(ref, timeout)
        }
    }

    /// What the probe waits for, for the timeout message.
    static func wanted(_ check: Healthcheck) -> String {
        switch check.probe {
        case .connect: return "a TCP connection"
        case .exchange(_, _, _, let expect?):
            switch expect {
            case .equals(let e): return "the reply line " + StarlarkQuote.quoted(e)
            case .regex(let r): return "a reply line matching " + StarlarkQuote.quoted(r)
            }
        case .exchange: return "a reply line"
        case .http(_, _, _, let status, let body, _):
            return (status.map { "status \($0)" } ?? "a status of 200-399")
                + (body.map { " with " + StarlarkQuote.quoted($0) + " in the body" } ?? "")
        case .function(let ref): return "\(ref.name)() to return True"
        }
    }

    static func clip(_ s: String) -> String { s.count > 200 ? String(s.prefix(200)) + "..." : s }
}
