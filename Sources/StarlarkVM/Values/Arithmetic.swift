import BigInt
import StarlarkSyntax

extension Ops {
    /// Upper bound on the size of a value built by repetition (`"a" * n`), as in Go.
    static let maxAlloc = 1 << 30
    /// Upper bound on the length of a list or tuple built by `+`, `+=` or `extend`: 2^27
    /// values are 2 GiB, so doubling a list in a loop ends in an error, not an OOM kill.
    static let maxElements = 1 << 27

    /// `a + b` allocated once at its exact size; refuses results over `limit` (a string
    /// doubled in a loop would otherwise exhaust memory).
    @inline(__always)
    static func concat<T>(_ a: [T], _ b: [T], _ what: String, limit: Int = maxAlloc) throws -> [T] {
        let n = a.count + b.count  // both are array counts: no overflow
        if n > limit { throw tooLarge(what, n, limit) }
        try MemoryBudget.reserve(n * MemoryLayout<T>.stride)
        var r: [T] = []
        r.reserveCapacity(n)
        r.append(contentsOf: a)
        r.append(contentsOf: b)
        return r
    }

    /// Upper bound on the size of an integer result, in bits (about 79,000 decimal
    /// digits). Squaring in a loop would otherwise run for hours and exhaust memory;
    /// a clear error is more useful to a test author than an unbounded number.
    static let maxIntBits = 1 << 18

    @inline(__always)
    static func checkIntSize(_ bits: Int) throws {
        if bits > maxIntBits {
            throw StarlarkError("integer too large: the result would need \(bits) bits (the limit is \(maxIntBits))")
        }
    }

    @inline(never)
    static func tooLarge(_ what: String, _ n: Int, _ limit: Int) -> StarlarkError {
        let unit = what.hasSuffix("string") || what == "bytes" ? "bytes" : "elements"
        return StarlarkError("\(what) too large: \(n) \(unit) (the limit is \(limit)); build it in smaller pieces")
    }

    /// `x OP y` for every binary operator except `and`/`or`.
    public static func binary(_ op: BinaryOp, _ x: Value, _ y: Value, thread: StarThread) throws -> Value {
        // Int64 fast paths first: they are most of the arithmetic the interpreter sees.
        if case .int(let a) = x, case .int(let b) = y {
            switch op {
            case .add: return IntMath.add(a, b)
            case .sub: return IntMath.sub(a, b)
            case .mul: return IntMath.mul(a, b)
            case .lt: return .bool(a < b)
            case .le: return .bool(a <= b)
            case .gt: return .bool(a > b)
            case .ge: return .bool(a >= b)
            case .eq: return .bool(a == b)
            case .ne: return .bool(a != b)
            case .floorDiv:
                if b == 0 { throw StarlarkError("floored division by zero") }
                return IntMath.floorDiv(a, b)
            case .mod:
                if b == 0 { throw StarlarkError("integer modulo by zero") }
                return IntMath.floorMod(a, b)
            case .bitAnd: return .int(a & b)
            case .bitOr: return .int(a | b)
            case .bitXor: return .int(a ^ b)
            default: break
            }
        }
        switch op {
        case .eq, .ne, .lt, .le, .gt, .ge:
            return .bool(try compare(op, x, y))
        case .in:
            return .bool(try contains(y, x))
        case .notIn:
            return .bool(!(try contains(y, x)))
        case .and, .or:
            throw StarlarkError("unknown binary op: \(x.typeName) \(op.rawValue) \(y.typeName)")
        default:
            if let r = try arithmetic(op, x, y) { return r }
            if case .object(let o) = x, let r = try o.binary(op, y, isLeft: true) { return r }
            if case .object(let o) = y, let r = try o.binary(op, x, isLeft: false) { return r }
            throw StarlarkError("unknown binary op: \(x.typeName) \(op.rawValue) \(y.typeName)")
        }
    }

