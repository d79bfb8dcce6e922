import StarlarkSyntax
import StarlarkCompile

extension StarThread {
    /// Executes `fn` in the frame at `base`, whose first `localsReady` locals are bound
    /// (parameters). The frame's slots are consumed: every slot from `base` up is
    /// deinitialized when this returns or throws.
    func runFrame(_ fn: StarFunction, base: UnsafeMutablePointer<Value>, localsReady: Int) throws -> Value {
        // The frame's function keeps these alive for the whole frame; unowned(unsafe)
        // spares a retain/release pair per call for each.
        unowned(unsafe) let module = fn.module
        unowned(unsafe) let code = fn.buffer
        unowned(unsafe) let fcode = fn.code
        let nlocals = fcode.localNames.count
        unowned(unsafe) let unbound = module.unbound
        var sp = base + nlocals
        let limit = sp + fcode.maxStack
        let st = exec
        let savedTop = st.pointee.stackTop
        var marker: UInt8 = 0
        let nativeSP = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        guard let stackEnd = st.pointee.stackEnd, limit <= stackEnd,
              st.pointee.callDepth < st.pointee.depthLimit, let records = st.pointee.records,
              nativeSP > st.pointee.nativeStackLimit else {
            dropValues(base, localsReady)
            let why = nativeSP > st.pointee.nativeStackLimit
                ? "limit \(maxCallDepth); raise it with --max-depth N or limits(max_depth = N) in the spec"
                : "at depth \(st.pointee.callDepth), the thread's native stack is nearly full; recurse less deeply or use a loop"
            throw frameError(StarlarkError("call stack depth exceeded (\(why))"), fn, pc: 0)
        }
        var k = localsReady
        while k < nlocals { (base + k).initialize(to: .object(unbound)); k += 1 }
        if !module.options.allowRecursion {
            let id = ObjectIdentifier(fcode)
            if activeCode.contains(id) {
                dropValues(base, nlocals)
                throw StarlarkError("function \(fn.name) called recursively")
            }
            activeCode.append(id)
        }
        st.pointee.stackTop = limit
        let record = records + st.pointee.callDepth
        record.initialize(to: FrameRecord(function: Unmanaged.passUnretained(fn), pc: 0))
        st.pointee.callDepth += 1
        var iterators: [ValueIterator] = []
        var pc = 0
        defer {
            dropValues(base, sp - base)
            for it in iterators { it.done() }
            st.pointee.stackTop = savedTop
            st.pointee.callDepth -= 1
            if !module.options.allowRecursion { activeCode.removeLast() }
        }
        let insns = code.instructions
        let globals = module.globals
        let constants = module.constants
        do {
            st.pointee.steps &+= 1
            if st.pointee.steps >= st.pointee.nextCheck { try pollBudget() }
            while true {
                let ins = insns[pc]
                pc += 1
                switch ins.op {
                case .nop:
                    break
                case .pop:
                    sp -= 1
                    _ = sp.move()
                case .dup:
                    sp.initialize(to: (sp - 1).pointee)
                    sp += 1
                case .dup2:
                    sp.initialize(to: (sp - 2).pointee)
                    (sp + 1).initialize(to: (sp - 1).pointee)
                    sp += 2
                case .exch:
                    swap(&(sp - 1).pointee, &(sp - 2).pointee)
                case .none:
                    sp.initialize(to: .none); sp += 1
                case .true_:
                    sp.initialize(to: .bool(true)); sp += 1
                case .false_:
                    sp.initialize(to: .bool(false)); sp += 1
                case .mandatory:
                    sp.initialize(to: .object(module.mandatory)); sp += 1
                case .constant:
                    sp.initialize(to: constants[Int(ins.arg)]); sp += 1
                case .smallInt:
                    sp.initialize(to: .int(Int64(Int32(bitPattern: ins.arg)))); sp += 1

                case .local:
                    let v = base[Int(ins.arg)]
                    if case .object(let o) = v, o === unbound {
                        throw StarlarkError("local variable \(fcode.localNames[Int(ins.arg)]) referenced before assignment")
                    }
                    sp.initialize(to: v); sp += 1
                case .setLocal:
                    sp -= 1
                    base[Int(ins.arg)] = sp.move()
                case .localCell:
                    let cell = unsafeDowncast(base[Int(ins.arg)].objectPayload, to: StarCell.self)
                    let v = cell.value
                    if case .object(let o) = v, o === unbound {
                        throw StarlarkError("local variable \(fcode.localNames[Int(ins.arg)]) referenced before assignment")
                    }
                    sp.initialize(to: v); sp += 1
                case .setLocalCell:
                    sp -= 1
                    unsafeDowncast(base[Int(ins.arg)].objectPayload, to: StarCell.self).value = sp.move()
                case .makeCell:
                    let i = Int(ins.arg)
                    base[i] = .object(StarCell(base[i]))
                case .cellRef:
                    sp.initialize(to: base[Int(ins.arg)]); sp += 1
                case .free:
                    let v = fn.freeVars[Int(ins.arg)].value
                    if case .object(let o) = v, o === unbound || o === module.unbound {
                        throw StarlarkError("local variable \(fcode.freeVarNames[Int(ins.arg)]) referenced before assignment")
                    }
                    sp.initialize(to: v); sp += 1
                case .freeRef:
                    sp.initialize(to: .object(fn.freeVars[Int(ins.arg)])); sp += 1
                case .global:
                    let v = globals[Int(ins.arg)]
                    if case .object(let o) = v, o === unbound {
                        throw StarlarkError("global variable \(module.program.globalNames[Int(ins.arg)]) referenced before assignment")
                    }
                    sp.initialize(to: v); sp += 1
                case .setGlobal:
                    sp -= 1
                    globals[Int(ins.arg)] = sp.move()
                case .predeclared, .universal:
                    let v = module.predeclared[Int(ins.arg)]
                    if case .object(let o) = v, o === unbound {
                        throw StarlarkError("internal error: predeclared variable \(module.names[Int(ins.arg)]) is uninitialized")
                    }
                    sp.initialize(to: v); sp += 1

                case .add:
                    if case .int(let a) = (sp - 2).pointee, case .int(let b) = (sp - 1).pointee {
                        let (r, o) = a.addingReportingOverflow(b)
                        if !o { sp -= 1; (sp - 1).pointee = .int(r); continue }
                    }
                    if try appendStringInPlace(&sp, insns, pc, code.count, base, globals) { continue }
                    try binarySlow(.add, &sp)
                case .sub:
                    if case .int(let a) = (sp - 2).pointee, case .int(let b) = (sp - 1).pointee {
                        let (r, o) = a.subtractingReportingOverflow(b)
                        if !o { sp -= 1; (sp - 1).pointee = .int(r); continue }
                    }
                    try binarySlow(.sub, &sp)
                case .mul:
                    if case .int(let a) = (sp - 2).pointee, case .int(let b) = (sp - 1).pointee {
                        let (r, o) = a.multipliedReportingOverflow(by: b)
                        if !o { sp -= 1; (sp - 1).pointee = .int(r); continue }
                    }
                    try binarySlow(.mul, &sp)
                case .lt, .le, .gt, .ge, .eq, .ne:
                    if case .int(let a) = (sp - 2).pointee, case .int(let b) = (sp - 1).pointee {
                        let r: Bool
                        switch ins.op {
                        case .lt: r = a < b
                        case .le: r = a <= b
                        case .gt: r = a > b
                        case .ge: r = a >= b
                        case .eq: r = a == b
                        default: r = a != b
                        }
                        sp -= 1; (sp - 1).pointee = .bool(r); continue
                    }
                    try binarySlow(comparisonOp(ins.op), &sp)
                case .div: try binarySlow(.div, &sp)
                case .floorDiv:
                    if case .int(let a) = (sp - 2).pointee, case .int(let b) = (sp - 1).pointee,
                       b != 0, !(a == .min && b == -1) {
                        var q = a / b
                        if a % b != 0 && (a < 0) != (b < 0) { q -= 1 }
                        sp -= 1; (sp - 1).pointee = .int(q); continue
                    }
                    try binarySlow(.floorDiv, &sp)
                case .mod:
                    // Python's modulo: the result takes the sign of the divisor.
                    if case .int(let a) = (sp - 2).pointee, case .int(let b) = (sp - 1).pointee,
                       b != 0, !(a == .min && b == -1) {
                        var r = a % b
                        if r != 0 && (r < 0) != (b < 0) { r += b }
                        sp -= 1; (sp - 1).pointee = .int(r); continue
                    }
                    try binarySlow(.mod, &sp)
                case .bitAnd: try binarySlow(.bitAnd, &sp)
                case .bitOr, .inplaceOr: try binarySlow(.bitOr, &sp)
                case .bitXor: try binarySlow(.bitXor, &sp)
                case .shl: try binarySlow(.shl, &sp)
                case .shr: try binarySlow(.shr, &sp)
                case .in_: try binarySlow(.in, &sp)
                case .notIn: try binarySlow(.notIn, &sp)
                case .inplaceAdd:
                    if case .int(let a) = (sp - 2).pointee, case .int(let b) = (sp - 1).pointee {
                        let (r, o) = a.addingReportingOverflow(b)
                        if !o { sp -= 1; (sp - 1).pointee = .int(r); continue }
                    }
                    if case .list(let l) = (sp - 2).pointee {
                        let y = (sp - 1).pointee
                        if try inplaceExtend(l, y) {
                            sp -= 1; _ = sp.move(); continue
                        }
                    }
                    if try appendStringInPlace(&sp, insns, pc, code.count, base, globals) { continue }
                    try binarySlow(.add, &sp)

                case .uplus:
                    sp -= 1
                    let x = sp.move()
                    sp.initialize(to: try Ops.unary(.plus, x)); sp += 1
                case .uminus:
                    if case .int(let a) = (sp - 1).pointee, a != .min {
                        (sp - 1).pointee = .int(-a); continue
                    }
                    sp -= 1
                    let x = sp.move()
                    sp.initialize(to: try Ops.unary(.minus, x)); sp += 1
                case .invert:
                    sp -= 1
                    let x = sp.move()
                    sp.initialize(to: try Ops.unary(.invert, x)); sp += 1
                case .not:
                    (sp - 1).pointee = .bool(!(sp - 1).pointee.truth)

                case .jump:
                    let target = Int(ins.arg)
                    if target < pc {
                        st.pointee.steps &+= 1
                        if st.pointee.steps >= st.pointee.nextCheck { try pollBudget() }
                    }
                    pc = target
                case .jumpIfFalse:
                    sp -= 1
                    let c = sp.move()
                    if case .bool(let b) = c { if !b { pc = Int(ins.arg) } } else if !c.truth { pc = Int(ins.arg) }
                case .jumpIfTrue:
                    sp -= 1
                    let c = sp.move()
                    if case .bool(let b) = c { if b { pc = Int(ins.arg) } } else if c.truth { pc = Int(ins.arg) }
                case .cmpJump:
                    let kind = ins.arg >> 24
                    let truth: Bool
                    if case .int(let a) = (sp - 2).pointee, case .int(let b) = (sp - 1).pointee {
                        switch kind {
                        case 0: truth = a < b
                        case 1: truth = a <= b
                        case 2: truth = a > b
                        case 3: truth = a >= b
                        case 4: truth = a == b
                        default: truth = a != b
                        }
                        sp -= 2
                    } else {
                        try binarySlow(fusedComparisonOp(kind), &sp)
                        sp -= 1
                        truth = sp.move().truth
                    }
                    if !truth {
                        let target = Int(ins.arg & 0x00ff_ffff)
                        if target < pc {
                            st.pointee.steps &+= 1
                            if st.pointee.steps >= st.pointee.nextCheck { try pollBudget() }
                        }
                        pc = target
                    }
                case .jumpIfFalseOrPop:
                    if !(sp - 1).pointee.truth { pc = Int(ins.arg) } else { sp -= 1; _ = sp.move() }
                case .jumpIfTrueOrPop:
                    if (sp - 1).pointee.truth { pc = Int(ins.arg) } else { sp -= 1; _ = sp.move() }

                case .iterPush:
                    sp -= 1
                    let x = sp.move()
                    iterators.append(try Ops.iterate(x))
                case .iterJump:
                    st.pointee.steps &+= 1
                    if st.pointee.steps >= st.pointee.nextCheck { try pollBudget() }
                    if let v = iterators[iterators.count - 1].next() {
                        sp.initialize(to: v); sp += 1
                    } else {
                        pc = Int(ins.arg)
                    }
                case .iterPop:
                    iterators.removeLast().done()

                case .makeTuple:
                    let n = Int(ins.arg)
                    sp -= n
                    sp.initialize(to: .tuple(StarTuple(takeValues(sp, n))))
                    sp += 1
                case .makeList:
                    let n = Int(ins.arg)
                    sp -= n
                    sp.initialize(to: .list(StarList(takeValues(sp, n))))
                    sp += 1
                case .makeDict:
                    sp.initialize(to: .dict(StarDict())); sp += 1
                case .setDict, .setDictUniq:
                    sp -= 3
                    let d = sp.move(), key = (sp + 1).move(), value = (sp + 2).move()
                    guard case .dict(let dict) = d else { throw StarlarkError("internal error: SETDICT on \(d.typeName)") }
                    if ins.op == .setDictUniq, try dict.get(key) != nil {
                        throw StarlarkError("duplicate key: \(Ops.repr(key))")
                    }
                    try dict.set(key, value)
                case .append:
                    sp -= 2
                    let l = sp.move(), v = (sp + 1).move()
                    if case .list(let list) = l { list.elements.append(v) }

                case .index:
                    if case .int(let i) = (sp - 1).pointee {
                        if case .list(let l) = (sp - 2).pointee, i >= 0, i < Int64(l.elements.count) {
                            let v = l.elements[Int(i)]
                            sp -= 1; (sp - 1).pointee = v; continue
                        }
                        if case .tuple(let t) = (sp - 2).pointee, i >= 0, i < Int64(t.elements.count) {
                            let v = t.elements[Int(i)]
                            sp -= 1; (sp - 1).pointee = v; continue
                        }
                    }
                    sp -= 2
                    let x = sp.move(), i = (sp + 1).move()
                    sp.initialize(to: try Ops.getIndex(x, i, thread: self)); sp += 1
                case .setIndex:
                    if case .int(let i) = (sp - 2).pointee, case .list(let l) = (sp - 3).pointee,
                       i >= 0, i < Int64(l.elements.count), !l.frozen, l.iterators == 0 {
                        sp -= 3
                        l.elements[Int(i)] = (sp + 2).move()
                        dropValues(sp, 2)
                        continue
                    }
                    sp -= 3
                    let x = sp.move(), i = (sp + 1).move(), v = (sp + 2).move()
                    try Ops.setIndex(x, i, v)
                case .slice:
                    sp -= 4
                    let x = sp.move(), lo = (sp + 1).move(), hi = (sp + 2).move(), step = (sp + 3).move()
                    sp.initialize(to: try Ops.slice(x, lo, hi, step)); sp += 1
                case .attr:
                    sp -= 1
                    let x = sp.move()
                    sp.initialize(to: try Ops.getAttr(x, module.names[Int(ins.arg)], thread: self)); sp += 1
                case .setField:
                    sp -= 2
                    let x = sp.move(), v = (sp + 1).move()
                    try Ops.setField(x, module.names[Int(ins.arg)], v)
                case .unpack:
                    sp -= 1
                    let x = sp.move()
                    try unpack(x, Int(ins.arg), into: sp)
                    sp += Int(ins.arg)

                case .call:
                    record.pointee.pc = pc - 1
                    let arg = ins.arg
                    let npos = Int((arg >> 8) & 0xff)
                    if arg & 0xffff00ff == 0, case .function(let f) = (sp - npos - 1).pointee,
                       f.code.isSimple, f.code.numParams == npos {
                        sp -= npos
                        let r = try runFrame(f, base: sp, localsReady: npos)
                        (sp - 1).pointee = r
                        continue
                    }
                    let nnamed = Int(arg & 0xff)
                    if arg >> 16 == 0, case .function(let f) = (sp - npos - 2 * nnamed - 1).pointee,
                       let frame = bindFast(f, sp - npos - 2 * nnamed, npos, nnamed) {
                        sp -= npos + 2 * nnamed
                        let ready = f.code.numParams + (f.code.hasVarargs ? 1 : 0)
                        let r = try runFrame(f, base: frame, localsReady: ready)
                        (sp - 1).pointee = r
                        continue
                    }
                    let total = npos + 2 * nnamed + Int((arg >> 16) & 1) + Int((arg >> 17) & 1)
                    sp -= total
                    let args = try collectArguments(sp, arg)
                    let callee = (sp - 1).pointee
                    let r = try callValue(callee, args)
                    recycleArguments(args)
                    (sp - 1).pointee = r
                case .callMethod:
                    record.pointee.pc = pc - 1
                    let arg = ins.arg
                    if arg & 0xffff == 0x0100, Int(arg >> 16) == module.appendNameIndex,
                       case .list(let l) = (sp - 2).pointee, !l.frozen, l.iterators == 0 {
                        sp -= 1
                        l.elements.append(sp.move())
                        (sp - 1).pointee = .none
                        continue
                    }
                    let total = Int((arg >> 8) & 0xff) + 2 * Int(arg & 0xff)
                    sp -= total
                    let args = try collectArguments(sp, arg & 0xffff)
                    let recv = (sp - 1).pointee
                    let nameIndex = Int(arg >> 16)
                    let kind = ModuleState.methodKind(recv)
                    if kind >= 0 {
                        let slot = module.methodCache + (nameIndex * ModuleState.methodKinds + kind)
                        if slot.pointee == nil {
                            slot.pointee = Ops.methodTable(recv)?.methods[module.names[nameIndex]]
                        }
                        if let impl = slot.pointee {
                            do { (sp - 1).pointee = try impl(self, recv, args) } catch {
                                throw EvalError.raised(in: module.names[nameIndex], error)
                            }
                            recycleArguments(args)
                            continue
                        }
                    }
                    let name = module.names[nameIndex]
                    let builtinResult: Value?
                    do { builtinResult = try Ops.callMethod(recv, name, args, thread: self) } catch {
                        throw EvalError.raised(in: name, error)
                    }
                    if let r = builtinResult {
                        (sp - 1).pointee = r
                    } else {
                        let f = try Ops.getAttr(recv, name, thread: self)
                        (sp - 1).pointee = try callValue(f, args)
                    }
                case .makeFunc:
                    sp -= 2
                    let defaults = sp.move(), cells = (sp + 1).move()
                    var defaultValues: [Value] = []
                    if case .tuple(let t) = defaults { defaultValues = t.elements }
                    var freeCells: [StarCell] = []
                    if case .tuple(let t) = cells {
                        for c in t.elements { freeCells.append(unsafeDowncast(c.objectPayload, to: StarCell.self)) }
                    }
                    let f = StarFunction(buffer: module.buffers[Int(ins.arg)], module: module,
                                         defaults: defaultValues, freeVars: freeCells)
                    sp.initialize(to: .function(f)); sp += 1
                case .load:
                    record.pointee.pc = pc - 1
                    let n = Int(ins.arg)
                    sp -= 1
                    let name = sp.move()
                    try loadNames(name, n, sp - n)
                case .return_:
                    sp -= 1
                    return sp.move()
                }
            }
        } catch {
            throw frameError(error, fn, pc: pc - 1)
        }
    }

