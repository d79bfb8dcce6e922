import BigInt

// Integer arithmetic with an Int64 fast path that overflows into BigInt. Every result goes
// through `Value.integer(_:)` so that the invariant "fits in Int64 => .int" always holds.

extension Value {
    /// Builds an int value from a BigInt, normalising to `.int` when it fits.
    @inline(__always)
    public static func integer(_ b: BigInt) -> Value {
        if let small = Int64(exactly: b) { return .int(small) }
        return .bigInt(BigIntBox(b))
    }

    /// Builds an int value from a Swift Int.
    @inline(__always)
    public static func integer(_ i: Int) -> Value { .int(Int64(i)) }

    /// The integer as a BigInt, or nil if the value is not an int.
    var bigIntValue: BigInt? {
        switch self {
        case .int(let i): return BigInt(i)
        case .bigInt(let b): return b.value
        default: return nil
        }
    }

    var isInt: Bool {
        switch self {
        case .int, .bigInt: return true
        default: return false
        }
    }
}

enum IntMath {
    static func add(_ x: Int64, _ y: Int64) -> Value {
        let (r, o) = x.addingReportingOverflow(y)
        return o ? .integer(BigInt(x) + BigInt(y)) : .int(r)
    }

    static func sub(_ x: Int64, _ y: Int64) -> Value {
        let (r, o) = x.subtractingReportingOverflow(y)
        return o ? .integer(BigInt(x) - BigInt(y)) : .int(r)
    }

    static func mul(_ x: Int64, _ y: Int64) -> Value {
        let (r, o) = x.multipliedReportingOverflow(by: y)
        return o ? .integer(BigInt(x) * BigInt(y)) : .int(r)
    }

    /// Floored division (rounds toward negative infinity). `y` is non-zero.
    static func floorDiv(_ x: Int64, _ y: Int64) -> Value {
        if x == Int64.min && y == -1 { return .integer(-BigInt(x)) }
        var q = x / y
        if (x % y != 0) && ((x < 0) != (y < 0)) { q -= 1 }
        return .int(q)
    }

    /// Floored modulo: the result has the sign of `y`. `y` is non-zero.
    static func floorMod(_ x: Int64, _ y: Int64) -> Value {
        if y == -1 { return .int(0) }
        var r = x % y
        if r != 0 && ((r < 0) != (y < 0)) { r += y }
        return .int(r)
    }

    static func floorDiv(_ x: BigInt, _ y: BigInt) -> BigInt {
        let (q, r) = x.quotientAndRemainder(dividingBy: y)
        if !r.isZero && ((r.signum() < 0) != (y.signum() < 0)) { return q - 1 }
        return q
    }

    static func floorMod(_ x: BigInt, _ y: BigInt) -> BigInt {
        let r = x % y
        if !r.isZero && ((r.signum() < 0) != (y.signum() < 0)) { return r + y }
        return r
    }

    /// Arithmetic shift right with floor semantics for negative values.
    static func shiftRight(_ x: BigInt, _ n: Int) -> BigInt {
        if x.signum() >= 0 { return BigInt(sign: .plus, magnitude: x.magnitude >> n) }
        // floor(x / 2^n) for x < 0 is -ceil(|x| / 2^n) = -((|x| - 1) >> n) - 1
        let m = (x.magnitude - 1) >> n
        return -BigInt(sign: .plus, magnitude: m) - 1
    }

    /// Two's-complement bitwise operations on arbitrary-precision integers.
    static func bitwise(_ x: BigInt, _ y: BigInt, _ op: (UInt, UInt) -> UInt) -> BigInt {
        let width = max(x.magnitude.words.count, y.magnitude.words.count) + 1
        let xw = twosComplementWords(x, width)
        let yw = twosComplementWords(y, width)
        var out = [UInt](repeating: 0, count: width)
        for i in 0..<width { out[i] = op(xw[i], yw[i]) }
        return fromTwosComplement(out)
    }

