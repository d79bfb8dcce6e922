/// The state of one execution: output hook, step budget, cancellation, the loader, the
/// call stack (for tracebacks) and slots where embedders keep their own state.
/// (Stub written at project start; the interpreter's owner completes it.)
public final class StarThread {
    public var name: String
    /// Where `print` goes.
    public var print: (String) -> Void = { Swift.print($0) }
    /// Loads a module for `load()`; set by the embedder.
    public var load: ((_ thread: StarThread, _ module: String) throws -> StarModule)?
    /// Embedder state (faultbox keeps its spec recorder here), keyed by a name.
    public var local: [String: AnyObject] = [:]

    public init(name: String = "main") { self.name = name }

    /// Calls any callable value. Implemented by the interpreter.
    public func call(_ callee: Value, _ args: Arguments) throws -> Value {
        try callValue(callee, args)
    }
}

/// A module: its name and its globals (frozen once it has run).
public final class StarModule {
    public let name: String
    public var globals: [(String, Value)]
    public init(name: String, globals: [(String, Value)]) { self.name = name; self.globals = globals }
}
