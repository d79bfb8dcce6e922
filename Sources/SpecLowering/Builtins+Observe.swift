import DidYouMean
import FaultPlan
import Foundation
import StarlarkVM
import Trace

/// Event sources and matchers: `observe.stdout/stderr(decoder=)`, `decoder(name, pattern=)`,
/// `match.event/any/all/never`, and the reference tool's removed names, which fail with
/// their replacement.
enum ObserveBuiltins {
    static func all() -> [String: Value] {
        let d: [String: Value] = [
            "decoder": .builtin(Builtin(name: "decoder", impl: decoder)),
            "observe": .object(NamespaceValue("observe", [
                ("stdout", .builtin(Builtin(name: "observe.stdout") { t, _, a in try source(.stdout, t, a) })),
                ("stderr", .builtin(Builtin(name: "observe.stderr") { t, _, a in try source(.stderr, t, a) })),
            ])),
            "match": .object(NamespaceValue("match", [
                ("event", .builtin(Builtin(name: "match.event", impl: matchEvent))),
                ("any", .builtin(Builtin(name: "match.any") { _, _, a in try combine("any", a) })),
                ("all", .builtin(Builtin(name: "match.all") { _, _, a in try combine("all", a) })),
                ("never", .builtin(Builtin(name: "match.never") { _, _, a in
                    _ = try BoundArgs(a, fn: "match.never", params: [])
                    return .object(MatcherValue(.never))
                })),
            ])),
        ]
        // The reference tool's removed json_decoder()/stdout()/... are refused at load, naming
        // their replacement, with the other reference-only names (ReferenceOnly.swift).
        return d
    }

    static let decoderNames = ["json", "logfmt", "regex"]

    static func decoder(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "decoder", params: ["name", "pattern?"])
        let name = try a.requiredString("name")
        switch name {
        case "json", "logfmt":
            if a.has("pattern") { throw StarlarkError("decoder: pattern= goes with decoder(\"regex\", ...), not \"\(name)\"") }
            return .object(DecoderValue(name == "json" ? .json : .logfmt))
        case "regex":
            guard let pattern = try a.string("pattern") else {
                throw StarlarkError("decoder: decoder(\"regex\") needs pattern=, e.g. pattern=r\"WAL: (?P<op>\\w+) (?P<path>.+)\"")
            }
            let translated = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
            do { _ = try NSRegularExpression(pattern: translated) } catch {
                throw StarlarkError("decoder: invalid regex pattern \(Ops.repr(.str(pattern))): \(error.localizedDescription)")
            }
            if !translated.contains("(?<") {
                throw StarlarkError("decoder: the regex pattern has no named group; name the fields, e.g. (?P<level>\\w+)")
            }
            return .object(DecoderValue(.regex(pattern)))
        default:
            let hint = Spelling.suggest(name, among: decoderNames).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw StarlarkError("decoder: unknown decoder \"\(name)\"\(hint); decoders: json, logfmt, regex")
        }
    }

    static func source(_ stream: ObservedStream.Stream, _ thread: StarThread, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "observe.\(stream.rawValue)", params: ["decoder?"])
        var decoder: ObservedStream.Decoder?
        switch a.values["decoder"] ?? .none {
        case .none: break
        case .object(let o as DecoderValue): decoder = o.decoder
        case let v: throw a.typeError("decoder", v, "decoder(\"json\"), decoder(\"logfmt\") or decoder(\"regex\", pattern=...)")
        }
        return .object(ObserveValue(ObservedStream(stream: stream, decoder: decoder, position: SpecRecorder.site(thread))))
    }

    /// `service(observe=[...])`.
    static func sources(_ a: BoundArgs) throws -> [ObservedStream] {
        var seen = Set<String>()
        return try a.sequence("observe").enumerated().map { i, v in
            guard case .object(let o as ObserveValue) = v else {
                throw StarlarkError("service: for parameter observe: element \(i) is \(v.typeName), "
                                    + "want observe.stdout(...) or observe.stderr(...)")
            }
            guard seen.insert(o.stream.stream.rawValue).inserted else {
                throw StarlarkError("service: for parameter observe: \(o.stream.stream.rawValue) is observed twice; keep one")
            }
            return o.stream
        }
    }

    static func matchEvent(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        if !args.positional.isEmpty {
            throw StarlarkError("match.event: conditions are keywords (type=, service=, syscall=, ...), got positional arguments")
        }
        var fields: [FieldPattern] = []
        for (name, v) in args.named {
            let k = TraceEvent.filterField(name)
            switch v {
            case .string(let s): fields.append(FieldPattern(k, s.string))
            case .object(let o as ServiceValue) where k == "service": fields.append(FieldPattern(k, o.name))
            case .int, .bool: fields.append(FieldPattern(k, Ops.str(v)))
            default: throw StarlarkError("match.event: for parameter \(k): got \(v.typeName), want string (exact, or with * at either end)")
            }
        }
        return .object(MatcherValue(.event(fields)))
    }

    static func combine(_ how: String, _ args: Arguments) throws -> Value {
        if !args.named.isEmpty { throw StarlarkError("match.\(how): takes matchers as positional arguments only") }
        let parts = try args.positional.enumerated().map { i, v -> EventMatch in
            guard case .object(let m as MatcherValue) = v else {
                throw StarlarkError("match.\(how): for parameter matchers: got \(v.typeName), "
                                    + "want match.event(...) or another matcher (argument \(i + 1))")
            }
            return m.match
        }
        if parts.isEmpty { throw StarlarkError("match.\(how): needs at least one matcher") }
        return .object(MatcherValue(how == "any" ? .any(parts) : .all(parts)))
    }
}
