/// Methods of list, dict and set.
extension Methods {
    static func recvList(_ r: Value) throws -> StarList {
        guard case .list(let l) = r else { throw StarlarkError("got \(r.typeName), want list") }
        return l
    }
    static func recvDict(_ r: Value) throws -> StarDict {
        guard case .dict(let d) = r else { throw StarlarkError("got \(r.typeName), want dict") }
        return d
    }
    static func recvSet(_ r: Value) throws -> StarSet {
        guard case .set(let s) = r else { throw StarlarkError("got \(r.typeName), want set") }
        return s
    }

    /// Fast arity check for positional-only methods; on a mismatch, the positional
    /// unpacker produces go.starlark.net's message.
    @inline(__always)
    static func arity(_ a: Arguments, _ fn: String, _ min: Int, _ max: Int) throws {
        let n = a.positional.count
        if a.named.isEmpty && n >= min && n <= max { return }
        _ = try a.unpackPositional(fn: fn, min: min, max: max)
    }

    /// Prefixes an error with the method name ("append: cannot append to frozen list").
    static func named<T>(_ fn: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StarlarkError { throw StarlarkError("\(fn): \(e.message)") }
    }

    static func iterableArg(_ v: Value, _ fn: String, _ param: String) throws -> [Value] {
        guard Ops.isIterable(v) else { throw StarlarkError("\(fn): for parameter \(param): got \(v.typeName), want iterable") }
        return try Ops.collect(v)
    }

    static let list = MethodTable([
        "append": { _, r, a in
            let l = try recvList(r)
            try arity(a, "append", 1, 1)
            if l.frozen || l.iterators > 0 {
                try named("append") { try l.checkMutable("append to") }
            }
            l.elements.append(a.positional[0])
            return .none
        },
        "clear": { _, r, a in
            let l = try recvList(r)
            _ = try a.unpackPositional(fn: "clear", min: 0, max: 0)
            try named("clear") { try l.checkMutable("clear") }
            l.elements.removeAll()
            return .none
        },
        "extend": { _, r, a in
            let l = try recvList(r)
            let p = try a.unpackPositional(fn: "extend", min: 1, max: 1)
            guard Ops.isIterable(p[0]) else {
                throw StarlarkError("extend: for parameter iterable: got \(p[0].typeName), want iterable")
            }
            try named("extend") { try l.checkMutable("extend") }
            let extra = try Ops.collect(p[0])
            let n = l.elements.count + extra.count
            if n > Ops.maxElements { throw Ops.tooLarge("extend: list", n, Ops.maxElements) }
            try MemoryBudget.reserve(extra.count * MemoryLayout<Value>.stride)
            l.elements.append(contentsOf: extra)
            return .none
        },
        "index": { _, r, a in
            let l = try recvList(r)
            let p = try a.unpackPositional(fn: "index", min: 1, max: 3)
            let (st, en) = try Ops.indices(p.count > 1 ? p[1] : nil, p.count > 2 ? p[2] : nil, l.elements.count, fn: "index")
            var i = st
            while i < en {
                if try named("index", { try Ops.equal(l.elements[i], p[0]) }) { return .integer(i) }
                i += 1
            }
            throw StarlarkError("index: value not in list")
        },
        "insert": { _, r, a in
            let l = try recvList(r)
            let p = try a.unpackPositional(fn: "insert", min: 2, max: 2)
            var i = try Unpack.int(p[0], "insert", "index")
            try named("insert") { try l.checkMutable("insert into") }
            let n = l.elements.count
            if i < 0 { i += n }
            if i >= n { l.elements.append(p[1]) } else { l.elements.insert(p[1], at: max(i, 0)) }
            return .none
        },
        "pop": { _, r, a in
            let l = try recvList(r)
            let p = try a.unpackPositional(fn: "pop", min: 0, max: 1)
            let n = l.elements.count
            let orig = p.isEmpty ? n - 1 : try Unpack.int(p[0], "pop", "index")
            let i = orig < 0 ? orig + n : orig
            if i < 0 || i >= n { throw StarlarkError("pop: \(Ops.outOfRange(orig, n, r).message)") }
            try named("pop") { try l.checkMutable("pop from") }
            return l.elements.remove(at: i)
        },
        "remove": { _, r, a in
            let l = try recvList(r)
            let p = try a.unpackPositional(fn: "remove", min: 1, max: 1)
            try named("remove") { try l.checkMutable("remove from") }
            for (i, e) in l.elements.enumerated() where try named("remove", { try Ops.equal(e, p[0]) }) {
                l.elements.remove(at: i)
                return .none
            }
            throw StarlarkError("remove: element not found")
        },
    ])

