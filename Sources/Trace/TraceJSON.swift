// Events as JSON for the report's `tests[].events` (docs/trace.md, "JSON"), built as a
// JSONValue so the report writes them with its one writer, keys in the documented order.
import JSONText

public enum TraceJSON {
    /// `events` as a JSON array. `clocks`, when given, has one vector clock per event
    /// (VectorClocks.compute).
    public static func value(events: [TraceEvent], clocks: [[String: Int]]? = nil) -> JSONValue {
        precondition(clocks == nil || clocks!.count == events.count, "one clock per event")
        return .array(events.enumerated().map { i, e in value(e, clock: clocks?[i]) })
    }

    /// The array as text, its closing bracket at `indent` levels (the report's layout).
    public static func encode(events: [TraceEvent], clocks: [[String: Int]]? = nil, indent: Int = 0) -> String {
        value(events: events, clocks: clocks).renderExpanded(level: indent)
    }

    /// One event as a JSON object, keys in this order: `seq`, `time_ns` (nanoseconds since
    /// the test started), `type`, `event_type`, `partition_key` (the service, as the
    /// reference tool names it for PObserve), `service`, `fields` (strings), `data` (when
    /// decoded), `vector_clock` (when given).
    public static func value(_ e: TraceEvent, clock: [String: Int]?) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("seq", .number(String(e.seq))),
            ("time_ns", .number(String(e.timeNanos))),
            ("type", .string(e.type)),
            ("event_type", .string(e.eventType)),
            ("partition_key", .string(e.service)),
            ("service", .string(e.service)),
            ("fields", .object(e.fields.map { ($0.key, .string($0.value)) })),
        ]
        if let data = e.data { fields.append(("data", value(data))) }
        if let clock {
            fields.append(("vector_clock", .object(clock.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })))
        }
        return .object(fields)
    }

    /// A decoded value; objects keep their key order. Non-finite doubles (which JSON cannot
    /// spell) are written as null.
    public static func value(_ d: TraceData) -> JSONValue {
        switch d {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(String(i))
        case .double(let x): return x.isFinite ? .number("\(x)") : .null
        case .string(let s): return .string(s)
        case .list(let items): return .array(items.map(value))
        case .object(let entries): return .object(entries.map { ($0.key, value($0.value)) })
        }
    }
}
