/// The one writer of Starlark string literals, next to the lexer that reads them back:
/// `repr`, generated specs, `faultbox init`, the AST and bytecode dumps and messages that
/// show a spec's value all quote here, so what is written is what the lexer accepts.
///
/// Go-style, as go.starlark.net's `repr`: double quotes; `\" \\` and `\a \b \f \n \r \t \v`;
/// `\xHH` for other control bytes, DEL and bytes that are not UTF-8; printable code points
/// as they are and other code points as `\uXXXX` / `\UXXXXXXXX`.
public enum StarlarkQuote {
    /// What happens to bytes outside ASCII.
    public enum NonASCII: Sendable {
        /// Printable code points as they are (repr, generated files, messages).
        case keepPrintable
        /// Every byte as `\xHH`, so the text is pure ASCII and shows the bytes (dumps).
        case escapeBytes
    }

    /// `text` as a double-quoted literal.
    public static func quoted(_ text: String, nonASCII: NonASCII = .keepPrintable) -> String {
        quoted(Array(text.utf8), nonASCII: nonASCII)
    }

    public static func quoted(_ bytes: [UInt8], nonASCII: NonASCII = .keepPrintable) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 2)
        append(bytes, to: &out, nonASCII: nonASCII)
        return String(decoding: out, as: UTF8.self)
    }

    public static func append(_ bytes: [UInt8], to out: inout [UInt8], nonASCII: NonASCII = .keepPrintable) {
        out.append(UInt8(ascii: "\""))
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c < 0x80 || nonASCII == .escapeBytes {
                appendASCII(c, &out)
                i += 1
                continue
            }
            let (scalar, width) = UTF8Decode.decode(bytes, i)
            guard let r = scalar else {
                appendHex(UInt32(c), prefix: "\\x", digits: 2, &out)
                i += 1
                continue
            }
            if UTF8Decode.isPrint(r) {
                out.append(contentsOf: bytes[i..<(i + width)])
            } else if r.value < 0x10000 {
                appendHex(r.value, prefix: "\\u", digits: 4, &out)
            } else {
                appendHex(r.value, prefix: "\\U", digits: 8, &out)
            }
            i += width
        }
        out.append(UInt8(ascii: "\""))
    }

    /// One byte below 0x80 (or any byte, when non-ASCII bytes are escaped).
    private static func appendASCII(_ c: UInt8, _ out: inout [UInt8]) {
        let escape: UInt8? = switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): c
        case 0x07: UInt8(ascii: "a")
        case 0x08: UInt8(ascii: "b")
        case 0x0c: UInt8(ascii: "f")
        case 0x0a: UInt8(ascii: "n")
        case 0x0d: UInt8(ascii: "r")
        case 0x09: UInt8(ascii: "t")
        case 0x0b: UInt8(ascii: "v")
        default: nil
        }
        if let escape {
            out.append(UInt8(ascii: "\\"))
            out.append(escape)
        } else if c < 0x20 || c >= 0x7f {
            appendHex(UInt32(c), prefix: "\\x", digits: 2, &out)
        } else {
            out.append(c)
        }
    }

    private static func appendHex(_ v: UInt32, prefix: String, digits: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: prefix.utf8)
        let hex = Array("0123456789abcdef".utf8)
        for k in stride(from: digits - 1, through: 0, by: -1) {
            out.append(hex[Int((v >> (UInt32(k) * 4)) & 0xf)])
        }
    }
}
