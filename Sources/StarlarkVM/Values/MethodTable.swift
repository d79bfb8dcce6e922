/// A built-in method: the receiver is passed separately so that `callMethod` needs no
/// bound-method allocation.
typealias MethodImpl = @Sendable (_ thread: StarThread, _ recv: Value, _ args: Arguments) throws -> Value

/// The methods of one built-in type.
struct MethodTable: Sendable {
    let methods: [String: MethodImpl]
    /// Names in sorted order, for `dir()` and did-you-mean.
    let names: [String]

    init(_ methods: [String: MethodImpl]) {
        self.methods = methods
        self.names = methods.keys.sorted()
    }
}

extension Ops {
    /// Go's `indices`: optional start/end (None = omitted) clamped to [0, n].
    static func indices(_ startV: Value?, _ endV: Value?, _ n: Int, fn: String) throws -> (Int, Int) {
        func resolve(_ v: Value?, _ def: Int, _ what: String) throws -> Int {
            guard let v = v else { return def }
            if case .none = v { return def }
            do {
                let i = try toInt(v)
                return i < 0 ? i + n : i
            } catch let e as StarlarkError {
                throw Unpack.fail(fn, what, e.message)
            }
        }
        let s = min(max(try resolve(startV, 0, "start"), 0), n)
        let e = min(max(try resolve(endV, n, "end"), 0), n)
        return (s, e)
    }
}
