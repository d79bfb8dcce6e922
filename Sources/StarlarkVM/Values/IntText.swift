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
        if m < 10 { out.append(UInt8(truncatingIfNeeded: m) &+ 48); return }
        // 20 digits hold UInt64.max; fill from the right in a fixed-size scratch.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            while m > 0 {
                i -= 1
                buf[i] = UInt8(truncatingIfNeeded: m % 10) &+ 48
                m /= 10
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<20]))
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
