import StarlarkSyntax

/// A textual listing of a program for golden tests and `faultbox compile --emit bytecode`:
/// one block per function, one line per instruction (`pc OPCODE arg ; comment @line:col`).
public func disassemble(_ program: Program) -> String {
    var out = ""
    for (index, fn) in program.functions.enumerated() {
        let (line, col) = program.source.lineColumn(fn.pos)
        out += "function \(index) \(fn.name) @\(line):\(col)"
        out += " params=\(fn.numParams) kwonly=\(fn.numKwonlyParams)"
        if fn.hasVarargs { out += " *args" }
        if fn.hasKwargs { out += " **kwargs" }
        out += " locals=[\(fn.localNames.joined(separator: ", "))]"
        if !fn.cellSlots.isEmpty { out += " cells=\(fn.cellSlots)" }
        if !fn.freeVarNames.isEmpty { out += " free=[\(fn.freeVarNames.joined(separator: ", "))]" }
        out += " maxstack=\(fn.maxStack)\n"
        for (pc, ins) in fn.code.enumerated() {
            var text = "  \(pc)\t\(ins.op.name)"
            if ins.op.hasArg { text += " \(ins.arg)" }
            let note = comment(ins, fn, program)
            if !note.isEmpty { text += "\t; \(note)" }
            let (l, c) = program.source.lineColumn(Int(fn.positions[pc]))
            text += "\t@\(l):\(c)"
            out += text + "\n"
        }
    }
    return out
}

private func comment(_ ins: Instruction, _ fn: FunctionCode, _ program: Program) -> String {
    let a = Int(ins.arg)
    func at<T>(_ list: [T], _ i: Int) -> T? { i >= 0 && i < list.count ? list[i] : nil }
    switch ins.op {
    case .constant:
        guard let c = at(program.constants, a) else { return "?" }
        switch c {
        case .int(let v): return "\(v)"
        case .bigInt(let s): return s
        case .float(let d): return "\(d)"
        case .string(let b): return quoted(b)
        case .bytes(let b): return "b" + quoted(b)
        }
    case .smallInt: return "\(Int32(bitPattern: ins.arg))"
    case .local, .setLocal, .localCell, .setLocalCell, .makeCell, .cellRef:
        return at(fn.localNames, a) ?? "?"
    case .free, .freeRef: return at(fn.freeVarNames, a) ?? "?"
    case .global, .setGlobal: return at(program.globalNames, a) ?? "?"
    case .predeclared, .universal, .attr, .setField: return at(program.names, a) ?? "?"
    case .callMethod:
        return "\(at(program.names, a >> 16) ?? "?") pos=\((a >> 8) & 0xff) named=\(a & 0xff)"
    case .call:
        var s = "pos=\((a >> 8) & 0xff) named=\(a & 0xff)"
        if a & (1 << 16) != 0 { s += " *args" }
        if a & (1 << 17) != 0 { s += " **kwargs" }
        return s
    case .makeFunc: return at(program.functions, a)?.name ?? "?"
    case .cmpJump:
        let cmp = at(Opcode.fusedComparisons, a >> 24)?.name ?? "?"
        return "if not \(cmp) goto \(a & 0x00ff_ffff)"
    default: return ""
    }
}

/// Constants as in the AST dump: pure ASCII, every other byte as `\xHH`.
private func quoted(_ bytes: [UInt8]) -> String {
    StarlarkQuote.quoted(bytes, nonASCII: .escapeBytes)
}
