import StarlarkVM

/// The parts of the reference tool's spec language (Faultbox v0.18) that this project does
/// not support yet. A spec that uses one fails at load with one line: what it is, that it is
/// not supported here yet, and where to read more (`docs/compat.md#anchor`), never with
/// `undefined:` or `unexpected keyword argument`.
///
/// The tables are fallbacks: a builtin registered by the real implementation wins over the
/// stub (`SpecBuiltins.all` merges these last), and a keyword the builtin declares is never
/// looked up here. docs/compat.md lists every name with its status; CompatTableTests checks
/// the two agree.
public enum ReferenceOnly {
    /// What a reference-only name is, and the section of docs/compat.md about it.
    public struct Feature: Sendable {
        public let what: String
        public let anchor: String
        init(_ what: String, _ anchor: String) {
            self.what = what
            self.anchor = anchor
        }
    }

    static let containers = "containers"
    static let mocks = "mock-services"
    static let protocolFaults = "protocol-faults"
    static let packets = "packet-faults"
    static let concurrency = "concurrency"
    static let temporal = "temporal-primitives"

    /// Builtins of the reference tool registered here only to refuse clearly.
    public static let builtins: [String: Feature] = [
        // Topology
        "mock_service": Feature("declares an in-process mock service", mocks),
        "remotes": Feature("per-interface hosts of a remote service (service(remote=...))", "remote-services"),
        "kafka_ready": Feature("a Kafka protocol-level healthcheck", "protocols"),
        "ready": Feature("a protocol-aware healthcheck that asks the service through its protocol plugin", "protocols"),
        "client": Feature("a contract-driven client generated from OpenAPI or protobuf descriptors", "clients"),
        // Mock responses
        "json_response": Feature("a mock-service response constructor", mocks),
        "text_response": Feature("a mock-service response constructor", mocks),
        "bytes_response": Feature("a mock-service response constructor", mocks),
        "status_only": Feature("a mock-service response constructor", mocks),
        "redirect": Feature("a mock-service response constructor", mocks),
        "grpc_response": Feature("a mock-service response constructor", mocks),
        "grpc_typed_response": Feature("a mock-service response constructor", mocks),
        "grpc_raw_response": Feature("a mock-service response constructor", mocks),
        "grpc_error": Feature("a mock-service response constructor", mocks),
        "dynamic": Feature("a per-request mock-service response", mocks),
        "jwt_keypair": Feature("a JWT primitive behind the reference tool's jwt mock", mocks),
        "jwt_sign": Feature("a JWT primitive behind the reference tool's jwt mock", mocks),
        "jwt_jwks": Feature("a JWT primitive behind the reference tool's jwt mock", mocks),
        // Protocol-level faults (through a protocol proxy)
        "response": Feature("a protocol-level fault rule (a canned response from a protocol proxy)", protocolFaults),
        "error": Feature("a protocol-level fault rule (a protocol error from a protocol proxy)", protocolFaults),
        "drop": Feature("a protocol-level fault rule (a dropped message or connection at a protocol proxy)", protocolFaults),
        "duplicate": Feature("a protocol-level fault rule (a message delivered twice by a protocol proxy)", protocolFaults),
        // Packet-level faults
        "packet_drop": Feature("a packet-level fault (needs the reference tool's gVisor netstack)", packets),
        "packet_pass": Feature("a packet-level fault (needs the reference tool's gVisor netstack)", packets),
        "packet_delay": Feature("a packet-level fault (needs the reference tool's gVisor netstack)", packets),
        "packet_reorder": Feature("a packet-level fault (needs the reference tool's gVisor netstack)", packets),
        "packet_duplicate": Feature("a packet-level fault (needs the reference tool's gVisor netstack)", packets),
        "packet_corrupt": Feature("a packet-level fault (needs the reference tool's gVisor netstack)", packets),
        "packet_reset": Feature("a packet-level fault (needs the reference tool's gVisor netstack)", packets),
        "packet_window": Feature("a packet-level fault (needs the reference tool's gVisor netstack)", packets),
        "bandwidth": Feature("a link shaper (needs the reference tool's gVisor netstack)", packets),
        "mtu": Feature("a link shaper (needs the reference tool's gVisor netstack)", packets),
        // Imperative partitions
        "partition_start": Feature("imperative partition control (use partition(a, b, run=fn))", "partitions"),
        "partition_stop": Feature("imperative partition control (use partition(a, b, run=fn))", "partitions"),
        // Concurrency and exploration
        "parallel": Feature("runs step callables concurrently and explores their interleavings", concurrency),
        "nondet": Feature("excludes services from interleaving control / a non-deterministic boolean", concurrency),
        "choose": Feature("a non-deterministic choice that fans the plan tree out", concurrency),
        "halt": Feature("prunes the current plan-tree branch", concurrency),
        "assume": Feature("filters the plan tree by the choices made", concurrency),
        // Determinism
        "determinism": Feature("declares the determinism level and tolerated unmediated I/O", "determinism"),
        // Temporal primitives
        "eventually": Feature("a temporal expectation evaluated over the trace until the test ends", temporal),
        "always": Feature("a temporal invariant evaluated over the trace", temporal),
        "await_event": Feature("blocks the test body until a matching event arrives", temporal),
        "await_stable": Feature("blocks the test body until the event log is quiet", temporal),
        "test": Feature("declares a test with body=, setup=, expect=, timeout= and terminate_when=", temporal),
        // File observation
        "watch": Feature("file I/O observation through gVisor trace points", "observation"),
        "watch_start": Feature("file I/O observation through gVisor trace points", "observation"),
        "watch_stop": Feature("file I/O observation through gVisor trace points", "observation"),
        // Removed from the reference tool itself (v0.17.0)
        "stdout": Feature("was removed from the reference tool in v0.17.0; use observe.stdout(decoder=...)", "observation"),
        "stderr": Feature("was removed from the reference tool in v0.17.0; use observe.stderr(decoder=...)", "observation"),
        "json_decoder": Feature("was removed from the reference tool in v0.17.0; use decoder(\"json\")", "observation"),
        "logfmt_decoder": Feature("was removed from the reference tool in v0.17.0; use decoder(\"logfmt\")", "observation"),
        "regex_decoder": Feature("was removed from the reference tool in v0.17.0; use decoder(\"regex\", pattern=...)", "observation"),
    ]

