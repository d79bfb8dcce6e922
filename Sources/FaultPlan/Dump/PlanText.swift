/// The plan for people (`faultbox compile`, `--emit plan` / `--emit cells`): services in
/// start order, assumptions with their expanded syscalls, then every test with scenario,
/// faults, oracle, monitors and the trap set per service.
public enum PlanText {
    public static func plan(_ plan: FaultPlan, paths: PathDisplay) -> String {
        var out = "spec \(paths.show(plan.specPath))\n"
        if plan.files.count > 1 {
            out += "loads " + plan.files.dropFirst().map { paths.show($0) }.joined(separator: ", ") + "\n"
        }
        out += "\nservices (start order):\n"
        if plan.services.isEmpty { out += "  (none)\n" }
        for s in plan.servicesInStartOrder { out += service(s, paths) }
        out += "\nfault assumptions:\n"
        if plan.assumptions.isEmpty { out += "  (none)\n" }
        for a in plan.assumptions { out += assumption(a, plan) }
        if !plan.monitors.isEmpty {
            out += "\nmonitors:\n"
            for m in plan.monitors { out += monitor(m) }
        }
        if !plan.matrices.isEmpty {
            out += "\nmatrices:\n"
            for m in plan.matrices { out += matrix(m, plan) }
        }
        out += "\n" + cells(plan)
        return out
    }

    /// The tests only (`--emit cells`).
    public static func cells(_ plan: FaultPlan) -> String {
        var out = "tests (\(plan.tests.count), \(plan.cellCount) matrix cells):\n"
        if plan.tests.isEmpty { out += "  (none)\n" }
        for t in plan.tests { out += test(t, plan) }
        return out
    }

    /// `faultbox test --dry-run`: one line per test, then the counts.
    public static func dryRun(_ plan: FaultPlan) -> String {
        var out = ""
        for t in plan.tests {
            var line = t.name
            switch t.kind {
            case .scenario: line += "  (scenario \(t.body.name))"
            case .faultScenario:
                line += "  (\(t.body.name) under " + t.assumptions.map { plan.assumptions[$0].name }.joined(separator: " + ") + ")"
            case .matrixCell(_, let pair): line += "  (matrix \(pair.scenario) x \(pair.fault))"
            case .function: line += "  (def at \(t.body.position))"
            }
            out += line + "\n"
        }
        let matrices = plan.matrices.map { m in "\(m.scenarios.count) scenarios x \(m.faults.count) faults = \(m.cells.count) cells" }
        out += "\(plan.tests.count) tests, \(plan.cellCount) matrix cells"
        out += matrices.isEmpty ? "\n" : " (" + matrices.joined(separator: "; ") + ")\n"
        return out
    }

    static func service(_ s: Service, _ paths: PathDisplay) -> String {
        var out = "  \(s.name)  \(s.position)\n"
        let exe = paths.show(s.executable)
        out += "    binary      \(s.binary)" + (exe == s.binary ? "" : " -> \(exe)") + "\n"
        if !s.args.isEmpty { out += "    args        " + s.args.map(quoteIfNeeded).joined(separator: " ") + "\n" }
        for i in s.interfaces {
            let tls = i.tls.map { $0 == TLSSettings() ? " tls" : " " + $0.written(showing: paths.show) } ?? ""
            out += "    interface   \(i.name) \(i.proto.rawValue) \(i.address)\(tls)\n"
        }
        if let h = s.healthcheck {
            let plain = h.send == nil && h.status == nil && h.body == nil && h.kind != .function
                && (h.tls ?? TLSSettings()) == TLSSettings()
            let shown = plain ? "\(h.kind.rawValue) \(h.target)" : h.written(showing: paths.show)
            out += "    healthcheck \(shown) timeout \(h.timeout.text)\n"
        } else {
            out += "    healthcheck none (ready once started)\n"
        }
        out += "    depends_on  " + (s.dependsOn.isEmpty ? "-" : s.dependsOn.joined(separator: ", ")) + "\n"
        for op in s.ops {
            out += "    op          \(op.name) = " + op.keywords.joined(separator: ", ")
                + (op.pathGlob.map { " path \"\($0)\"" } ?? "") + " -> " + op.syscalls.joined(separator: ", ") + "\n"
        }
        out += "    env\n"
        for e in s.env { out += "      \(e.key)=\(e.value)\n" }
        return out
    }

    static func rule(_ r: SyscallRule) -> String {
        var action: String
        switch r.action {
        case .deny(let name, _): action = "deny(\(name)"
        case .delay(let d): action = "delay(\(d.text)"
        case .allow: action = "allow("
        }
        var parameters: [String] = []
        if r.probability != 1 { parameters.append("probability=\(r.probability)") }
        if !r.label.isEmpty { parameters.append("label=\"\(r.label)\"") }
        // An op's path glob is the op's, shown with the op below.
        if let p = r.pathGlob, r.op == nil { parameters.append("path=\"\(p)\"") }
        if !parameters.isEmpty {
            action += (action.hasSuffix("(") ? "" : ", ") + parameters.joined(separator: ", ")
        }
        action += ")"
        var line = "\(r.keyword) = \(action) -> "
        if let op = r.op { line += "op \(op)" + (r.pathGlob.map { " path \"\($0)\"" } ?? "") + ": " }
        return line + r.syscalls.joined(separator: ", ")
    }

