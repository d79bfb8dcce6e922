/// Decimal text of machine integers without going through `String`: `str(i)`, `%d` and
/// `repr` of ints run in hot loops (building keys, formatting), and Swift's generic
/// `description` path costs several allocations and a generic digit loop per call.
enum IntText {
    /// Appends the decimal digits of `v` (with a leading `-` when negative) to `out`.
    @inline(__always)
    static func append(_ v: Int64, to out: inout [UInt8]) {
        // Work on the magnitude as UInt64 so that Int64.min needs no special case.
        var m = v < 0 ? UInt64(bitPattern: 0 &- v) : UInt64(v)
        if v < 0 { out.append(UInt8(ascii: "-")) }
        // Highest power of ten not above m, then the digits from the left: appending
        // byte by byte keeps to the array's fast path (no temporary buffer).
        var p: UInt64 = 1
        while p <= m / 10 { p &*= 10 }
        while true {
            out.append(UInt8(truncatingIfNeeded: m / p) &+ 48)
            m %= p
            if p == 1 { break }
            p /= 10
        }
    }

    /// The decimal text of `v` as a new byte array.
    static func bytes(_ v: Int64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        append(v, to: &out)
        return out
    }
}