    /// Arithmetic and bitwise operators; nil when the operand types do not support `op`.
    static func arithmetic(_ op: BinaryOp, _ x: Value, _ y: Value) throws -> Value? {
        switch op {
        case .add:
            switch (x, y) {
            case (.string(let a), .string(let b)): return .str(try concat(a.bytes, b.bytes, "string"))
            case (.bytes(let a), .bytes(let b)): return .bytes(StarBytes(try concat(a.bytes, b.bytes, "bytes")))
            case (.list(let a), .list(let b)):
                return .list(StarList(try concat(a.elements, b.elements, "list", limit: maxElements)))
            case (.tuple(let a), .tuple(let b)):
                return .tuple(StarTuple(try concat(a.elements, b.elements, "tuple", limit: maxElements)))
            default: return try numeric(op, x, y)
            }
        case .sub, .div, .floorDiv:
            return try numeric(op, x, y)
        case .mul:
            switch (x, y) {
            case (.int, .string(let s)), (.bigInt, .string(let s)):
                return .str(try repeatBytes(s.bytes, x))
            case (.string(let s), .int), (.string(let s), .bigInt):
                return .str(try repeatBytes(s.bytes, y))
            case (.int, .bytes(let s)), (.bigInt, .bytes(let s)):
                return .bytes(StarBytes(try repeatBytes(s.bytes, x)))
            case (.bytes(let s), .int), (.bytes(let s), .bigInt):
                return .bytes(StarBytes(try repeatBytes(s.bytes, y)))
            case (.int, .list(let l)), (.bigInt, .list(let l)):
                return .list(StarList(try repeatValues(l.elements, x)))
            case (.list(let l), .int), (.list(let l), .bigInt):
                return .list(StarList(try repeatValues(l.elements, y)))
            case (.int, .tuple(let t)), (.bigInt, .tuple(let t)):
                return .tuple(StarTuple(try repeatValues(t.elements, x)))
            case (.tuple(let t), .int), (.tuple(let t), .bigInt):
                return .tuple(StarTuple(try repeatValues(t.elements, y)))
            default: return try numeric(op, x, y)
            }
        case .mod:
            switch x {
            case .string(let s): return .str(try PercentFormat.interpolate(s.bytes, y))
            default: return try numeric(op, x, y)
            }
        case .bitAnd, .bitOr, .bitXor:
            if x.isInt && y.isInt {
                let a = x.bigIntValue ?? 0, b = y.bigIntValue ?? 0
                switch op {
                case .bitAnd: return .integer(IntMath.bitwise(a, b, &))
                case .bitOr: return .integer(IntMath.bitwise(a, b, |))
                default: return .integer(IntMath.bitwise(a, b, ^))
                }
            }
            if case .set(let a) = x, case .set(let b) = y {
                switch op {
                case .bitOr: return .set(try SetAlgebra.union(a, b.elements))
                case .bitAnd: return .set(try SetAlgebra.intersection(a, b.elements))
                default: return .set(try SetAlgebra.symmetricDifference(a, b.elements))
                }
            }
            return nil
        case .shl, .shr:
            guard x.isInt else { return nil }
            let n = Int64(try toInt(y))
            if n < 0 { throw StarlarkError("negative shift count: \(n)") }
            if op == .shl {
                if n >= 512 { throw StarlarkError("shift count too large: \(n)") }
                if case .int(let a) = x, n < 62, a.magnitude < (UInt64(1) << (62 - UInt64(n))) {
                    return .int(a << n)
                }
                let big = x.bigIntValue ?? 0
                try checkIntSize(big.bitWidth + Int(n))
                return .integer(big << Int(n))
            }
            if case .int(let a) = x { return .int(n >= 64 ? (a < 0 ? -1 : 0) : a >> n) }
            return .integer(IntMath.shiftRight(x.bigIntValue ?? 0, Int(n)))
        default:
            return nil
        }
    }

    /// int/float arithmetic with Go's promotion rules and error messages.
    static func numeric(_ op: BinaryOp, _ x: Value, _ y: Value) throws -> Value? {
        switch (x, y) {
        case (.int, .int), (.int, .bigInt), (.bigInt, .int), (.bigInt, .bigInt):
            return try bigArithmetic(op, x.bigIntValue ?? 0, y.bigIntValue ?? 0, x, y)
        case (.float, .float), (.float, .int), (.float, .bigInt), (.int, .float), (.bigInt, .float):
            let a = try NumberConversion.finiteFloat(x)
            let b = try NumberConversion.finiteFloat(y)
            return try floatArithmetic(op, a, b, yIsInt: y.isInt)
        default:
            return nil
        }
    }

    private static func bigArithmetic(_ op: BinaryOp, _ a: BigInt, _ b: BigInt, _ x: Value, _ y: Value) throws -> Value? {
        switch op {
        case .add, .sub:
            try checkIntSize(max(a.bitWidth, b.bitWidth) + 1)
            return .integer(op == .add ? a + b : a - b)
        case .mul:
            try checkIntSize(a.bitWidth + b.bitWidth)
            return .integer(a * b)
        case .div:
            let fa = try NumberConversion.finiteFloat(x), fb = try NumberConversion.finiteFloat(y)
            if fb == 0 { throw StarlarkError("floating-point division by zero") }
            return .float(fa / fb)
        case .floorDiv:
            if b.isZero { throw StarlarkError("floored division by zero") }
            return .integer(IntMath.floorDiv(a, b))
        case .mod:
            if b.isZero { throw StarlarkError("integer modulo by zero") }
            return .integer(IntMath.floorMod(a, b))
        default: return nil
        }
    }

    private static func floatArithmetic(_ op: BinaryOp, _ a: Double, _ b: Double, yIsInt: Bool) throws -> Value? {
        switch op {
        case .add: return .float(a + b)
        case .sub: return .float(a - b)
        case .mul: return .float(a * b)
        case .div:
            if b == 0 { throw StarlarkError("floating-point division by zero") }
            return .float(a / b)
        case .floorDiv:
            if b == 0 { throw StarlarkError("floored division by zero") }
            return .float((a / b).rounded(.down))
        case .mod:
            if b == 0 { throw StarlarkError("floating-point modulo by zero") }
            return .float(NumberConversion.floatMod(a, b))
        default: return nil
        }
    }

