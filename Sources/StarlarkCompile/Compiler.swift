import StarlarkSyntax
import StarlarkResolve

/// Compiles a resolved file (which must have no errors) into a program.
public func compile(_ resolved: ResolvedFile) -> Program {
    let pb = ProgramBuilder(resolved: resolved)
    let top = FunctionBuilder(program: pb, name: "<toplevel>", pos: 0, info: resolved.toplevel)
    pb.functions.append(nil)
    top.prologue()
    top.stmts(resolved.file.stmts)
    top.emit(.none)
    top.emit(.return_)
    pb.functions[0] = top.finish()
    return Program(source: resolved.file.source, constants: pb.constants, names: pb.names,
                   globalNames: resolved.globalNames,
                   functions: pb.functions.map { $0 ?? FunctionCode.empty }, loads: pb.loads)
}

extension FunctionCode {
    static let empty = FunctionCode(name: "?", pos: 0, code: [Instruction(.none), Instruction(.return_)],
                                    positions: [0, 0], localNames: [], cellSlots: [], freeVarNames: [],
                                    numParams: 0, numKwonlyParams: 0, hasVarargs: false,
                                    hasKwargs: false, maxStack: 1)
}

/// The pools shared by all functions of one program.
final class ProgramBuilder {
    let resolved: ResolvedFile
    var constants: [Constant] = []
    var constantIndex: [ConstantKey: Int] = [:]
    var names: [String] = []
    var nameIndex: [String: Int] = [:]
    var functions: [FunctionCode?] = []
    var loads: [String] = []

    init(resolved: ResolvedFile) { self.resolved = resolved }

    /// Hashable form of a constant (floats by bit pattern so -0.0 and NaN stay distinct).
    enum ConstantKey: Hashable {
        case int(Int64), bigInt(String), float(UInt64), string([UInt8]), bytes([UInt8])
    }

    func constant(_ c: Constant) -> UInt32 {
        let key: ConstantKey
        switch c {
        case .int(let v): key = .int(v)
        case .bigInt(let s): key = .bigInt(s)
        case .float(let d): key = .float(d.bitPattern)
        case .string(let b): key = .string(b)
        case .bytes(let b): key = .bytes(b)
        }
        if let i = constantIndex[key] { return UInt32(i) }
        constants.append(c)
        constantIndex[key] = constants.count - 1
        return UInt32(constants.count - 1)
    }

    func name(_ s: String) -> UInt32 {
        if let i = nameIndex[s] { return UInt32(i) }
        names.append(s)
        nameIndex[s] = names.count - 1
        return UInt32(names.count - 1)
    }
}

/// Emits the code of one function.
final class FunctionBuilder {
    let program: ProgramBuilder
    let name: String
    let pos: Int
    let info: FunctionInfo
    var code: [Instruction] = []
    var positions: [Int32] = []
    var depth = 0
    var maxDepth = 0
    /// Position attached to the next emitted instructions.
    var currentPos = 0

    struct Loop {
        var continueTarget: Int
        var breakJumps: [Int] = []
        var isFor: Bool
    }
    var loops: [Loop] = []

    init(program: ProgramBuilder, name: String, pos: Int, info: FunctionInfo) {
        self.program = program
        self.name = name
        self.pos = pos
        self.info = info
        currentPos = pos
    }

    var resolved: ResolvedFile { program.resolved }

    @discardableResult
    func emit(_ op: Opcode, _ arg: UInt32 = 0) -> Int {
        code.append(Instruction(op, arg))
        positions.append(Int32(truncatingIfNeeded: currentPos))
        depth += op.stackEffect(arg)
        if depth > maxDepth { maxDepth = depth }
        return code.count - 1
    }

    func at(_ pos: Int) -> FunctionBuilder { currentPos = pos; return self }

    /// Emits a jump whose target is patched later.
    func emitJump(_ op: Opcode) -> Int { emit(op, 0) }
    func patch(_ at: Int, to target: Int) {
        if code[at].op == .cmpJump {
            code[at].arg = (code[at].arg & 0xff00_0000) | (UInt32(target) & 0x00ff_ffff)
        } else {
            code[at].arg = UInt32(target)
        }
    }
    func patchHere(_ at: Int) { patch(at, to: code.count) }
    var here: Int { code.count }

    func prologue() {
        for slot in info.cellSlots { emit(.makeCell, UInt32(slot)) }
    }

    func finish() -> FunctionCode {
        FunctionCode(name: name, pos: pos, code: code, positions: positions,
                     localNames: info.localNames, cellSlots: info.cellSlots,
                     freeVarNames: info.freeVars.map { $0.name }, numParams: info.numParams,
                     numKwonlyParams: info.numKwonlyParams, hasVarargs: info.hasVarargs,
                     hasKwargs: info.hasKwargs, maxStack: maxDepth + 2)
    }

    // MARK: names

    func load(_ id: Ident) {
        currentPos = id.pos
        let b = resolved.binding(id)
        switch b.scope {
        case .local: emit(.local, UInt32(b.index))
        case .cell: emit(.localCell, UInt32(b.index))
        case .free: emit(.free, UInt32(b.index))
        case .global: emit(.global, UInt32(b.index))
        case .predeclared: emit(.predeclared, program.name(id.name))
        case .universal, .undefined:
            // The three constants of the universe cannot be shadowed once resolved here.
            switch id.name {
            case "None" where b.scope == .universal: emit(.none)
            case "True" where b.scope == .universal: emit(.true_)
            case "False" where b.scope == .universal: emit(.false_)
            default: emit(.universal, program.name(id.name))
            }
        }
    }

    func store(_ id: Ident) {
        currentPos = id.pos
        let b = resolved.binding(id)
        switch b.scope {
        case .local: emit(.setLocal, UInt32(b.index))
        case .cell: emit(.setLocalCell, UInt32(b.index))
        case .global: emit(.setGlobal, UInt32(b.index))
        default: emit(.pop)  // unreachable for a resolved program
        }
    }
}
