import FaultPlan

/// The only file that knows the fault plan's IR: it extracts the topology and the
/// scenarios the generator works from.
extension GeneratorInput {
    /// `resolvePath` turns a file as positions name it (possibly relative) into the
    /// absolute, symlink-free path that relative `load()` paths are computed from.
    public init(plan: FaultPlan, resolvePath: (String) -> String) throws(GenerateError) {
        let services = plan.services.map { s in
            ServiceInfo(
                name: s.name, variable: s.variable, definedIn: resolvePath(s.definedIn),
                location: s.position,
                interfaces: s.interfaces.map {
                    InterfaceInfo(name: $0.name, proto: $0.proto.rawValue, host: $0.host, port: $0.port)
                },
                dependsOn: s.dependsOn,
                // faultbox's own FAULTBOX_<SVC>_<IFACE>_* variables describe every service
                // to every other; only what the user wrote says who talks to whom.
                env: s.env.filter { !$0.generated }.map { EnvEntry(key: $0.key, value: $0.value) },
                ops: s.ops.map { OpInfo(name: $0.name, syscalls: $0.syscalls, pathGlob: $0.pathGlob) })
        }
        var scenarios: [ScenarioInfo] = []
        for sc in plan.scenarios {
            let fn = sc.callable
            guard fn.name != "lambda" else {
                throw GenerateError(
                    "\(sc.position): scenario() was given a lambda, which a generated file cannot load",
                    fix: "define the probe with def at the top level and register it: scenario(order_flow)")
            }
            if scenarios.contains(where: { $0.function == fn.name }) { continue }
            scenarios.append(ScenarioInfo(function: fn.name, definedIn: resolvePath(fn.position.file),
                                          location: fn.position))
        }
        self.init(specPath: resolvePath(plan.specPath), services: services, scenarios: scenarios)
    }
}
