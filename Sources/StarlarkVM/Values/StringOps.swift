/// Implementations of the larger string methods.
enum StringOps {
    static func all(_ r: Value, _ a: Arguments, _ fn: String, _ pred: (Unicode.Scalar) -> Bool) throws -> Value {
        _ = try a.unpackPositional(fn: fn, min: 0, max: 0)
        let s = try Methods.recvBytes(r)
        var ok = true
        Runes.forEach(s) { c, _, _ in if ok && !pred(c ?? "\u{FFFD}") { ok = false } }
        return .bool(ok && !s.isEmpty)
    }

    static func isCased(_ s: [UInt8]) -> Bool {
        var cased = false
        Runes.forEach(s) { c, _, _ in if let c = c, Runes.isCased(c) { cased = true } }
        return cased
    }

    static func isTitle(_ s: [UInt8]) -> Bool {
        var cased = false, prevCased = false, ok = true
        Runes.forEach(s) { c, _, _ in
            guard ok, let r = c else { prevCased = false; return }
            if (r.value >= 65 && r.value <= 90) || Runes.isTitle(r) {
                if prevCased { ok = false }
                prevCased = true; cased = true
            } else if Runes.isLower(r) {
                if !prevCased { ok = false }
                prevCased = true; cased = true
            } else if Runes.isUpper(r) {
                ok = false
            } else {
                prevCased = false
            }
        }
        return ok && cased
    }

    static func find(_ r: Value, _ a: Arguments, _ fn: String, last: Bool, allowMissing: Bool) throws -> Value {
        let s = try Methods.recvBytes(r)
        let p = try a.unpackPositional(fn: fn, min: 1, max: 3)
        let sub = try Unpack.string(p[0], fn, "sub")
        let (st, en) = try Ops.indices(p.count > 1 ? p[1] : nil, p.count > 2 ? p[2] : nil, s.count, fn: fn)
        var found: Int? = nil
        if st <= en {
            found = last ? ByteSearch.rfind(s, sub, from: st, to: en) : ByteSearch.find(s, sub, from: st, to: en)
        } else if sub.isEmpty {
            found = st  // Go searches the empty slice; the empty needle matches at its start
        }
        if let i = found { return .integer(i) }
        if allowMissing { return .int(-1) }
        throw StarlarkError("\(fn): substring not found")
    }

    static func affix(_ r: Value, _ a: Arguments, _ fn: String, suffix: Bool) throws -> Value {
        let full = try Methods.recvBytes(r)
        let p = try a.unpackPositional(fn: fn, min: 1, max: 3)
        let (st, en0) = try Ops.indices(p.count > 1 ? p[1] : nil, p.count > 2 ? p[2] : nil, full.count, fn: fn)
        let en = max(en0, st)
        let s = full[st..<en]
        func test(_ x: [UInt8]) -> Bool {
            if x.count > s.count { return false }
            return suffix ? s.suffix(x.count).elementsEqual(x) : s.prefix(x.count).elementsEqual(x)
        }
        switch p[0] {
        case .string(let x): return .bool(test(x.bytes))
        case .tuple(let t):
            for (i, e) in t.elements.enumerated() {
                guard case .string(let x) = e else {
                    throw StarlarkError("\(fn): for parameter \(suffix ? "suffix" : "prefix"): "
                                        + "want string, got \(e.typeName), for element \(i)")
                }
                if test(x.bytes) { return .bool(true) }
            }
            return .bool(false)
        default:
            throw Unpack.fail(fn, suffix ? "suffix" : "prefix", "got \(p[0].typeName), want string or tuple of string")
        }
    }

