import DidYouMean
import StarlarkCompile
import StarlarkSyntax

extension StarThread {
    /// Dispatch of a call to any callable. This and the method calls of the dispatch loop
    /// (`CALL_METHOD`) are the only places a builtin runs, and each puts the builtin's frame
    /// on an error it raises (`EvalError.raised(in:)`), so a traceback names it.
    func callValue(_ callee: Value, _ args: Arguments) throws -> Value {
        switch callee {
        case .function(let f): return try callFunction(f, args)
        case .builtin(let b):
            do { return try b.impl(self, b.receiver, args) } catch { throw EvalError.raised(in: b.name, error) }
        case .object(let o):
            let result: Value?
            do { result = try o.call(thread: self, args: args) } catch { throw EvalError.raised(in: o.typeName, error) }
            if let r = result { return r }
            throw StarlarkError("invalid call of non-function (\(o.typeName))")
        default:
            throw StarlarkError("invalid call of non-function (\(callee.typeName))")
        }
    }

    /// Calls a Starlark function with general arguments: binds them into a new frame on
    /// top of the value stack and runs it.
    func callFunction(_ f: StarFunction, _ args: Arguments) throws -> Value {
        ensureStack()
        if exec.pointee.callDepth == 0 {
            // The outermost call: its memory budget counts from here and is the one that
            // allocation sites without a thread at hand (Ops) charge.
            refreshNativeStackLimit()
            memory.start()
            let previous = memory.publish()
            defer { MemoryBudget.restore(previous) }
            return try enterFunction(f, args)
        }
        return try enterFunction(f, args)
    }

    private func enterFunction(_ f: StarFunction, _ args: Arguments) throws -> Value {
        guard let base = exec.pointee.stackTop, let start = stackBase,
              base + f.code.localNames.count <= start + stackCapacity else {
            throw StarlarkError("call stack depth exceeded")
        }
        try bindArguments(f, args, into: base)
        return try runFrame(f, base: base, localsReady: f.code.localNames.count)
    }

    /// Gives the positional array of a finished builtin call back to the thread, if the
    /// callee kept no reference to it (then it is the only one and can be reused).
    @inline(__always)
    func recycleArguments(_ args: consuming Arguments) {
        var positional = args.positional
        args = Arguments()
        // If the callee kept the array, removeAll copies it instead (rare, still correct).
        if positional.capacity > 0 && positional.capacity <= 16 {
            positional.removeAll(keepingCapacity: true)
            exec.pointee.spareArgs = positional
        }
    }

    /// Moves the call's arguments (layout described at `Opcode.call`) off the stack.
    func collectArguments(_ p: UnsafeMutablePointer<Value>, _ arg: UInt32) throws -> Arguments {
        let npos = Int((arg >> 8) & 0xff), nnamed = Int(arg & 0xff)
        let hasStar = arg & (1 << 16) != 0, hasStarStar = arg & (1 << 17) != 0
        var positional: [Value]
        if npos <= 8 {
            // Reuse the thread's spare array (moved out, so a nested call finds it empty
            // and allocates its own).
            positional = exec.pointee.spareArgs
            exec.pointee.spareArgs = []
            positional.removeAll(keepingCapacity: true)
            for i in 0..<npos { positional.append((p + i).move()) }
        } else {
            positional = takeValues(p, npos)
        }
        var named: [(String, Value)] = []
        if nnamed > 0 { named.reserveCapacity(nnamed) }
        var q = p + npos
        for _ in 0..<nnamed {
            let k = q.move(), v = (q + 1).move()
            q += 2
            if case .string(let s) = k { named.append((s.string, v)) }
        }
        var star: Value?
        var starStar: Value?
        if hasStar { star = q.move(); q += 1 }
        if hasStarStar { starStar = q.move(); q += 1 }
        if let s = star {
            switch s {
            case .list(let l): positional.append(contentsOf: l.elements)
            case .tuple(let t): positional.append(contentsOf: t.elements)
            default:
                var it: ValueIterator
                do { it = try Ops.iterate(s) } catch {
                    throw StarlarkError("argument after * must be iterable, not \(s.typeName)")
                }
                while let v = it.next() { positional.append(v) }
                it.done()
            }
        }
        if let kw = starStar {
            guard case .dict(let d) = kw else {
                throw StarlarkError("argument after ** must be a mapping, not \(kw.typeName)")
            }
            let keys = d.keys, values = d.values
            for (k, v) in zip(keys, values) {
                guard case .string(let s) = k else {
                    throw StarlarkError("keywords must be strings, not \(k.typeName)")
                }
                named.append((s.string, v))
            }
        }
        return Arguments(positional, named: named)
    }

