// One event of a test's trace: what a service did (a trapped syscall, a line it printed),
// what happened to it (started, ready, exited, faults applied) or what the spec asked of it
// (a client call and its answer). Plain data: this target imports nothing of Starlark, the
// injector or the runner, so every producer and consumer agrees on one shape.

/// The kinds of event. `eventType` refines them in the reference tool's dotted notation
/// (`syscall.write`, `lifecycle.ready`, `step_send.api`).
public enum TraceEventKind: String, Sendable, CaseIterable {
    case syscall
    case lifecycle
    case faultApplied = "fault_applied"
    case faultRemoved = "fault_removed"
    case stepSend = "step_send"
    case stepRecv = "step_recv"
    case stdout
    case stderr
    /// A monitor's verdict that failed the test.
    case violation
}

/// A decoded payload (a JSON object from a service's stdout, logfmt pairs, regex groups).
public indirect enum TraceData: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case list([TraceData])
    /// Keys in the order they were decoded.
    case object([(key: String, value: TraceData)])

    public static func == (a: TraceData, b: TraceData) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.list(x), .list(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

/// One event. `fields` are strings in a stable order (the names the spec filters on:
/// `syscall`, `pid`, `tid`, `decision`, `label`, `path`, `addr`, `size`, `status`, ...);
/// `data` is the decoded payload of an output line, when a decoder parsed it.
public struct TraceEvent: Sendable {
    /// Position in the test's trace, from 1, in the order events were recorded.
    public var seq: Int
    /// Nanoseconds since the test started (monotonic clock).
    public var timeNanos: UInt64
    public var kind: TraceEventKind
    /// `syscall.write`, `lifecycle.started`, `step_recv.api`, `stdout`.
    public var eventType: String
    /// The service the event belongs to; `test` for the spec's own lane where no service
    /// applies.
    public var service: String
    public var fields: [(key: String, value: String)]
    public var data: TraceData?

    public init(seq: Int = 0, timeNanos: UInt64, kind: TraceEventKind, eventType: String, service: String,
                fields: [(key: String, value: String)] = [], data: TraceData? = nil) {
        self.seq = seq
        self.timeNanos = timeNanos
        self.kind = kind
        self.eventType = eventType
        self.service = service
        self.fields = fields
        self.data = data
    }

    /// Every field name the producers write, over all kinds (docs/trace.md, "Event
    /// model"): what a spec may filter on or read from any event, present or not.
    public static let fieldNames = [
        "syscall", "pid", "tid", "decision", "label", "op", "path", "addr", "size", "latency_ns",
        "phase", "status", "signal", "rules", "origin",
        "target", "interface", "method", "command", "duration_ms", "success", "body", "error", "reply",
        "line", "truncated", "line_bytes", "monitor", "event_seq", "message",
    ]

    /// A filter's field name in this trace's terms: the reference tool calls a call's status
    /// `status_code` (filters of assertions, `events()` and `match.event` accept both).
    public static func filterField(_ name: String) -> String { name == "status_code" ? "status" : name }

    /// `type` as the spec sees it (`e.type`).
    public var type: String { kind.rawValue }

    /// A field by name; `service`, `type`, `event_type` and `seq` are fields too, so one
    /// filter vocabulary covers everything.
    public func field(_ name: String) -> String? {
        switch name {
        case "service": return service
        case "type": return kind.rawValue
        case "event_type": return eventType
        case "seq": return String(seq)
        default:
            if let v = fields.first(where: { $0.key == name })?.value { return v }
            // A decoded output line (`{"level":"ERROR",...}`) is filtered by its keys too,
            // so `match.event(type="stdout", level="ERROR")` works without a lambda. String
            // fields win: `line` is always the raw text even if the JSON has a "line" key.
            return data?.member(name)?.fieldText
        }
    }
}
