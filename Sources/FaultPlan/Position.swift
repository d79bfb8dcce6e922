/// A place in a spec file. FaultPlan imports nothing of Starlark, so it keeps its own
/// position type; SpecLowering converts the VM's byte offsets into these.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file as the user named it (relative paths stay relative, for readable messages).
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// "file:line:col", the prefix of every diagnostic.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// A handle to a Starlark callable (scenario probe, oracle, monitor, `def test_*`). The IR
/// cannot hold VM values; `LoadedSpec.callables[id]` gives the value back to the runner.
/// Two handles with the same `id` are the same function value.
public struct CallableRef: Sendable, Hashable {
    public var id: Int
    /// The function's name (`order_flow`, `lambda` for lambdas).
    public var name: String
    /// Where the function is defined.
    public var position: SourcePosition

    public init(id: Int, name: String, position: SourcePosition) {
        self.id = id
        self.name = name
        self.position = position
    }
}