    /// Binds a call's arguments straight from the caller's stack (`npos` values then
    /// `nnamed` (name, value) pairs at `p`) into a new frame at the top of the value stack,
    /// for the common shapes: no `**kwargs` or keyword-only parameters, each keyword
    /// naming a parameter once, every omitted parameter having a default. Returns nil,
    /// touching nothing, when the call needs the general binder (which also phrases errors).
    func bindFast(_ f: StarFunction, _ p: UnsafeMutablePointer<Value>, _ npos: Int, _ nnamed: Int) -> UnsafeMutablePointer<Value>? {
        let code = f.code
        if code.hasKwargs || code.numKwonlyParams != 0 { return nil }
        let np = code.numParams
        if np > 63 || (npos > np && !code.hasVarargs) { return nil }
        guard let base = exec.pointee.stackTop, let end = exec.pointee.stackEnd,
              base + np + 1 <= end else { return nil }
        let nfixed = min(npos, np)
        var filled: UInt64 = (1 << UInt64(nfixed)) - 1
        let buffer = f.buffer
        for j in 0..<nnamed {
            guard case .string(let s) = p[npos + 2 * j], let i = buffer.paramIndex(s.bytes) else { return nil }
            let bit: UInt64 = 1 << UInt64(i)
            if filled & bit != 0 { return nil }
            filled |= bit
        }
        let firstDefault = np - f.defaults.count
        let mandatory = f.module.mandatory
        for i in 0..<np where filled & (1 << UInt64(i)) == 0 {
            if i < firstDefault { return nil }
            if case .object(let o) = f.defaults[i - firstDefault], o === mandatory { return nil }
        }
        // Committed: move the values.
        if nfixed > 0 { base.moveInitialize(from: p, count: nfixed) }
        for j in 0..<nnamed {
            let namePtr = p + npos + 2 * j
            guard case .string(let s) = namePtr.pointee, let i = buffer.paramIndex(s.bytes) else { continue }
            _ = namePtr.move()
            (base + i).initialize(to: (namePtr + 1).move())
        }
        for i in 0..<np where filled & (1 << UInt64(i)) == 0 {
            (base + i).initialize(to: f.defaults[i - firstDefault])
        }
        if code.hasVarargs {
            (base + np).initialize(to: .tuple(StarTuple(takeValues(p + nfixed, npos - nfixed))))
        }
        return base
    }

    /// Binds `args` to the parameters of `f`, initializing all of its locals at `base`
    /// (go.starlark.net's rules and messages).
    func bindArguments(_ f: StarFunction, _ args: Arguments, into base: UnsafeMutablePointer<Value>) throws {
        let code = f.code
        let np = code.numParams
        let name = f.name
        let positional = args.positional
        let totalParams = np + (code.hasVarargs ? 1 : 0) + (code.hasKwargs ? 1 : 0)
        if totalParams == 0 && (!positional.isEmpty || !args.named.isEmpty) {
            throw StarlarkError("function \(name) accepts no arguments (\(positional.count + args.named.count) given)")
        }
        var slots = [Value?](repeating: nil, count: np)
        let nonKwonly = np - code.numKwonlyParams
        var n = positional.count
        if n > nonKwonly {
            if !code.hasVarargs {
                let atMost = f.defaults.count > code.numKwonlyParams ? "at most " : ""
                throw StarlarkError("function \(name) accepts \(atMost)\(nonKwonly) positional "
                    + "argument\(nonKwonly == 1 ? "" : "s") (\(positional.count) given)")
            }
            n = nonKwonly
        }
        for i in 0..<n { slots[i] = positional[i] }
        let kwdict: StarDict? = code.hasKwargs ? StarDict() : nil
        for (k, v) in args.named {
            if let i = code.localNames.prefix(np).firstIndex(of: k) {
                if slots[i] != nil {
                    throw StarlarkError("function \(name) got multiple values for parameter \(Ops.repr(.string(StarString(k))))")
                }
                slots[i] = v
                continue
            }
            guard let d = kwdict else {
                let hint = Spelling.suggest(k, among: Array(code.localNames.prefix(np))).map { " (did you mean \($0)?)" } ?? ""
                throw StarlarkError("function \(name) got an unexpected keyword argument \(Ops.repr(.string(StarString(k))))\(hint)")
            }
            let key = Value.string(StarString(k))
            if try d.get(key) != nil {
                throw StarlarkError("function \(name) got multiple values for parameter \(Ops.repr(.string(StarString(k))))")
            }
            try d.set(key, v)
        }
        if n < np || code.numKwonlyParams > 0 {
            let m = np - f.defaults.count
            var missing: [String] = []
            var i = n
            while i < m {
                if slots[i] == nil { missing.append(code.localNames[i]) }
                i += 1
            }
            i = max(n, m)
            while i < np {
                if slots[i] == nil {
                    let d = f.defaults[i - m]
                    if case .object(let o) = d, o === f.module.mandatory {
                        missing.append(code.localNames[i])
                    } else {
                        slots[i] = d
                    }
                }
                i += 1
            }
            if !missing.isEmpty {
                throw StarlarkError("function \(name) missing \(missing.count) argument\(missing.count > 1 ? "s" : "") "
                    + "(\(missing.joined(separator: ", ")))")
            }
        }
        var p = base
        for s in slots { p.initialize(to: s ?? .none); p += 1 }
        if code.hasVarargs {
            p.initialize(to: .tuple(StarTuple(n < positional.count ? Array(positional[n...]) : [])))
            p += 1
        }
        if let d = kwdict { p.initialize(to: .dict(d)); p += 1 }
        let unbound = f.module.unbound
        while p < base + code.localNames.count { p.initialize(to: .object(unbound)); p += 1 }
    }

