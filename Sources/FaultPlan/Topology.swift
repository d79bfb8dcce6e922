import StarlarkSyntax

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
    /// http over TLS (`"https"`, or `tls = tls_cert(...)`); nil for plain HTTP and tcp.
    public var tls: TLSSettings?

    public init(name: String, proto: Kind, host: String = "localhost", port: Int, position: SourcePosition,
                tls: TLSSettings? = nil) {
        self.name = name
        self.proto = proto
        self.host = host
        self.port = port
        self.position = position
        self.tls = tls
    }

    /// `host:port`.
    public var address: String { "\(host):\(port)" }
}

/// `tcp("host:port", timeout=, send=, expect=|expect_regex=)`, `http("host:port/path",
/// timeout=, status=, body=)`, or `healthcheck = fn` on the service.
public struct HealthCheck: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case tcp, http, function }
    public var kind: Kind
    public var host: String
    public var port: Int
    /// The HTTP path including the leading `/` (`"/"` when none was written); empty for tcp.
    public var path: String
    public var timeout: PlanDuration
    public var position: SourcePosition
    /// tcp: a line to send; ready when a reply line comes (and matches `expect`, if given).
    public var send: String?
    public var expect: ReplyMatch?
    /// http: the status wanted (nil: any of 200-399), and text the body must contain.
    public var status: Int?
    public var body: String?
    /// http: over TLS with these settings (an `https://` URL, or the interface it probes).
    public var tls: TLSSettings?
    /// `.function`: called in the cell's VM until it returns True.
    public var function: CallableRef?

    public init(kind: Kind, host: String, port: Int, path: String, timeout: PlanDuration, position: SourcePosition) {
        self.kind = kind
        self.host = host
        self.port = port
        self.path = path
        self.timeout = timeout
        self.position = position
    }

    /// What the user wrote, normalised: `tcp localhost:5432` / `http localhost:8080/health`
    /// / the function's name.
    public var target: String {
        switch kind {
        case .tcp: return "\(host):\(port)"
        case .http: return (tls != nil ? "https://" : "") + "\(host):\(port)\(path)"
        case .function: return function?.name ?? "?"
        }
    }

    /// The check as a call, for messages: `tcp("localhost:6379", send="PING", expect="+PONG")`.
    public var written: String { written() }

    /// `show` turns TLS file paths into what a listing prints.
    public func written(showing show: (String) -> String = { $0 }) -> String {
        func q(_ s: String) -> String { StarlarkQuote.quoted(s) }
        switch kind {
        case .tcp:
            var s = "tcp(\(q(target))"
            if let send { s += ", send=\(q(send))" }
            switch expect {
            case .equals(let e)?: s += ", expect=\(q(e))"
            case .regex(let r)?: s += ", expect_regex=\(q(r))"
            case nil: break
            }
            return s + ")"
        case .http:
            var s = "http(\(q(target))"
            if let status { s += ", status=\(status)" }
            if let body { s += ", body=\(q(body))" }
            if let tls, tls != TLSSettings() { s += ", tls=\(tls.written(showing: show))" }
            return s + ")"
        case .function:
            return "\(target)()"
        }
    }
}

/// How a tcp healthcheck's reply line is judged.
public enum ReplyMatch: Sendable, Hashable {
    /// The whole reply line (without its `\r\n`) equals the text.
    case equals(String)
    /// The regular expression (Swift Regex syntax) matches somewhere in the reply line;
    /// anchor it (`^\\+PONG`) for a prefix.
    case regex(String)

    public func matches(_ line: String) -> Bool {
        switch self {
        case .equals(let text): return line == text
        case .regex(let pattern):
            guard let re = try? Regex(pattern) else { return false }
            return (try? re.firstMatch(in: line)) != nil
        }
    }

    /// Why `pattern` is not a regular expression, or nil when it is one.
    public static func regexProblem(_ pattern: String) -> String? {
        do { _ = try Regex(pattern); return nil } catch { return "\(error)" }
    }
}

/// One environment variable, in the order the service receives it.
public struct EnvVar: Sendable, Hashable {
    public var key: String
    public var value: String
    /// True for the `FAULTBOX_<SVC>_<IFACE>_{HOST,PORT,ADDR}` variables faultbox adds.
    public var generated: Bool
    public init(key: String, value: String, generated: Bool = false) {
        self.key = key
        self.value = value
        self.generated = generated
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
        self.name = name
        self.binary = binary
        self.executable = executable
        self.args = args
        self.env = env
        self.interfaces = interfaces
        self.healthcheck = healthcheck
        self.dependsOn = dependsOn
        self.position = position
        self.variable = variable
        self.definedIn = definedIn
        self.ops = ops
    }

    public func interface(named name: String) -> Interface? { interfaces.first { $0.name == name } }

    /// What `keyword` (a syscall, a family or one of this service's ops) means here; nil
    /// when it is none of them. For `trace(svc, syscalls=[...])` and fault keywords alike.
    public func resolve(_ keyword: String, vocabulary: SyscallVocabulary) -> ResolvedKeyword? {
        FaultKeywords.resolve(keyword, ops: ops, vocabulary: vocabulary)
    }
}
