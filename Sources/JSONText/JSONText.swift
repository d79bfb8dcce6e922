/// The one escaping rule for every JSON string the tool writes. Beyond what JSON requires
/// (`\" \\` and control characters), DEL and U+2028/U+2029 are escaped too: the report is
/// embedded in the HTML page's script, where those two end a JavaScript line.
public enum JSONText {
    public static func appendString(_ s: String, to out: inout String) {
        out += "\""
        // Fast path: most strings (names, syscalls, positions) need no escaping.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f || $0 == 0xe2 || $0 == 0x22 || $0 == 0x5c }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// `s` as a JSON string literal.
    public static func quoted(_ s: String) -> String {
        var out = ""
        appendString(s, to: &out)
        return out
    }
}
