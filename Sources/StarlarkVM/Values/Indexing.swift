/// Indexing, slicing and item assignment.
extension Ops {
    /// An index or count argument as a machine integer: "got T, want int" for non-ints and
    /// "N out of range" for ints beyond Int64.
    /// Go's AsInt32, used for indices, slice bounds and shift counts: "got T, want int" for
    /// non-ints and "N out of range" outside the 32-bit range.
    public static func toInt(_ v: Value) throws -> Int {
        switch v {
        case .int(let i) where i >= Int64(Int32.min) && i <= Int64(Int32.max): return Int(i)
        case .int(let i): throw StarlarkError("\(i) out of range")
        case .bigInt(let b): throw StarlarkError("\(b.value) out of range")
        default: throw StarlarkError("got \(v.typeName), want int")
        }
    }

    /// Go's AsInt for an `int` parameter: the full 64-bit range.
    public static func toInt64(_ v: Value) throws -> Int {
        switch v {
        case .int(let i): return Int(i)
        case .bigInt(let b): throw StarlarkError("\(b.value) out of range (want value in signed 64-bit range)")
        default: throw StarlarkError("got \(v.typeName), want int")
        }
    }

    static func outOfRange(_ i: Int, _ n: Int, _ x: Value) -> StarlarkError {
        if n == 0 { return StarlarkError("index \(i) out of range: empty \(x.typeName)") }
        return StarlarkError("\(x.typeName) index \(i) out of range [\(-n):\(n - 1)]")
    }

    /// Resolves a possibly negative index against length `n`.
    @inline(__always)
    static func resolveIndex(_ y: Value, _ n: Int, _ x: Value) throws -> Int {
        let i: Int
        if case .int(let v) = y, v >= Int64(Int32.min), v <= Int64(Int32.max) { i = Int(v) } else {
            do { i = try toInt(y) } catch let e as StarlarkError {
                throw StarlarkError("\(x.typeName) index: \(e.message)")
            }
        }
        let j = i < 0 ? i + n : i
        if j < 0 || j >= n { throw outOfRange(i, n, x) }
        return j
    }

    /// `x[i]`.
    public static func getIndex(_ x: Value, _ i: Value, thread: StarThread) throws -> Value {
        switch x {
        case .list(let l): return l.elements[try resolveIndex(i, l.elements.count, x)]
        case .tuple(let t): return t.elements[try resolveIndex(i, t.elements.count, x)]
        case .dict(let d):
            if let v = try d.get(i) { return v }
            throw StarlarkError("key \(repr(i)) not in dict")
        case .string(let s):
            let j = try resolveIndex(i, s.bytes.count, x)
            return .string(SingleByteStrings.shared[Int(s.bytes[j])])
        case .bytes(let b):
            let j = try resolveIndex(i, b.bytes.count, x)
            return .int(Int64(b.bytes[j]))
        case .object(let o):
            if let r = o as? RangeObject {
                let j = try resolveIndex(i, r.count, x)
                return .int(r.start &+ Int64(j) &* r.step)
            }
            return try o.index(i, thread: thread)
        default:
            throw StarlarkError("unhandled index operation \(x.typeName)[\(i.typeName)]")
        }
    }

    /// `x[i] = v`.
    public static func setIndex(_ x: Value, _ i: Value, _ v: Value) throws {
        switch x {
        case .list(let l):
            let n = l.elements.count
            let j: Int
            j = try toInt(i)
            let r = j < 0 ? j + n : j
            if r < 0 || r >= n { throw outOfRange(j, n, x) }
            try l.checkMutable("assign to element of")
            l.elements[r] = v
        case .dict(let d):
            try d.set(i, v)
        default:
            throw StarlarkError("\(x.typeName) value does not support item assignment")
        }
    }

