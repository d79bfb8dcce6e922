import FaultPlan
import StarlarkVM

/// `fault_start(service, **faults)`, `fault_stop(service)`, `fault_all([services], run=fn,
/// **faults)`: the reference tool's imperative and multi-service forms of `fault()`.
extension FaultBuiltins {
    static func faultStart(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "fault_start", params: ["service"], positional: 1, extraKeywords: true)
        let service = try serviceArgument(a, "service")
        let here = site(thread)
        let decls = try rules(a, recorder: thread.local[SpecRecorder.key] as? SpecRecorder, site: here,
                              params: ["service"], thread: thread, opNames: service.ops.map(\.name))
        if decls.isEmpty {
            throw StarlarkError("fault_start: no syscall faults given; add e.g. fault_start(\(service.name), write = deny(\"EIO\"))")
        }
        let control = try faultControl(thread, "fault_start()")
        let rules = try validated(decls, service: service, context: "fault_start(\(service.name))", thread: thread)
        try control.faultStart(target: service.name, rules: rules, position: here)
        return .none
    }

    static func faultStop(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "fault_stop", params: ["service"], positional: 1)
        let service = try serviceArgument(a, "service")
        let control = try faultControl(thread, "fault_stop()")
        try control.faultStop(target: service.name, position: site(thread))
        return .none
    }

    static func faultAll(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "fault_all", params: ["services", "run"], positional: 1, extraKeywords: true)
        let elements: [Value]
        switch a.values["services"] ?? .none {
        case .list(let l): elements = l.elements
        case .tuple(let t): elements = t.elements
        case let v: throw a.typeError("services", v, "list of services, e.g. fault_all([db, cache], ...)")
        }
        if elements.isEmpty {
            throw StarlarkError("fault_all: the list of services is empty; name at least one, e.g. fault_all([db], ...)")
        }
        var services: [ServiceValue] = []
        for (i, v) in elements.enumerated() {
            guard case .object(let o as ServiceValue) = v else {
                throw StarlarkError("fault_all: for parameter services: element \(i) is \(v.typeName) \(shortRepr(v)), "
                                    + "want a service (the value returned by service(...))")
            }
            if services.contains(where: { $0.name == o.name }) {
                throw StarlarkError("fault_all: service \(o.name) is listed twice; list each service once")
            }
            services.append(o)
        }
        guard let run = try a.callable("run") else {
            throw StarlarkError("fault_all: missing argument for run (the function to call while the faults are armed)")
        }
        let here = site(thread)
        let decls = try rules(a, recorder: thread.local[SpecRecorder.key] as? SpecRecorder, site: here,
                              params: ["services", "run"], thread: thread,
                              opNames: services.flatMap { $0.ops.map(\.name) })
        if decls.isEmpty {
            throw StarlarkError("fault_all: no syscall faults given; add e.g. connect = deny(\"ECONNREFUSED\")")
        }
        let control = try faultControl(thread, "fault_all()")
        let context = "fault_all([" + services.map(\.name).joined(separator: ", ") + "])"
        // An op keyword is resolved per service: each listed service must declare it.
        let perService = try services.map { s in
            (target: s.name, rules: try validated(decls, service: s, context: context, thread: thread))
        }
        return try control.withFaults(all: perService) { try thread.call(run, Arguments()) }
    }

    static func serviceArgument(_ a: BoundArgs, _ name: String) throws -> ServiceValue {
        guard case .object(let o as ServiceValue) = a.values[name] ?? .none else {
            let v = a.values[name] ?? .none
            throw StarlarkError("\(a.fn): for parameter \(name): got \(v.typeName) \(shortRepr(v)), "
                                + "want a service (the value returned by service(...), e.g. db, not \"db\")")
        }
        return o
    }

    static func faultControl(_ thread: StarThread, _ what: String) throws -> SpecFaultControl {
        guard let runtime = SpecRuntimeSlot.runtime(thread) else { throw onlyWhileTesting(what) }
        guard let control = runtime as? SpecFaultControl else {
            throw StarlarkError("\(what) is not available in this runtime; use fault(service, run = fn, ...)")
        }
        return control
    }
}
