/// What the supervisor needs to start one service, independent of how the plan spells it
/// (the adapter from FaultPlan lives in PlanAdapter.swift). Kept small so that the
/// supervisor can be tested and reasoned about without a spec.
import FaultPlan

public struct ServiceLaunch: Sendable {
    public var name: String
    /// Resolved executable path (the plan resolves relative paths and PATH look-ups).
    public var executable: String
    public var arguments: [String]
    /// The service's own environment (its `env=` plus FAULTBOX_<SVC>_<IFACE>_*); the
    /// supervisor adds it on top of faultbox's own environment.
    public var environment: [String: String]
    /// Loopback ports of its interfaces, `(interface, port)`: checked free before the start
    /// and waited free after the teardown.
    public var ports: [(interface: String, port: Int)]
    public var healthcheck: Healthcheck?
    /// Output streams recorded as trace events (`observe=`).
    public var observe: [ObservedStream] = []

    public init(name: String, executable: String, arguments: [String] = [], environment: [String: String] = [:],
                ports: [(interface: String, port: Int)] = [], healthcheck: Healthcheck? = nil) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.ports = ports
        self.healthcheck = healthcheck
    }
}

/// How to decide a service is ready: what to probe, and for how long to keep trying.
public struct Healthcheck: Sendable, CustomStringConvertible {
    public enum Probe: Sendable {
        /// A TCP connect to host:port succeeds (plain `tcp("host:port")`).
        case connect(host: String, port: Int)
        /// `send` gets a reply line over TCP, which matches `expect` when given.
        case exchange(host: String, port: Int, send: String, expect: ReplyMatch?)
        /// An HTTP GET of `path` answers `status` (nil: 200-399) with `body` in its body.
        case http(host: String, port: Int, path: String, status: Int?, body: String?, tls: TLSSettings?)
        /// A spec function, called in the cell's VM, returns True.
        case function(CallableRef)
    }

    public var probe: Probe
    public var timeout: Duration
    /// The check as written, for messages (`tcp("localhost:6379", send="PING", expect="+PONG")`).
    public var text: String

    public init(probe: Probe, timeout: Duration, text: String) {
        self.probe = probe
        self.timeout = timeout
        self.text = text
    }

    public static func tcp(host: String, port: Int, timeout: Duration) -> Healthcheck {
        Healthcheck(probe: .connect(host: host, port: port), timeout: timeout, text: "tcp(\"\(host):\(port)\")")
    }

    public static func http(host: String, port: Int, path: String, timeout: Duration) -> Healthcheck {
        Healthcheck(probe: .http(host: host, port: port, path: path, status: nil, body: nil, tls: nil), timeout: timeout,
                    text: "http(\"\(host):\(port)\(path)\")")
    }

    public var description: String { text }
}
