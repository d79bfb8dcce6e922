import FaultPlan
import StarlarkVM
import Trace

/// One trace event as spec code sees it (`where=` predicates, `events()`, monitors):
/// `.seq .type .event_type .service .fields .data`, and any field by attribute
/// (`.syscall .pid .decision .label .path .addr`...). A field name some kind of event has
/// (`TraceEvent.fieldNames`) reads as `""` on an event without it, as in the reference tool,
/// so `lambda e: e.decision.startswith("deny")` can run over every event; any other name is
/// a decoded data key or an error with a did-you-mean. `pid`, `tid`, `seq`, `size` and
/// `status` are ints when present; `.status_code` is the reference tool's name of `status`
/// (a string there).
public final class TraceEventValue: StarObject {
    public let event: TraceEvent
    public init(_ event: TraceEvent) { self.event = event }

    static let intFields: Set<String> = ["pid", "tid", "size", "status", "latency_ns", "event_seq"]
    /// Attributes every event answers, present or not (`""` when absent).
    static let commonFields = TraceEvent.fieldNames

    public override var typeName: String { "event" }

    public override func attr(_ name: String, thread: StarThread) throws -> Value? {
        switch name {
        case "seq": return .int(Int64(event.seq))
        case "type": return .str(event.type)
        case "event_type": return .str(event.eventType)
        case "service": return .str(event.service)
        case "time_ns": return .int(Int64(clamping: event.timeNanos))
        case "fields":
            let d = StarDict()
            for (k, v) in event.fields { try d.set(.str(k), .str(v)) }
            d.frozen = true
            return .dict(d)
        case "data": return Self.value(event.data ?? .object([]))
        default:
            if let v = event.fields.first(where: { $0.key == name })?.value {
                if Self.intFields.contains(name), let n = Int64(v) { return .int(n) }
                return .str(v)
            }
            if case .object(let pairs)? = event.data, let v = pairs.first(where: { $0.key == name })?.value {
                return Self.value(v)
            }
            if name == "status_code" { return .str(event.fields.first { $0.key == "status" }?.value ?? "") }
            return Self.commonFields.contains(name) ? .str("") : nil
        }
    }

    public override var attrNames: [String] {
        Array(Set(["seq", "type", "event_type", "service", "time_ns", "fields", "data", "status_code"]
                  + Self.commonFields + event.fields.map(\.key))).sorted()
    }

    public override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array("<event \(TraceText.describe(event))>".utf8)
    }

    /// A decoded payload as Starlark values (objects become frozen dicts).
    static func value(_ d: TraceData) -> Value {
        switch d {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let x): return .float(x)
        case .string(let s): return .str(s)
        case .list(let l):
            let list = StarList(l.map(value))
            list.frozen = true
            return .list(list)
        case .object(let pairs):
            let dict = StarDict()
            for (k, v) in pairs { try? dict.set(.str(k), value(v)) }
            dict.frozen = true
            return .dict(dict)
        }
    }
}

/// Short one-line forms of events for messages: `#41 inventory write allow /tmp/x.wal`.
public enum TraceText {
    public static func describe(_ e: TraceEvent) -> String {
        var parts = ["#\(e.seq)", e.service]
        switch e.kind {
        case .syscall:
            parts.append(e.field("syscall") ?? "?")
            parts.append(e.field("decision") ?? "?")
            if let label = e.field("label") { parts.append("[\(label)]") }
            if let target = e.field("addr") ?? e.field("path") { parts.append(target) }
        case .stdout, .stderr:
            parts.append(e.type)
            let line = e.field("line") ?? ""
            parts.append(line.count > 120 ? String(line.prefix(120)) + "..." : line)
        default:
            parts.append(e.eventType)
            let shown = e.fields.filter { !["body", "phase"].contains($0.key) }.prefix(4)
            parts += shown.map { "\($0.key)=\($0.value)" }
        }
        return parts.joined(separator: " ")
    }
}

/// `match.event(...)`, `match.any(...)`, `match.all(...)`, `match.never()`.
final class MatcherValue: StarObject {
    let match: EventMatch
    init(_ match: EventMatch) { self.match = match }
    override var typeName: String { "matcher" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array(match.description.utf8)
    }
}

/// `decoder("json")`, `decoder("logfmt")`, `decoder("regex", pattern=...)`.
final class DecoderValue: StarObject {
    let decoder: ObservedStream.Decoder
    init(_ decoder: ObservedStream.Decoder) { self.decoder = decoder }
    override var typeName: String { "decoder" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        if case .regex(let p) = decoder { out += Array("decoder(\"regex\", pattern=\(Ops.repr(.str(p))))".utf8) } else {
            out += Array("decoder(\"\(decoder.name)\")".utf8)
        }
    }
}

/// `observe.stdout(decoder=...)` / `observe.stderr(...)`: an event source for `service(observe=)`.
final class ObserveValue: StarObject {
    let stream: ObservedStream
    init(_ stream: ObservedStream) { self.stream = stream }
    override var typeName: String { "event_source" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array("observe.\(stream.stream.rawValue)(\(stream.decoder.map { "decoder=" + $0.name } ?? ""))".utf8)
    }
}

/// A namespace of builtins (`observe`, `match`): attributes only.
final class NamespaceValue: StarObject {
    let name: String
    let members: [(String, Value)]
    init(_ name: String, _ members: [(String, Value)]) {
        self.name = name
        self.members = members
    }
    override var typeName: String { "module" }
    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out += Array("<module \(name)>".utf8)
    }
    override func attr(_ name: String, thread: StarThread) throws -> Value? {
        members.first { $0.0 == name }?.1
    }
    override var attrNames: [String] { members.map(\.0).sorted() }
}
