import DidYouMean
import Durations

/// Monitors, fault assumptions and their syscall rules.
extension PlanBuilder {
    mutating func buildMonitors(serviceNames: [String]) -> [Monitor] {
        var monitors: [Monitor] = []
        for (id, decl) in declarations.monitors.enumerated() {
            if let svc = decl.service, !serviceNames.contains(svc.name) {
                error(svc.position, "monitor \(decl.callable.name) watches unknown service \"\(svc.name)\"",
                      fix: (Spelling.suggest(svc.name, among: serviceNames).map { "did you mean \"\($0)\"? " } ?? "")
                        + "declared services: " + serviceNames.joined(separator: ", "))
            }
            var syscalls: [String] = []
            if let keyword = decl.syscall {
                syscalls = expandKeyword(keyword, at: decl.position, context: "monitor(syscall=)") ?? []
            }
            if let stateful = decl.stateful {
                checkMatcherServices(stateful.on, monitor: stateful.name, at: decl.position, serviceNames: serviceNames)
            }
            monitors.append(Monitor(id: id, callable: decl.callable, service: decl.service?.name,
                                    keyword: decl.syscall, syscalls: syscalls, position: decl.position,
                                    stateful: decl.stateful, specWide: !decl.claimed))
        }
        return monitors
    }

    /// A matcher that names a service exactly must name a declared one (a typo would make
    /// the monitor watch nothing, silently).
    mutating func checkMatcherServices(_ m: EventMatch, monitor: String, at position: SourcePosition, serviceNames: [String]) {
        switch m {
        case .event(let fields):
            for f in fields where f.key == "service" && f.isExact && f.pattern != "test" && !serviceNames.contains(f.pattern) {
                error(position, "monitor \(monitor) matches unknown service \"\(f.pattern)\"",
                      fix: (Spelling.suggest(f.pattern, among: serviceNames).map { "did you mean \"\($0)\"? " } ?? "")
                        + "declared services: " + serviceNames.joined(separator: ", "))
            }
        case .any(let l), .all(let l):
            for x in l { checkMatcherServices(x, monitor: monitor, at: position, serviceNames: serviceNames) }
        case .never: break
        }
    }

    mutating func buildAssumptions(serviceNames: [String], monitorCount: Int) -> [FaultAssumption] {
        var firstByName: [String: SourcePosition] = [:]
        var result: [FaultAssumption] = []
        for (id, decl) in declarations.assumptions.enumerated() {
            if let first = firstByName[decl.name] {
                error(decl.position, "duplicate fault assumption name \"\(decl.name)\" (first declared at \(first))",
                      fix: "give each fault_assumption a unique name; matrix cells and reports use it")
            } else {
                firstByName[decl.name] = decl.position
            }
            // An empty name: the builtin already reported that the target is not a service.
            if !decl.target.name.isEmpty && !serviceNames.contains(decl.target.name) {
                error(decl.target.position, "fault_assumption \"\(decl.name)\": target \"\(decl.target.name)\" is not a declared service",
                      fix: "pass a value returned by service(...) as target=")
            }
            if decl.rules.isEmpty {
                error(decl.position, "fault_assumption \"\(decl.name)\" has no syscall faults",
                      fix: "add at least one, e.g. connect = deny(\"ECONNREFUSED\")")
            }
            let ops = serviceOps.first { $0.service == decl.target.name }?.ops ?? []
            let rules = decl.rules.compactMap {
                buildRule($0, target: decl.target.name, context: "fault_assumption \"\(decl.name)\"", ops: ops)
            }
            result.append(FaultAssumption(id: id, name: decl.name, target: decl.target.name, rules: rules,
                                          monitors: decl.monitors.filter { $0 >= 0 && $0 < monitorCount },
                                          position: decl.position, variable: decl.variable))
        }
        return result
    }

