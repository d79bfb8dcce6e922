import StarlarkSyntax

/// The predeclared names of every Starlark program: constants, builtin functions, and the
/// `json` and `struct` extensions.
public enum Universe {
    /// Builtins are immutable after construction, so one shared table serves all threads.
    nonisolated(unsafe) public static let builtins: [String: Value] = makeBuiltins()

    /// The sorted names, for the resolver's did-you-mean and `dir()`.
    public static let names: [String] = builtins.keys.sorted()

    private static func makeBuiltins() -> [String: Value] {
        var table: [String: Value] = ["None": .none, "True": .bool(true), "False": .bool(false)]
        func add(_ name: String, _ impl: @escaping Builtin.Impl) {
            table[name] = .builtin(Builtin(name: name, impl: impl))
        }
        add("abs", Builtins.abs)
        add("all", Builtins.all)
        add("any", Builtins.any)
        add("bool", Builtins.bool)
        add("bytes", Builtins.bytes)
        add("chr", Builtins.chr)
        add("dict", Builtins.dict)
        add("dir", Builtins.dir)
        add("enumerate", Builtins.enumerate)
        add("fail", Builtins.fail)
        add("float", Builtins.float)
        add("getattr", Builtins.getattr)
        add("hasattr", Builtins.hasattr)
        add("hash", Builtins.hash)
        add("int", Builtins.int)
        add("len", Builtins.len)
        add("list", Builtins.list)
        add("max", { t, _, a in try Builtins.minmax(t, a, "max") })
        add("min", { t, _, a in try Builtins.minmax(t, a, "min") })
        add("ord", Builtins.ord)
        add("print", Builtins.print)
        add("range", Builtins.range)
        add("repr", Builtins.repr)
        add("reversed", Builtins.reversed)
        add("set", Builtins.set)
        add("sorted", Builtins.sorted)
        add("str", Builtins.str)
        add("tuple", Builtins.tuple)
        add("type", Builtins.type)
        add("zip", Builtins.zip)
        table["json"] = JSONModule.make()
        add("struct", StructValue.constructor)
        return table
    }
}

/// Implementations of the universal builtin functions.
enum Builtins {
    static func iterableParam(_ v: Value, _ fn: String, _ param: String) throws -> Value {
        guard Ops.isIterable(v) else { throw StarlarkError("\(fn): for parameter \(param): got \(v.typeName), want iterable") }
        return v
    }