    /// `x[lo:hi:step]`; `.none` stands for an omitted bound.
    public static func slice(_ x: Value, _ lo: Value, _ hi: Value, _ step: Value) throws -> Value {
        let n: Int
        switch x {
        case .list(let l): n = l.elements.count
        case .tuple(let t): n = t.elements.count
        case .string(let s): n = s.bytes.count
        case .bytes(let b): n = b.bytes.count
        case .object(let o):
            if let r = o as? RangeObject { n = r.count; break }
            if let v = try o.slice(lo, hi, step) { return v }
            throw StarlarkError("invalid slice operand \(x.typeName)")
        default:
            throw StarlarkError("invalid slice operand \(x.typeName)")
        }
        let (start, end, stride) = try sliceBounds(lo, hi, step, n)
        switch x {
        case .list(let l): return .list(StarList(pick(l.elements, start, end, stride)))
        case .tuple(let t): return .tuple(StarTuple(pick(t.elements, start, end, stride)))
        case .string(let s):
            if stride == 1 { return .str(Array(s.bytes[start..<end])) }
            return .str(pick(s.bytes, start, end, stride))
        case .bytes(let b):
            if stride == 1 { return .bytes(StarBytes(Array(b.bytes[start..<end]))) }
            return .bytes(StarBytes(pick(b.bytes, start, end, stride)))
        case .object(let o):
            if let r = o as? RangeObject { return .object(try r.sliced(start, end, stride)) }
            throw StarlarkError("invalid slice operand \(x.typeName)")
        default:
            throw StarlarkError("invalid slice operand \(x.typeName)")
        }
    }

    /// Go's slice bound rules: returns start, end (exclusive, may be -1 for negative
    /// steps) and step.
    static func sliceBounds(_ lo: Value, _ hi: Value, _ stepV: Value, _ n: Int) throws -> (Int, Int, Int) {
        var step = 1
        if case .none = stepV {} else {
            do { step = try toInt(stepV) } catch let e as StarlarkError {
                throw StarlarkError("invalid slice step: \(e.message)")
            }
            if step == 0 { throw StarlarkError("zero is not a valid slice step") }
        }
        func index(_ v: Value, _ def: Int, _ what: String) throws -> Int {
            if case .none = v { return def }
            do {
                let i = try toInt(v)
                return i < 0 ? i + n : i
            } catch let e as StarlarkError {
                throw StarlarkError("invalid \(what) index: \(e.message)")
            }
        }
        if step > 0 {
            let start = min(max(try index(lo, 0, "start"), 0), n)
            var end = min(max(try index(hi, n, "end"), 0), n)
            if end < start { end = start }
            return (start, end, step)
        }
        var start = try index(lo, n - 1, "start")
        if start >= n { start = n - 1 }
        var end = try index(hi, -1, "end")
        if end < -1 { end = -1 }
        if start < end { start = end }
        return (start, end, step)
    }

    static func pick<T>(_ a: [T], _ start: Int, _ end: Int, _ step: Int) -> [T] {
        var out: [T] = []
        if step > 0 {
            var i = start
            while i < end { out.append(a[i]); i += step }
        } else {
            var i = start
            while i > end { out.append(a[i]); i += step }
        }
        return out
    }
}

extension StarList {
    /// Throws "cannot VERB frozen list" / "cannot VERB list during iteration".
    public func checkMutable(_ verb: String) throws {
        if frozen { throw StarlarkError("cannot \(verb) frozen list") }
        if iterators > 0 { throw StarlarkError("cannot \(verb) list during iteration") }
    }
}

/// Preallocated one-byte strings so that indexing a string allocates nothing.
final class SingleByteStrings: @unchecked Sendable {
    static let shared = SingleByteStrings()
    private let table: [StarString]
    private init() {
        // Hashes are computed up front so that shared instances are never written later.
        table = (0..<256).map { b in
            let s = StarString([UInt8(b)])
            _ = s.hashValue32
            return s
        }
    }
    subscript(_ b: Int) -> StarString { table[b] }
}
