import StarlarkSyntax

/// Base class of values that are not built into `Value`'s cases: range, struct, module,
/// the json module, and embedder types (faultbox services, responses...). Subclasses
/// override what they support; the defaults give go.starlark.net's errors.
open class StarObject {
    public init() {}

    /// `type(x)`.
    open var typeName: String { "object" }
    /// `str(x)` / `repr(x)` text, appended to `out`.
    open func repr(into out: inout [UInt8], thread: StarThread?) throws {
        out.append(contentsOf: Array("<\(typeName)>".utf8))
    }
    /// `bool(x)`.
    open var truth: Bool { true }
    /// `hash(x)`, or throws "unhashable type: T".
    open func hash() throws -> UInt32 { throw StarlarkError("unhashable type: \(typeName)") }
    /// `x == y` for two objects of this class (identity by default).
    open func equals(_ other: StarObject) throws -> Bool { self === other }
    /// Ordered or custom comparison with another object of the same type name; nil means
    /// "use `equals` for ==/!= and report ordering as not implemented".
    open func compare(_ op: BinaryOp, _ other: StarObject, depth: Int) throws -> Bool? { nil }
    /// `x OP y` where this object is the left operand (`isLeft`) or the right one; nil
    /// means unsupported (the caller reports "unknown binary op").
    open func binary(_ op: BinaryOp, _ other: Value, isLeft: Bool) throws -> Value? { nil }
    /// `x.name`: nil means "no such field or method" (the caller phrases the error).
    open func attr(_ name: String, thread: StarThread) throws -> Value? { nil }
    /// Names for `dir(x)` and did-you-mean suggestions.
    open var attrNames: [String] { [] }
    /// `x.name = v`.
    open func setAttr(_ name: String, _ value: Value) throws {
        throw StarlarkError("can't assign to .\(name) field of \(typeName)")
    }
    /// `x[k]`.
    open func index(_ key: Value, thread: StarThread) throws -> Value {
        throw StarlarkError("unhandled index operation \(typeName)[\(key.typeName)]")
    }
    /// `x[lo:hi:step]`, or nil if the object is not sliceable.
    open func slice(_ lo: Value, _ hi: Value, _ step: Value) throws -> Value? { nil }
    /// `len(x)`, or nil if it has no length.
    open var length: Int? { nil }
    /// Iteration, or nil if not iterable.
    open func makeIterator() -> AnyIterator<Value>? { nil }
    /// Whether `call` is supported (for `key=` checks and `callable`-typed parameters).
    open var isCallable: Bool { false }
    /// `x(...)`, or nil if not callable.
    open func call(thread: StarThread, args: Arguments) throws -> Value? { nil }
    /// Freezing (module globals are frozen after the module runs).
    open func freeze() {}
}
