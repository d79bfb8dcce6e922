import FaultPlan
import StarlarkSyntax
import StarlarkVM

/// Finds, without running anything, the `fault()`, `fault_start()`, `fault_all()` and
/// `partition()` calls a test may make:
/// the syntax trees of the functions reachable from the test's callables (functions named
/// by identifiers in their bodies, transitively, across loaded files). What it cannot bound
/// (keywords from `**kw`, `fault` passed around as a value, a function it cannot find) is
/// reported as unknown, and the plan then traps the whole faultable set.
final class StaticFaultAnalysis {
    let files: SpecFiles
    let faultBuiltin: Builtin?
    let partitionBuiltin: Builtin?
    /// `fault_start` and `fault_all`: their keywords are fault keywords too.
    let faultStartBuiltin: Builtin?
    let faultAllBuiltin: Builtin?

    struct Direct {
        var faults: [FaultCallSite] = []
        var partitions: [PartitionSite] = []
        var unknowns: [String] = []
        var references: [StarFunction] = []
        var traces: [TraceSite] = []
    }
    private var cache: [ObjectIdentifier: Direct] = [:]
    private var globalTables: [String: [String: Value]] = [:]
    private var loadTables: [String: [String: (String, String)]] = [:]

    /// The trace builtins whose literal arguments say what a test must trace.
    private let traceBuiltins: [ObjectIdentifier: String]

    init(files: SpecFiles, predeclared: [String: Value]) {
        self.files = files
        var tb: [ObjectIdentifier: String] = [:]
        var pt: [String: Value] = [:]
        for name in ["trace", "trace_start", "assert_before"] + TraceBuiltins.queryNames.sorted() {
            if case .builtin(let b)? = predeclared[name] { tb[ObjectIdentifier(b)] = name; pt[name] = .builtin(b) }
        }
        traceBuiltins = tb
        predeclaredTrace = pt
        self.predeclared = predeclared
        if case .builtin(let b) = predeclared["fault"] { faultBuiltin = b } else { faultBuiltin = nil }
        if case .builtin(let b) = predeclared["partition"] { partitionBuiltin = b } else { partitionBuiltin = nil }
        if case .builtin(let b) = predeclared["fault_start"] { faultStartBuiltin = b } else { faultStartBuiltin = nil }
        if case .builtin(let b) = predeclared["fault_all"] { faultAllBuiltin = b } else { faultAllBuiltin = nil }
    }

    /// The builtins whose keywords name syscalls (or ops).
    private func isFaultBuiltin(_ b: Builtin) -> Bool {
        b === faultBuiltin || b === faultStartBuiltin || b === faultAllBuiltin
    }

    /// Everything reachable from one callable value.
    func analyze(_ v: Value) -> DynamicFaultUse {
        guard case .function(let root) = v else { return DynamicFaultUse() }
        var result = DynamicFaultUse()
        var queue = [root]
        var seen = Set<ObjectIdentifier>()
        while let f = queue.popLast() {
            guard seen.insert(ObjectIdentifier(f.code)).inserted else { continue }
            let d = direct(f)
            result.faults += d.faults
            result.partitions += d.partitions
            result.unknowns += d.unknowns
            result.traces += d.traces
            queue += d.references
        }
        return result
    }

    private func direct(_ f: StarFunction) -> Direct {
        let key = ObjectIdentifier(f.code)
        if let d = cache[key] { return d }
        var d = Direct()
        if let entry = files.entry(f.moduleName), let node = entry.functions[f.code.pos] {
            scan(node, entry, &d)
        } else {
            d.unknowns.append("function \(f.name) at \(f.location) could not be analysed")
        }
        cache[key] = d
        return d
    }