    /// Pops x and y (on top of the stack) and pushes `x op y` computed by `Ops`.
    @inline(__always)
    private func binarySlow(_ op: BinaryOp, _ sp: inout UnsafeMutablePointer<Value>) throws {
        sp -= 2
        let x = sp.move(), y = (sp + 1).move()
        let z: Value
        do {
            z = try Ops.binary(op, x, y, thread: self)
        } catch {
            // Application types may define operators the built-in ones lack (go's
            // HasBinary); asked only after the built-in operation failed.
            guard let r = try binaryHook(op, x, y) else { throw error }
            z = r
        }
        sp.initialize(to: z)
        sp += 1
    }

    @inline(never)
    private func binaryHook(_ op: BinaryOp, _ x: Value, _ y: Value) throws -> Value? {
        if case .object(let o) = x, let b = o as? BinaryOperand, let r = try b.binary(op, y, selfIsLeft: true) {
            return r
        }
        if case .object(let o) = y, let b = o as? BinaryOperand, let r = try b.binary(op, x, selfIsLeft: false) {
            return r
        }
        return nil
    }

    /// The comparison of a `CMP_JUMP` (its index in `Opcode.fusedComparisons`).
    private func fusedComparisonOp(_ kind: UInt32) -> BinaryOp {
        switch kind {
        case 0: return .lt
        case 1: return .le
        case 2: return .gt
        case 3: return .ge
        case 4: return .eq
        default: return .ne
        }
    }

