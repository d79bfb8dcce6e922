import StarlarkSyntax

/// A constant of the per-program pool.
public enum Constant: Sendable, Equatable {
    case int(Int64)
    /// Decimal digits with an optional leading '-'.
    case bigInt(String)
    case float(Double)
    case string([UInt8])
    case bytes([UInt8])
}

/// One compiled function (`def`, `lambda`, or the top level).
public final class FunctionCode: Sendable {
    public let name: String
    /// Byte offset of `def`/`lambda` (0 for the top level).
    public let pos: Int
    public let code: [Instruction]
    /// Line table: byte offset of the source construct of each instruction (parallel to `code`).
    public let positions: [Int32]
    /// Local slots; parameters first.
    public let localNames: [String]
    public let cellSlots: [Int]
    public let freeVarNames: [String]
    /// Number of named parameters (positional and keyword-only, excluding *args/**kwargs).
    public let numParams: Int
    public let numKwonlyParams: Int
    public let hasVarargs: Bool
    public let hasKwargs: Bool
    /// Operand-stack slots needed beyond the locals.
    public let maxStack: Int

    public init(name: String, pos: Int, code: [Instruction], positions: [Int32], localNames: [String],
                cellSlots: [Int], freeVarNames: [String], numParams: Int, numKwonlyParams: Int,
                hasVarargs: Bool, hasKwargs: Bool, maxStack: Int) {
        self.name = name
        self.pos = pos
        self.code = code
        self.positions = positions
        self.localNames = localNames
        self.cellSlots = cellSlots
        self.freeVarNames = freeVarNames
        self.numParams = numParams
        self.numKwonlyParams = numKwonlyParams
        self.hasVarargs = hasVarargs
        self.hasKwargs = hasKwargs
        self.maxStack = maxStack
    }

    /// The parameter names (the first `numParams` locals), for argument-binding messages.
    public var paramNames: ArraySlice<String> { localNames.prefix(numParams) }
    /// Whether the function takes exactly `numParams` positional arguments and nothing else.
    public var isSimple: Bool { !hasVarargs && !hasKwargs && numKwonlyParams == 0 }
}

/// A compiled file: its functions (index 0 is the top level) and the shared pools.
public final class Program: Sendable {
    public let source: SourceFile
    public let constants: [Constant]
    /// Attribute, keyword, predeclared and universe names.
    public let names: [String]
    /// Module globals in slot order.
    public let globalNames: [String]
    public let functions: [FunctionCode]
    /// Modules named by `load` statements, in order.
    public let loads: [String]

    public init(source: SourceFile, constants: [Constant], names: [String], globalNames: [String],
                functions: [FunctionCode], loads: [String]) {
        self.source = source
        self.constants = constants
        self.names = names
        self.globalNames = globalNames
        self.functions = functions
        self.loads = loads
    }

    public var toplevel: FunctionCode { functions[0] }
}