    static let dict = MethodTable([
        "clear": { _, r, a in
            let d = try recvDict(r)
            _ = try a.unpackPositional(fn: "clear", min: 0, max: 0)
            try d.clear()  // Go reports this one without the method-name prefix
            return .none
        },
        "get": { _, r, a in
            let d = try recvDict(r)
            try arity(a, "get", 1, 2)
            let found: Value?
            do { found = try d.get(a.positional[0]) } catch let e as StarlarkError {
                throw StarlarkError("get: \(e.message)")
            }
            if let v = found { return v }
            return a.positional.count > 1 ? a.positional[1] : .none
        },
        "items": { _, r, a in
            let d = try recvDict(r)
            _ = try a.unpackPositional(fn: "items", min: 0, max: 0)
            var out: [Value] = []
            out.reserveCapacity(d.count)
            for e in 0..<d.entryCapacity where d.isLive(e) {
                out.append(.tuple(StarTuple([d.key(at: e), d.value(at: e)])))
            }
            return .list(StarList(out))
        },
        "keys": { _, r, a in
            let d = try recvDict(r)
            _ = try a.unpackPositional(fn: "keys", min: 0, max: 0)
            return .list(StarList(d.keys))
        },
        "pop": { _, r, a in
            let d = try recvDict(r)
            let p = try a.unpackPositional(fn: "pop", min: 1, max: 2)
            if let v = try named("pop", { try d.remove(p[0]) }) { return v }
            if p.count > 1 { return p[1] }
            throw StarlarkError("pop: missing key")
        },
        "popitem": { _, r, a in
            let d = try recvDict(r)
            _ = try a.unpackPositional(fn: "popitem", min: 0, max: 0)
            guard let k = d.keys.first else { throw StarlarkError("popitem: empty dict") }
            let v = try named("popitem", { try d.remove(k) }) ?? .none
            return .tuple(StarTuple([k, v]))
        },
        "setdefault": { _, r, a in
            let d = try recvDict(r)
            let p = try a.unpackPositional(fn: "setdefault", min: 1, max: 2)
            if let v = try named("setdefault", { try d.get(p[0]) }) { return v }
            let dflt = p.count > 1 ? p[1] : .none
            try named("setdefault") { try d.set(p[0], dflt) }
            return dflt
        },
        "update": { _, r, a in
            let d = try recvDict(r)
            if a.positional.count > 1 {
                throw StarlarkError("update: got \(a.positional.count) arguments, want at most 1")
            }
            try DictUpdate.update(d, a.positional, a.named, fn: "update")
            return .none
        },
        "values": { _, r, a in
            let d = try recvDict(r)
            _ = try a.unpackPositional(fn: "values", min: 0, max: 0)
            return .list(StarList(d.values))
        },
    ])

    /// go.starlark.net (the version this dialect follows, Debian's golang-starlark-dev) gives
    /// sets only `union`; the conformance suite checks `dir(set()) == ["union"]`. The other
    /// set operations are the operators `|`, `&`, `^` and `-`.
    static let set = MethodTable([
        "union": { _, r, a in
            var result = try recvSet(r).copy()
            try a.noKeywords("union")
            for (i, x) in a.positional.enumerated() {
                let other = try iterableArg(x, "union", a.positional.count == 1 ? "iterable" : "iterable \(i + 1)")
                result = try named("union") { try SetAlgebra.union(result, other) }
            }
            return .set(result)
        },
    ])
}

/// `dict(...)` and `d.update(...)`: a mapping or an iterable of pairs, then keywords.
enum DictUpdate {
    /// `fn` (`dict` or `update`) names the builtin in messages; its positional parameter
    /// is `pairs`.
    static func update(_ d: StarDict, _ positional: [Value], _ named: [(String, Value)], fn: String) throws {
        if let src = positional.first, !Ops.isIterable(src) {
            throw Unpack.fail(fn, "pairs", "got \(src.typeName), want iterable")
        }
        do { try update(d, positional, named) } catch let e as StarlarkError { throw StarlarkError("\(fn): \(e.message)") }
    }

    private static func update(_ d: StarDict, _ positional: [Value], _ named: [(String, Value)]) throws {
        if let src = positional.first {
            if case .dict(let other) = src {
                for e in 0..<other.entryCapacity where other.isLive(e) {
                    try d.set(other.key(at: e), other.value(at: e))
                }
            } else {
                guard Ops.isIterable(src) else { throw StarlarkError("got \(src.typeName), want iterable") }
                var it = try Ops.iterate(src)
                defer { it.done() }
                var i = 0
                while let pair = it.next() {
                    guard Ops.isIterable(pair) else {
                        throw StarlarkError("dictionary update sequence element #\(i) is not iterable (\(pair.typeName))")
                    }
                    guard let n = Ops.length(pair) else {
                        throw StarlarkError("dictionary update sequence element #\(i) has unknown length (\(pair.typeName))")
                    }
                    if n != 2 {
                        throw StarlarkError("dictionary update sequence element #\(i) has length \(n), want 2")
                    }
                    let kv = try Ops.collect(pair)
                    try d.set(kv[0], kv[1])
                    i += 1
                }
            }
        }
        let before = d.count
        for (k, v) in named { try d.set(.str(k), v) }
        if d.count < before + named.count {
            var seen = Set<String>()
            for (k, _) in named {
                if seen.contains(k) { throw StarlarkError("duplicate keyword arg: \(Ops.repr(.str(k)))") }
                seen.insert(k)
            }
        }
    }
}