    private func comparisonOp(_ op: Opcode) -> BinaryOp {
        switch op {
        case .lt: return .lt
        case .le: return .le
        case .gt: return .gt
        case .ge: return .ge
        case .eq: return .eq
        default: return .ne
        }
    }

    @inline(never)
    func pollBudget() throws {
        if steps >= maxSteps {
            throw StarlarkError("Starlark computation cancelled: too many steps (the budget is \(maxSteps) loop iterations "
                                + "and calls; raise it with --max-steps N or limits(max_steps = N) in the spec)")
        }
        budgetPolls &+= 1
        if budgetPolls & 15 == 0 { try memory.check() }
        if cancellation.isCancelled {
            throw StarlarkError("Starlark computation cancelled: \(cancellation.reason)")
        }
        let (next, overflow) = steps.addingReportingOverflow(4096)
        exec.pointee.nextCheck = overflow ? maxSteps : min(maxSteps, next)
    }

    /// Wraps any error with this frame's position (the innermost frame first).
    @inline(never)
    func frameError(_ error: Error, _ fn: StarFunction, pc: Int) -> EvalError {
        let positions = fn.code.positions
        let offset = pc >= 0 && pc < positions.count ? Int(positions[pc]) : fn.code.pos
        let frame = EvalError.Frame(function: fn.name,
                                    location: SourceLocation(fn.module.program.source, offset))
        switch error {
        case var e as EvalError:
            e.prepend(frame)
            return e
        case let e as StarlarkError:
            return EvalError(message: e.message, backtrace: [frame])
        case let e as ResolveErrorsCarrier:
            return EvalError(message: e.message, backtrace: [frame])
        default:
            return EvalError(message: "\(error)", backtrace: [frame])
        }
    }
}