    private static func twosComplementWords(_ x: BigInt, _ width: Int) -> [UInt] {
        var words = [UInt](repeating: 0, count: width)
        let mag = x.signum() < 0 ? x.magnitude - 1 : x.magnitude
        for (i, w) in mag.words.enumerated() where i < width { words[i] = w }
        if x.signum() < 0 { for i in 0..<width { words[i] = ~words[i] } }
        return words
    }

    private static func fromTwosComplement(_ words: [UInt]) -> BigInt {
        guard let top = words.last, top >> (UInt.bitWidth - 1) == 1 else {
            return BigInt(sign: .plus, magnitude: BigUInt(words: words))
        }
        let inverted = words.map { ~$0 }
        return -(BigInt(sign: .plus, magnitude: BigUInt(words: inverted)) + 1)
    }
}

enum NumberConversion {
    /// int -> float conversion; errors when the int is too large for a finite float.
    static func finiteFloat(_ v: Value) throws -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .bigInt(let b):
            let d = bigToDouble(b.value)
            if !d.isFinite { throw StarlarkError("int too large to convert to float") }
            return d
        case .float(let f): return f
        default: throw StarlarkError("got \(v.typeName), want number")
        }
    }

    /// Correctly rounded (nearest, ties to even) BigInt -> Double; ±inf when too large.
    static func bigToDouble(_ b: BigInt) -> Double {
        let m = b.magnitude
        let bits = m.bitWidth
        let d: Double
        if bits <= 64 {
            d = Double(UInt64(m))
        } else {
            // Keep the top 64 bits and fold every lower bit into a sticky bit so that the
            // UInt64 -> Double rounding sees the same tie-breaking as the full value.
            let shift = bits - 64
            var top = UInt64(m >> shift)
            if m.trailingZeroBitCount < shift { top |= 1 }
            d = shift > 2000 ? .infinity : Double(top) * pow2(shift)
        }
        return b.signum() < 0 ? -d : d
    }

    private static func pow2(_ n: Int) -> Double {
        var r = 1.0, k = n
        while k > 0 { let step = min(k, 1000); r *= Double(sign: .plus, exponent: step, significand: 1); k -= step }
        return r
    }

    /// Exact float -> int conversion (truncating toward zero), as `int(x)` does.
    static func floatToInt(_ f: Double) throws -> Value {
        if f.isNaN { throw StarlarkError("cannot convert float NaN to integer") }
        if f.isInfinite { throw StarlarkError("cannot convert float infinity to integer") }
        let t = f.rounded(.towardZero)
        if let i = Int64(exactly: t) { return .int(i) }
        return .integer(BigInt(t))
    }

    /// Three-way comparison of an int with a float, exact (no rounding of the int).
    /// NaN compares greater than everything.
    static func compareIntFloat(_ x: Value, _ y: Double) -> Int {
        if y.isNaN { return -1 }
        if y.isInfinite { return y > 0 ? -1 : 1 }
        // Compare x with floor(y), then break ties with the fractional part.
        let fl = y.rounded(.down)
        let flInt: BigInt = BigInt(fl)
        let xi = x.bigIntValue ?? 0
        if xi < flInt { return -1 }
        if xi > flInt { return 1 }
        return fl == y ? 0 : -1
    }

    /// Fast int64 vs float comparison avoiding BigInt for the common range.
    static func compareInt64Float(_ x: Int64, _ y: Double) -> Int {
        if y.isNaN { return -1 }
        if x.magnitude < (UInt64(1) << 53) && y.magnitude < 9.0e15 {
            let xd = Double(x)
            return xd < y ? -1 : (xd > y ? 1 : 0)
        }
        return compareIntFloat(.int(x), y)
    }

    /// Float three-way comparison with a total order: NaN above +Inf, NaN == NaN.
    static func compareFloats(_ x: Double, _ y: Double) -> Int {
        if x > y { return 1 }
        if x < y { return -1 }
        if x == y { return 0 }
        if x == x { return -1 }
        if y == y { return 1 }
        return 0
    }

    /// Python-style float modulo: result has the sign of y.
    static func floatMod(_ x: Double, _ y: Double) -> Double {
        var r = x.truncatingRemainder(dividingBy: y)
        if r != 0 && ((r < 0) != (y < 0)) { r += y }
        return r
    }
}
