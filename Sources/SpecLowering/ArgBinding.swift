import DidYouMean
import FaultPlan
import StarlarkVM

/// Strict binding of a builtin's arguments: unknown keywords are errors with a
/// did-you-mean, wrong types name the parameter (`service: for parameter env: got list,
/// want dict`).
struct BoundArgs {
    let fn: String
    var values: [String: Value]
    /// Extra positional arguments (`service`'s interfaces).
    var rest: [Value]
    /// Keywords that are not parameters, in call order (syscall faults).
    var extra: [(String, Value)]

    /// `params`: names in order; a trailing `?` marks an optional one. `positional`: how
    /// many may be passed by position. `varargs`: extra positionals go to `rest`.
    /// `extraKeywords`: other keywords go to `extra` instead of failing.
    init(_ args: Arguments, fn: String, params: [String], positional: Int? = nil,
         varargs: Bool = false, extraKeywords: Bool = false) throws {
        self.fn = fn
        let names = params.map { $0.hasSuffix("?") ? String($0.dropLast()) : $0 }
        let maxPositional = positional ?? names.count
        values = [:]; rest = []; extra = []
        for (i, v) in args.positional.enumerated() {
            if i < maxPositional {
                values[names[i]] = v
            } else if varargs {
                rest.append(v)
            } else {
                throw StarlarkError("\(fn): got \(args.positional.count) positional arguments, want at most \(maxPositional)")
            }
        }
        for (keyword, v) in args.named {
            let k = ReferenceOnly.parameter(fn, keyword, among: names)
            if names.contains(k) {
                if values[k] != nil { throw StarlarkError("\(fn): got multiple values for parameter \(k)") }
                values[k] = v
            } else if let refused = ReferenceOnly.keywordMessage(fn, k) {
                throw StarlarkError(refused)
            } else if extraKeywords {
                extra.append((k, v))
            } else {
                throw StarlarkError("\(fn): unexpected keyword argument \(k)" + Spelling.hint(k, among: names)
                                    + "; parameters: " + names.joined(separator: ", "))
            }
        }
        for (i, p) in params.enumerated() where !p.hasSuffix("?") && values[names[i]] == nil {
            // `tagret = db` among syscall keywords: say it is a typo, not that target is missing.
            if let typo = extra.first(where: { Spelling.suggest($0.0, among: [names[i]]) != nil }) {
                throw StarlarkError("\(fn): unexpected keyword argument \(typo.0) (did you mean \(names[i])?)")
            }
            throw StarlarkError("\(fn): missing argument for \(names[i])")
        }
    }

    func typeError(_ param: String, _ got: Value, _ want: String) -> StarlarkError {
        StarlarkError("\(fn): for parameter \(param): got \(got.typeName), want \(want)")
    }

    func has(_ name: String) -> Bool {
        if let v = values[name], case .none = v { return false }
        return values[name] != nil
    }

    func string(_ name: String, default def: String? = nil) throws -> String? {
        guard let v = values[name] else { return def }
        if case .none = v, def == nil { return nil }
        guard case .string(let s) = v else { throw typeError(name, v, "string") }
        return s.string
    }

    func requiredString(_ name: String) throws -> String {
        guard let s = try string(name) else { throw StarlarkError("\(fn): missing argument for \(name)") }
        return s
    }

    func int(_ name: String) throws -> Int64? {
        guard let v = values[name] else { return nil }
        switch v {
        case .int(let i): return i
        case .bigInt: throw StarlarkError("\(fn): for parameter \(name): integer out of range")
        default: throw typeError(name, v, "int")
        }
    }

    func number(_ name: String, default def: Double) throws -> Double {
        guard let v = values[name] else { return def }
        switch v {
        case .int(let i): return Double(i)
        case .float(let f): return f
        case .string(let s):
            // The reference tool's percentage form: probability="50%" is 0.5.
            if let fraction = ReferenceOnly.percentage(s.string) { return fraction }
            throw StarlarkError("\(fn): for parameter \(name): \(Ops.repr(v)) is not a number or a percentage such as \"50%\"")
        default: throw typeError(name, v, "float")
        }
    }

    /// A list or tuple of elements (other iterables are refused to keep messages clear).
    func sequence(_ name: String) throws -> [Value] {
        guard let v = values[name] else { return [] }
        switch v {
        case .list(let l): return l.elements
        case .tuple(let t): return t.elements
        case .none: return []
        default: throw typeError(name, v, "list")
        }
    }

    func stringList(_ name: String) throws -> [String] {
        try sequence(name).enumerated().map { i, v in
            guard case .string(let s) = v else {
                throw StarlarkError("\(fn): for parameter \(name): element \(i) is \(v.typeName), want string")
            }
            return s.string
        }
    }

    func callable(_ name: String) throws -> Value? {
        guard let v = values[name] else { return nil }
        switch v {
        case .none: return nil
        case .function, .builtin: return v
        default: throw typeError(name, v, "function")
        }
    }
}

/// Converts the VM's location into the plan's position type.
extension SourcePosition {
    init(_ frame: EvalError.Frame) {
        self.init(file: frame.location.file, line: frame.location.line, column: frame.location.column)
    }
}
