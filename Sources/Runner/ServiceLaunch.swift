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
        self.name = name; self.executable = executable; self.arguments = arguments
        self.environment = environment; self.ports = ports; self.healthcheck = healthcheck
    }
}

/// How to decide a service is ready.
public enum Healthcheck: Sendable, CustomStringConvertible {
    /// A TCP connect to host:port succeeds.
    case tcp(host: String, port: Int, timeout: Duration)
    /// An HTTP GET of `path` answers 200-399.
    case http(host: String, port: Int, path: String, timeout: Duration)

    public var timeout: Duration {
        switch self {
        case .tcp(_, _, let t), .http(_, _, _, let t): return t
        }
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port, _): return "tcp(\"\(host):\(port)\")"
        case .http(let host, let port, let path, _): return "http(\"\(host):\(port)\(path)\")"
        }
    }
}
