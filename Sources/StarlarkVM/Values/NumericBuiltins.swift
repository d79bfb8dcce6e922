import BigInt
import StarlarkSyntax

/// `int`, `float`, `min`/`max`, `sorted`: the builtins with the most semantics.
extension Builtins {
    static let intParams = Params("int", ["x", "base?"])

    static func int(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpack(intParams)
        let x = p[0] ?? .int(0)
        if case .string(let s) = x {
            var base = 10
            if let bv = p[1] {
                guard case .int(let b) = bv else { throw Unpack.fail("int", "base", "got \(bv.typeName), want int") }
                guard b == 0 || (b >= 2 && b <= 36) else {
                    throw StarlarkError("int: base must be an integer >= 2 && <= 36")
                }
                base = Int(b)
            }
            return try parseInt(s.bytes, base: base)
        }
        if p[1] != nil { throw StarlarkError("int: can't convert non-string with explicit base") }
        switch x {
        case .bool(let b): return .int(b ? 1 : 0)
        case .int, .bigInt: return x
        case .float(let f):
            do { return try NumberConversion.floatToInt(f) } catch let e as StarlarkError {
                throw StarlarkError("int: \(e.message)")
            }
        default:
            throw Unpack.fail("int", "x", "got \(x.typeName), want int, float, bool or string")
        }
    }

