/// A Starlark function value: compiled code plus defaults and captured cells.
/// (Stub written at project start; the interpreter's owner completes it.)
public final class StarFunction {
    public let name: String
    public init(name: String) { self.name = name }
}

extension StarThread {
    /// Dispatch of a call to any callable (stub: builtins only until the interpreter lands).
    func callValue(_ callee: Value, _ args: Arguments) throws -> Value {
        switch callee {
        case .builtin(let b): return try b.impl(self, b.receiver, args)
        case .object(let o):
            if let r = try o.call(thread: self, args: args) { return r }
            throw StarlarkError("invalid call of non-function (\(o.typeName))")
        default: throw StarlarkError("invalid call of non-function")
        }
    }
}