    static func abs(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "abs", min: 1, max: 1)
        switch p[0] {
        case .int(let i): return i < 0 ? try Ops.unary(.minus, p[0]) : p[0]
        case .bigInt(let b): return b.value.signum() < 0 ? .integer(-b.value) : p[0]
        case .float(let f): return .float(Swift.abs(f))
        default: throw StarlarkError("abs: for parameter x: got \(p[0].typeName), want int or float")
        }
    }

    static func all(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let x = try iterableParam(try a.unpackPositional(fn: "all", min: 1, max: 1)[0], "all", "x")
        var it = try Ops.iterate(x)
        defer { it.done() }
        while let v = it.next() { if !v.truth { return .bool(false) } }
        return .bool(true)
    }

    static func any(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let x = try iterableParam(try a.unpackPositional(fn: "any", min: 1, max: 1)[0], "any", "x")
        var it = try Ops.iterate(x)
        defer { it.done() }
        while let v = it.next() { if v.truth { return .bool(true) } }
        return .bool(false)
    }

    static func bool(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "bool", min: 0, max: 1)
        return .bool(p.first?.truth ?? false)
    }

    static func bytes(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "bytes", min: 1, max: 1)
        switch p[0] {
        case .bytes: return p[0]
        case .string(let s): return .bytes(StarBytes(s.bytes))
        default:
            guard Ops.isIterable(p[0]) else {
                throw StarlarkError("bytes: for parameter x: got \(p[0].typeName), want string, bytes, or iterable of ints")
            }
            var out: [UInt8] = []
            for v in try Ops.collect(p[0]) {
                guard case .int(let i) = v, i >= 0, i < 256 else {
                    throw StarlarkError("bytes: at index \(out.count), \(Ops.repr(v)) out of range (want value in unsigned 8-bit range)")
                }
                out.append(UInt8(i))
            }
            return .bytes(StarBytes(out))
        }
    }

    static func chr(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        if !a.named.isEmpty { throw StarlarkError("chr does not accept keyword arguments") }
        if a.positional.count != 1 { throw StarlarkError("chr: got \(a.positional.count) arguments, want 1") }
        let i: Int
        do { i = try Ops.toInt(a.positional[0]) } catch let e as StarlarkError { throw Unpack.fail("chr", "i", e.message) }
        if i < 0 { throw StarlarkError("chr: Unicode code point \(i) out of range (<0)") }
        if i > 0x10FFFF {
            throw StarlarkError("chr: Unicode code point U+\(String(i, radix: 16, uppercase: true)) out of range (>0x10FFFF)")
        }
        var out: [UInt8] = []
        PercentFormat.appendRune(UInt32(i), &out)
        return .str(out)
    }

    static func dict(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        if a.positional.count > 1 { throw StarlarkError("dict: got \(a.positional.count) arguments, want at most 1") }
        let d = StarDict()
        try DictUpdate.update(d, a.positional, a.named, fn: "dict")
        return .dict(d)
    }

    static func dir(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        if !a.named.isEmpty { throw StarlarkError("dir does not accept keyword arguments") }
        if a.positional.count != 1 { throw StarlarkError("dir: got \(a.positional.count) arguments, want 1") }
        return .list(StarList(Ops.attrNames(a.positional[0]).map { .str($0) }))
    }

    static func enumerate(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "enumerate", min: 1, max: 2)
        let x = try iterableParam(p[0], "enumerate", "x")
        var i = p.count > 1 ? try Unpack.int(p[1], "enumerate", "start") : 0
        var out: [Value] = []
        for v in try Ops.collect(x) {
            out.append(.tuple(StarTuple([.integer(i), v])))
            i &+= 1  // a start near Int64.max wraps, as Go's int does
        }
        return .list(StarList(out))
    }

    static let failParams = Params("fail", ["sep?"])

    static func fail(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try Arguments([], named: a.named).unpack(failParams)
        let sep = try p[0].map { try Unpack.string($0, "fail", "\"sep\"") } ?? [32]
        var out = Array("fail: ".utf8)
        for (i, v) in a.positional.enumerated() {
            if i > 0 { out.append(contentsOf: sep) }
            Ops.strBytes(v, into: &out)
        }
        throw StarlarkError(String(decoding: out, as: UTF8.self))
    }

    static let printParams = Params("print", ["sep?"])

    static func print(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try Arguments([], named: a.named).unpack(printParams)
        let sep = try p[0].map { try Unpack.string($0, "print", "\"sep\"") } ?? [32]
        var out: [UInt8] = []
        for (i, v) in a.positional.enumerated() {
            if i > 0 { out.append(contentsOf: sep) }
            Ops.strBytes(v, into: &out)
        }
        t.print(String(decoding: out, as: UTF8.self))
        return .none
    }

    static func getattr(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "getattr", min: 2, max: 3)
        let name = String(decoding: try Unpack.string(p[1], "getattr", "name"), as: UTF8.self)
        do {
            return try Ops.getAttr(p[0], name, thread: t)
        } catch let e as StarlarkError {
            if p.count > 2 { return p[2] }
            if e.message.hasPrefix("\(p[0].typeName) has no .\(name) field or method") {
                throw StarlarkError("getattr: \(p[0].typeName) has no .\(name) field or method")
            }
            throw StarlarkError("getattr: \(e.message)")
        }
    }

    static func hasattr(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "hasattr", min: 2, max: 2)
        let name = String(decoding: try Unpack.string(p[1], "hasattr", "name"), as: UTF8.self)
        if (try? Ops.hasAttr(p[0], name, thread: t)) == true { return .bool(true) }
        return .bool(Ops.attrNames(p[0]).contains(name))
    }

    /// `hash(s)`: Java's String.hashCode over the UTF-16 form, as go.starlark.net defines it.
    static func hash(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "hash", min: 1, max: 1)
        let s = try Unpack.string(p[0], "hash", "x")
        var h: Int32 = 0
        Runes.forEach(s) { sc, _, _ in
            h = h &* 31 &+ Int32(bitPattern: sc?.value ?? 0xFFFD)
        }
        return .int(Int64(h))
    }

    static func len(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "len", min: 1, max: 1)
        guard let n = Ops.length(p[0]) else {
            throw Unpack.fail("len", "x", "got \(p[0].typeName), want a sequence or mapping (\(p[0].typeName) has no len)")
        }
        return .integer(n)
    }

    static func list(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "list", min: 0, max: 1)
        guard let x = p.first else { return .list(StarList([])) }
        return .list(StarList(try Ops.collect(try iterableParam(x, "list", "x"))))
    }

    static func tuple(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "tuple", min: 0, max: 1)
        guard let x = p.first else { return .tuple(StarTuple([])) }
        if case .tuple = x { return x }
        return .tuple(StarTuple(try Ops.collect(try iterableParam(x, "tuple", "x"))))
    }

    static func set(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "set", min: 0, max: 1)
        let s = StarSet()
        if let x = p.first {
            for v in try Ops.collect(try iterableParam(x, "set", "x")) {
                do { try s.insert(v) } catch let e as StarlarkError { throw StarlarkError("set: \(e.message)") }
            }
        }
        return .set(s)
    }

    static func ord(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        if !a.named.isEmpty { throw StarlarkError("ord does not accept keyword arguments") }
        if a.positional.count != 1 { throw StarlarkError("ord: got \(a.positional.count) arguments, want 1") }
        let x = a.positional[0]
        switch x {
        case .string(let s):
            let b = s.bytes
            if !b.isEmpty {
                let (sc, w) = UTF8Decode.decode(b, 0)
                if w == b.count { return .int(Int64(sc?.value ?? 0xFFFD)) }
            }
            throw StarlarkError("ord: string encodes \(Runes.count(b)) Unicode code points, want 1")
        case .bytes(let b):
            if b.bytes.count != 1 { throw StarlarkError("ord: bytes has length \(b.bytes.count), want 1") }
            return .int(Int64(b.bytes[0]))
        default:
            throw StarlarkError("ord: for parameter s: got \(x.typeName), want string or bytes")
        }
    }

    static func range(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "range", min: 1, max: 3)
        var ints: [Int64] = []
        // range(stop) or range(start, stop[, step]).
        let names = p.count == 1 ? ["stop"] : ["start", "stop", "step"]
        for (i, v) in p.enumerated() {
            ints.append(Int64(try Unpack.int(v, "range", names[i])))
        }
        let start = ints.count == 1 ? 0 : ints[0]
        let stop = ints.count == 1 ? ints[0] : ints[1]
        let step = ints.count == 3 ? ints[2] : 1
        if step == 0 { throw StarlarkError("range: step argument must not be zero") }
        return .object(try RangeObject(start: start, stop: stop, step: step))
    }

    static func repr(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "repr", min: 1, max: 1)
        var out: [UInt8] = []
        Ops.reprBytes(p[0], into: &out)
        return .str(out)
    }

    static func reversed(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "reversed", min: 1, max: 1)
        return .list(StarList(try Ops.collect(try iterableParam(p[0], "reversed", "x")).reversed()))
    }

    static func str(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        if !a.named.isEmpty { throw StarlarkError("str does not accept keyword arguments") }
        if a.positional.count != 1 { throw StarlarkError("str: got \(a.positional.count) arguments, want exactly 1") }
        let x = a.positional[0]
        switch x {
        case .string: return x
        case .int(let i): return .str(IntText.bytes(i))
        case .bytes(let b): return .str(b.bytes)
        default: break
        }
        var out: [UInt8] = []
        Ops.reprBytes(x, into: &out)
        return .str(out)
    }

    static func type(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        if !a.named.isEmpty { throw StarlarkError("type does not accept keyword arguments") }
        if a.positional.count != 1 { throw StarlarkError("type: got \(a.positional.count) arguments, want exactly 1") }
        return .str(a.positional[0].typeName)
    }

    static func zip(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        if !a.named.isEmpty { throw StarlarkError("zip does not accept keyword arguments") }
        var columns: [[Value]] = []
        for (i, x) in a.positional.enumerated() {
            guard Ops.isIterable(x) else { throw StarlarkError("zip: argument #\(i + 1) is not iterable: \(x.typeName)") }
            columns.append(try Ops.collect(x))
        }
        let rows = columns.map { $0.count }.min() ?? 0
        var out: [Value] = []
        out.reserveCapacity(rows)
        for i in 0..<rows { out.append(.tuple(StarTuple(columns.map { $0[i] }))) }
        return .list(StarList(out))
    }
}
