/// A JSON document with object keys in the order they were written, so that the plan's
/// JSON is stable byte for byte (golden tests, diffs in review).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.render() == b.render() }

    /// Pretty-printed with two-space indentation and a trailing newline when `pretty`.
    public func render(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : -1)
        if pretty { out += "\n" }
        return out
    }

    private func write(into out: inout String, indent: Int) {
        let pretty = indent >= 0
        let spaced = indent != -1   // -2: one line, with spaces after , and :
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let closePad = pretty ? String(repeating: "  ", count: indent) : ""
        let nl = pretty ? "\n" : ""
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite {
                if d == d.rounded(), abs(d) < 1e15 { out += String(Int64(d)) } else { out += "\(d)" }
            } else {
                out += "null"
            }
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            // Arrays of scalars stay on one line: syscall lists read better that way.
            let scalars = items.allSatisfy(\.isScalar)
            if scalars {
                out += "["
                for (i, v) in items.enumerated() {
                    if i > 0 { out += spaced ? ", " : "," }
                    v.write(into: &out, indent: -1)
                }
                out += "]"
                return
            }
            out += "[" + nl
            for (i, v) in items.enumerated() {
                out += pad
                v.write(into: &out, indent: pretty ? indent + 1 : -1)
                out += (i + 1 < items.count ? "," : "") + nl
            }
            out += closePad + "]"
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            // Small flat objects (env entries, pairs) stay on one line.
            if pretty, fields.count <= 4, fields.allSatisfy({ $0.1.isScalar }) {
                var line = ""
                write(into: &line, indent: -2)
                if line.count <= 90 { out += line; return }
            }
            out += "{" + nl
            for (i, (k, v)) in fields.enumerated() {
                out += pad
                JSONValue.quote(k, into: &out)
                out += spaced ? ": " : ":"
                v.write(into: &out, indent: pretty ? indent + 1 : indent)
                out += (i + 1 < fields.count ? (indent == -2 ? ", " : ",") : "") + nl
            }
            out += closePad + "}"
        }
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        // Fast path: most strings (names, syscalls, positions) need no escaping.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}
