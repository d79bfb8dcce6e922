import DidYouMean
import FaultPlan
import StarlarkVM
import Trace

/// `trace`, `trace_start`, `trace_stop`, `assert_eventually`, `assert_never`,
/// `assert_before`, `events`: assertions over what happened in the current test.
enum TraceBuiltins {
    static func all() -> [String: Value] {
        [
            "trace": .builtin(Builtin(name: "trace", impl: trace)),
            "trace_start": .builtin(Builtin(name: "trace_start", impl: traceStart)),
            "trace_stop": .builtin(Builtin(name: "trace_stop", impl: traceStop)),
            "assert_eventually": .builtin(Builtin(name: "assert_eventually", impl: assertEventually)),
            "assert_never": .builtin(Builtin(name: "assert_never", impl: assertNever)),
            "assert_before": .builtin(Builtin(name: "assert_before", impl: assertBefore)),
            "events": .builtin(Builtin(name: "events", impl: events)),
        ]
    }

    /// The names whose literal filters decide what a test traces (static analysis).
    static let queryNames: Set<String> = ["assert_eventually", "assert_never", "events"]

    static func service(_ a: BoundArgs, _ name: String = "service") throws -> String {
        switch a.values[name] ?? .none {
        case .object(let o as ServiceValue): return o.name
        case .string(let s): return s.string
        case let v: throw a.typeError(name, v, "service")
        }
    }

    /// `trace(service, syscalls=[...], run=fn)`: records the calls while `fn` runs, without
    /// faulting them; returns what `fn` returns.
    static func trace(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        try MonitorSandbox.refuse("trace", thread)
        let a = try BoundArgs(args, fn: "trace", params: ["service", "syscalls", "run"], positional: 1)
        let svc = try service(a)
        let syscalls = try a.stringList("syscalls")
        guard let run = try a.callable("run") else { throw StarlarkError("trace: missing argument for run") }
        let runtime = try TraceRuntimeSlot.runtime(thread, "trace()")
        try start(runtime, svc, a.values["service"], syscalls, thread, fn: "trace")
        defer { runtime.traceStop(service: svc) }
        return try thread.call(run, Arguments())
    }

    static func traceStart(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        try MonitorSandbox.refuse("trace_start", thread)
        let a = try BoundArgs(args, fn: "trace_start", params: ["service", "syscalls"], positional: 1)
        let svc = try service(a)
        let syscalls = try a.stringList("syscalls")
        try start(try TraceRuntimeSlot.runtime(thread, "trace_start()"), svc, a.values["service"], syscalls, thread,
                  fn: "trace_start")
        return .none
    }

    /// Syscalls, families (`write`) and the service's named ops (`persist`) to concrete names.
    private static func start(_ runtime: TraceRuntime, _ svc: String, _ value: Value?, _ syscalls: [String],
                              _ thread: StarThread, fn: String) throws {
        if syscalls.isEmpty {
            throw StarlarkError("\(fn): syscalls is empty; name what to record, e.g. syscalls = [\"openat\", \"write\"]")
        }
        let vocabulary = VocabularySlot.vocabulary(thread)
        var concrete: [String] = []
        for s in syscalls {
            if case .object(let o as ServiceValue)? = value {
                concrete += try SpecKeywords.resolve(s, service: o, fn: fn, thread: thread).syscalls
                continue
            }
            guard let names = vocabulary.expand(s) else {
                let hint = Spelling.suggest(s, among: vocabulary.syscallNames).map { " (did you mean \($0)?)" } ?? ""
                throw StarlarkError("\(fn): unknown syscall \"\(s)\"\(hint); to trace a named op, pass the service value "
                                    + "(\(fn)(\(svc), ...)), not its name")
            }
            concrete += names
        }
        guard runtime.serviceNames.contains(svc) else {
            throw StarlarkError("trace: no service named \"\(svc)\"; services: " + runtime.serviceNames.joined(separator: ", "))
        }
        _ = runtime.traceStart(service: svc, syscalls: concrete, at: SpecRecorder.site(thread))
    }

    static func traceStop(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        try MonitorSandbox.refuse("trace_stop", thread)
        let a = try BoundArgs(args, fn: "trace_stop", params: ["service"])
        try TraceRuntimeSlot.runtime(thread, "trace_stop()").traceStop(service: try service(a))
        return .none
    }

    /// The filter keywords plus `where=`.
    static func query(_ fn: String, _ args: Arguments, _ thread: StarThread) throws -> TraceQuery {
        if !args.positional.isEmpty {
            throw StarlarkError("\(fn): filters are keywords (service=, syscall=, path=, decision=, label=, type=, where=), "
                                + "got \(args.positional.count) positional argument\(args.positional.count == 1 ? "" : "s")")
        }
        var predicate: Value?
        var pairs: [(String, Value)] = []
        for (k, v) in args.named {
            if k == "where" {
                switch v {
                case .function, .builtin: predicate = v
                case .none: break
                default: throw StarlarkError("\(fn): for parameter where: got \(v.typeName), want function (lambda e: ...)")
                }
            } else {
                pairs.append((k, v))
            }
        }
        return try TraceQuery.make(fn, pairs, predicate: predicate, thread: thread)
    }