    static func join(_ r: Value, _ a: Arguments) throws -> Value {
        let sep = try Methods.recvBytes(r)
        let p = try a.unpackPositional(fn: "join", min: 1, max: 1)
        guard Ops.isIterable(p[0]) else {
            throw StarlarkError("join: for parameter iterable: got \(p[0].typeName), want iterable")
        }
        var out: [UInt8] = []
        var it = try Ops.iterate(p[0])
        defer { it.done() }
        var first = true
        while let x = it.next() {
            if !first { out.append(contentsOf: sep) }
            first = false
            guard case .string(let s) = x else {
                throw StarlarkError("join: in list, want string, got \(x.typeName)")
            }
            if out.count + s.bytes.count > Ops.maxAlloc {
                throw Ops.tooLarge("join: string", out.count + s.bytes.count, Ops.maxAlloc)
            }
            if out.count + s.bytes.count > out.capacity { try MemoryBudget.reserve(out.count + s.bytes.count) }
            out.append(contentsOf: s.bytes)
        }
        return .str(out)
    }

    static func strip(_ r: Value, _ a: Arguments, _ fn: String, left: Bool, right: Bool) throws -> Value {
        let s = try Methods.recvBytes(r)
        let p = try a.unpackPositional(fn: fn, min: 0, max: 1)
        var cutset: Set<UInt32>? = nil
        if let c = p.first {
            if case .none = c {} else {
                let chars = try Unpack.string(c, fn, "cutset")
                if !chars.isEmpty {
                    var set = Set<UInt32>()
                    Runes.forEach(chars) { sc, _, _ in set.insert(sc?.value ?? 0xFFFD) }
                    cutset = set
                }
            }
        }
        func strippable(_ sc: Unicode.Scalar?) -> Bool {
            if let cs = cutset { return cs.contains(sc?.value ?? 0xFFFD) }
            guard let sc = sc else { return false }
            return Runes.isSpace(sc)
        }
        // Collect rune boundaries, then trim from both ends.
        var runes: [(Unicode.Scalar?, Int, Int)] = []
        Runes.forEach(s) { sc, st, w in runes.append((sc, st, w)) }
        var lo = 0, hi = runes.count
        if left { while lo < hi && strippable(runes[lo].0) { lo += 1 } }
        if right { while hi > lo && strippable(runes[hi - 1].0) { hi -= 1 } }
        if lo == hi { return .str([]) }
        let start = runes[lo].1, end = runes[hi - 1].1 + runes[hi - 1].2
        return .str(Array(s[start..<end]))
    }

    static func partition(_ r: Value, _ a: Arguments, _ fn: String, last: Bool) throws -> Value {
        let s = try Methods.recvBytes(r)
        let sep = try Unpack.string(try a.unpackPositional(fn: fn, min: 1, max: 1)[0], fn, "sep")
        if sep.isEmpty { throw StarlarkError("\(fn): empty separator") }
        let i = last ? ByteSearch.rfind(s, sep, from: 0, to: s.count) : ByteSearch.find(s, sep, from: 0, to: s.count)
        guard let at = i else {
            let whole = Value.str(s), empty = Value.str([])
            return .tuple(StarTuple(last ? [empty, empty, whole] : [whole, empty, empty]))
        }
        return .tuple(StarTuple([.str(Array(s[..<at])), .str(sep), .str(Array(s[(at + sep.count)...]))]))
    }

    static func replace(_ r: Value, _ a: Arguments) throws -> Value {
        let s = try Methods.recvBytes(r)
        let p = try a.unpackPositional(fn: "replace", min: 2, max: 3)
        let old = try Unpack.string(p[0], "replace", "old")
        let new = try Unpack.string(p[1], "replace", "new")
        var limit = p.count > 2 ? try Unpack.int(p[2], "replace", "count") : -1
        if limit < 0 { limit = Int.max }
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var done = 0
        if old.isEmpty {
            // Go inserts `new` before every rune and at the end.
            var i = 0
            Runes.forEach(s) { _, st, w in
                if done < limit { out.append(contentsOf: new); done += 1 }
                out.append(contentsOf: s[st..<(st + w)])
                i = st + w
            }
            if done < limit { out.append(contentsOf: new) }
            _ = i
            return .str(out)
        }
        var i = 0
        while done < limit, let j = ByteSearch.find(s, old, from: i, to: s.count) {
            out.append(contentsOf: s[i..<j])
            out.append(contentsOf: new)
            i = j + old.count
            done += 1
        }
        out.append(contentsOf: s[i...])
        return .str(out)
    }

