import FaultPlan
import StarlarkVM

/// `service`, `interface`, `tcp`, `http`.
enum TopologyBuiltins {
    static func all() -> [String: Value] {
        [
            "service": .builtin(Builtin(name: "service", impl: service)),
            "interface": .builtin(Builtin(name: "interface", impl: interface)),
            "tcp": .builtin(Builtin(name: "tcp") { t, _, a in try healthcheck(.tcp, t, a) }),
            "http": .builtin(Builtin(name: "http") { t, _, a in try healthcheck(.http, t, a) }),
        ].merging(TLSBuiltins.all()) { first, _ in first }
    }

    static func interface(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let a = try BoundArgs(args, fn: "interface", params: ["name", "protocol", "port", "tls?"], positional: 3)
        let site = SpecRecorder.site(thread)
        guard let port = try a.int("port") else { throw StarlarkError("interface: missing argument for port") }
        return .object(InterfaceValue(name: try a.requiredString("name"), proto: try a.requiredString("protocol"),
                                      port: port, position: site, service: nil, tls: try a.tls()))
    }

    static func healthcheck(_ kind: HealthCheck.Kind, _ thread: StarThread, _ args: Arguments) throws -> Value {
        let fn = kind.rawValue
        let address = kind == .tcp ? "addr" : "url"
        let extra = kind == .tcp ? ["send?", "expect?", "expect_regex?"] : ["status?", "body?", "tls?"]
        let a = try BoundArgs(args, fn: fn, params: [address, "timeout?"] + extra)
        let site = SpecRecorder.site(thread)
        var decl = HealthCheckDecl(kind: kind, target: try a.requiredString(address),
                                   timeout: try a.string("timeout", default: "10s") ?? "10s", position: site)
        decl.send = try a.string("send")
        decl.expect = try a.string("expect")
        decl.expectRegex = try a.string("expect_regex")
        decl.status = try a.int("status")
        decl.body = try a.string("body")
        decl.tls = try a.tls()
        if let r = try? SpecRecorder.of(thread, fn) {
            for k in ["timeout", "send", "expect", "expect_regex", "status", "body", "tls"] where a.has(k) {
                decl.keywordPositions[k] = r.keywordPosition(k, in: site)
            }
        }
        return .object(HealthCheckValue(decl))
    }

    /// `healthcheck = tcp(...) | http(...) | fn`, and `healthcheck_timeout=` (functions only).
    static func serviceHealthcheck(_ a: BoundArgs, _ r: SpecRecorder, site: SourcePosition) throws -> HealthCheckDecl? {
        let timeout = try a.string("healthcheck_timeout")
        var health: HealthCheckDecl?
        switch a.values["healthcheck"] {
        case nil, .none?: break
        case .object(let o as HealthCheckValue)?:
            health = o.decl
            if timeout != nil {
                throw StarlarkError("service: healthcheck_timeout= is for a function healthcheck; a \(o.decl.kind.rawValue)() "
                                    + "check takes its own: \(o.decl.kind.rawValue)(..., timeout=\"\(timeout!)\")")
            }
        case let v? where v.isCallableHealthcheck:
            let ref = r.callable(v, at: site)
            var decl = HealthCheckDecl(kind: .function, target: ref.name, timeout: timeout ?? "10s", position: site)
            decl.function = ref
            if timeout != nil { decl.keywordPositions["healthcheck_timeout"] = r.keywordPosition("healthcheck_timeout", in: site) }
            health = decl
        case let v?:
            throw a.typeError("healthcheck", v, "tcp(...), http(...) or a function returning True when ready")
        }
        if health == nil, timeout != nil {
            throw StarlarkError("service: healthcheck_timeout= without healthcheck=; give healthcheck=fn, or drop it")
        }
        return health
    }

    static func service(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let r = try SpecRecorder.of(thread, "service")
        // `service(name, *interfaces, binary=...)`, as the reference tool also allows: with
        // binary= given by keyword, every positional after the name is an interface.
        let binaryByKeyword = args.named.contains { $0.0 == "binary" }
        let a = try BoundArgs(args, fn: "service",
                              params: ["name", "binary", "env?", "args?", "depends_on?", "healthcheck?", "ops?", "observe?",
                                       "healthcheck_timeout?"],
                              positional: binaryByKeyword ? 1 : 2, varargs: true)
        let site = r.callSite(thread)
        let name = try a.requiredString("name")
        let binary = try a.requiredString("binary")
        var interfaces: [InterfaceValue] = []
        for (i, v) in a.rest.enumerated() {
            guard case .object(let o) = v, let iface = o as? InterfaceValue else {
                throw StarlarkError("service: for parameter interfaces: got \(v.typeName), want interface(...) "
                                    + "(argument \(i + (binaryByKeyword ? 2 : 3)); "
                                    + "positional arguments after the binary are the service's interfaces)")
            }
            interfaces.append(iface.adopted(by: name))
        }
        var env: [EnvVar] = []
        if let v = a.values["env"] {
            guard case .dict(let d) = v else { throw a.typeError("env", v, "dict") }
            for (k, val) in d.items {
                guard case .string(let ks) = k else {
                    throw StarlarkError("service: for parameter env: key \(Ops.repr(k)) is \(k.typeName), want string")
                }
                switch val {
                case .string(let s): env.append(EnvVar(key: ks.string, value: s.string))
                case .int, .bool, .float: env.append(EnvVar(key: ks.string, value: Ops.str(val)))
                default:
                    throw StarlarkError("service: for parameter env: value of \(ks.string) is \(val.typeName), want string")
                }
            }
        }
        let argv = try a.stringList("args")
        var deps: [NameRef] = []
        let depPositions = r.files.elementPositions("depends_on", callAt: site)
        for (i, v) in try a.sequence("depends_on").enumerated() {
            let pos = depPositions.flatMap { i < $0.count ? $0[i] : nil } ?? r.keywordPosition("depends_on", in: site)
            switch v {
            case .object(let o as ServiceValue): deps.append(NameRef(o.name, pos))
            case .string(let s): deps.append(NameRef(s.string, pos))
            default:
                throw StarlarkError("service: for parameter depends_on: element \(i) is \(v.typeName), want service or string")
            }
        }
        let health = try serviceHealthcheck(a, r, site: site)
        let ops = try FaultBuiltins.ops(a, recorder: r, site: site)
        let catalog = OpCatalog.of(thread)
        catalog.add(service: name, ops: ops)
        let index = r.declarations.services.count
        r.declarations.services.append(ServiceDecl(
            name: name, binary: binary, args: argv, env: env,
            interfaces: interfaces.map { InterfaceDecl(name: $0.name, proto: $0.proto, port: $0.port, position: $0.position, tls: $0.tls) },
            dependsOn: deps, healthcheck: health, position: site, variable: nil, definedIn: site.file, ops: ops))
        r.declarations.services[index].observe = try ObserveBuiltins.sources(a)
        let value = ServiceValue(name: name, interfaces: interfaces, index: index, ops: ops, catalog: catalog)
        r.services.append(value)
        return .object(value)
    }
}

private extension Value {
    var isCallableHealthcheck: Bool {
        switch self {
        case .function, .builtin: return true
        default: return false
        }
    }
}
