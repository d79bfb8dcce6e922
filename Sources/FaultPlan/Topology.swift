/// The services of a spec: what to start, how to reach it, when it is ready.

/// `interface(name, protocol, port)`.
public struct Interface: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case tcp, http }
    public var name: String
    public var proto: Kind
    /// Services are reached on loopback: `db.main.addr == "localhost:5432"`.
    public var host: String
    public var port: Int
    public var position: SourcePosition

    public init(name: String, proto: Kind, host: String = "localhost", port: Int, position: SourcePosition) {
        self.name = name; self.proto = proto; self.host = host; self.port = port; self.position = position
    }

    /// `host:port`.
    public var address: String { "\(host):\(port)" }
}

/// `tcp("host:port", timeout=)` or `http("host:port/path", timeout=)`.
public struct HealthCheck: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case tcp, http }
    public var kind: Kind
    public var host: String
    public var port: Int
    /// The HTTP path including the leading `/` (`"/"` when none was written); empty for tcp.
    public var path: String
    public var timeout: PlanDuration
    public var position: SourcePosition

    public init(kind: Kind, host: String, port: Int, path: String, timeout: PlanDuration, position: SourcePosition) {
        self.kind = kind; self.host = host; self.port = port; self.path = path
        self.timeout = timeout; self.position = position
    }

    /// What the user wrote, normalised: `tcp localhost:5432` / `http localhost:8080/health`.
    public var target: String { kind == .tcp ? "\(host):\(port)" : "\(host):\(port)\(path)" }
}

/// One environment variable, in the order the service receives it.
public struct EnvVar: Sendable, Hashable {
    public var key: String
    public var value: String
    /// True for the `FAULTBOX_<SVC>_<IFACE>_{HOST,PORT,ADDR}` variables faultbox adds.
    public var generated: Bool
    public init(key: String, value: String, generated: Bool = false) {
        self.key = key; self.value = value; self.generated = generated
    }
}

/// `service(name, binary, *interfaces, env=, args=, depends_on=, healthcheck=)`.
public struct Service: Sendable, Hashable {
    public var name: String
    /// The binary as written in the spec.
    public var binary: String
    /// Absolute path: relative paths resolve against the working directory, a bare name
    /// searches PATH (kept bare when PATH has no such executable; launching then fails
    /// with the injector's message).
    public var executable: String
    public var args: [String]
    /// The user's env in the order written, then the generated FAULTBOX_ variables.
    public var env: [EnvVar]
    public var interfaces: [Interface]
    public var healthcheck: HealthCheck?
    /// Names of the services this one waits for, in the order written.
    public var dependsOn: [String]
    public var position: SourcePosition
    /// The top-level variable of `definedIn` bound to this service (`db`), if any.
    public var variable: String?
    /// Absolute path of the file that declared the service.
    public var definedIn: String
    /// Output streams recorded as trace events (`observe=`).
    public var observe: [ObservedStream] = []
    /// Named operations (`ops = {...}`), in the order written.
    public var ops: [NamedOp]

    public init(name: String, binary: String, executable: String, args: [String], env: [EnvVar],
                interfaces: [Interface], healthcheck: HealthCheck?, dependsOn: [String],
                position: SourcePosition, variable: String?, definedIn: String, ops: [NamedOp] = []) {
        self.name = name; self.binary = binary; self.executable = executable; self.args = args
        self.env = env; self.interfaces = interfaces; self.healthcheck = healthcheck
        self.dependsOn = dependsOn; self.position = position; self.variable = variable
        self.definedIn = definedIn; self.ops = ops
    }

    public func interface(named name: String) -> Interface? { interfaces.first { $0.name == name } }

    /// What `keyword` (a syscall, a family or one of this service's ops) means here; nil
    /// when it is none of them. For `trace(svc, syscalls=[...])` and fault keywords alike.
    public func resolve(_ keyword: String, vocabulary: SyscallVocabulary) -> ResolvedKeyword? {
        FaultKeywords.resolve(keyword, ops: ops, vocabulary: vocabulary)
    }
}