    static func split(_ r: Value, _ a: Arguments, _ fn: String) throws -> Value {
        let s = try Methods.recvBytes(r)
        let p = try a.unpackPositional(fn: fn, min: 0, max: 2)
        let maxsplit = p.count > 1 ? try Unpack.int(p[1], fn, "maxsplit") : -1
        var parts: [[UInt8]]
        let sepV = p.first ?? .none
        switch sepV {
        case .none:
            if maxsplit < 0 { parts = splitSpace(s, Int.max) }
            else if fn == "split" { parts = splitSpace(s, maxsplit) }
            else { parts = rsplitSpace(s, maxsplit) }
        case .string(let sepS):
            let sep = sepS.bytes
            if sep.isEmpty { throw StarlarkError("\(fn): empty separator") }
            parts = []
            var i = 0
            while let j = ByteSearch.find(s, sep, from: i, to: s.count) {
                parts.append(Array(s[i..<j]))
                i = j + sep.count
            }
            parts.append(Array(s[i...]))
            if maxsplit >= 0 {
                if fn == "split" {
                    if parts.count > maxsplit + 1 {
                        var joined: [UInt8] = []
                        for (k, part) in parts[maxsplit...].enumerated() {
                            if k > 0 { joined.append(contentsOf: sep) }
                            joined.append(contentsOf: part)
                        }
                        parts = Array(parts[..<maxsplit]) + [joined]
                    }
                } else {
                    let excess = parts.count - maxsplit
                    if excess > 0 {
                        var joined: [UInt8] = []
                        for (k, part) in parts[..<excess].enumerated() {
                            if k > 0 { joined.append(contentsOf: sep) }
                            joined.append(contentsOf: part)
                        }
                        parts = [joined] + Array(parts[excess...])
                    }
                }
            }
        default:
            throw Unpack.fail(fn, "sep", "got \(sepV.typeName), want string or None")
        }
        return .list(StarList(parts.map { .str($0) }))
    }

    private static func splitSpace(_ s: [UInt8], _ max: Int) -> [[UInt8]] {
        var res: [[UInt8]] = []
        var start = -1
        var stopped = false
        Runes.forEach(s) { sc, i, _ in
            if stopped { return }
            if let c = sc, Runes.isSpace(c) {
                if start >= 0 {
                    if res.count == max { stopped = true; return }
                    res.append(Array(s[start..<i]))
                    start = -1
                }
            } else if start == -1 {
                start = i
            }
        }
        if start >= 0 { res.append(Array(s[start...])) }
        return res
    }

    private static func rsplitSpace(_ s: [UInt8], _ max: Int) -> [[UInt8]] {
        var runes: [(Unicode.Scalar?, Int, Int)] = []
        Runes.forEach(s) { sc, st, w in runes.append((sc, st, w)) }
        var res: [[UInt8]] = []
        var end = -1  // byte index after the current field, or -1 in spaces
        var k = runes.count - 1
        while k >= 0 {
            let (sc, st, w) = runes[k]
            if let c = sc, Runes.isSpace(c) {
                if end >= 0 {
                    if res.count == max { break }
                    res.append(Array(s[(st + w)..<end]))
                    end = -1
                }
            } else if end == -1 {
                end = st + w
            }
            k -= 1
        }
        if end >= 0 { res.append(Array(s[..<end])) }
        return res.reversed()
    }

    static func splitlines(_ r: Value, _ a: Arguments) throws -> Value {
        let s = try Methods.recvBytes(r)
        let p = try a.unpackPositional(fn: "splitlines", min: 0, max: 1)
        let keep = p.isEmpty ? false : try Unpack.bool(p[0], "splitlines", "keepends")
        var lines: [Value] = []
        var i = 0
        while i < s.count {
            if let j = s[i...].firstIndex(of: 10) {
                lines.append(.str(Array(s[i..<(keep ? j + 1 : j)])))
                i = j + 1
            } else {
                lines.append(.str(Array(s[i...])))
                break
            }
        }
        return .list(StarList(lines))
    }
}
