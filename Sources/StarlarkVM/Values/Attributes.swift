import DidYouMean
import StarlarkResolve

/// Attribute access: fields of objects and methods of built-in types.
extension Ops {
    /// The method table of a built-in type, or nil for types without methods.
    @inline(__always)
    static func methodTable(_ x: Value) -> MethodTable? {
        switch x {
        case .string: return Methods.string
        case .list: return Methods.list
        case .dict: return Methods.dict
        case .set: return Methods.set
        case .bytes: return Methods.bytes
        default: return nil
        }
    }

    /// `x.name`: a field value, or a method bound to `x`.
    public static func getAttr(_ x: Value, _ name: String, thread: StarThread) throws -> Value {
        if let table = methodTable(x) {
            if let impl = table.methods[name] {
                return .builtin(Builtin(name: name, receiver: x) { t, r, a in try impl(t, r ?? .none, a) })
            }
        } else if case .object(let o) = x, let v = try o.attr(name, thread: thread) {
            return v
        }
        throw noSuchAttr(x, name)
    }

    /// Names for `dir(x)`, sorted.
    public static func attrNames(_ x: Value) -> [String] {
        if let table = methodTable(x) { return table.names }
        if case .object(let o) = x { return o.attrNames.sorted() }
        return []
    }

    /// Whether `x.name` exists (for `hasattr`).
    public static func hasAttr(_ x: Value, _ name: String, thread: StarThread) throws -> Bool {
        if let table = methodTable(x) { return table.methods[name] != nil }
        if case .object(let o) = x { return try o.attr(name, thread: thread) != nil }
        return false
    }

    /// "T has no .f field or method", with a did-you-mean suggestion when one is close.
    static func noSuchAttr(_ x: Value, _ name: String) -> StarlarkError {
        let msg = "\(x.typeName) has no .\(name) field or method"
        if let near = Spelling.suggest(name, among: attrNames(x)) {
            return StarlarkError("\(msg) (did you mean .\(near)?)")
        }
        return StarlarkError(msg)
    }

    /// `x.name = v`.
    public static func setField(_ x: Value, _ name: String, _ v: Value) throws {
        if case .object(let o) = x {
            try o.setAttr(name, v)
            return
        }
        throw StarlarkError("can't assign to .\(name) field of \(x.typeName)")
    }

    /// `x.name(args)` without allocating a bound method; nil when `x` has no such method
    /// (the caller then falls back to `getAttr`, which reports the error or finds a field).
    @inline(__always)
    public static func callMethod(_ x: Value, _ name: String, _ args: Arguments, thread: StarThread) throws -> Value? {
        guard let table = methodTable(x), let impl = table.methods[name] else { return nil }
        return try impl(thread, x, args)
    }
}