    /// Validates one rule: syscall/family/op keyword, errno or duration, probability.
    /// `ops` are the target service's named operations.
    mutating func buildRule(_ decl: RuleDecl, target: String, context: String, ops: [NamedOp] = []) -> SyscallRule? {
        let resolved = resolveKeyword(decl.keyword, at: decl.keywordPosition, target: target, context: context, ops: ops)
        var action: RuleAction?
        switch decl.action {
        case .deny(let name):
            if let value = vocabulary.errnoValue(name) {
                action = .deny(errno: name, value: value)
            } else {
                let names = vocabulary.errnoNames
                let suggestion = Spelling.suggest(name, among: names)
                error(decl.actionPosition, "unknown errno \"\(name)\" in deny()",
                      fix: (suggestion.map { "did you mean \($0)? " } ?? "")
                        + "valid names: " + names.joined(separator: ", "))
            }
        case .delay(let text):
            switch GoDuration.parse(text) {
            case .success(let ns): action = .delay(PlanDuration(nanoseconds: ns, text: text))
            case .failure(let e):
                error(decl.actionPosition, "malformed duration \"\(text)\" in delay(): \(e.reason)",
                      fix: "write a Go duration such as \"500ms\", \"5s\" or \"1m30s\"")
            }
        case .allow:
            action = .allow
        }
        if !(decl.probability >= 0 && decl.probability <= 1) {
            error(decl.actionPosition, "probability \(decl.probability) is outside [0, 1]",
                  fix: "use a value from 0.0 (never) to 1.0 (every call), e.g. probability=0.5")
            return nil
        }
        var pathGlob = decl.path
        if let op = resolved?.op, let opPath = resolved?.pathGlob {
            if let own = decl.path, own != opPath {
                error(decl.actionPosition, "\(context): op \(op) already restricts its calls to path \"\(opPath)\", "
                      + "and the rule adds path \"\(own)\"",
                      fix: "drop path= from the rule, or declare another op with path = \"\(own)\"")
                return nil
            }
            pathGlob = opPath
        }
        guard let resolved, let action else { return nil }
        return SyscallRule(target: target, keyword: decl.keyword, syscalls: resolved.syscalls, action: action,
                           probability: decl.probability, label: decl.label, pathGlob: pathGlob,
                           destination: nil, position: decl.keywordPosition, op: resolved.op)
    }

    /// A fault keyword of `target`: a syscall, a family or one of its ops; otherwise an
    /// error with a did-you-mean (and the owner, when another service declares the op).
    mutating func resolveKeyword(_ keyword: String, at position: SourcePosition, target: String, context: String,
                                 ops: [NamedOp]) -> ResolvedKeyword? {
        if let r = FaultKeywords.resolve(keyword, ops: ops, vocabulary: vocabulary) { return r }
        let others = serviceOps.map { (service: $0.service, ops: $0.ops.map(\.name)) }
        let (message, fix) = FaultKeywords.unknown(keyword, service: target, context: context, ops: ops,
                                                   otherServices: others, vocabulary: vocabulary)
        error(position, message, fix: fix)
        return nil
    }
}

extension PlanBuilder {
    /// Validates the rules of one `fault()` / `fault_start()` / `fault_all()` call made
    /// while a test runs. `ops` are the target's named operations; `otherServices` (every
    /// service with its op names) only improves the message for an op of another service.
    public static func validateRules(_ decls: [RuleDecl], target: String, context: String,
                                     vocabulary: SyscallVocabulary, ops: [NamedOp] = [],
                                     otherServices: [(service: String, ops: [NamedOp])] = []) -> Result<[SyscallRule], PlanErrors> {
        let empty = SpecDeclarations(specPath: "", files: [])
        var builder = PlanBuilder(declarations: empty, vocabulary: vocabulary,
                                  options: Options(workingDirectory: "", searchPath: ""))
        builder.serviceOps = otherServices
        let rules = decls.compactMap { builder.buildRule($0, target: target, context: context, ops: ops) }
        return builder.errors.isEmpty ? .success(rules) : .failure(PlanErrors(builder.errors))
    }
}
