// How a decoded value reads when a filter compares it with a string pattern. The forms are
// Starlark's `str()` of the value, so `level="ERROR"` and `code="500"` in a filter mean what
// `str(e.data["level"])` would show in a lambda.

extension TraceData {
    /// The value of a top-level key when this is an object (the last one if a key repeats,
    /// though the decoders never produce repeats).
    public func member(_ key: String) -> TraceData? {
        guard case .object(let entries) = self else { return nil }
        return entries.last { $0.key == key }?.value
    }

    /// The string form of a scalar (`42`, `1.5`, `True`, `None`, the raw string); nil for a
    /// list or an object, which no string pattern should pretend to match.
    public var fieldText: String? {
        switch self {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return TraceData.starlarkFloatText(d)
        case .string(let s): return s
        case .list, .object: return nil
        }
    }

    /// Starlark's `str(float)`: `1.0`, `0.5`, `1e+20`, `inf`, `nan`.
    static func starlarkFloatText(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "+inf" }
        // Swift's shortest round-trip form, with the exponent spelled as Starlark does.
        var s = "\(d)"
        if let e = s.firstIndex(of: "e") {
            let mantissa = s[..<e], exp = s[s.index(after: e)...]
            let sign = exp.hasPrefix("-") ? "-" : "+"
            let digits = exp.drop { $0 == "-" || $0 == "+" }
            s = mantissa + "e" + sign + (digits.count < 2 ? "0" : "") + digits
        }
        return s
    }

    /// Object entries with a repeated key merged: it keeps its first position and its last
    /// value (Go and Python decoders keep the last value too). Small objects are checked
    /// pairwise; large ones (a capped line can still hold thousands of keys) through a
    /// dictionary, so a hostile line stays linear.
    static func mergingRepeatedKeys(_ entries: [(key: String, value: TraceData)]) -> [(key: String, value: TraceData)] {
        var out: [(key: String, value: TraceData)] = []
        out.reserveCapacity(entries.count)
        if entries.count <= 32 {
            for e in entries {
                if let at = out.firstIndex(where: { $0.key == e.key }) { out[at].value = e.value } else { out.append(e) }
            }
            return out
        }
        var position: [String: Int] = [:]
        for e in entries {
            if let at = position[e.key] { out[at].value = e.value } else { position[e.key] = out.count; out.append(e) }
        }
        return out
    }
}