    /// The repeat count of `s * n`: negative counts give empty results.
    private static func repeatCount(_ n: Value, elements: Int, limit: Int = maxAlloc, stride: Int = 1) throws -> Int {
        guard case .int(let i) = n, i >= Int64(Int32.min), i <= Int64(Int32.max) else {
            throw StarlarkError("repeat count \(repr(n)) too large")
        }
        if i < 1 || elements == 0 { return 0 }
        let (total, overflow) = elements.multipliedReportingOverflow(by: Int(i))  // Int is 64-bit
        if overflow || total >= limit {
            throw StarlarkError("excessive repeat (\(elements) * \(i) elements)")
        }
        try MemoryBudget.reserve(total * stride)
        return Int(i)
    }

    static func repeatBytes(_ s: [UInt8], _ n: Value) throws -> [UInt8] {
        let k = try repeatCount(n, elements: s.count)
        var out: [UInt8] = []
        out.reserveCapacity(s.count * k)
        for _ in 0..<k { out.append(contentsOf: s) }
        return out
    }

    static func repeatValues(_ s: [Value], _ n: Value) throws -> [Value] {
        // A list of 2^29 values is 8 GiB: values are bounded like concatenation's results.
        let k = try repeatCount(n, elements: s.count, limit: maxElements, stride: MemoryLayout<Value>.stride)
        var out: [Value] = []
        out.reserveCapacity(s.count * k)
        for _ in 0..<k { out.append(contentsOf: s) }
        return out
    }

    /// `needle in container`.
    public static func contains(_ container: Value, _ needle: Value) throws -> Bool {
        switch container {
        case .list(let l):
            for e in l.elements where try equal(e, needle) { return true }
            return false
        case .tuple(let t):
            for e in t.elements where try equal(e, needle) { return true }
            return false
        // As in Go, an unhashable key is simply not in the dict (no error).
        case .dict(let d): return ((try? d.get(needle)) ?? nil) != nil
        case .set(let s): return try s.contains(needle)
        case .string(let s):
            guard case .string(let n) = needle else {
                throw StarlarkError("'in <string>' requires string as left operand, not \(needle.typeName)")
            }
            return ByteSearch.find(s.bytes, n.bytes, from: 0, to: s.bytes.count) != nil
        case .bytes(let s):
            switch needle {
            case .bytes(let n): return ByteSearch.find(s.bytes, n.bytes, from: 0, to: s.bytes.count) != nil
            case .int(let i):
                guard i >= 0 && i < 256 else { throw StarlarkError("int in bytes: \(i) out of range") }
                return s.bytes.contains(UInt8(i))
            default:
                throw StarlarkError("'in bytes' requires bytes or int as left operand, not \(needle.typeName)")
            }
        case .object(let o):
            if let r = o as? RangeObject {
                guard needle.isInt || { if case .float = needle { return true }; return false }() else {
                    throw StarlarkError("'in <range>' requires integer as left operand, not \(needle.typeName)")
                }
                return r.contains(needle)
            }
            if let r = try o.binary(.in, needle, isLeft: false) { return r.truth }
            throw StarlarkError("unknown binary op: \(needle.typeName) in \(container.typeName)")
        default:
            throw StarlarkError("unknown binary op: \(needle.typeName) in \(container.typeName)")
        }
    }

    /// `OP x` for `+ - ~ not`.
    public static func unary(_ op: UnaryOp, _ x: Value) throws -> Value {
        switch (op, x) {
        case (.not, _): return .bool(!x.truth)
        case (.minus, .int(let i)):
            return i == Int64.min ? .integer(-BigInt(i)) : .int(-i)
        case (.minus, .bigInt(let b)): return .integer(-b.value)
        case (.minus, .float(let f)): return .float(-f)
        case (.plus, .int), (.plus, .bigInt), (.plus, .float): return x
        case (.invert, .int(let i)): return .int(~i)
        case (.invert, .bigInt(let b)): return .integer(-b.value - 1)
        default:
            throw StarlarkError("unknown unary op: \(op.rawValue) \(x.typeName)")
        }
    }
}

/// Substring search on byte strings.
enum ByteSearch {
    /// First index >= from where `needle` occurs entirely before `to`.
    static func find(_ hay: [UInt8], _ needle: [UInt8], from: Int, to: Int) -> Int? {
        let n = needle.count
        if n == 0 { return from <= to ? from : nil }
        if to - from < n { return nil }
        let first = needle[0]
        var i = from
        let last = to - n
        while i <= last {
            if hay[i] == first {
                var k = 1
                while k < n && hay[i + k] == needle[k] { k += 1 }
                if k == n { return i }
            }
            i += 1
        }
        return nil
    }

    /// Last index where `needle` occurs within [from, to).
    static func rfind(_ hay: [UInt8], _ needle: [UInt8], from: Int, to: Int) -> Int? {
        let n = needle.count
        if to - from < n { return nil }
        var i = to - n
        while i >= from {
            var k = 0
            while k < n && hay[i + k] == needle[k] { k += 1 }
            if k == n { return i }
            i -= 1
        }
        return nil
    }
}