    private func scan(_ node: FunctionNode, _ entry: SpecFiles.Entry, _ d: inout Direct) {
        let locals = Self.boundNames(node)
        var callees = Set<Int>()
        let body: [Stmt] = node.body
        ASTWalk.forEachExpr(in: body) { x in
            switch x {
            case .call(.ident(let id), let lparen, let args, _) where !locals.contains(id.name):
                callees.insert(id.id)
                guard case .builtin(let b)? = resolve(id.name, entry) else { return }
                let pos = files.position(entry, lparen)
                if isFaultBuiltin(b) {
                    // The parameters that are not syscall keywords, and where the target is.
                    let params: Set<String> = b === faultAllBuiltin ? ["services", "run"]
                        : b === faultStartBuiltin ? ["service"] : ["target", "run"]
                    var keywords: [String]? = []
                    for a in args {
                        switch a {
                        case .keyword(let k, _) where !params.contains(k.name): keywords?.append(k.name)
                        case .starStar: keywords = nil
                        default: break
                        }
                        if keywords == nil { break }
                    }
                    let targets: [String?]
                    if b === faultAllBuiltin {
                        targets = serviceList(argument(args, "services", 0), locals, entry)
                    } else {
                        let name = b === faultStartBuiltin ? "service" : "target"
                        targets = [argument(args, name, 0).flatMap { serviceName($0, locals, entry) }]
                    }
                    for target in targets {
                        d.faults.append(FaultCallSite(target: target, keywords: keywords, position: pos, builtin: b.name))
                    }
                } else if let name = traceBuiltins[ObjectIdentifier(b)] {
                    d.traces += traceSites(name, args, locals, entry, pos)
                } else if b === partitionBuiltin {
                    d.partitions.append(PartitionSite(
                        a: argument(args, "a", 0).flatMap { serviceName($0, locals, entry) },
                        b: argument(args, "b", 1).flatMap { serviceName($0, locals, entry) }, position: pos))
                }
            case .ident(let id) where !locals.contains(id.name):
                guard let v = resolve(id.name, entry) else { return }
                switch v {
                case .function(let g): d.references.append(g)
                case .list(let l): d.references += Self.functions(in: l.elements)
                case .tuple(let t): d.references += Self.functions(in: t.elements)
                case .dict(let m): d.references += Self.functions(in: m.values)
                case .builtin(let b) where (isFaultBuiltin(b) || b === partitionBuiltin) && !callees.contains(id.id):
                    d.unknowns.append("\(b.name) used as a value at \(files.position(entry, id.pos))")
                default: break
                }
            default: break
            }
        }
    }

    private func argument(_ args: [Argument], _ name: String, _ index: Int) -> Expr? {
        var n = 0
        for a in args {
            switch a {
            case .keyword(let k, let x) where k.name == name: return x
            case .positional(let x):
                if n == index { return x }
                n += 1
            default: continue
            }
        }
        return nil
    }

    /// The services of `fault_all`'s list: one per element of a list/tuple literal (nil for
    /// an element that is not statically a service); a single nil (any service) otherwise.
    private func serviceList(_ x: Expr?, _ locals: Set<String>, _ entry: SpecFiles.Entry) -> [String?] {
        switch x {
        case .list(_, let items, _)?, .tuple(_, let items, _)?:
            return items.isEmpty ? [nil] : items.map { serviceName($0, locals, entry) }
        case .paren(_, let y, _)?:
            return serviceList(y, locals, entry)
        default:
            return [nil]
        }
    }

    private func serviceName(_ x: Expr, _ locals: Set<String>, _ entry: SpecFiles.Entry) -> String? {
        guard case .ident(let id) = x, !locals.contains(id.name),
              case .object(let o as ServiceValue)? = resolve(id.name, entry) else { return nil }
        return o.name
    }

    /// A global, a name bound by `load`, or a predeclared builtin, as seen from `entry`.
    private func resolve(_ name: String, _ entry: SpecFiles.Entry) -> Value? {
        if let v = globals(entry)[name] { return v }
        if let (module, original) = loads(entry)[name], let m = files.entry(module) {
            return globals(m)[original]
        }
        if name == "fault", let b = faultBuiltin { return .builtin(b) }
        if name == "fault_start", let b = faultStartBuiltin { return .builtin(b) }
        if name == "fault_all", let b = faultAllBuiltin { return .builtin(b) }
        if name == "partition", let b = partitionBuiltin { return .builtin(b) }
        return predeclaredTrace[name]
    }

    private let predeclaredTrace: [String: Value]
    private let predeclared: [String: Value]

    /// The calls, in `v`'s own body and the functions it reaches, of the predeclared
    /// builtins named in `names` (`fault`, `assert_true`, ...), with their positions.
    func calls(in v: Value, among names: Set<String>) -> [(String, SourcePosition)] {
        guard case .function(let root) = v else { return [] }
        var found: [(String, SourcePosition)] = []
        var queue = [root]
        var seen = Set<ObjectIdentifier>()
        while let f = queue.popLast() {
            guard seen.insert(ObjectIdentifier(f.code)).inserted,
                  let entry = files.entry(f.moduleName), let node = entry.functions[f.code.pos] else { continue }
            let locals = Self.boundNames(node)
            ASTWalk.forEachExpr(in: node.body) { x in
                guard case .call(.ident(let id), let lparen, _, _) = x, !locals.contains(id.name) else { return }
                if names.contains(id.name), case .builtin(let b)? = predeclared[id.name],
                   globals(entry)[id.name] == nil, loads(entry)[id.name] == nil, b.name == id.name {
                    found.append((id.name, files.position(entry, lparen)))
                } else if case .function(let g)? = globals(entry)[id.name] {
                    queue.append(g)
                }
            }
        }
        return found
    }

