import BigInt

/// A Starlark value. Small values are inline; heap values are final classes so that the
/// interpreter's stack holds one tag plus one pointer and never an existential.
public enum Value {
    case none
    case bool(Bool)
    /// An integer that fits in Int64 (the fast path). Invariant: `.bigInt` never holds a
    /// value that fits here, so equal integers always have the same case.
    case int(Int64)
    case bigInt(BigIntBox)
    case float(Double)
    case string(StarString)
    case bytes(StarBytes)
    case list(StarList)
    case tuple(StarTuple)
    case dict(StarDict)
    case set(StarSet)
    case function(StarFunction)
    case builtin(Builtin)
    /// Everything else (range, struct, module, json module, embedder types such as
    /// faultbox services): a subclass of `StarObject`.
    case object(StarObject)
}

/// An arbitrary-precision integer outside Int64.
public final class BigIntBox {
    public let value: BigInt
    public init(_ value: BigInt) { self.value = value }
}

/// A string: a sequence of bytes (usually UTF-8), as in go.starlark.net.
public final class StarString {
    public let bytes: [UInt8]
    /// Cached hash; 0 means "not computed yet".
    public var cachedHash: UInt32 = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public convenience init(_ s: String) { self.init(Array(s.utf8)) }
    /// The bytes as a Swift String (invalid UTF-8 replaced), for messages and embedders.
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

public final class StarBytes {
    public let bytes: [UInt8]
    public var cachedHash: UInt32 = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// A mutable list. `iterators` counts active iterations: mutation while it is non-zero
/// is an error ("cannot append to list during iteration"), as is mutation once frozen.
public final class StarList {
    public var elements: [Value]
    public var frozen = false
    public var iterators = 0
    public init(_ elements: [Value]) { self.elements = elements }
    deinit { if !elements.isEmpty { ReleaseChain.dismantle(&elements) } }
}

public final class StarTuple {
    /// Immutable from Starlark; `var` only so that deinit can take the elements apart.
    public internal(set) var elements: [Value]
    public init(_ elements: [Value]) { self.elements = elements }
    deinit { if !elements.isEmpty { ReleaseChain.dismantle(&elements) } }
}

/// Arguments of a call to a builtin: positional values and keyword (name, value) pairs in
/// call order.
public struct Arguments {
    public var positional: [Value]
    public var named: [(String, Value)]
    public init(_ positional: [Value] = [], named: [(String, Value)] = []) {
        self.positional = positional
        self.named = named
    }
}

/// A built-in function or a method bound to its receiver (`receiver` is then non-nil:
/// `[].append` is a Builtin named "append" with the list as receiver).
public final class Builtin {
    public typealias Impl = (_ thread: StarThread, _ receiver: Value?, _ args: Arguments) throws -> Value
    public let name: String
    public let receiver: Value?
    public let impl: Impl
    public init(name: String, receiver: Value? = nil, impl: @escaping Impl) {
        self.name = name
        self.receiver = receiver
        self.impl = impl
    }
}

/// The error a builtin or operator throws: just the message, in go.starlark.net's wording.
/// The interpreter adds the position and the backtrace (see `EvalError`).
public struct StarlarkError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
