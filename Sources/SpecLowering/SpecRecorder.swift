import FaultPlan
import StarlarkSyntax
import StarlarkVM

/// Collects what the spec's builtins declare while the files run (kept in
/// `StarThread.local`), and hands out callable handles.
final class SpecRecorder {
    static let key = "faultbox.spec"

    var declarations: SpecDeclarations
    /// `callables[id]` is the value behind `CallableRef.id`.
    private(set) var callables: [Value] = []
    private var callableIDs: [ObjectIdentifier: Int] = [:]
    var services: [ServiceValue] = []
    var assumptions: [AssumptionValue] = []
    /// Where each registration came from in the root file (the outermost frame), plus a
    /// counter: the tests' declaration order.
    var registrationKeys: [(kind: RegistrationKind, index: Int, line: Int, column: Int, seq: Int)] = []
    private var seq = 0
    /// Call-site index of every evaluated file (keyword and element positions).
    let files: SpecFiles

    enum RegistrationKind { case scenario, faultScenario, matrix }

    init(specPath: String, files: SpecFiles) {
        declarations = SpecDeclarations(specPath: specPath, files: [])
        self.files = files
    }

    static func of(_ thread: StarThread, _ fn: String) throws -> SpecRecorder {
        guard let r = thread.local[key] as? SpecRecorder else {
            throw StarlarkError("\(fn)() declares part of a spec and is only available while the spec file loads, at its top level")
        }
        return r
    }

    /// Where the builtin being run was called, with or without a recorder.
    static func site(_ thread: StarThread) -> SourcePosition {
        if let r = thread.local[key] as? SpecRecorder { return r.callSite(thread) }
        return thread.callStack().last.map(SourcePosition.init) ?? SourcePosition(file: "?", line: 0, column: 0)
    }

    /// Where the builtin being run was called (the start of the call expression).
    func callSite(_ thread: StarThread) -> SourcePosition {
        guard let frame = thread.callStack().last else { return SourcePosition(file: declarations.specPath, line: 0, column: 0) }
        return files.callStart(SourcePosition(frame))
    }

    /// The position of keyword `name` in the call at `site`, or the call site itself.
    func keywordPosition(_ name: String, in site: SourcePosition) -> SourcePosition {
        files.keywordPosition(name, callAt: site) ?? site
    }

    func register(_ kind: RegistrationKind, index: Int, thread: StarThread) {
        let outer = thread.callStack().first.map(SourcePosition.init) ?? callSite(thread)
        seq += 1
        registrationKeys.append((kind, index, outer.line, outer.column, seq))
    }

    /// A stable handle for a function value: the same function always gets the same id.
    func callable(_ v: Value, at site: SourcePosition) -> CallableRef {
        let object: AnyObject
        let name: String
        var position = site
        switch v {
        case .function(let f):
            object = f; name = f.name
            position = SpecFiles.parseLocation(f.location) ?? site
        case .builtin(let b): object = b; name = b.name
        case .object(let o): object = o; name = o.typeName
        default:
            callables.append(v)
            return CallableRef(id: callables.count - 1, name: v.typeName, position: site)
        }
        let key = ObjectIdentifier(object)
        if let id = callableIDs[key] { return CallableRef(id: id, name: name, position: position) }
        callables.append(v)
        callableIDs[key] = callables.count - 1
        return CallableRef(id: callables.count - 1, name: name, position: position)
    }

    /// A monitor passed to some `monitors=` watches only there, not every test.
    func claimMonitor(_ index: Int) {
        if declarations.monitors.indices.contains(index) { declarations.monitors[index].claimed = true }
    }

    func recordError(_ position: SourcePosition, _ message: String, fix: String) {
        declarations.recordedErrors.append(PlanError(position, message, fix: fix))
    }

    /// After a module ran: remember which top-level variables name services and
    /// assumptions (the generator writes code that loads them by name).
    func noteGlobals(of module: StarModule, file: String) {
        for (name, value) in module.globals {
            guard case .object(let o) = value else { continue }
            if let s = o as? ServiceValue, s.index < declarations.services.count,
               declarations.services[s.index].variable == nil,
               declarations.services[s.index].definedIn == file {
                declarations.services[s.index].variable = name
            } else if let a = o as? AssumptionValue, a.index < declarations.assumptions.count,
                      declarations.assumptions[a.index].variable == nil {
                declarations.assumptions[a.index].variable = name
            }
        }
    }

    /// Assigns every registration and `def test_*` its place in declaration order.
    func finishOrder(testFunctions: [(CallableRef, Int, Int)]) {
        var keyed: [(line: Int, column: Int, seq: Int, apply: (Int) -> Void)] = []
        for k in registrationKeys {
            keyed.append((k.line, k.column, k.seq, { [self] rank in
                switch k.kind {
                case .scenario: declarations.scenarios[k.index].sequence = rank
                case .faultScenario: declarations.faultScenarios[k.index].sequence = rank
                case .matrix: declarations.matrices[k.index].sequence = rank
                }
            }))
        }
        for (i, (ref, line, column)) in testFunctions.enumerated() {
            declarations.testFunctions.append(TestFunctionDecl(callable: ref, sequence: 0))
            let index = declarations.testFunctions.count - 1
            keyed.append((line, column, Int.max - testFunctions.count + i, { [self] rank in
                declarations.testFunctions[index].sequence = rank
            }))
        }
        keyed.sort { ($0.line, $0.column, $0.seq) < ($1.line, $1.column, $1.seq) }
        for (rank, k) in keyed.enumerated() { k.apply(rank) }
    }
}