    static func assumption(_ a: FaultAssumption, _ plan: FaultPlan) -> String {
        var out = "  \(a.name)  target=\(a.target)  \(a.position)\n"
        for r in a.rules { out += "    " + rule(r) + "\n" }
        if !a.monitors.isEmpty {
            out += "    monitors " + a.monitors.map { plan.monitors[$0].callable.name }.joined(separator: ", ") + "\n"
        }
        return out
    }

    static func monitor(_ m: Monitor) -> String {
        var out = "  \(m.callable.name)  service=\(m.service ?? "*") syscall=\(m.keyword ?? "*")  \(m.position)\n"
        if !m.syscalls.isEmpty { out += "    watches " + m.syscalls.joined(separator: ", ") + "\n" }
        out += "    defined at \(m.callable.position)\n"
        return out
    }

    static func matrix(_ m: FaultMatrix, _ plan: FaultPlan) -> String {
        var out = "  #\(m.id)  \(m.scenarios.count) scenarios x \(m.faults.count) faults = \(m.cells.count) cells  \(m.position)\n"
        out += "    scenarios " + m.scenarios.map(\.name).joined(separator: ", ") + "\n"
        out += "    faults    " + m.faults.map { plan.assumptions[$0].name }.joined(separator: ", ") + "\n"
        for e in m.excluded { out += "    exclude   (\(e.scenario), \(e.fault))\n" }
        return out
    }

    static func test(_ t: PlanTest, _ plan: FaultPlan) -> String {
        var out = "  \(t.name)  \(t.position)\n"
        switch t.kind {
        case .scenario: out += "    scenario  \(t.body.name) (\(t.body.position))\n"
        case .faultScenario: out += "    scenario  \(t.body.name) (\(t.body.position))\n"
        case .matrixCell(let m, let pair):
            out += "    matrix    #\(m) \(pair.scenario) x \(pair.fault)\n"
            out += "    scenario  \(t.body.name) (\(t.body.position))\n"
        case .function: out += "    function  \(t.body.name) (\(t.body.position))\n"
        }
        let faults = t.assumptions.map { plan.assumptions[$0].name }
        out += "    faults    " + (faults.isEmpty ? "-" : faults.joined(separator: ", ")) + "\n"
        if let o = t.oracle, let e = o.expectation {
            out += "    oracle    \(o.source.rawValue): \(e.text) (at \(o.position))\n"
        } else if let o = t.oracle {
            out += "    oracle    \(o.source.rawValue): \(o.callable.name) (defined at \(o.callable.position))\n"
        } else if t.kind != .function {
            out += "    oracle    none (passes unless the scenario raises)\n"
        }
        if let timeout = t.timeout { out += "    timeout   \(timeout.duration.text) (\(timeout.position))\n" }
        if t.requireFaultsFire { out += "    require   every armed fault fires (require_faults_fire=True)\n" }
        if !t.monitors.isEmpty {
            out += "    monitors  " + t.monitors.map { plan.monitors[$0].callable.name }.joined(separator: ", ") + "\n"
        }
        for f in t.dynamic.faults {
            // `fault()` keeps its column; `fault_start()`/`fault_all()` are longer.
            let label = (f.builtin + "()").padding(toLength: 9)
            out += "    \(label) target=\(f.target ?? "?") " + (f.keywords?.joined(separator: ", ") ?? "keywords built "
                + "at run time") + " at \(f.position)\n"
        }
        for p in t.dynamic.partitions {
            out += "    partition(\(p.a ?? "?"), \(p.b ?? "?")) at \(p.position)\n"
        }
        for u in t.dynamic.unknowns { out += "    dynamic   \(u)\n" }
        out += "    traps\n"
        for trap in t.traps {
            if trap.syscalls.isEmpty {
                out += "      \(trap.service): none (native speed)\n"
            } else if trap.wholeFaultableSet {
                out += "      \(trap.service): whole faultable set (\(trap.syscalls.count) syscalls): static analysis "
                    + "cannot bound fault() here\n"
                for r in trap.reasons { out += "        because of \(r)\n" }
            } else {
                out += "      \(trap.service): " + trap.syscalls.joined(separator: ", ")
                    + "  [" + trap.reasons.joined(separator: "; ") + "]\n"
            }
        }
        return out
    }

    static func quoteIfNeeded(_ s: String) -> String {
        s.isEmpty || s.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" }) ? "\"" + s.replacingQuotes + "\"" : s
    }
}

extension String {
    var replacingQuotes: String {
        var out = ""
        for c in self { if c == "\"" || c == "\\" { out.append("\\") }; out.append(c) }
        return out
    }
}

private extension String {
    /// Pads with spaces to `length` (unchanged when already that long).
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
