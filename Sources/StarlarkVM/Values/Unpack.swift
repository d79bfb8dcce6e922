/// A builtin's parameter list, parsed once: names ending in `?` are optional, and all
/// parameters after the first optional one are optional too (go.starlark.net's rule).
public struct Params: Sendable {
    public let fn: String
    public let names: [String]
    /// Number of leading required parameters.
    public let required: Int

    public init(_ fn: String, _ spec: [String]) {
        self.fn = fn
        var names: [String] = []
        var required = -1
        for (i, s) in spec.enumerated() {
            if s.hasSuffix("?") {
                names.append(String(s.dropLast()))
                if required < 0 { required = i }
            } else {
                names.append(s)
            }
        }
        self.names = names
        self.required = required < 0 ? spec.count : required
    }
}

extension Arguments {
    /// Binds arguments to parameters by position and keyword, with go.starlark.net's
    /// messages. The result has one slot per parameter; nil means "not given".
    public func unpack(_ p: Params) throws -> [Value?] {
        let n = p.names.count
        if positional.count > n {
            throw StarlarkError("\(p.fn): got \(positional.count) arguments, want at most \(n)")
        }
        var out = [Value?](repeating: nil, count: n)
        for (i, v) in positional.enumerated() { out[i] = v }
        // Go formats keyword names through String.String(), hence the quotes.
        for (name, v) in named {
            guard let i = p.names.firstIndex(of: name) else {
                throw StarlarkError("\(p.fn): unexpected keyword argument \(Ops.repr(.str(name)))")
            }
            if out[i] != nil {
                throw StarlarkError("\(p.fn): got multiple values for keyword argument \(Ops.repr(.str(name)))")
            }
            out[i] = v
        }
        if positional.count < p.required {
            for i in positional.count..<p.required where out[i] == nil {
                throw StarlarkError("\(p.fn): missing argument for \(p.names[i])")
            }
        }
        return out
    }

    /// Convenience form: `try args.unpack(fn: "range", params: ["start", "stop?", "step?"])`.
    public func unpack(fn: String, params: [String]) throws -> [Value?] {
        try unpack(Params(fn, params))
    }

    /// Positional-only binding (go.starlark.net's UnpackPositionalArgs): between `min` and
    /// `max` arguments, no keywords.
    public func unpackPositional(fn: String, min: Int, max: Int) throws -> [Value] {
        if !named.isEmpty { throw StarlarkError("\(fn): unexpected keyword arguments") }
        if positional.count < min {
            let atLeast = min < max ? "at least " : ""
            throw StarlarkError("\(fn): got \(positional.count) arguments, want \(atLeast)\(min)")
        }
        if positional.count > max {
            let atMost = max > min ? "at most " : ""
            throw StarlarkError("\(fn): got \(positional.count) arguments, want \(atMost)\(max)")
        }
        return positional
    }

    /// Fails with "fn: unexpected keyword arguments" if any keyword was passed.
    public func noKeywords(_ fn: String) throws {
        if !named.isEmpty { throw StarlarkError("\(fn): unexpected keyword arguments") }
    }
}

/// Typed conversions of unpacked arguments, phrased "fn: for parameter NAME: got T, want U".
public enum Unpack {
    public static func fail(_ fn: String, _ param: String, _ msg: String) -> StarlarkError {
        StarlarkError("\(fn): for parameter \(param): \(msg)")
    }

    public static func int(_ v: Value, _ fn: String, _ param: String) throws -> Int {
        do { return try Ops.toInt64(v) } catch let e as StarlarkError { throw fail(fn, param, e.message) }
    }

    public static func string(_ v: Value, _ fn: String, _ param: String) throws -> [UInt8] {
        guard case .string(let s) = v else { throw fail(fn, param, "got \(v.typeName), want string") }
        return s.bytes
    }

    public static func bool(_ v: Value, _ fn: String, _ param: String) throws -> Bool {
        guard case .bool(let b) = v else { throw fail(fn, param, "got \(v.typeName), want bool") }
        return b
    }

    public static func list(_ v: Value, _ fn: String, _ param: String) throws -> StarList {
        guard case .list(let l) = v else { throw fail(fn, param, "got \(v.typeName), want list") }
        return l
    }

    public static func dict(_ v: Value, _ fn: String, _ param: String) throws -> StarDict {
        guard case .dict(let d) = v else { throw fail(fn, param, "got \(v.typeName), want dict") }
        return d
    }

    public static func iterable(_ v: Value, _ fn: String, _ param: String) throws -> Value {
        guard Ops.isIterable(v) else { throw fail(fn, param, "got \(v.typeName), want iterable") }
        return v
    }
}
