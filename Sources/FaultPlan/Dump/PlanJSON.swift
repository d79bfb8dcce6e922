import JSONText

/// The plan as JSON (schema `faultbox.plan/1`, documented in docs/plan-json-schema.md).
/// Positions are `"file:line:col"` strings; every list is in plan order.
public enum PlanJSON {
    public static let schema = "faultbox.plan/1"

    /// `--emit plan`: everything.
    public static func plan(_ plan: FaultPlan, paths: PathDisplay) -> JSONValue {
        .object([
            ("schema", .string(schema)),
            ("spec", .string(paths.show(plan.specPath))),
            ("files", .array(plan.files.map { .string(paths.show($0)) })),
            ("start_order", .array(plan.startOrder.map { .string($0) })),
            ("services", .array(plan.servicesInStartOrder.map { service($0, paths) })),
            ("assumptions", .array(plan.assumptions.map { assumption($0, plan) })),
            ("monitors", .array(plan.monitors.map(monitor))),
            ("matrices", .array(plan.matrices.map { matrix($0, plan) })),
            ("test_count", .int(plan.tests.count)),
            ("cell_count", .int(plan.cellCount)),
            ("tests", .array(plan.tests.map { test($0, plan) })),
            ("faultable_syscalls", .array(plan.faultableSyscalls.map { .string($0) })),
        ])
    }

    /// `--emit cells`: the tests only.
    public static func cells(_ plan: FaultPlan, paths: PathDisplay) -> JSONValue {
        .object([
            ("schema", .string(schema)),
            ("spec", .string(paths.show(plan.specPath))),
            ("test_count", .int(plan.tests.count)),
            ("cell_count", .int(plan.cellCount)),
            ("tests", .array(plan.tests.map { test($0, plan) })),
        ])
    }

    static func pos(_ p: SourcePosition) -> JSONValue { .string(p.description) }
    static func strings(_ s: [String]) -> JSONValue { .array(s.map { .string($0) }) }
    static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    static func callable(_ c: CallableRef) -> JSONValue {
        .object([("function", .string(c.name)), ("defined_at", pos(c.position))])
    }

    /// {`ca`, `insecure`, `client_cert`, `client_key`}: how faultbox's client speaks TLS.
    static func tls(_ t: TLSSettings, _ paths: PathDisplay) -> JSONValue {
        func path(_ p: String?) -> JSONValue { p.map { .string(paths.show($0)) } ?? .null }
        return .object([("ca", path(t.ca)), ("insecure", .bool(t.insecure)),
                        ("client_cert", path(t.clientCert)), ("client_key", path(t.clientKey))])
    }

    static func service(_ s: Service, _ paths: PathDisplay) -> JSONValue {
        var hc: JSONValue = .null
        if let h = s.healthcheck {
            var fields: [(String, JSONValue)] = [
                ("kind", .string(h.kind.rawValue)), ("host", .string(h.host)), ("port", .int(h.port)),
                ("path", h.kind == .http ? .string(h.path) : .null),
                ("timeout", .string(h.timeout.text)), ("timeout_ms", .double(h.timeout.milliseconds)),
                ("position", pos(h.position)),
            ]
            // Present only when written (keeps the older files' bytes unchanged).
            if let send = h.send { fields.append(("send", .string(send))) }
            switch h.expect {
            case .equals(let e)?: fields.append(("expect", .string(e)))
            case .regex(let r)?: fields.append(("expect_regex", .string(r)))
            case nil: break
            }
            if let status = h.status { fields.append(("status", .int(status))) }
            if let body = h.body { fields.append(("body", .string(body))) }
            if let tls = h.tls { fields.append(("tls", Self.tls(tls, paths))) }
            if let f = h.function { fields.append(("function", callable(f))) }
            hc = .object(fields)
        }
        var fields: [(String, JSONValue)] = [
            ("name", .string(s.name)),
            ("binary", .string(s.binary)),
            ("executable", .string(paths.show(s.executable))),
            ("args", strings(s.args)),
            ("env", .array(s.env.map { .object([("key", .string($0.key)), ("value", .string($0.value)),
                                                 ("generated", .bool($0.generated))]) })),
            ("interfaces", .array(s.interfaces.map { i in
                var fields: [(String, JSONValue)] = [
                    ("name", .string(i.name)), ("protocol", .string(i.proto.rawValue)),
                    ("host", .string(i.host)), ("port", .int(i.port)), ("addr", .string(i.address)),
                    ("position", pos(i.position))]
                if let tls = i.tls { fields.append(("tls", Self.tls(tls, paths))) }   // only over TLS
                return .object(fields)
            })),
            ("healthcheck", hc),
            ("depends_on", strings(s.dependsOn)),
            ("variable", optional(s.variable)),
            ("position", pos(s.position)),
        ]
        if !s.ops.isEmpty { fields.append(("ops", .array(s.ops.map(op)))) }
        return .object(fields)
    }

    /// Present only for services that declare ops (keeps the older files' bytes unchanged).
    static func op(_ o: NamedOp) -> JSONValue {
        .object([
            ("name", .string(o.name)), ("keywords", strings(o.keywords)), ("syscalls", strings(o.syscalls)),
            ("path", optional(o.pathGlob)), ("position", pos(o.position)),
        ])
    }

