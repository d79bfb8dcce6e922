import StarlarkSyntax

/// `str.format`: `{}`, `{0}`, `{name}`, `!s`/`!r` conversions and `{{`/`}}` escapes.
/// Format specs after `:` are rejected, as in go.starlark.net.
enum StrFormat {
    static func format(_ fmt: [UInt8], _ args: Arguments) throws -> [UInt8] {
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        var out: [UInt8] = []
        out.reserveCapacity(fmt.count + 16)
        var auto = false, manual = false
        var index = 0
        var p = 0
        let n = fmt.count
        while p < n {
            let c = fmt[p]
            if c == close {
                if p + 1 < n && fmt[p + 1] == close { out.append(close); p += 2; continue }
                throw StarlarkError("format: single '}' in format")
            }
            if c != open { out.append(c); p += 1; continue }
            if p + 1 < n && fmt[p + 1] == open { out.append(open); p += 2; continue }
            guard let end = fmt[(p + 1)...].firstIndex(of: close) else {
                throw StarlarkError("format: unmatched '{' in format")
            }
            let field = Array(fmt[(p + 1)..<end])
            p = end + 1
            var name = field, conv: [UInt8] = Array("s".utf8), spec: [UInt8] = []
            if let bang = field.firstIndex(of: UInt8(ascii: "!")) {
                name = Array(field[..<bang])
                let rest = Array(field[(bang + 1)...])
                if let colon = rest.firstIndex(of: UInt8(ascii: ":")) {
                    conv = Array(rest[..<colon]); spec = Array(rest[(colon + 1)...])
                } else {
                    conv = rest
                }
            } else if let colon = field.firstIndex(of: UInt8(ascii: ":")) {
                name = Array(field[..<colon]); spec = Array(field[(colon + 1)...])
            }
            let arg: Value
            let nameText = String(decoding: name, as: UTF8.self)
            if name.isEmpty {
                if manual {
                    throw StarlarkError("format: cannot switch from manual field specification to automatic field numbering")
                }
                auto = true
                guard index < args.positional.count else { throw StarlarkError("format: tuple index out of range") }
                arg = args.positional[index]
                index += 1
            } else if let num = decimal(name) {
                if auto {
                    throw StarlarkError("format: cannot switch from automatic field numbering to manual field specification")
                }
                manual = true
                guard num < args.positional.count else { throw StarlarkError("format: tuple index out of range") }
                arg = args.positional[num]
            } else if let kv = args.named.first(where: { $0.0 == nameText }) {
                arg = kv.1
            } else {
                if name.contains(UInt8(ascii: ".")) {
                    throw StarlarkError("format: attribute syntax x.y is not supported in replacement fields: \(nameText)")
                }
                if name.contains(UInt8(ascii: "[")) {
                    throw StarlarkError("format: element syntax a[i] is not supported in replacement fields: \(nameText)")
                }
                if name.contains(open) { throw StarlarkError("format: nested replacement fields not supported") }
                throw StarlarkError("format: keyword \(nameText) not found")
            }
            if !spec.isEmpty {
                throw StarlarkError("format spec features not supported in replacement fields: \(String(decoding: spec, as: UTF8.self))")
            }
            switch String(decoding: conv, as: UTF8.self) {
            case "s": Ops.strBytes(arg, into: &out)
            case "r": Ops.reprBytes(arg, into: &out)
            default:
                var q: [UInt8] = []
                StarlarkQuote.append(conv, to: &q)
                throw StarlarkError("format: unknown conversion \(String(decoding: q, as: UTF8.self))")
            }
        }
        return out
    }

    /// All-digit names are decimal indices (leading zeros allowed); nil otherwise.
    private static func decimal(_ s: [UInt8]) -> Int? {
        var x = 0
        for c in s {
            guard c >= 48 && c <= 57 else { return nil }
            let (m, o1) = x.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(c - 48))
            if o1 || o2 { return nil }
            x = a
        }
        return x
    }
}