    /// What one trace call needs traced: `trace(svc, syscalls=[...])`, the literal
    /// `service=`/`syscall=` of `assert_eventually`/`assert_never`/`events`, and those of
    /// `assert_before`'s `first`/`then` dicts.
    private func traceSites(_ name: String, _ args: [Argument], _ locals: Set<String>, _ entry: SpecFiles.Entry,
                            _ pos: SourcePosition) -> [TraceSite] {
        func service(_ x: Expr?) -> String? {
            guard let x else { return nil }
            if case .literal(.string(let bytes), _, _) = x { return String(decoding: bytes, as: UTF8.self) }
            return serviceName(x, locals, entry)
        }
        func string(_ x: Expr?) -> String? {
            if case .literal(.string(let bytes), _, _)? = x { return String(decoding: bytes, as: UTF8.self) }
            return nil
        }
        switch name {
        case "trace", "trace_start":
            var syscalls: [String]?
            if case .list(_, let items, _)? = argument(args, "syscalls", 1) {
                let names = items.compactMap(string)
                syscalls = names.count == items.count ? names : nil
            }
            return [TraceSite(what: name, service: service(argument(args, "service", 0)), syscalls: syscalls, position: pos)]
        case "assert_before":
            var sites: [TraceSite] = []
            for key in ["first", "then"] {
                guard case .dict(_, let entries, _)? = argument(args, key, -1) else { continue }
                var svc: String?, sc: String?
                for e in entries {
                    switch string(e.key) {
                    case "service": svc = service(e.value)
                    case "syscall": sc = string(e.value)
                    default: break
                    }
                }
                if let sc, !sc.hasPrefix("*"), !sc.hasSuffix("*") {
                    sites.append(TraceSite(what: "assert_before(\(key)=)", service: svc, syscalls: [sc], position: pos))
                }
            }
            return sites
        default:
            guard let sc = string(argument(args, "syscall", -1)), !sc.hasPrefix("*"), !sc.hasSuffix("*") else { return [] }
            return [TraceSite(what: name, service: service(argument(args, "service", -1)), syscalls: [sc], position: pos)]
        }
    }

    private func globals(_ entry: SpecFiles.Entry) -> [String: Value] {
        if let t = globalTables[entry.path] { return t }
        var t: [String: Value] = [:]
        for (k, v) in entry.module?.globals ?? [] { t[k] = v }
        globalTables[entry.path] = t
        return t
    }

    private func loads(_ entry: SpecFiles.Entry) -> [String: (String, String)] {
        if let t = loadTables[entry.path] { return t }
        var t: [String: (String, String)] = [:]
        let dir = ModuleLoader.directory(of: entry.path)
        for s in entry.ast.stmts {
            guard case .load(_, let module, let names, _) = s else { continue }
            let path = ModuleLoader.path(of: module.0, from: dir)
            for n in names { t[n.local.name] = (path, n.original.0) }
        }
        loadTables[entry.path] = t
        return t
    }

    private static func functions(in values: [Value]) -> [StarFunction] {
        values.compactMap { if case .function(let f) = $0 { return f }; return nil }
    }

    /// Names bound inside the function (parameters, assignments, loop variables, nested
    /// defs and their parameters): these shadow globals.
    static func boundNames(_ node: FunctionNode) -> Set<String> {
        var names = Set<String>()
        func params(_ f: FunctionNode) {
            for p in f.params {
                switch p {
                case .required(let id), .optional(let id, _), .starStar(_, let id): names.insert(id.name)
                case .star(_, let id): if let id { names.insert(id.name) }
                }
            }
        }
        func targets(_ x: Expr) {
            var work = [x]
            while let e = work.popLast() {
                switch e {
                case .ident(let id): names.insert(id.name)
                case .tuple(_, let xs, _), .list(_, let xs, _): work += xs
                case .paren(_, let y, _): work.append(y)
                default: break
                }
            }
        }
        params(node)
        var work: [Stmt] = node.body
        while let s = work.popLast() {
            switch s {
            case .assign(let lhs, _, _, _): targets(lhs)
            case .def(let f): names.insert(f.name?.name ?? ""); params(f); work += f.body
            case .if_(_, _, let then, let else_, _): work += then + else_
            case .for_(_, let vars, _, let body): targets(vars); work += body
            case .while_(_, _, let body): work += body
            default: break
            }
        }
        ASTWalk.forEachExpr(in: node.body) { x in
            if case .lambda(let f) = x { params(f) }
            if case .comprehension(let c) = x {
                for clause in c.clauses { if case .for(_, let vars, _) = clause { targets(vars) } }
            }
        }
        return names
    }
}