    static func rule(_ r: SyscallRule) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("target", .string(r.target)), ("keyword", .string(r.keyword)), ("syscalls", strings(r.syscalls)),
        ]
        switch r.action {
        case .deny(let name, let value):
            fields += [("action", .string("deny")), ("errno", .string(name)), ("errno_value", .int(Int(value)))]
        case .delay(let d):
            fields += [("action", .string("delay")), ("duration", .string(d.text)), ("duration_ms", .double(d.milliseconds))]
        case .allow:
            fields += [("action", .string("allow"))]
        }
        // Only for rules on a named operation (keeps the older files' bytes unchanged).
        if let op = r.op { fields.append(("op", .string(op))) }
        fields += [("probability", .double(r.probability)), ("label", .string(r.label)),
                   ("path", optional(r.pathGlob)), ("destination", optional(r.destination)),
                   ("position", pos(r.position))]
        return .object(fields)
    }

    static func assumption(_ a: FaultAssumption, _ plan: FaultPlan) -> JSONValue {
        .object([
            ("name", .string(a.name)), ("target", .string(a.target)),
            ("rules", .array(a.rules.map(rule))),
            ("monitors", .array(a.monitors.map { .int($0) })),
            ("variable", optional(a.variable)),
            ("position", pos(a.position)),
        ])
    }

    static func monitor(_ m: Monitor) -> JSONValue {
        .object([
            ("id", .int(m.id)), ("function", .string(m.callable.name)), ("defined_at", pos(m.callable.position)),
            ("service", optional(m.service)), ("syscall", optional(m.keyword)), ("syscalls", strings(m.syscalls)),
            ("position", pos(m.position)),
        ])
    }

    static func matrix(_ m: FaultMatrix, _ plan: FaultPlan) -> JSONValue {
        .object([
            ("id", .int(m.id)),
            ("scenarios", strings(m.scenarios.map(\.name))),
            ("faults", strings(m.faults.map { plan.assumptions[$0].name })),
            ("default_expect", m.defaultExpect.map(callable) ?? .null),
            ("overrides", .array(m.overrides.map {
                .object([("scenario", .string($0.pair.scenario)), ("fault", .string($0.pair.fault)),
                         ("oracle", callable($0.oracle)), ("position", pos($0.position))])
            })),
            ("excluded", .array(m.excluded.map { .object([("scenario", .string($0.scenario)), ("fault", .string($0.fault))]) })),
            ("cells", strings(m.cells)),
            ("position", pos(m.position)),
        ])
    }

    static func test(_ t: PlanTest, _ plan: FaultPlan) -> JSONValue {
        var kind = "", scenario: JSONValue = .null, fault: JSONValue = .null, matrix: JSONValue = .null
        switch t.kind {
        case .scenario: kind = "scenario"; scenario = .string(t.body.name)
        case .faultScenario: kind = "fault_scenario"; scenario = .string(t.body.name)
        case .matrixCell(let m, let pair):
            kind = "matrix_cell"; scenario = .string(pair.scenario); fault = .string(pair.fault); matrix = .int(m)
        case .function: kind = "function"
        }
        let oracle: JSONValue = t.oracle.map {
            if let e = $0.expectation {
                return .object([("source", .string($0.source.rawValue)), ("expectation", .string(e.text)),
                                ("attached_at", pos($0.position))])
            }
            return .object([("source", .string($0.source.rawValue)), ("function", .string($0.callable.name)),
                            ("defined_at", pos($0.callable.position)), ("attached_at", pos($0.position))])
        } ?? .null
        // Keys that only some tests have come last and only when set, so plans without
        // them keep their exact bytes.
        var optional: [(String, JSONValue)] = []
        if let timeout = t.timeout {
            optional.append(("timeout", .object([("duration", .string(timeout.duration.text)),
                                                 ("nanoseconds", .int(Int(clamping: timeout.duration.nanoseconds))),
                                                 ("position", pos(timeout.position))])))
        }
        if t.requireFaultsFire { optional.append(("require_faults_fire", .bool(true))) }
        return .object([
            ("name", .string(t.name)), ("kind", .string(kind)),
            ("scenario", scenario), ("fault", fault), ("matrix", matrix),
            ("body", callable(t.body)),
            ("faults", strings(t.assumptions.map { plan.assumptions[$0].name })),
            ("oracle", oracle),
            ("monitors", strings(t.monitors.map { plan.monitors[$0].callable.name })),
            ("traps", .array(t.traps.map {
                .object([("service", .string($0.service)), ("syscalls", strings($0.syscalls)),
                         ("whole_faultable_set", .bool($0.wholeFaultableSet)), ("reasons", strings($0.reasons))])
            })),
            ("dynamic", dynamic(t.dynamic)),
            ("position", pos(t.position)),
        ] + optional)
    }

    static func dynamic(_ d: DynamicFaultUse) -> JSONValue {
        .object([
            ("faults", .array(d.faults.map { f in
                var fields: [(String, JSONValue)] = [("target", optional(f.target)),
                                                     ("keywords", f.keywords.map(strings) ?? .null),
                                                     ("position", pos(f.position))]
                // Only for fault_start/fault_all sites (keeps the older files' bytes unchanged).
                if f.builtin != "fault" { fields.append(("builtin", .string(f.builtin))) }
                return .object(fields)
            })),
            ("partitions", .array(d.partitions.map {
                .object([("a", optional($0.a)), ("b", optional($0.b)), ("position", pos($0.position))])
            })),
            ("unknowns", strings(d.unknowns)),
        ])
    }
}

/// How absolute paths are shown: relative to a base directory when under it, so dumps do
/// not depend on where the repository is checked out.
public struct PathDisplay: Sendable {
    public var base: String?
    public init(relativeTo base: String?) { self.base = base }
    public func show(_ path: String) -> String {
        guard let base, !base.isEmpty, path.hasPrefix("/") else { return path }
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