    /// Keyword arguments of the reference tool that a builtin here does not take.
    public static let keywords: [String: [String: Feature]] = [
        "service": [
            "image": Feature("runs the service from a container image", containers),
            "build": Feature("builds a container image from a Dockerfile directory", containers),
            "volumes": Feature("mounts host paths into a container", containers),
            "ports": Feature("maps container ports to host ports", containers),
            "reuse": Feature("keeps a container alive between tests", containers),
            "seed": Feature("initialises a reused container once after its healthcheck", containers),
            "reset": Feature("re-initialises a reused container between tests", containers),
            "seccomp": Feature("skips the seccomp shim for multi-process container entrypoints", containers),
            "remote": Feature("points at an externally running endpoint instead of starting a process", "remote-services"),
            "nondeterministic_ok": Feature("tolerates unmediated I/O categories for one service", "determinism"),
        ],
        "interface": [
            "spec": Feature("attaches a contract file (OpenAPI, protobuf) for client()", "clients"),
        ],
        "deny": [
            "max_fires": Feature("exhaustive probability fan-out (2^max_fires plan leaves)", "faults"),
            "mode": Feature("chooses stochastic or exhaustive probability fan-out", "faults"),
        ],
        "delay": [
            "max_fires": Feature("exhaustive probability fan-out (2^max_fires plan leaves)", "faults"),
            "mode": Feature("chooses stochastic or exhaustive probability fan-out", "faults"),
            "method": Feature("makes delay() a protocol-level fault at a protocol proxy", protocolFaults),
            "path": Feature("makes delay() a protocol-level fault at a protocol proxy", protocolFaults),
            "query": Feature("makes delay() a protocol-level fault at a protocol proxy", protocolFaults),
            "command": Feature("makes delay() a protocol-level fault at a protocol proxy", protocolFaults),
            "key": Feature("makes delay() a protocol-level fault at a protocol proxy", protocolFaults),
            "topic": Feature("makes delay() a protocol-level fault at a protocol proxy", protocolFaults),
            "delay": Feature("makes delay() a protocol-level fault at a protocol proxy", protocolFaults),
        ],
        "fault": [
            "source": Feature("scopes protocol-level fault rules to one consumer", protocolFaults),
        ],
        "fault_assumption": [
            "rules": Feature("protocol-level fault rules of an assumption", protocolFaults),
            "faults": Feature("composes an assumption from other assumptions", "faults"),
            "description": Feature("describes a composed assumption", "faults"),
        ],
    ]

