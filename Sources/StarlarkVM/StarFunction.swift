import StarlarkCompile

/// A Starlark function value: compiled code, the module it closes over, default values of
/// its optional parameters and the cells of its free variables.
public final class StarFunction {
    public let name: String
    public let code: FunctionCode
    let buffer: CodeBuffer
    let module: ModuleState
    /// Defaults for the last `defaults.count` named parameters; `mandatory` marks a
    /// required keyword-only parameter.
    let defaults: [Value]
    let freeVars: [StarCell]

    init(buffer: CodeBuffer, module: ModuleState, defaults: [Value], freeVars: [StarCell]) {
        self.name = buffer.code.name
        self.code = buffer.code
        self.buffer = buffer
        self.module = module
        self.defaults = defaults
        self.freeVars = freeVars
    }

    /// Where the function was defined (for `repr` and messages).
    public var location: String { module.program.source.describe(code.pos) }
    /// The module's name (file name).
    public var moduleName: String { module.program.source.name }
    /// The parameter names in order (named parameters, then *args, then **kwargs).
    public var parameterNames: [String] {
        var n = code.numParams + (code.hasVarargs ? 1 : 0) + (code.hasKwargs ? 1 : 0)
        n = min(n, code.localNames.count)
        return Array(code.localNames.prefix(n))
    }
    /// Freezes the defaults and captured variables (part of freezing a module).
    public func freeze() {
        for d in defaults { d.freeze() }
        for c in freeVars { c.value.freeze() }
    }
}

/// A variable shared between a function and the closures nested in it. Stored in the
/// owning frame's local slot as `.object(cell)`; never visible to Starlark code.
final class StarCell: StarObject {
    var value: Value
    init(_ value: Value) { self.value = value }
    override var typeName: String { "cell" }
}

/// Marks an unassigned local or global slot, and a required keyword-only parameter.
final class Sentinel: StarObject {
    let label: String
    init(_ label: String) { self.label = label }
    override var typeName: String { label }
}

/// The run-time state of one executed file: its program, globals and the values of its
/// constants and predeclared names, all in flat buffers indexed by compiled operands.
final class ModuleState {
    let program: Program
    let globals: UnsafeMutablePointer<Value>
    let constants: UnsafeMutablePointer<Value>
    /// Indexed like `program.names`; `unbound` for names that are not predeclared.
    let predeclared: UnsafeMutablePointer<Value>
    let unbound = Sentinel("unbound")
    let mandatory = Sentinel("mandatory")
    let options: ModuleOptions
    /// One instruction buffer per function of the program (index = `makeFunc` operand).
    let buffers: [CodeBuffer]
    /// `program.names`, kept here so the loop reads them without touching the program.
    let names: [String]
    /// Name slot of "append" (-1 if unused): `list.append(x)` is inlined in the loop.
    let appendNameIndex: Int
    /// Method implementations resolved by `CALL_METHOD`, indexed by
    /// name slot * `methodKinds` + receiver kind (see `methodKind`): an inline cache that
    /// spares the method table's String-keyed lookup on every call.
    let methodCache: UnsafeMutablePointer<MethodImpl?>
    static let methodKinds = 5

    init(program: Program, predeclared lookup: (String) -> Value?, options: ModuleOptions) {
        self.program = program
        self.options = options
        buffers = program.functions.map(CodeBuffer.init)
        names = program.names
        appendNameIndex = program.names.firstIndex(of: "append") ?? -1
        let cacheSize = max(program.names.count * ModuleState.methodKinds, 1)
        methodCache = .allocate(capacity: cacheSize)
        methodCache.initialize(repeating: nil, count: cacheSize)
        globals = .allocate(capacity: max(program.globalNames.count, 1))
        globals.initialize(repeating: .object(unbound), count: max(program.globalNames.count, 1))
        constants = .allocate(capacity: max(program.constants.count, 1))
        constants.initialize(repeating: .none, count: max(program.constants.count, 1))
        for (i, c) in program.constants.enumerated() { constants[i] = ModuleState.value(of: c) }
        predeclared = .allocate(capacity: max(program.names.count, 1))
        predeclared.initialize(repeating: .object(unbound), count: max(program.names.count, 1))
        for (i, n) in program.names.enumerated() {
            if let v = lookup(n) { predeclared[i] = v }
        }
    }

    deinit {
        globals.deinitialize(count: max(program.globalNames.count, 1)); globals.deallocate()
        constants.deinitialize(count: max(program.constants.count, 1)); constants.deallocate()
        predeclared.deinitialize(count: max(program.names.count, 1)); predeclared.deallocate()
        methodCache.deinitialize(count: max(program.names.count * ModuleState.methodKinds, 1))
        methodCache.deallocate()
    }

    static func value(of c: Constant) -> Value {
        switch c {
        case .int(let v): return .int(v)
        case .bigInt(let s):
            if let v = Int64(s) { return .int(v) }
            if let b = BigIntParse.parse(s) { return .bigInt(BigIntBox(b)) }
            return .none
        case .float(let d): return .float(d)
        case .string(let b): return .string(StarString(b))
        case .bytes(let b): return .bytes(StarBytes(b))
        }
    }
}

/// Run-time dialect facts a module needs.
struct ModuleOptions {
    var allowRecursion: Bool
}

/// A function's instructions copied into a buffer the dispatch loop reads without bounds
/// or uniqueness checks (the compiler guarantees every jump target is in range).
final class CodeBuffer {
    let code: FunctionCode
    let instructions: UnsafeMutablePointer<Instruction>
    let count: Int
    /// Parameter names as bytes, for binding keyword arguments without making Strings.
    let paramNameBytes: [[UInt8]]
    init(_ code: FunctionCode) {
        self.code = code
        paramNameBytes = code.paramNames.map { Array($0.utf8) }
        count = code.code.count
        instructions = .allocate(capacity: max(count, 1))
        instructions.initialize(from: code.code, count: count)
    }
    deinit { instructions.deallocate() }
}

extension CodeBuffer {
    /// Index of the named parameter spelled `name`, if any.
    @inline(__always)
    func paramIndex(_ name: [UInt8]) -> Int? {
        for (i, p) in paramNameBytes.enumerated() where p == name { return i }
        return nil
    }
}

extension ModuleState {
    /// Receiver kinds with built-in method tables (-1: none; objects resolve by name).
    @inline(__always)
    static func methodKind(_ x: Value) -> Int {
        switch x {
        case .string: return 0
        case .list: return 1
        case .dict: return 2
        case .set: return 3
        case .bytes: return 4
        default: return -1
        }
    }
}
