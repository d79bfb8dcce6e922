import FaultPlan
import StarlarkSyntax
import StarlarkVM

/// Checks, from the syntax tree, that each callable can be called the way the runner will
/// call it: scenarios and `def test_*` with no arguments, oracles and monitors with one.
/// Caught at compile time, a wrong signature names the function and where it is used,
/// instead of failing every cell at run time with "missing argument".
struct ArityCheck {
    let files: SpecFiles
    let callables: [Value]

    func check(_ d: SpecDeclarations) -> [PlanError] {
        var errors: [PlanError] = []
        var seen = Set<String>()
        func verify(_ ref: CallableRef, args: Int, role: String, usedAt: SourcePosition) {
            guard seen.insert("\(ref.id)/\(args)").inserted,
                  ref.id < callables.count, case .function(let f) = callables[ref.id],
                  let node = files.entry(f.moduleName)?.functions[f.code.pos] else { return }
            var required: [String] = [], positional = 0, varargs = false
            for p in node.params {
                switch p {
                case .required(let id): required.append(id.name); positional += 1
                case .optional: positional += 1
                case .star(_, let id): if id != nil { varargs = true }
                case .starStar: break
                }
            }
            let name = ref.name == "lambda" ? "the lambda at \(ref.position)" : "\(ref.name) (\(ref.position))"
            if required.count > args {
                errors.append(PlanError(usedAt,
                    "\(role) \(name) has \(required.count) required parameter\(required.count == 1 ? "" : "s") "
                    + "(\(required.joined(separator: ", "))) but is called with \(args == 0 ? "no arguments" : "\(args)")",
                    fix: args == 0 ? "remove the parameters or give them default values"
                                   : "take exactly one parameter (the \(role == "monitor" ? "event" : "scenario's return value"))"))
            } else if args > positional && !varargs {
                errors.append(PlanError(usedAt,
                    "\(role) \(name) takes no parameters but is called with the \(role == "monitor" ? "event" : "scenario's return value")",
                    fix: "add a parameter, e.g. lambda r: ... or def check(event): ..."))
            }
        }
        for s in d.scenarios { verify(s.callable, args: 0, role: "scenario", usedAt: s.position) }
        for t in d.testFunctions { verify(t.callable, args: 0, role: "test function", usedAt: t.callable.position) }
        for s in d.faultScenarios {
            verify(s.scenario, args: 0, role: "scenario", usedAt: s.position)
            if let e = s.expect { verify(e, args: 1, role: "oracle", usedAt: e.position) }
        }
        for m in d.matrices {
            for s in m.scenarios { verify(s, args: 0, role: "scenario", usedAt: m.position) }
            if let e = m.defaultExpect { verify(e, args: 1, role: "oracle", usedAt: e.position) }
            for (p, o) in zip(m.overridePairs, m.overrideOracles) { verify(o, args: 1, role: "oracle", usedAt: p.position) }
        }
        for m in d.monitors where m.stateful == nil { verify(m.callable, args: 1, role: "monitor", usedAt: m.position) }
        return errors
    }
}
