import FaultPlan
import StarlarkVM

/// `scenario`, `fault_scenario`, `fault_matrix`, `assert_true`, `assert_eq` (and the
/// expectations of `Builtins+Expectations.swift`).
enum TestBuiltins {
    static func all() -> [String: Value] {
        ExpectationBuiltins.all().merging([
            "scenario": .builtin(Builtin(name: "scenario", impl: scenario)),
            "fault_scenario": .builtin(Builtin(name: "fault_scenario", impl: faultScenario)),
            "fault_matrix": .builtin(Builtin(name: "fault_matrix", impl: faultMatrix)),
            "assert_true": .builtin(Builtin(name: "assert_true", impl: assertTrue)),
            "assert_eq": .builtin(Builtin(name: "assert_eq", impl: assertEq)),
        ]) { a, _ in a }
    }

    static func scenario(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let r = try SpecRecorder.of(thread, "scenario")
        let a = try BoundArgs(args, fn: "scenario", params: ["fn"])
        guard case .function = a.values["fn"] ?? .none else {
            throw a.typeError("fn", a.values["fn"] ?? .none, "function (a def that exercises the system)")
        }
        let here = r.callSite(thread)
        let fn = a.values["fn"] ?? .none
        r.declarations.scenarios.append(ScenarioDecl(callable: r.callable(fn, at: here), position: here, sequence: 0))
        r.register(.scenario, index: r.declarations.scenarios.count - 1, thread: thread)
        return .none
    }

    static func assumptions(_ v: Value, _ a: BoundArgs, _ param: String) throws -> [Int] {
        switch v {
        case .object(let o as AssumptionValue): return [o.index]
        case .list, .tuple:
            return try a.sequence(param).enumerated().map { i, e in
                guard case .object(let o as AssumptionValue) = e else {
                    throw StarlarkError("\(a.fn): for parameter \(param): element \(i) is \(e.typeName), want fault_assumption")
                }
                return o.index
            }
        default: throw a.typeError(param, v, "fault_assumption or list of them")
        }
    }

    static func faultScenario(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let r = try SpecRecorder.of(thread, "fault_scenario")
        let a = try BoundArgs(args, fn: "fault_scenario",
                              params: ["name", "scenario", "faults", "expect?", "timeout?", "monitors?"], positional: 1)
        let here = r.callSite(thread)
        guard let scenario = try a.callable("scenario") else { throw StarlarkError("fault_scenario: missing argument for scenario") }
        let faults = try assumptions(a.values["faults"] ?? .none, a, "faults")
        let expect = try a.oracle("expect").map { r.oracle($0, at: r.keywordPosition("expect", in: here)) }
        var decl = FaultScenarioDecl(
            name: try a.requiredString("name"), scenario: r.callable(scenario, at: here), faults: faults,
            expect: expect, position: here, sequence: 0)
        if let v = a.values["timeout"], !isNone(v) {
            guard case .string(let text) = v else {
                throw StarlarkError("fault_scenario: for parameter timeout: got \(v.typeName) \(Ops.repr(v)), want string (a Go duration)"
                                    + "\n    fix: write it as text, e.g. timeout = \"2s\" or \"500ms\"")
            }
            decl.timeout = TimeoutDecl(text: text.string, position: r.keywordPosition("timeout", in: here))
        }
        decl.monitors = try monitorIDs(a, r)
        r.declarations.faultScenarios.append(decl)
        r.register(.faultScenario, index: r.declarations.faultScenarios.count - 1, thread: thread)
        return .none
    }

    /// A `(scenario, fault)` tuple of `overrides` or `exclude`.
    static func pair(_ v: Value, _ fn: String, _ param: String, _ r: SpecRecorder, _ pos: SourcePosition) throws -> PairDecl {
        guard case .tuple(let t) = v, t.elements.count == 2 else {
            throw StarlarkError("\(fn): for parameter \(param): got \(v.typeName) \(Ops.repr(v)), want a (scenario, fault) tuple")
        }
        guard case .function = t.elements[0] else {
            throw StarlarkError("\(fn): for parameter \(param): first element of \(Ops.repr(v)) is "
                + "\(t.elements[0].typeName), want the scenario function")
        }
        guard case .object(let o as AssumptionValue) = t.elements[1] else {
            throw StarlarkError("\(fn): for parameter \(param): second element of \(Ops.repr(v)) is "
                + "\(t.elements[1].typeName), want a fault_assumption")
        }
        return PairDecl(scenario: r.callable(t.elements[0], at: pos), fault: o.index, position: pos)
    }

