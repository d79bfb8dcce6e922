/// The one JSON writer of the tool: the plan (`compile --json`), the report (`--format
/// json`, and so the HTML report) and the trace's events are built as a `JSONValue` and
/// written here, with one escaping rule (`JSONText.appendString`). Object keys stay in the
/// order they were written, so the output is stable byte for byte (golden tests, review).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    /// A number already spelled (the report's `12.500` milliseconds, a decoded `0.5`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.render() == b.render() }

    /// Pretty-printed with two-space indentation and a trailing newline when `pretty`;
    /// arrays of scalars and small flat objects stay on one line (the plan's layout).
    public func render(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : -1)
        if pretty { out += "\n" }
        return out
    }

    /// Every non-empty array and object broken over lines, two spaces a level, the closing
    /// bracket at `level` (the report's layout); no trailing newline.
    public func renderExpanded(level: Int = 0) -> String {
        var out = ""
        writeExpanded(into: &out, level: level)
        return out
    }

    private func writeExpanded(into out: inout String, level: Int) {
        func pad(_ n: Int) { for _ in 0..<n { out += "  " } }
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "["
            for (i, v) in items.enumerated() {
                out += i == 0 ? "\n" : ",\n"
                pad(level + 1)
                v.writeExpanded(into: &out, level: level + 1)
            }
            out += "\n"
            pad(level)
            out += "]"
        case .object(let fields) where !fields.isEmpty:
            out += "{"
            for (i, (k, v)) in fields.enumerated() {
                out += i == 0 ? "\n" : ",\n"
                pad(level + 1)
                JSONText.appendString(k, to: &out)
                out += ": "
                v.writeExpanded(into: &out, level: level + 1)
            }
            out += "\n"
            pad(level)
            out += "}"
        default:
            write(into: &out, indent: -1)
        }
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
        case .number(let n): out += n
        case .double(let d):
            if d.isFinite {
                if d == d.rounded(), abs(d) < 1e15 { out += String(Int64(d)) } else { out += "\(d)" }
            } else {
                out += "null"
            }
        case .string(let s): JSONText.appendString(s, to: &out)
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
                JSONText.appendString(k, to: &out)
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
}