    /// `x += y` for a list x: extends in place. Returns false when y is not iterable (the
    /// caller then falls back to `+`, which reports the type error).
    func inplaceExtend(_ l: StarList, _ y: Value) throws -> Bool {
        var extra: [Value]
        switch y {
        case .list(let yl): extra = yl.elements
        case .tuple(let t): extra = t.elements
        case .dict, .set, .object:
            guard var it = try? Ops.iterate(y) else { return false }
            extra = []
            while let v = it.next() { extra.append(v) }
            it.done()
        default:
            return false
        }
        if l.frozen { throw StarlarkError("cannot apply += to frozen list") }
        if l.iterators > 0 { throw StarlarkError("cannot apply += to list during iteration") }
        let n = l.elements.count + extra.count
        if n > Ops.maxElements { throw Ops.tooLarge("list", n, Ops.maxElements) }
        try memory.reserve(extra.count * MemoryLayout<Value>.stride)
        l.elements.append(contentsOf: extra)
        return true
    }

    /// UNPACK: writes the `n` elements of `x` at `dst` in reverse order (first on top).
    func unpack(_ x: Value, _ n: Int, into dst: UnsafeMutablePointer<Value>) throws {
        var elems: [Value]
        switch x {
        case .tuple(let t): elems = t.elements
        case .list(let l): elems = l.elements
        default:
            var it: ValueIterator
            do { it = try Ops.iterate(x) } catch {
                throw StarlarkError("got \(x.typeName) in sequence assignment")
            }
            elems = []
            while elems.count <= n, let v = it.next() { elems.append(v) }
            it.done()
            if elems.count > n {
                throw StarlarkError("too many values to unpack (got \(Ops.length(x) ?? -1), want \(n))")
            }
        }
        if elems.count > n { throw StarlarkError("too many values to unpack (got \(elems.count), want \(n))") }
        if elems.count < n { throw StarlarkError("too few values to unpack (got \(elems.count), want \(n))") }
        for (i, v) in elems.enumerated() { (dst + (n - 1 - i)).initialize(to: v) }
    }

    /// LOAD: replaces the `n` name strings at `p` by the loaded module's values.
    func loadNames(_ moduleName: Value, _ n: Int, _ p: UnsafeMutablePointer<Value>) throws {
        guard case .string(let ms) = moduleName else { throw StarlarkError("load: module name is not a string") }
        let module = ms.string
        guard let loader = load else { throw StarlarkError("load not implemented by this application") }
        let m: StarModule
        do { m = try loader(self, module) } catch let e as EvalError {
            throw StarlarkError("cannot load \(module): \(e.location.map { "\($0): " } ?? "")\(e.message)")
        } catch {
            throw StarlarkError("cannot load \(module): \(error)")
        }
        var table: [String: Value] = [:]
        for (k, v) in m.globals { table[k] = v }
        for i in 0..<n {
            guard case .string(let s) = p[i] else { continue }
            let name = s.string
            guard let v = table[name] else {
                let hint = Spelling.suggest(name, among: Array(table.keys)).map { " (did you mean \($0)?)" } ?? ""
                throw StarlarkError("load: name \(name) not found in module \(module)\(hint)")
            }
            p[i] = v
        }
    }
}