    static func faultMatrix(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let r = try SpecRecorder.of(thread, "fault_matrix")
        let a = try BoundArgs(args, fn: "fault_matrix",
                              params: ["scenarios", "faults", "default_expect?", "overrides?", "exclude?",
                                       "require_faults_fire?", "monitors?"], positional: 0)
        let here = r.callSite(thread)
        let scenarios = try a.sequence("scenarios").enumerated().map { i, v -> CallableRef in
            guard case .function = v else {
                throw StarlarkError("fault_matrix: for parameter scenarios: element \(i) is \(v.typeName), want a scenario function")
            }
            return r.callable(v, at: here)
        }
        let faults = try assumptions(a.values["faults"] ?? .list(StarList([])), a, "faults")
        let defaultExpect = try a.oracle("default_expect").map { r.oracle($0, at: r.keywordPosition("default_expect", in: here)) }
        var overrides: [(pair: PairDecl, oracle: CallableRef)] = []
        if let v = a.values["overrides"], case .dict(let d) = v {
            let positions = r.files.elementPositions("overrides", callAt: here)
            let fallback = r.keywordPosition("overrides", in: here)
            for (i, (k, fn)) in d.items.enumerated() {
                let pos = positions.flatMap { $0.count == d.count ? $0[i] : nil } ?? fallback
                let p = try pair(k, "fault_matrix", "overrides", r, pos)
                switch fn {
                case .function: break
                case .object(let o) where o is ExpectationValue: break
                default:
                    throw StarlarkError("fault_matrix: for parameter overrides: value for \(Ops.repr(k)) is \(fn.typeName), "
                                        + "want a function (the oracle) or " + ExpectationBuiltins.example)
                }
                overrides.append((p, r.oracle(fn, at: pos)))
            }
        } else if let v = a.values["overrides"], !isNone(v) {
            throw a.typeError("overrides", v, "dict")
        }
        var exclude: [PairDecl] = []
        let positions = r.files.elementPositions("exclude", callAt: here)
        let items = try a.sequence("exclude")
        for (i, v) in items.enumerated() {
            let pos = positions.flatMap { $0.count == items.count ? $0[i] : nil } ?? r.keywordPosition("exclude", in: here)
            exclude.append(try pair(v, "fault_matrix", "exclude", r, pos))
        }
        var matrix = MatrixDecl(scenarios: scenarios, faults: faults, defaultExpect: defaultExpect,
                                overrides: overrides, exclude: exclude, position: here, sequence: 0)
        switch a.values["require_faults_fire"] ?? .none {
        case .none: break
        case .bool(let b): matrix.requireFaultsFire = b
        case let v:
            throw StarlarkError("fault_matrix: for parameter require_faults_fire: got \(v.typeName) \(Ops.repr(v)), want bool"
                                + "\n    fix: write require_faults_fire = True (or False)")
        }
        matrix.monitors = try monitorIDs(a, r)
        r.declarations.matrices.append(matrix)
        r.register(.matrix, index: r.declarations.matrices.count - 1, thread: thread)
        return .none
    }

    /// `monitors=[...]`: the monitors watch only this test or matrix (claimed from the
    /// spec-wide list).
    static func monitorIDs(_ a: BoundArgs, _ r: SpecRecorder) throws -> [Int] {
        try a.sequence("monitors").enumerated().map { i, v in
            guard case .object(let o as MonitorValue) = v else {
                throw StarlarkError("\(a.fn): for parameter monitors: element \(i) is \(v.typeName), want monitor(...)")
            }
            r.claimMonitor(o.index)
            return o.index
        }
    }

    static func isNone(_ v: Value) -> Bool { if case .none = v { return true }; return false }

    static func message(_ a: BoundArgs) throws -> String? {
        guard let v = a.values["msg"], !isNone(v) else { return nil }
        if case .string(let s) = v { return s.string }
        return Ops.str(v)
    }

    static func assertTrue(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "assert_true", params: ["cond", "msg?"])
        AssertionCounter.note(thread)
        if (a.values["cond"] ?? .none).truth { return .none }
        if let m = try message(a) { throw AssertionCounter.failure(thread, StarlarkError("assert_true: \(m)")) }
        throw AssertionCounter.failure(thread, StarlarkError("assert_true: condition is \(Ops.repr(a.values["cond"] ?? .none))"))
    }

    static func assertEq(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "assert_eq", params: ["actual", "expected", "msg?"])
        let x = a.values["actual"] ?? .none, y = a.values["expected"] ?? .none
        AssertionCounter.note(thread)
        if try Ops.equal(x, y) { return .none }
        let diff = "\(Ops.repr(x)) != \(Ops.repr(y))"
        if let m = try message(a) { throw AssertionCounter.failure(thread, StarlarkError("assert_eq: \(m): \(diff)")) }
        throw AssertionCounter.failure(thread, StarlarkError("assert_eq: \(diff)"))
    }
}
