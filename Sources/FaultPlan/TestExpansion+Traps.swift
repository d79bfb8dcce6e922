/// Per test and per service, the exact set of syscalls the injector must trap.
extension TestExpansion {
    mutating func finish(_ test: inout PlanTest) {
        // The test's own (fault_scenario / fault_matrix monitors=), its assumptions', then
        // the spec-wide ones (declared but passed to no monitors=).
        var monitorIDs: [Int] = test.monitors
        for a in test.assumptions {
            for m in assumptions[a].monitors where !monitorIDs.contains(m) { monitorIDs.append(m) }
        }
        for m in monitors where m.specWide && !monitorIDs.contains(m.id) { monitorIDs.append(m.id) }
        test.monitors = monitorIDs
        var dynamic = declarations.dynamicUse[test.body.id] ?? DynamicFaultUse()
        if let oracle = test.oracle, oracle.callable.id != test.body.id,
           let more = declarations.dynamicUse[oracle.callable.id] {
            dynamic.faults += more.faults
            dynamic.partitions += more.partitions
            dynamic.unknowns += more.unknowns
            dynamic.traces += more.traces
        }
        test.dynamic = dynamic
        test.traps = traps(assumptionIDs: test.assumptions, monitorIDs: monitorIDs, dynamic: dynamic)
    }

    /// Union of: the armed assumptions' rules, the monitors' syscalls, `connect` for
    /// partitions, and the statically found `fault()` keywords. Anything the analysis could
    /// not bound traps the whole faultable set of the services it may reach.
    func traps(assumptionIDs: [Int], monitorIDs: [Int], dynamic: DynamicFaultUse) -> [ServiceTraps] {
        var sets: [String: Set<String>] = [:]
        var reasons: [String: [String]] = [:]
        var whole = Set<String>()
        func add(_ service: String?, _ names: [String], _ reason: String) {
            let targets = service.map { [$0] } ?? startOrder
            for t in targets {
                sets[t, default: []].formUnion(names)
                if !reasons[t, default: []].contains(reason) { reasons[t, default: []].append(reason) }
            }
        }
        for a in assumptionIDs {
            let assumption = assumptions[a]
            for rule in assumption.rules {
                add(rule.target, rule.syscalls, "\(assumption.name): \(rule.keyword)")
            }
        }
        for m in monitorIDs where m < monitors.count {
            let monitor = monitors[m]
            if !monitor.syscalls.isEmpty {
                add(monitor.service, monitor.syscalls, "monitor \(monitor.callable.name): \(monitor.keyword ?? "")")
            }
            for target in monitor.stateful?.on.syscallTargets ?? [] {
                add(target.service, vocabulary.expand(target.syscall) ?? [target.syscall],
                    "monitor \(monitor.name): \(target.syscall)")
            }
        }
        // trace()/trace_start() and the literal filters of trace assertions: without these
        // an assert_never over an untraced syscall would pass vacuously.
        for t in dynamic.traces {
            guard let syscalls = t.syscalls else { continue }
            let reason = "\(t.what) at \(t.position): " + syscalls.joined(separator: ", ")
            for service in t.service.map({ [$0] }) ?? startOrder {
                var names: [String] = []
                for k in syscalls {
                    // A syscall or family, or a named op of the service (`persist`).
                    names += vocabulary.expand(k) ?? serviceOps[service]?.first(where: { $0.name == k })?.syscalls ?? []
                }
                if !names.isEmpty { add(service, names, reason) }
            }
        }
        for p in dynamic.partitions {
            let connect = vocabulary.expand("connect") ?? ["connect"]
            let label = "partition(\(p.a ?? "?"), \(p.b ?? "?")) at \(p.position)"
            if p.a == nil || p.b == nil {
                add(nil, connect, label)
            } else {
                add(p.a, connect, label); add(p.b, connect, label)
            }
        }
        for f in dynamic.faults {
            let label = "\(f.builtin)(\(f.target ?? "?")) at \(f.position)"
            if let keywords = f.keywords {
                let reason = label + ": " + keywords.joined(separator: ", ")
                var names: [String] = []
                var opKeywords: [String] = []
                for k in keywords {
                    if let expanded = vocabulary.expand(k) { names += expanded } else { opKeywords.append(k) }
                }
                add(f.target, names, reason)
                // An op is a keyword of its own service: trap its syscalls there (in every
                // service declaring it when the target is not known statically).
                for k in opKeywords {
                    for service in f.target.map({ [$0] }) ?? startOrder {
                        if let op = serviceOps[service]?.first(where: { $0.name == k }) {
                            add(service, op.syscalls, reason)
                        }
                    }
                }
            } else {
                let reason = label + ": keywords built at run time, whole faultable set"
                add(f.target, faultable, reason)
                for t in f.target.map({ [$0] }) ?? startOrder { whole.insert(t) }
            }
        }
        for u in dynamic.unknowns {
            add(nil, faultable, u + ": whole faultable set")
            whole.formUnion(startOrder)
        }
        return startOrder.map { service in
            ServiceTraps(service: service, syscalls: (sets[service] ?? []).sorted(),
                         wholeFaultableSet: whole.contains(service), reasons: reasons[service] ?? [])
        }
    }
}
