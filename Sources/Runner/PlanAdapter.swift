import FaultPlan
import Injector
import Reports

/// The only place that reads the plan's types for running: turns a `PlanTest` into what the
/// supervisor and the injector take (`ServiceLaunch`, trap sets, `FaultRule`s), and the
/// plan's matrices into the report's layouts.
enum PlanAdapter {
    static func services(_ plan: FaultPlan) -> [ServiceLaunch] {
        plan.servicesInStartOrder.map { s in
            var env: [String: String] = [:]
            for v in s.env { env[v.key] = v.value }
            var launch = ServiceLaunch(
                name: s.name, executable: s.executable, arguments: s.args, environment: env,
                ports: s.interfaces.map { ($0.name, $0.port) },
                healthcheck: s.healthcheck.map(healthcheck))
            launch.observe = s.observe
            return launch
        }
    }

    static func healthcheck(_ h: HealthCheck) -> Healthcheck {
        let probe: Healthcheck.Probe
        switch h.kind {
        case .tcp:
            if let send = h.send {
                probe = .exchange(host: h.host, port: h.port, send: send, expect: h.expect)
            } else {
                probe = .connect(host: h.host, port: h.port)
            }
        case .http:
            probe = .http(host: h.host, port: h.port, path: h.path.isEmpty ? "/" : h.path, status: h.status, body: h.body,
                          tls: h.tls)
        case .function:
            guard let f = h.function else { return .tcp(host: h.host, port: h.port, timeout: duration(h.timeout)) }
            probe = .function(f)
        }
        return Healthcheck(probe: probe, timeout: duration(h.timeout), text: h.written)
    }

    /// Plan durations are validated (non-negative, bounded) by the lowering; clamp anyway
    /// so that no value can trap in the conversion.
    static func duration(_ d: PlanDuration) -> Duration {
        .nanoseconds(Int64(min(d.nanoseconds, UInt64(Int64.max))))
    }

    static func trapSets(_ test: PlanTest) -> [String: Set<String>] {
        var sets: [String: Set<String>] = [:]
        for t in test.traps { sets[t.service] = Set(t.syscalls) }
        return sets
    }

    /// An injector rule for a plan rule; `label` defaults to the assumption's name so that
    /// fired decisions say which fault they came from (`[db_down]`).
    static func rule(_ r: SyscallRule, id: Int, defaultLabel: String) -> FaultRule {
        let action: FaultAction
        switch r.action {
        case .deny(_, let value): action = .deny(errno: value)
        case .delay(let d): action = .delay(nanoseconds: d.nanoseconds)
        case .allow: action = .allow
        }
        return FaultRule(id: id, syscalls: r.syscalls, action: action, probability: r.probability,
                         label: r.label.isEmpty ? defaultLabel : r.label, pathGlob: r.pathGlob,
                         destination: r.destination, op: r.op)
    }

    static func assumptionRules(_ plan: FaultPlan, _ test: PlanTest) -> [(origin: String, service: String, rule: FaultRule)] {
        test.assumptions.compactMap { plan.assumptions.indices.contains($0) ? plan.assumptions[$0] : nil }
            .flatMap { a in a.rules.map { (a.name, $0.target, rule($0, id: 0, defaultLabel: a.name)) } }
    }

    /// Scenario, fault, matrix id and collapsed row name, as the reports and `--test` use them.
    static func identity(_ plan: FaultPlan, _ test: PlanTest)
        -> (scenario: String?, fault: String?, matrixID: Int?, row: String?) {
        switch test.kind {
        case .matrixCell(let matrix, let pair):
            return (pair.scenario, pair.fault, matrix, "test_matrix_" + pair.scenario)
        case .faultScenario:
            let faults = test.assumptions.compactMap { plan.assumptions.indices.contains($0) ? plan.assumptions[$0].name : nil }
            return (test.body.name, faults.isEmpty ? nil : faults.joined(separator: "+"), nil, nil)
        case .scenario:
            return (test.body.name, nil, nil, nil)
        case .function:
            return (nil, nil, nil, nil)
        }
    }

    static func matrixLayouts(_ plan: FaultPlan) -> [MatrixLayout] {
        plan.matrices.map { m in
            var cells: [String: String] = [:]
            for t in plan.tests {
                if case .matrixCell(let id, let pair) = t.kind, id == m.id {
                    cells[MatrixLayout.key(scenario: pair.scenario, fault: pair.fault)] = t.name
                }
            }
            let faults = m.faults.compactMap { plan.assumptions.indices.contains($0) ? plan.assumptions[$0].name : nil }
            return MatrixLayout(id: m.id, scenarios: m.scenarios.map(\.name), faults: faults, cellTest: cells)
        }
    }
}
