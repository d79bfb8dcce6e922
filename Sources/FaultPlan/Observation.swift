/// What a spec observes besides faults: monitors' event matchers, the services' observed
/// output streams, and the trace calls and assertion filters found in test bodies. Plain
/// data; the runner turns matchers into the trace's filters.

/// One `key = pattern` condition of `match.event(...)` or an assertion filter; the pattern
/// is exact or has `*` at either end.
public struct FieldPattern: Sendable, Hashable {
    public var key: String
    public var pattern: String
    public init(_ key: String, _ pattern: String) {
        self.key = key
        self.pattern = pattern
    }
    public var isExact: Bool { !pattern.hasPrefix("*") && !pattern.hasSuffix("*") }
}

/// `match.event(type=, **fields)`, `match.any(...)`, `match.all(...)`, `match.never()`.
public indirect enum EventMatch: Sendable, Hashable, CustomStringConvertible {
    case event([FieldPattern])
    case any([EventMatch])
    case all([EventMatch])
    case never

    /// The (service, syscall) pairs a syscall matcher names exactly: what must be traced for
    /// it to see anything. A nil service means every service.
    public var syscallTargets: [(service: String?, syscall: String)] {
        switch self {
        case .event(let fields):
            let type = fields.first { $0.key == "type" }?.pattern
            guard type == nil || type == "syscall" else { return [] }
            guard let sc = fields.first(where: { $0.key == "syscall" }), sc.isExact else { return [] }
            let svc = fields.first { $0.key == "service" }
            return [(svc.flatMap { $0.isExact ? $0.pattern : nil }, sc.pattern)]
        case .any(let list), .all(let list): return list.flatMap(\.syscallTargets)
        case .never: return []
        }
    }

    public var description: String {
        switch self {
        case .event(let f): return "match.event(" + f.map { "\($0.key)=\"\($0.pattern)\"" }.joined(separator: ", ") + ")"
        case .any(let l): return "match.any(" + l.map(\.description).joined(separator: ", ") + ")"
        case .all(let l): return "match.all(" + l.map(\.description).joined(separator: ", ") + ")"
        case .never: return "match.never()"
        }
    }
}

/// The reference tool's stateful monitor: `monitor(name, on=, state_init=, update=, check=)`.
public struct StatefulMonitor: Sendable, Hashable {
    public var name: String
    public var on: EventMatch
    /// A handle to the initial state value (any Starlark value), nil for None.
    public var stateInit: CallableRef?
    public var update: CallableRef?
    public var check: CallableRef?
    public init(name: String, on: EventMatch, stateInit: CallableRef?, update: CallableRef?, check: CallableRef?) {
        self.name = name
        self.on = on
        self.stateInit = stateInit
        self.update = update
        self.check = check
    }
}

/// `observe.stdout(decoder=...)` / `observe.stderr(...)` on a service.
public struct ObservedStream: Sendable, Hashable {
    public enum Stream: String, Sendable, Hashable { case stdout, stderr }
    public enum Decoder: Sendable, Hashable {
        case json, logfmt
        case regex(String)
        public var name: String {
            switch self { case .json: return "json"; case .logfmt: return "logfmt"; case .regex: return "regex" }
        }
    }
    public var stream: Stream
    /// Nil: lines are recorded raw.
    public var decoder: Decoder?
    public var position: SourcePosition
    public init(stream: Stream, decoder: Decoder?, position: SourcePosition) {
        self.stream = stream
        self.decoder = decoder
        self.position = position
    }
}

/// A `trace()`/`trace_start()` call or a trace assertion (`assert_eventually`, `assert_never`,
/// `assert_before`, `events`) or monitor filter found in a test's reachable code: what it
/// needs traced. `service` nil: not a literal (every service); `syscalls` nil: not
/// literal (nothing can be added; the runtime check then decides).
public struct TraceSite: Sendable, Hashable {
    public var what: String
    public var service: String?
    public var syscalls: [String]?
    public var position: SourcePosition
    public init(what: String, service: String?, syscalls: [String]?, position: SourcePosition) {
        self.what = what
        self.service = service
        self.syscalls = syscalls
        self.position = position
    }
}