    /// Keyword spellings of the reference tool for parameters that are named differently
    /// here (`assert_true(x, message="...")` binds `msg`).
    public static let aliases: [String: [String: String]] = [
        "assert_true": ["message": "msg", "condition": "cond"],
        "assert_eq": ["message": "msg", "a": "actual", "b": "expected"],
        "partition": ["svc_a": "a", "svc_b": "b"],
    ]

    /// Attributes of an interface reference in the reference tool that need its protocol proxy.
    public static let interfaceAttributes: [String: Feature] = [
        "proxy_addr": Feature("the address of the interface's protocol proxy", protocolFaults),
        "proxy_host": Feature("the host of the interface's protocol proxy", protocolFaults),
        "proxy_port": Feature("the port of the interface's protocol proxy", protocolFaults),
    ]

    /// `name: what; not supported here yet, see docs/compat.md#anchor`.
    public static func line(_ name: String, _ f: Feature) -> String {
        "\(name): \(f.what); not supported here yet, see docs/compat.md#\(f.anchor)"
    }

    public static func builtinMessage(_ name: String) -> String? {
        builtins[name].map { line(name, $0) }
    }

    /// The refusal for keyword `kw` of builtin `fn`, if it is one of the reference tool's.
    public static func keywordMessage(_ fn: String, _ kw: String) -> String? {
        keywords[fn]?[kw].map { line("\(fn): \(kw)=", $0).replacingOccurrences(of: "=: ", with: "= ") }
    }

    public static func attributeMessage(_ attr: String) -> String? {
        interfaceAttributes[attr].map { line("interface.\(attr)", $0) }
    }

    /// `load("@faultbox/...")`: the reference tool's embedded standard library.
    public static func stdlibMessage(_ module: String) -> String? {
        guard module.hasPrefix("@faultbox/") else { return nil }
        return "load(\"\(module)\"): the reference tool's embedded standard library (recipes, mocks, discovery); "
            + "not supported here yet, see docs/compat.md#standard-library"
    }

    /// The stubs: each raises its line when called (uses are also refused at load, before
    /// anything runs, by `ReferenceUseCheck`). Made once: builtins are immutable, and the
    /// identity tells a stub from a real implementation of the same name.
    nonisolated(unsafe) static let stubs: [String: Value] = {
        var d: [String: Value] = [:]
        for (name, feature) in builtins {
            let message = line(name, feature)
            d[name] = .builtin(Builtin(name: name) { _, _, _ in throw StarlarkError(message) })
        }
        return d
    }()

    static func all() -> [String: Value] { stubs }

    /// Whether `v` is one of the stubs above (and not a real implementation of the name).
    static func isStub(_ name: String, _ v: Value?) -> Bool {
        guard case .builtin(let b)? = v, case .builtin(let stub)? = stubs[name] else { return false }
        return b === stub
    }
}

extension ReferenceOnly {
    /// The parameter keyword `kw` binds: itself, or the name here of the reference tool's
    /// spelling (`aliases`) when the builtin has that parameter.
    static func parameter(_ fn: String, _ kw: String, among names: [String]) -> String {
        if names.contains(kw) { return kw }
        if let target = aliases[fn]?[kw], names.contains(target) { return target }
        return kw
    }

    /// `"50%"` -> 0.5 (the reference tool's probability strings); nil for anything else.
    static func percentage(_ text: String) -> Double? {
        guard text.hasSuffix("%"), let n = Double(text.dropLast()), n.isFinite else { return nil }
        return n / 100
    }
}