    static func assertEventually(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        try MonitorSandbox.refuse("assert_eventually", thread)
        let q = try query("assert_eventually", args, thread)
        let runtime = try TraceRuntimeSlot.runtime(thread, "assert_eventually()")
        try q.checkTraced("assert_eventually", runtime)
        AssertionCounter.note(thread)
        if try !q.run(runtime, thread: thread, limit: 1).isEmpty { return .none }
        throw AssertionCounter.failure(thread, StarlarkError("assert_eventually: no event matched \(describe(q)) "
            + "(\(SpecRecorder.site(thread)));\n"
                            + q.nearest(runtime)))
    }

    static func assertNever(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        try MonitorSandbox.refuse("assert_never", thread)
        let q = try query("assert_never", args, thread)
        let runtime = try TraceRuntimeSlot.runtime(thread, "assert_never()")
        try q.checkTraced("assert_never", runtime)
        AssertionCounter.note(thread)
        // The common case (nothing matched) needs one indexed lookup; the count and the
        // listing are only worth computing for the failure message.
        if try q.run(runtime, thread: thread, limit: 1).isEmpty { return .none }
        let found = try q.run(runtime, thread: thread)
        let shown = found.prefix(5).map { "    " + TraceText.describe($0) }
        throw AssertionCounter.failure(thread, StarlarkError("assert_never: \(found.count) "
            + "event\(found.count == 1 ? "" : "s") matched \(describe(q)) "
                            + "(\(SpecRecorder.site(thread))):\n" + shown.joined(separator: "\n")
                            + (found.count > 5 ? "\n    ... \(found.count - 5) more" : "")))
    }

    static func events(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        try MonitorSandbox.refuse("events", thread)
        let q = try query("events", args, thread)
        let runtime = try TraceRuntimeSlot.runtime(thread, "events()")
        try q.checkTraced("events", runtime)
        return .list(StarList(try q.run(runtime, thread: thread).map { .object(TraceEventValue($0)) }))
    }

    /// `assert_before(first={...}, then={...})`: the first event matching `first` comes before
    /// the first one matching `then`; both must happen.
    static func assertBefore(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        try MonitorSandbox.refuse("assert_before", thread)
        let a = try BoundArgs(args, fn: "assert_before", params: ["first", "then"], positional: 0)
        let runtime = try TraceRuntimeSlot.runtime(thread, "assert_before()")
        var queries: [TraceQuery] = []
        for name in ["first", "then"] {
            guard case .dict(let d) = a.values[name] ?? .none else {
                throw a.typeError(name, a.values[name] ?? .none, "dict of filters, e.g. {\"service\": \"db\", \"syscall\": \"fsync\"}")
            }
            var pairs: [(String, Value)] = []
            for (k, v) in d.items {
                guard case .string(let key) = k else {
                    throw StarlarkError("assert_before: for parameter \(name): key \(Ops.repr(k)) is \(k.typeName), want string")
                }
                pairs.append((key.string, v))
            }
            let q = try TraceQuery.make("assert_before(\(name)=)", pairs, predicate: nil, thread: thread)
            try q.checkTraced("assert_before(\(name)=)", runtime)
            queries.append(q)
        }
        AssertionCounter.note(thread)
        let site = SpecRecorder.site(thread)
        let first = try queries[0].run(runtime, thread: thread, limit: 1).first
        let then = try queries[1].run(runtime, thread: thread, limit: 1).first
        switch (first, then) {
        case let (f?, t?) where f.seq < t.seq: return .none
        case let (f?, t?):
            throw AssertionCounter.failure(thread, StarlarkError("assert_before: the first event matching "
                + "then={\(queries[1].text)} came before the first "
                                + "matching first={\(queries[0].text)} (\(site)):\n    then:  \(TraceText.describe(t))\n"
                                + "    first: \(TraceText.describe(f))"))
        case (nil, _):
            throw AssertionCounter.failure(thread, StarlarkError(
                "assert_before: no event matched first={\(queries[0].text)} (\(site));\n" + queries[0].nearest(runtime)))
        case (_, nil):
            throw AssertionCounter.failure(thread, StarlarkError(
                "assert_before: no event matched then={\(queries[1].text)} (\(site));\n" + queries[1].nearest(runtime)))
        }
    }

    static func describe(_ q: TraceQuery) -> String {
        let filters = q.text.isEmpty ? "" : q.text
        let pred = q.predicate.map { v -> String in
            if case .function(let f) = v { return "where=\(f.name)" }
            return "where=..."
        }
        return [filters, pred].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
