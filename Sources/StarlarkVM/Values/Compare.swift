import StarlarkSyntax

/// Operators, indexing, attributes, iteration and printing of values: the runtime half that
/// the interpreter calls for every operation it does not handle inline.
public enum Ops {
    /// Comparisons of nested containers stop at this depth (cyclic structures).
    static let maxCompareDepth = 10
}

extension Ops {
    /// `x == y`.
    @inline(__always)
    public static func equal(_ x: Value, _ y: Value) throws -> Bool {
        switch (x, y) {
        case (.int(let a), .int(let b)): return a == b
        case (.string(let a), .string(let b)): return a === b || a.bytes == b.bytes
        case (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        default: return try compareDepth(.eq, x, y, maxCompareDepth)
        }
    }

    /// `x OP y` for OP in `== != < <= > >=`.
    public static func compare(_ op: BinaryOp, _ x: Value, _ y: Value) throws -> Bool {
        switch (x, y) {
        case (.int(let a), .int(let b)): return threeway(op, a < b ? -1 : (a > b ? 1 : 0))
        default: return try compareDepth(op, x, y, maxCompareDepth)
        }
    }

    @inline(__always)
    static func threeway(_ op: BinaryOp, _ c: Int) -> Bool {
        switch op {
        case .eq: return c == 0
        case .ne: return c != 0
        case .lt: return c < 0
        case .le: return c <= 0
        case .gt: return c > 0
        case .ge: return c >= 0
        default: return false
        }
    }

    static func notImplemented(_ op: BinaryOp, _ x: Value, _ y: Value) -> StarlarkError {
        StarlarkError("\(x.typeName) \(op.rawValue) \(y.typeName) not implemented")
    }

    static func compareDepth(_ op: BinaryOp, _ x: Value, _ y: Value, _ depth: Int) throws -> Bool {
        if depth < 1 { throw StarlarkError("comparison exceeded maximum recursion depth") }
        switch (x, y) {
        case (.none, .none):
            if op == .eq { return true }
            if op == .ne { return false }
            throw notImplemented(op, x, y)
        case (.bool(let a), .bool(let b)):
            return threeway(op, a == b ? 0 : (a ? 1 : -1))
        case (.int, .int), (.int, .bigInt), (.bigInt, .int), (.bigInt, .bigInt):
            return threeway(op, compareInts(x, y))
        case (.float(let a), .float(let b)):
            return threeway(op, NumberConversion.compareFloats(a, b))
        case (.int(let a), .float(let b)):
            return threeway(op, NumberConversion.compareInt64Float(a, b))
        case (.bigInt, .float(let b)):
            return threeway(op, NumberConversion.compareIntFloat(x, b))
        case (.float(let a), .int(let b)):
            return threeway(op, -NumberConversion.compareInt64Float(b, a))
        case (.float(let a), .bigInt):
            return threeway(op, -NumberConversion.compareIntFloat(y, a))
        case (.string(let a), .string(let b)):
            return threeway(op, compareBytes(a.bytes, b.bytes))
        case (.bytes(let a), .bytes(let b)):
            return threeway(op, compareBytes(a.bytes, b.bytes))
        case (.list(let a), .list(let b)):
            return try compareSequences(op, a.elements, b.elements, depth)
        case (.tuple(let a), .tuple(let b)):
            return try compareSequences(op, a.elements, b.elements, depth)
        case (.dict(let a), .dict(let b)):
            guard op == .eq || op == .ne else { throw notImplemented(op, x, y) }
            let eq = try dictsEqual(a, b, depth)
            return op == .eq ? eq : !eq
        case (.set(let a), .set(let b)):
            guard op == .eq || op == .ne else { throw notImplemented(op, x, y) }
            let eq = try setsEqual(a, b)
            return op == .eq ? eq : !eq
        case (.function(let a), .function(let b)):
            return try identity(op, x, y, a === b)
        case (.builtin(let a), .builtin(let b)):
            return try identity(op, x, y, a === b)
        case (.object(let a), .object(let b)) where a.typeName == b.typeName:
            if let c = try a.compare(op, b, depth: depth - 1) { return c }
            return try identity(op, x, y, try a.equals(b))
        default:
            if op == .eq { return false }
            if op == .ne { return true }
            throw notImplemented(op, x, y)
        }
    }

    private static func identity(_ op: BinaryOp, _ x: Value, _ y: Value, _ same: Bool) throws -> Bool {
        if op == .eq { return same }
        if op == .ne { return !same }
        throw notImplemented(op, x, y)
    }

    static func compareInts(_ x: Value, _ y: Value) -> Int {
        switch (x, y) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        default:
            let a = x.bigIntValue ?? 0, b = y.bigIntValue ?? 0
            return a < b ? -1 : (a > b ? 1 : 0)
        }
    }

    static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = min(a.count, b.count)
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                for i in 0..<n where pa[i] != pb[i] { return pa[i] < pb[i] ? -1 : 1 }
                return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
            }
        }
    }

    static func compareSequences(_ op: BinaryOp, _ x: [Value], _ y: [Value], _ depth: Int) throws -> Bool {
        if x.count != y.count && (op == .eq || op == .ne) { return op == .ne }
        for i in 0..<min(x.count, y.count) {
            if !(try compareDepth(.eq, x[i], y[i], depth - 1)) {
                switch op {
                case .eq: return false
                case .ne: return true
                default: return try compareDepth(op, x[i], y[i], depth - 1)
                }
            }
        }
        return threeway(op, x.count < y.count ? -1 : (x.count > y.count ? 1 : 0))
    }

    static func dictsEqual(_ a: StarDict, _ b: StarDict, _ depth: Int) throws -> Bool {
        if a.count != b.count { return false }
        for e in 0..<a.entryCapacity where a.isLive(e) {
            guard let bv = try b.get(a.key(at: e)) else { return false }
            if !(try compareDepth(.eq, a.value(at: e), bv, depth - 1)) { return false }
        }
        return true
    }

    static func setsEqual(_ a: StarSet, _ b: StarSet) throws -> Bool {
        if a.count != b.count { return false }
        for e in 0..<a.entryCapacity where a.isLive(e) {
            if !(try b.contains(a.key(at: e))) { return false }
        }
        return true
    }
}
