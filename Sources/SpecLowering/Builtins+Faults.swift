import DidYouMean
import FaultPlan
import StarlarkVM

/// `deny`, `delay`, `allow`, `op`, `fault_assumption`, `monitor`, `fault`, `fault_start`,
/// `fault_stop`, `fault_all`, `partition`.
enum FaultBuiltins {
    static func all() -> [String: Value] {
        [
            "deny": .builtin(Builtin(name: "deny", impl: deny)),
            "delay": .builtin(Builtin(name: "delay", impl: delay)),
            "allow": .builtin(Builtin(name: "allow", impl: allow)),
            "op": .builtin(Builtin(name: "op", impl: op)),
            "fault_start": .builtin(Builtin(name: "fault_start", impl: faultStart)),
            "fault_stop": .builtin(Builtin(name: "fault_stop", impl: faultStop)),
            "fault_all": .builtin(Builtin(name: "fault_all", impl: faultAll)),
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
                                        probability: try probability(a),
                                        label: try a.string("label", default: "") ?? "",
                                        path: try a.string("path"), position: site(thread)))
    }

    static func delay(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "delay", params: ["duration", "probability?", "label?"])
        return .object(FaultActionValue(action: .delay(duration: try a.requiredString("duration")),
                                        probability: try probability(a),
                                        label: try a.string("label", default: "") ?? "",
                                        path: nil, position: site(thread)))
    }

    /// `allow(path=None, label="")`: an explicit allow. As a rule it wins over the
    /// service's deny/delay rules for the calls it matches (docs/faults.md, "Precedence").
    static func allow(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "allow", params: ["path?", "label?"], positional: 0)
        let path = try a.string("path")
        if path == "" {
            throw StarlarkError("allow: path is empty; give a glob such as \"/var/log/*\", or leave path= out")
        }
        return .object(FaultActionValue(action: .allow, probability: 1, label: try a.string("label", default: "") ?? "",
                                        path: path, position: site(thread)))
    }

    /// `probability=` as a number in [0, 1] or, as in the reference tool, a percentage
    /// string (`"50%"`); range errors are the plan's (with the position of the call).
    static func probability(_ a: BoundArgs) throws -> Double {
        guard case .string(let s)? = a.values["probability"] else { return try a.number("probability", default: 1) }
        let text = s.string
        guard text.hasSuffix("%"), let percent = Double(text.dropLast()) else {
            throw StarlarkError("\(a.fn): for parameter probability: got string \"\(s.string)\", want a number from 0.0 "
                                + "to 1.0 or a percentage such as \"50%\"")
        }
        return percent / 100
    }

    /// `op(syscalls=[...], path=None)`: a named operation for `service(ops = {...})`.
    static func op(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "op", params: ["syscalls", "path?"], positional: 1)
        switch a.values["syscalls"] ?? .none {
        case .list, .tuple: break
        case let v: throw a.typeError("syscalls", v, "list of syscall names, e.g. op(syscalls = [\"write\", \"fsync\"])")
        }
        let syscalls = try a.stringList("syscalls")
        let here = site(thread)
        let recorder = thread.local[SpecRecorder.key] as? SpecRecorder
        let positions = recorder?.files.elementPositions("syscalls", callAt: here) ?? []
        return .object(OpValue(syscalls: syscalls, path: try a.string("path"), position: here,
                               syscallPositions: positions.count == syscalls.count ? positions : []))
    }

    /// `service(..., ops = {"name": op(...)})`: type errors are raised at once, meaning
    /// (names, syscalls) is the plan's to check.
    static func ops(_ a: BoundArgs, recorder r: SpecRecorder, site: SourcePosition) throws -> [OpDecl] {
        guard let v = a.values["ops"] else { return [] }
        if case .none = v { return [] }
        guard case .dict(let d) = v else { throw a.typeError("ops", v, "dict of name to op(...)") }
        let keyPositions = r.files.elementPositions("ops", callAt: site) ?? []
        var result: [OpDecl] = []
        for (i, (k, value)) in d.items.enumerated() {
            guard case .string(let name) = k else {
                throw StarlarkError("service: for parameter ops: key \(Ops.repr(k)) is \(k.typeName), want string (the op's name)")
            }
            guard case .object(let o as OpValue) = value else {
                throw StarlarkError("service: for parameter ops: value of \"\(name.string)\" is \(value.typeName), "
                                    + "want op(syscalls = [...], path = ...)")
            }
            let at = i < keyPositions.count ? keyPositions[i] : r.keywordPosition("ops", in: site)
            result.append(o.decl(name: name.string, namePosition: at))
        }
        return result
    }

    /// The `keyword = deny(...)` arguments of an assumption or `fault()` call. A keyword that
    /// is no syscall but looks like one of the parameters (`tagret=`) is a typo of that
    /// parameter, reported as such.
    static func rules(_ a: BoundArgs, recorder: SpecRecorder?, site: SourcePosition,
                      params: [String], thread: StarThread, opNames: [String] = []) throws -> [RuleDecl] {
        let vocabulary = VocabularySlot.vocabulary(thread)
        return try a.extra.map { keyword, value in
            if vocabulary.expand(keyword) == nil, !opNames.contains(keyword),
               let p = Spelling.suggest(keyword, among: params) {
                throw StarlarkError("\(a.fn): unexpected keyword argument \(keyword) (did you mean \(p)?); "
                                    + "other keywords name syscalls or ops")
            }
            if case .object(let svc as ServiceValue) = value {
                let first = a.fn == "fault_all" ? "[\(svc.name)]" : svc.name
                throw StarlarkError("\(a.fn): unexpected keyword argument \(keyword) = \(svc.name); keywords name syscalls "
                                    + "or ops; the service is the first argument: \(a.fn)(\(first), write = deny(\"EIO\"), ...)")
            }
            guard case .object(let o) = value, let action = o as? FaultActionValue else {
                throw StarlarkError("\(a.fn): for parameter \(keyword) (a syscall): got \(value.typeName), want deny(...) or delay(...) "
                                    + "or allow(), e.g. \(keyword) = deny(\"EIO\") (got \(Self.shortRepr(value)))")
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
        var opNames: [String] = []
        if case .object(let o as ServiceValue)? = a.values["target"] { opNames = o.ops.map(\.name) }
        let rules = try rules(a, recorder: r, site: here, params: ["name", "target", "monitors"], thread: thread,
                              opNames: opNames)
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
        if args.positional.isEmpty, args.named.contains(where: { ["on", "name", "state_init", "update", "check"].contains($0.0) }) {
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
                              params: ["target", "run"], thread: thread, opNames: o.ops.map(\.name))
        if decls.isEmpty { throw StarlarkError("fault: no syscall faults given; add e.g. write = deny(\"EIO\")") }
        guard let runtime = SpecRuntimeSlot.runtime(thread) else { throw onlyWhileTesting("fault()") }
        let rules = try validated(decls, service: o, context: "fault(\(o.name))", thread: thread)
        return try runtime.withFaults(target: o.name, rules: rules) { try thread.call(run, Arguments()) }
    }

    /// The rules of a call made while a test runs, validated against the service's ops and
    /// the machine's tables; all problems in one error.
    static func validated(_ decls: [RuleDecl], service o: ServiceValue, context: String,
                          thread: StarThread) throws -> [SyscallRule] {
        let vocabulary = VocabularySlot.vocabulary(thread)
        switch PlanBuilder.validateRules(decls, target: o.name, context: context, vocabulary: vocabulary,
                                         ops: SpecKeywords.ops(of: o, thread: thread),
                                         otherServices: SpecKeywords.allOps(o, thread: thread)) {
        case .success(let r): return r
        case .failure(let e): throw StarlarkError(e.errors.map { "\($0.message) (fix: \($0.fix))" }.joined(separator: "; "))
        }
    }

    static func shortRepr(_ v: Value) -> String {
        let text = Ops.repr(v)
        return text.count > 60 ? String(text.prefix(60)) + "..." : text
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
