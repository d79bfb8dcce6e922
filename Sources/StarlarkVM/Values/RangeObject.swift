import BigInt
import StarlarkSyntax

/// The lazy sequence `range(start, stop, step)`: indexable, sliceable, iterable, never
/// materialised.
public final class RangeObject: StarObject {
    public let start: Int64
    public let stop: Int64
    public let step: Int64
    public let count: Int

    /// `step` must be non-zero (the builtin reports that error).
    public init(start: Int64, stop: Int64, step: Int64) throws {
        self.start = start
        self.stop = stop
        self.step = step
        self.count = try RangeObject.length(start, stop, step)
        super.init()
    }

    static func length(_ start: Int64, _ stop: Int64, _ step: Int64) throws -> Int {
        let n: BigInt
        if step > 0 {
            if stop <= start { return 0 }
            n = (BigInt(stop) - 1 - BigInt(start)) / BigInt(step) + 1
        } else {
            if start <= stop { return 0 }
            n = (BigInt(start) - 1 - BigInt(stop)) / BigInt(-BigInt(step)) + 1
        }
        guard let len = Int(exactly: n) else { throw StarlarkError("range: too many elements") }
        return len
    }

    func sliced(_ s: Int, _ e: Int, _ k: Int) throws -> RangeObject {
        // Bounds come from sliceBounds, so start+step*index stays near the range's values;
        // BigInt keeps the arithmetic exact at the Int64 edges.
        func at(_ i: Int) throws -> Int64 {
            let v = BigInt(start) + BigInt(step) * BigInt(i)
            guard let r = Int64(exactly: v) else { throw StarlarkError("range: slice out of range") }
            return r
        }
        let newStep = BigInt(step) * BigInt(k)
        guard let st = Int64(exactly: newStep) else { throw StarlarkError("range: slice out of range") }
        return try RangeObject(start: try at(s), stop: try at(e), step: st)
    }

    func contains(_ x: Value) -> Bool {
        let v: Int64
        switch x {
        case .int(let i): v = i
        case .float(let f):
            guard f.isFinite, let i = Int64(exactly: f.rounded(.towardZero)) else { return false }
            v = i
        default: return false
        }
        let delta = BigInt(v) - BigInt(start)
        let (q, r) = delta.quotientAndRemainder(dividingBy: BigInt(step))
        return r.isZero && q >= 0 && q < BigInt(count)
    }

    public override var typeName: String { "range" }
    public override var truth: Bool { count > 0 }
    public override var length: Int? { count }
    public override func hash() throws -> UInt32 { throw StarlarkError("unhashable: range") }

    public override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        let text: String
        if step != 1 { text = "range(\(start), \(stop), \(step))" }
        else if start != 0 { text = "range(\(start), \(stop))" }
        else { text = "range(\(stop))" }
        out.append(contentsOf: text.utf8)
    }

    public override func equals(_ other: StarObject) throws -> Bool {
        guard let y = other as? RangeObject else { return false }
        if count != y.count { return false }
        if count == 0 { return true }
        if start != y.start { return false }
        return count == 1 || step == y.step
    }

    public override func makeIterator() -> AnyIterator<Value>? {
        var i = 0
        let (s, k, n) = (start, step, count)
        return AnyIterator {
            guard i < n else { return nil }
            defer { i += 1 }
            return .int(s &+ Int64(i) &* k)
        }
    }
}