    /// Go's int(string, base) rules: optional sign, 0x/0o/0b prefixes (which must agree
    /// with an explicit base), base 0 meaning "from the prefix".
    static func parseInt(_ orig: [UInt8], base b0: Int) throws -> Value {
        var b = b0
        var s = orig[...]
        var neg = false
        if let f = s.first {
            if f == UInt8(ascii: "+") { s = s.dropFirst() } else if f == UInt8(ascii: "-") { neg = true; s = s.dropFirst() }
        }
        func invalid() -> StarlarkError {
            StarlarkError("int: invalid literal with base \(b): \(String(decoding: orig, as: UTF8.self))")
        }
        var prefixBase = 0
        if s.count > 1 && s.first == UInt8(ascii: "0") {
            let c1 = s[s.startIndex + 1]
            if s.count > 2 {
                switch c1 {
                case UInt8(ascii: "o"), UInt8(ascii: "O"): s = s.dropFirst(2); prefixBase = 8
                case UInt8(ascii: "x"), UInt8(ascii: "X"): s = s.dropFirst(2); prefixBase = 16
                case UInt8(ascii: "b"), UInt8(ascii: "B"): s = s.dropFirst(2); prefixBase = 2
                default: break
                }
            }
            if prefixBase == 0 && b == 0 {
                if s.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") }) { return .int(0) }
                throw invalid()
            }
            if b != 0 && prefixBase != 0 && prefixBase != b { throw invalid() }
        }
        if b == 0 { b = prefixBase != 0 ? prefixBase : 10 }
        if s.isEmpty { throw invalid() }
        // Go's big.Int.SetString accepts underscores only with base 0; digits only here.
        var value = BigInt(0)
        var small: Int64 = 0
        var useBig = false
        for c in s {
            let d: Int
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = Int(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): d = Int(c - 97) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): d = Int(c - 65) + 10
            default: throw invalid()
            }
            if d >= b { throw invalid() }
            if !useBig {
                let (m, o1) = small.multipliedReportingOverflow(by: Int64(b))
                let (r, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { useBig = true; value = BigInt(small) * BigInt(b) + BigInt(d) } else { small = r }
            } else {
                value = value * BigInt(b) + BigInt(d)
            }
        }
        if !useBig { value = BigInt(small) }
        return .integer(neg ? -value : value)
    }

    static func float(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        if !a.named.isEmpty { throw StarlarkError("float does not accept keyword arguments") }
        if a.positional.isEmpty { return .float(0) }
        if a.positional.count != 1 { throw StarlarkError("float got \(a.positional.count) arguments, wants 1") }
        let x = a.positional[0]
        switch x {
        case .bool(let b): return .float(b ? 1 : 0)
        case .int, .bigInt: return .float(try NumberConversion.finiteFloat(x))
        case .float: return x
        case .string(let s):
            if s.bytes.isEmpty { throw StarlarkError("float: empty string") }
            let text = s.string
            switch text.lowercased() {
            case "inf", "+inf", "infinity", "+infinity": return .float(.infinity)
            case "-inf", "-infinity": return .float(-.infinity)
            case "nan", "+nan", "-nan": return .float(.nan)
            default: break
            }
            guard isFloatSyntax(s.bytes), let f = Double(text) else {
                throw StarlarkError("invalid float literal: \(text)")
            }
            if f.isInfinite { throw StarlarkError("floating-point number too large") }
            return .float(f)
        default:
            throw Unpack.fail("float", "x", "got \(x.typeName), want number or string")
        }
    }

    /// Decimal float syntax (Go's ParseFloat also takes hex floats and underscores; Swift's
    /// parser differs elsewhere, so the accepted set is pinned down here).
    private static func isFloatSyntax(_ b: [UInt8]) -> Bool {
        var i = 0
        if i < b.count && (b[i] == 43 || b[i] == 45) { i += 1 }
        var digits = 0
        while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1; digits += 1 }
        if i < b.count && b[i] == 46 {
            i += 1
            while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1; digits += 1 }
        }
        if digits == 0 { return false }
        if i < b.count && (b[i] == 101 || b[i] == 69) {
            i += 1
            if i < b.count && (b[i] == 43 || b[i] == 45) { i += 1 }
            var ed = 0
            while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1; ed += 1 }
            if ed == 0 { return false }
        }
        return i == b.count
    }

    static func minmax(_ t: StarThread, _ a: Arguments, _ fn: String) throws -> Value {
        if a.positional.isEmpty { throw StarlarkError("\(fn) requires at least one positional argument") }
        let p = try Arguments([], named: a.named).unpack(fn: fn, params: ["key?"])
        let key = p[0]
        if let k = key, !isCallable(k) {
            throw StarlarkError("\(fn): for parameter \"key\": got \(k.typeName), want callable")
        }
        let iterable: Value = a.positional.count == 1 ? a.positional[0] : .tuple(StarTuple(a.positional))
        guard Ops.isIterable(iterable) else {
            let t = iterable.typeName
            throw Unpack.fail(fn, "iterable", "got \(t), want iterable (\(t) value is not iterable)")
        }
        let values = try Ops.collect(iterable)
        guard var best = values.first else { throw StarlarkError("\(fn): argument is an empty sequence") }
        var bestKey = try key.map { try t.call($0, Arguments([best])) } ?? best
        let op: BinaryOp = fn == "max" ? .gt : .lt
        for v in values.dropFirst() {
            let k = try key.map { try t.call($0, Arguments([v])) } ?? v
            let better: Bool
            do { better = try Ops.compare(op, k, bestKey) } catch let e as StarlarkError {
                throw StarlarkError("\(fn): \(e.message)")
            }
            if better { best = v; bestKey = k }
        }
        return best
    }

    static func isCallable(_ v: Value) -> Bool {
        switch v {
        case .function, .builtin: return true
        case .object(let o): return !(o is RangeObject) && o.isCallable
        default: return false
        }
    }

    static let sortedParams = Params("sorted", ["iterable", "key?", "reverse?"])

    static func sorted(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpack(sortedParams)
        let x = p[0] ?? .none
        guard Ops.isIterable(x) else { throw StarlarkError("sorted: for parameter iterable: got \(x.typeName), want iterable") }
        let key = p[1]
        if let k = key, !isCallable(k) {
            let name = a.positional.count > 1 ? "key" : "\"key\""  // Go quotes keyword names only
            throw StarlarkError("sorted: for parameter \(name): got \(k.typeName), want callable")
        }
        let reverse = try p[2].map { try Unpack.bool($0, "sorted", a.positional.count > 2 ? "reverse" : "\"reverse\"") } ?? false
        let values = try Ops.collect(x)
        let keys = try key.map { k in try values.map { try t.call(k, Arguments([$0])) } } ?? values
        var idx = Array(0..<values.count)
        // Like Go's sort, a failing comparison counts as "not less" and sorting goes on;
        // the last error is reported (which is what go.starlark.net's messages reflect).
        var lastError: Error? = nil
        StableSort.sort(&idx) { i, j in
            do {
                return reverse ? try Ops.compare(.lt, keys[j], keys[i]) : try Ops.compare(.lt, keys[i], keys[j])
            } catch {
                lastError = error
                return false
            }
        }
        if let e = lastError { throw e }
        return .list(StarList(idx.map { values[$0] }))
    }
}


/// A stable sort: insertion sort over blocks of 20 (the comparison order Go's sort.Stable
/// uses, so error messages name the same pair), then bottom-up merging.
enum StableSort {
    static func sort(_ a: inout [Int], _ less: (Int, Int) -> Bool) {
        let n = a.count
        if n < 2 { return }
        let block = 20
        var lo = 0
        while lo < n {
            let hi = min(lo + block, n)
            if hi - lo > 1 {
                for i in (lo + 1)..<hi {
                    var j = i
                    while j > lo && less(a[j], a[j - 1]) { a.swapAt(j, j - 1); j -= 1 }
                }
            }
            lo = hi
        }
        var width = block
        var buf = a
        while width < n {
            var start = 0
            while start < n {
                let mid = min(start + width, n), end = min(start + 2 * width, n)
                var i = start, j = mid, k = start
                while i < mid && j < end {
                    if less(a[j], a[i]) { buf[k] = a[j]; j += 1 } else { buf[k] = a[i]; i += 1 }
                    k += 1
                }
                while i < mid { buf[k] = a[i]; i += 1; k += 1 }
                while j < end { buf[k] = a[j]; j += 1; k += 1 }
                start = end
            }
            swap(&a, &buf)
            width *= 2
        }
    }
}