/// Errors (such as a loaded file's syntax errors) that carry a ready message.
protocol ResolveErrorsCarrier: Error { var message: String { get } }

/// Moves `n` values starting at `p` into an array.
@inline(__always)
func takeValues(_ p: UnsafeMutablePointer<Value>, _ n: Int) -> [Value] {
    [Value](unsafeUninitializedCapacity: n) { buf, count in
        if n > 0, let dst = buf.baseAddress { dst.moveInitialize(from: p, count: n) }
        count = n
    }
}

extension Value {
    /// The object payload of a value known to be `.object` (cells in local slots).
    @inline(__always)
    var objectPayload: StarObject {
        if case .object(let o) = self { return o }
        return StarCell(.none)
    }
}

/// An object that defines binary operators with other values (`x op y` where x or y is
/// the object), consulted when the built-in operators have no meaning for the operands.
public protocol BinaryOperand: AnyObject {
    /// `self op other` (or `other op self` when `selfIsLeft` is false); nil if undefined.
    func binary(_ op: BinaryOp, _ other: Value, selfIsLeft: Bool) throws -> Value?
}

/// Destroys `n` values at `p`. One `move()` per slot lets the compiler use Value's own
/// (inlined) destroy; `deinitialize(count:)` with a run-time count goes through the
/// generic `swift_arrayDestroy`, which showed up at ~10% of call-heavy profiles.
@inline(__always)
func dropValues(_ p: UnsafeMutablePointer<Value>, _ n: Int) {
    var i = 0
    while i < n { _ = (p + i).move(); i += 1 }
}
