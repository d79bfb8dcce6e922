import FaultPlan
import StarlarkVM

/// `deny`, `delay`, `fault_assumption`, `monitor`, `fault`, `partition`.
enum FaultBuiltins {
    static func all() -> [String: Value] {
        [
            "deny": .builtin(Builtin(name: "deny", impl: deny)),
            "delay": .builtin(Builtin(name: "delay", impl: delay)),
            "fault_assumption": .builtin(Builtin(name: "fault_assumption", impl: faultAssumption)),
            "monitor": .builtin(Builtin(name: "monitor", impl: monitor)),
            "fault": .builtin(Builtin(name: "fault", impl: fault)),
            "partition": .builtin(Builtin(name: "partition", impl: partition)),
        ]
    }

    static func site(_ thread: StarThread) -> SourcePosition {
        SpecRecorder.site(thread)
    }

    static func deny(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "deny", params: ["errno", "probability?", "label?", "path?"])
        return .object(FaultActionValue(action: .deny(errno: try a.requiredString("errno")),
                                        probability: try a.number("probability", default: 1),
                                        label: try a.string("label", default: "") ?? "",
                                        path: try a.string("path"), position: site(thread)))
    }

    static func delay(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "delay", params: ["duration", "probability?", "label?"])
        return .object(FaultActionValue(action: .delay(duration: try a.requiredString("duration")),
                                        probability: try a.number("probability", default: 1),
                                        label: try a.string("label", default: "") ?? "",
                                        path: nil, position: site(thread)))
    }

    /// The `keyword = deny(...)` arguments of an assumption or `fault()` call. A keyword that
    /// is no syscall but looks like one of the parameters (`tagret=`) is a typo of that
    /// parameter, reported as such.
    static func rules(_ a: BoundArgs, recorder: SpecRecorder?, site: SourcePosition,
                      params: [String], thread: StarThread) throws -> [RuleDecl] {
        let vocabulary = VocabularySlot.vocabulary(thread)
        return try a.extra.map { keyword, value in
            if vocabulary.expand(keyword) == nil, let p = Spelling.suggest(keyword, among: params) {
                throw StarlarkError("\(a.fn): unexpected keyword argument \(keyword) (did you mean \(p)?); "
                                    + "other keywords name syscalls")
            }
            guard case .object(let o) = value, let action = o as? FaultActionValue else {
                throw StarlarkError("\(a.fn): for syscall \(keyword): got \(value.typeName), want deny(...) or delay(...)")
            }
            let pos = recorder?.keywordPosition(keyword, in: site) ?? site
            return action.rule(keyword: keyword, keywordPosition: pos)
        }
    }

    static func faultAssumption(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let r = try SpecRecorder.of(thread, "fault_assumption")
        let a = try BoundArgs(args, fn: "fault_assumption", params: ["name", "target", "monitors?"],
                              positional: 1, extraKeywords: true)
        let here = r.callSite(thread)
        let name = try a.requiredString("name")
        var target = NameRef("", r.keywordPosition("target", in: here))
        switch a.values["target"] ?? .none {
        case .object(let o as ServiceValue): target.name = o.name
        case let v:
            r.recordError(target.position, "fault_assumption \"\(name)\": target is \(v.typeName) \(Ops.repr(v)), not a service",
                          fix: "pass the value returned by service(...), e.g. target = api (not the string \"api\")")
        }
        var monitors: [Int] = []
        for (i, v) in try a.sequence("monitors").enumerated() {
            guard case .object(let o as MonitorValue) = v else {
                throw StarlarkError("fault_assumption: for parameter monitors: element \(i) is \(v.typeName), want monitor(...)")
            }
            monitors.append(o.index)
            r.claimMonitor(o.index)
        }
        let rules = try rules(a, recorder: r, site: here, params: ["name", "target", "monitors"], thread: thread)
        let index = r.declarations.assumptions.count
        r.declarations.assumptions.append(AssumptionDecl(name: name, target: target, rules: rules, monitors: monitors,
                                                         position: here, variable: nil))
        let value = AssumptionValue(name: name, index: index)
        r.assumptions.append(value)
        return .object(value)
    }

    /// `monitor(fn, service=, syscall=)` (a callback on syscall events), or the stateful
    /// form `monitor(name, on=match..., state_init=, update=, check=)`.
    static func monitor(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        try MonitorSandbox.refuse("monitor", thread)
        if case .string(let name)? = args.positional.first {
            if !args.named.contains(where: { $0.0 == "on" }),
               let seed = args.named.first(where: { $0.0 == "service" || $0.0 == "syscall" }) {
                throw StarlarkError("monitor: got a name (\(Ops.repr(.string(name)))) with \(seed.0)=; a named monitor takes "
                                    + "on=match.event(...), a callback monitor takes a function: monitor(fn, service=, syscall=)")
            }
            return try statefulMonitor(thread, args)
        }
        if args.positional.isEmpty, args.named.contains(where: { $0.0 == "on" || $0.0 == "name" }) {
            return try statefulMonitor(thread, args)
        }
        let r = try SpecRecorder.of(thread, "monitor")
        let a = try BoundArgs(args, fn: "monitor", params: ["fn", "service?", "syscall?"], positional: 1)
        let here = r.callSite(thread)
        guard let fn = try a.callable("fn") else { throw StarlarkError("monitor: missing argument for fn") }
        var service: NameRef?
        switch a.values["service"] ?? .none {
        case .none: break
        case .object(let o as ServiceValue): service = NameRef(o.name, r.keywordPosition("service", in: here))
        case .string(let s): service = NameRef(s.string, r.keywordPosition("service", in: here))
        case let v: throw a.typeError("service", v, "service or string")
        }
        let ref = r.callable(fn, at: here)
        let index = r.declarations.monitors.count
        r.declarations.monitors.append(MonitorDecl(callable: ref, service: service, syscall: try a.string("syscall"),
                                                   position: here))
        return .object(MonitorValue(index: index, function: ref.name))
    }

    static func statefulMonitor(_ thread: StarThread, _ args: Arguments) throws -> Value {
        let r = try SpecRecorder.of(thread, "monitor")
        let a = try BoundArgs(args, fn: "monitor", params: ["name", "on", "state_init?", "update?", "check?"], positional: 1)
        let here = r.callSite(thread)
        let name = try a.requiredString("name")
        guard case .object(let m as MatcherValue) = a.values["on"] ?? .none else {
            throw a.typeError("on", a.values["on"] ?? .none, "a matcher: match.event(type=..., ...), match.any(...) or match.all(...)")
        }
        let update = try a.callable("update").map { r.callable($0, at: r.keywordPosition("update", in: here)) }
        let check = try a.callable("check").map { r.callable($0, at: r.keywordPosition("check", in: here)) }
        for (param, ref) in [("update", update), ("check", check)] {
            guard let ref, case .function(let f) = r.callables[ref.id] else { continue }
            if f.code.numParams != 2 {
                throw StarlarkError("monitor \(name): \(param) takes (event, state), but \(f.name) takes \(f.code.numParams) "
                                    + "parameter\(f.code.numParams == 1 ? "" : "s"); write lambda event, state: ...")
            }
        }
        var stateInit: CallableRef?
        if let v = a.values["state_init"], !TestBuiltins.isNone(v) {
            stateInit = r.callable(v, at: r.keywordPosition("state_init", in: here))
        }
        let stateful = StatefulMonitor(name: name, on: m.match, stateInit: stateInit, update: update, check: check)
        if let dup = r.declarations.monitors.first(where: { $0.stateful?.name == name }) {
            r.recordError(here, "monitor \(name) is declared twice (first at \(dup.position))",
                          fix: "give each monitor its own name")
        }
        let handle = check ?? update ?? r.callable(.object(m), at: here)
        let index = r.declarations.monitors.count
        r.declarations.monitors.append(MonitorDecl(callable: handle, service: nil, syscall: nil, position: here,
                                                   stateful: stateful))
        return .object(MonitorValue(index: index, function: name))
    }

    /// `fault(target, run=fn, **syscall_faults)`: arms the rules while `fn` runs.
    static func fault(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "fault", params: ["target", "run"], positional: 1, extraKeywords: true)
        guard case .object(let o as ServiceValue) = a.values["target"] ?? .none else {
            throw a.typeError("target", a.values["target"] ?? .none, "service")
        }
        guard let run = try a.callable("run") else { throw StarlarkError("fault: missing argument for run") }
        let here = site(thread)
        let decls = try rules(a, recorder: thread.local[SpecRecorder.key] as? SpecRecorder, site: here,
                              params: ["target", "run"], thread: thread)
        if decls.isEmpty { throw StarlarkError("fault: no syscall faults given; add e.g. write = deny(\"EIO\")") }
        guard let runtime = SpecRuntimeSlot.runtime(thread) else { throw onlyWhileTesting("fault()") }
        let vocabulary = VocabularySlot.vocabulary(thread)
        let rules: [SyscallRule]
        switch PlanBuilder.validateRules(decls, target: o.name, context: "fault(\(o.name))", vocabulary: vocabulary) {
        case .success(let r): rules = r
        case .failure(let e): throw StarlarkError(e.errors.map { "\($0.message) (\($0.fix))" }.joined(separator: "; "))
        }
        return try runtime.withFaults(target: o.name, rules: rules) { try thread.call(run, Arguments()) }
    }

    /// `partition(a, b, run=fn)`.
    static func partition(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "partition", params: ["a", "b", "run"], positional: 2)
        guard case .object(let x as ServiceValue) = a.values["a"] ?? .none else {
            throw a.typeError("a", a.values["a"] ?? .none, "service")
        }
        guard case .object(let y as ServiceValue) = a.values["b"] ?? .none else {
            throw a.typeError("b", a.values["b"] ?? .none, "service")
        }
        guard let run = try a.callable("run") else { throw StarlarkError("partition: missing argument for run") }
        guard let runtime = SpecRuntimeSlot.runtime(thread) else { throw onlyWhileTesting("partition()") }
        return try runtime.partition(a: x.name, b: y.name) { try thread.call(run, Arguments()) }
    }
}

/// The syscall vocabulary a thread validates `fault()` rules against.
public enum VocabularySlot {
    static let key = "faultbox.vocabulary"
    final class Box { let v: SyscallVocabulary; init(_ v: SyscallVocabulary) { self.v = v } }
    public static func install(_ v: SyscallVocabulary, on thread: StarThread) { thread.local[key] = Box(v) }
    static func vocabulary(_ thread: StarThread) -> SyscallVocabulary {
        (thread.local[key] as? Box)?.v
            ?? SyscallVocabulary(expand: { [$0] }, errnoValue: { _ in nil }, errnoNames: [], syscallNames: [])
    }
}
