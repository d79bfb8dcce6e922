import StarlarkSyntax
import StarlarkVM

/// The five natives `assert.star` (go.starlark.net's test library) needs, for
/// `faultbox eval` and the conformance tests. `error` does not halt: it records the
/// failure in `failures` and prints it through `report`.
public final class AssertNatives {
    public private(set) var failures: [String] = []
    public var report: (String) -> Void

    public init(report: @escaping (String) -> Void) { self.report = report }

    public var predeclared: [String: Value] {
        [
            "error": .builtin(Builtin(name: "error") { [unowned self] thread, _, args in
                let msg = args.positional.first.map { v -> String in
                    if case .string(let s) = v { return s.string }
                    return Ops.str(v)
                } ?? ""
                let stack = thread.callStack()
                // Report at the innermost frame outside assert.star (the test's line).
                let site = stack.last(where: { !$0.location.file.hasSuffix("assert.star") }) ?? stack.last
                let text = (site.map { "\($0.location): " } ?? "") + msg
                self.failures.append(text)
                self.report(text)
                return .none
            }),
            "catch": .builtin(Builtin(name: "catch") { thread, _, args in
                guard args.positional.count == 1, args.named.isEmpty else {
                    throw StarlarkError("catch: got \(args.positional.count) arguments, want 1")
                }
                do {
                    _ = try thread.call(args.positional[0], Arguments())
                    return .none
                } catch let e as EvalError {
                    if e.message.hasPrefix("Starlark computation cancelled") { throw e }
                    return .string(StarString(e.message))
                } catch let e as StarlarkError {
                    return .string(StarString(e.message))
                }
            }),
            "matches": .builtin(Builtin(name: "matches") { _, _, args in
                guard args.positional.count == 2,
                      case .string(let pattern) = args.positional[0],
                      case .string(let text) = args.positional[1] else {
                    throw StarlarkError("matches: want (pattern string, text string)")
                }
                let regex: Regex<AnyRegexOutput>
                do { regex = try Regex(pattern.string) } catch {
                    throw StarlarkError("matches: invalid regular expression \(Ops.repr(args.positional[0]))")
                }
                return .bool(text.string.contains(regex))
            }),
            "module": .builtin(Builtin(name: "module") { _, _, args in
                guard args.positional.count == 1, case .string(let name) = args.positional[0] else {
                    throw StarlarkError("module: got \(args.positional.count) arguments, want 1")
                }
                var members: [String: Value] = [:]
                for (k, v) in args.named { members[k] = v }
                return .object(ModuleValue(name: name.string, members: members))
            }),
            "_freeze": .builtin(Builtin(name: "freeze") { _, _, args in
                guard args.positional.count == 1 else {
                    throw StarlarkError("freeze: got \(args.positional.count) arguments, want 1")
                }
                let v = args.positional[0]
                if case .function(let f) = v { f.freeze() } else { v.freeze() }
                return v
            }),
        ]
    }
}
