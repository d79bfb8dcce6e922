import Foundation
import Reports
import Trace

/// A `TestOutcome` (with its event trace) as JSON, for the one hop from a `--jobs` worker
/// back to the parent. Not a report format: both ends are the same binary, so it has no
/// version; the reports are still written by the parent from decoded outcomes, exactly as
/// from in-process ones. Numbers that JSON cannot carry exactly (UInt64 seeds, Int64 and
/// Double payloads whose kind must survive) travel as strings.
enum OutcomeWire {
    static func encode(_ o: TestOutcome) -> [String: Any] {
        var d: [String: Any] = [
            "name": o.name, "spec": o.specFile, "passed": o.passed, "ms": String(o.durationMs),
            "seed": String(o.seed), "decisions": o.decisions, "replay": o.replay, "warnings": o.warnings,
            "output": o.output.map { ["s": $0.service, "o": $0.stdout, "e": $0.stderr] },
            "trace": o.trace.map(event), "dropped": o.traceDropped, "syscalls": o.traceSyscallCount,
            "events": o.traceEventCount, "outcome": o.outcome.rawValue,
            "diagnostics": o.diagnostics.map { ["c": $0.code, "m": $0.message, "f": $0.fix] },
        ]
        d["scenario"] = o.scenario
        d["fault"] = o.fault
        d["matrix"] = o.matrixID
        d["reason"] = o.reason
        d["failureType"] = o.failureType
        d["expectation"] = o.expectation
        return d
    }

    static func decode(_ d: [String: Any]) -> TestOutcome? {
        guard let name = d["name"] as? String, let spec = d["spec"] as? String, let passed = d["passed"] as? Bool,
              let ms = (d["ms"] as? String).flatMap(Double.init), let seed = (d["seed"] as? String).flatMap(UInt64.init)
        else { return nil }
        var o = TestOutcome(name: name, specFile: spec, scenario: d["scenario"] as? String, fault: d["fault"] as? String,
                            matrixID: d["matrix"] as? Int, passed: passed, durationMs: ms, seed: seed,
                            reason: d["reason"] as? String, decisions: d["decisions"] as? [String] ?? [],
                            replay: d["replay"] as? String ?? "", warnings: d["warnings"] as? [String] ?? [],
                            output: (d["output"] as? [[String: String]] ?? []).map {
                                ServiceOutput(service: $0["s"] ?? "", stdout: $0["o"] ?? "", stderr: $0["e"] ?? "")
                            })
        o.trace = (d["trace"] as? [[String: Any]] ?? []).compactMap(event)
        o.traceDropped = d["dropped"] as? Int ?? 0
        o.traceSyscallCount = d["syscalls"] as? Int ?? 0
        o.traceEventCount = d["events"] as? Int ?? 0
        o.failureType = d["failureType"] as? String
        o.expectation = d["expectation"] as? String
        o.diagnostics = (d["diagnostics"] as? [[String: String]] ?? []).map {
            Diagnostic(code: $0["c"] ?? "", message: $0["m"] ?? "", fix: $0["f"] ?? "")
        }
        if let raw = d["outcome"] as? String, let outcome = Outcome(rawValue: raw) { o.outcome = outcome }
        return o
    }

    private static func event(_ e: TraceEvent) -> [String: Any] {
        var d: [String: Any] = ["q": e.seq, "t": String(e.timeNanos), "k": e.kind.rawValue, "y": e.eventType,
                                "s": e.service, "f": e.fields.map { [$0.key, $0.value] }]
        if let data = e.data { d["d"] = value(data) }
        return d
    }

    private static func event(_ d: [String: Any]) -> TraceEvent? {
        guard let kind = (d["k"] as? String).flatMap(TraceEventKind.init(rawValue:)),
              let time = (d["t"] as? String).flatMap(UInt64.init) else { return nil }
        let fields = (d["f"] as? [[String]] ?? []).compactMap { $0.count == 2 ? (key: $0[0], value: $0[1]) : nil }
        return TraceEvent(seq: d["q"] as? Int ?? 0, timeNanos: time, kind: kind, eventType: d["y"] as? String ?? "",
                          service: d["s"] as? String ?? "", fields: fields, data: d["d"].flatMap(data))
    }

    /// Tagged pairs, so that an int stays an int and a double a double.
    private static func value(_ v: TraceData) -> Any {
        switch v {
        case .null: return ["n"]
        case .bool(let b): return ["b", b ? "1" : "0"]
        case .int(let i): return ["i", String(i)]
        case .double(let x): return ["d", String(x)]
        case .string(let s): return ["s", s]
        case .list(let l): return ["l", l.map(value)]
        case .object(let pairs): return ["o", pairs.map { [$0.key, value($0.value)] }]
        }
    }

    private static func data(_ any: Any) -> TraceData? {
        guard let a = any as? [Any], let tag = a.first as? String else { return nil }
        let arg: Any? = a.count > 1 ? a[1] : nil
        switch tag {
        case "n": return .null
        case "b": return .bool(arg as? String == "1")
        case "i": return (arg as? String).flatMap(Int64.init).map { .int($0) }
        case "d": return (arg as? String).flatMap(Double.init).map { .double($0) }
        case "s": return (arg as? String).map { .string($0) }
        case "l": return .list((arg as? [Any] ?? []).compactMap(data))
        case "o":
            let pairs = (arg as? [[Any]] ?? []).compactMap { p -> (key: String, value: TraceData)? in
                guard p.count == 2, let k = p[0] as? String, let v = data(p[1]) else { return nil }
                return (key: k, value: v)
            }
            return .object(pairs)
        default: return nil
        }
    }
}
