/// `str` and `repr`, written as bytes into a buffer. Containers being printed are tracked
/// on a path so that a cyclic list prints as `[...]` and a cyclic dict as `{...}`.
extension Ops {
    /// `str(x)`: strings print raw, everything else as `repr`.
    public static func str(_ x: Value) -> String {
        if case .string(let s) = x { return s.string }
        return repr(x)
    }

    /// `repr(x)`.
    public static func repr(_ x: Value) -> String {
        var out: [UInt8] = []
        reprBytes(x, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `str(x)` as bytes (strings are not quoted).
    public static func strBytes(_ x: Value, into out: inout [UInt8]) {
        if case .string(let s) = x {
            out.append(contentsOf: s.bytes)
            return
        }
        reprBytes(x, into: &out)
    }

    /// `repr(x)` as bytes.
    public static func reprBytes(_ x: Value, into out: inout [UInt8]) {
        var path: [ObjectIdentifier] = []
        writeValue(x, &out, &path)
    }

    /// The string value's bytes, or `str(x)` bytes for other values.
    static func strValueBytes(_ x: Value) -> [UInt8] {
        if case .string(let s) = x { return s.bytes }
        var out: [UInt8] = []
        reprBytes(x, into: &out)
        return out
    }

    /// Nesting beyond this prints as `...`: repr must not overflow the stack on a
    /// pathologically deep (acyclic) value.
    static let maxReprDepth = 1000

    private static func writeValue(_ x: Value, _ out: inout [UInt8], _ path: inout [ObjectIdentifier], _ depth: Int = 0) {
        if depth > maxReprDepth { out.append(contentsOf: "...".utf8); return }
        switch x {
        case .none: out.append(contentsOf: "None".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "True" : "False").utf8)
        case .int(let i): IntText.append(i, to: &out)
        case .bigInt(let b): out.append(contentsOf: b.value.description.utf8)
        case .float(let f): FloatFormat.writeShortest(f, into: &out)
        case .string(let s): quote(s.bytes, into: &out)
        case .bytes(let b):
            out.append(UInt8(ascii: "b"))
            quote(b.bytes, into: &out)
        case .list(let l):
            let id = ObjectIdentifier(l)
            if path.contains(id) { out.append(contentsOf: "[...]".utf8); return }
            path.append(id)
            out.append(UInt8(ascii: "["))
            for (i, e) in l.elements.enumerated() {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                writeValue(e, &out, &path, depth + 1)
            }
            out.append(UInt8(ascii: "]"))
            path.removeLast()
        case .tuple(let t):
            out.append(UInt8(ascii: "("))
            for (i, e) in t.elements.enumerated() {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                writeValue(e, &out, &path, depth + 1)
            }
            if t.elements.count == 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: ")"))
        case .dict(let d):
            let id = ObjectIdentifier(d)
            if path.contains(id) { out.append(contentsOf: "{...}".utf8); return }
            path.append(id)
            out.append(UInt8(ascii: "{"))
            var first = true
            for e in 0..<d.entryCapacity where d.isLive(e) {
                if !first { out.append(contentsOf: ", ".utf8) }
                first = false
                writeValue(d.key(at: e), &out, &path, depth + 1)
                out.append(contentsOf: ": ".utf8)
                writeValue(d.value(at: e), &out, &path, depth + 1)
            }
            out.append(UInt8(ascii: "}"))
            path.removeLast()
        case .set(let s):
            out.append(contentsOf: "set([".utf8)
            var first = true
            for e in 0..<s.entryCapacity where s.isLive(e) {
                if !first { out.append(contentsOf: ", ".utf8) }
                first = false
                writeValue(s.key(at: e), &out, &path, depth + 1)
            }
            out.append(contentsOf: "])".utf8)
        case .function(let f):
            out.append(contentsOf: "<function \(f.name)>".utf8)
        case .builtin(let b):
            if let r = b.receiver {
                out.append(contentsOf: "<built-in method \(b.name) of \(r.typeName) value>".utf8)
            } else {
                out.append(contentsOf: "<built-in function \(b.name)>".utf8)
            }
        case .object(let o):
            let id = ObjectIdentifier(o)
            if path.contains(id) { out.append(contentsOf: "...".utf8); return }
            path.append(id)
            // Objects print their fields through the same path so cycles through them stop.
            if let fields = o as? ReprFieldsProvider {
                fields.writeRepr(into: &out) { v, buf in writeValue(v, &buf, &path, depth + 1) }
            } else {
                try? o.repr(into: &out, thread: nil)
            }
            path.removeLast()
        }
    }

    /// Go-style double-quoted string literal: printable UTF-8 as is, other code points as
    /// `\uXXXX`/`\UXXXXXXXX`, control and invalid bytes as `\xHH`.
    public static func quote(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c < 0x80 {
                i += 1
                switch c {
                case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
                case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
                case 0x07: out.append(contentsOf: Array("\\a".utf8))
                case 0x08: out.append(contentsOf: Array("\\b".utf8))
                case 0x0c: out.append(contentsOf: Array("\\f".utf8))
                case 0x0a: out.append(contentsOf: Array("\\n".utf8))
                case 0x0d: out.append(contentsOf: Array("\\r".utf8))
                case 0x09: out.append(contentsOf: Array("\\t".utf8))
                case 0x0b: out.append(contentsOf: Array("\\v".utf8))
                default:
                    if c < 0x20 || c == 0x7f { appendHexEscape(c, &out) } else { out.append(c) }
                }
                continue
            }
            let (scalar, width) = UTF8Decode.decode(bytes, i)
            guard let r = scalar else {
                appendHexEscape(c, &out)
                i += 1
                continue
            }
            if UTF8Decode.isPrint(r) {
                out.append(contentsOf: bytes[i..<(i + width)])
            } else if r.value < 0x10000 {
                out.append(contentsOf: Array("\\u".utf8))
                appendHex(r.value, digits: 4, &out)
            } else {
                out.append(contentsOf: Array("\\U".utf8))
                appendHex(r.value, digits: 8, &out)
            }
            i += width
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendHexEscape(_ c: UInt8, _ out: inout [UInt8]) {
        out.append(contentsOf: Array("\\x".utf8))
        appendHex(UInt32(c), digits: 2, &out)
    }

    private static func appendHex(_ v: UInt32, digits: Int, _ out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for k in stride(from: digits - 1, through: 0, by: -1) {
            out.append(hex[Int((v >> (UInt32(k) * 4)) & 0xf)])
        }
    }
}

/// Objects whose repr contains other values (struct, module) implement this so that their
/// nested values print through the cycle-aware printer.
public protocol ReprFieldsProvider: AnyObject {
    func writeRepr(into out: inout [UInt8], value: (Value, inout [UInt8]) -> Void)
}

/// UTF-8 decoding of byte strings that may be invalid (strings are bytes in Starlark).
enum UTF8Decode {
    /// Decodes one scalar at `i`; returns (nil, 1) for an invalid sequence.
    static func decode(_ b: [UInt8], _ i: Int) -> (Unicode.Scalar?, Int) {
        let c0 = b[i]
        if c0 < 0x80 { return (Unicode.Scalar(c0), 1) }
        let n = b.count
        func cont(_ k: Int) -> UInt32? {
            guard k < n, b[k] & 0xC0 == 0x80 else { return nil }
            return UInt32(b[k] & 0x3F)
        }
        if c0 >= 0xC2 && c0 <= 0xDF, let c1 = cont(i + 1) {
            return (Unicode.Scalar((UInt32(c0 & 0x1F) << 6) | c1), 2)
        }
        if c0 >= 0xE0 && c0 <= 0xEF, let c1 = cont(i + 1), let c2 = cont(i + 2) {
            let v = (UInt32(c0 & 0x0F) << 12) | (c1 << 6) | c2
            if v >= 0x800, let s = Unicode.Scalar(v) { return (s, 3) }
            return (nil, 1)
        }
        if c0 >= 0xF0 && c0 <= 0xF4, let c1 = cont(i + 1), let c2 = cont(i + 2), let c3 = cont(i + 3) {
            let v = (UInt32(c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
            if v >= 0x10000 && v <= 0x10FFFF, let s = Unicode.Scalar(v) { return (s, 4) }
        }
        return (nil, 1)
    }

    /// Approximates Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and
    /// the ASCII space.
    static func isPrint(_ r: Unicode.Scalar) -> Bool {
        if r.value < 0x80 { return r.value >= 0x20 && r.value < 0x7f }
        switch r.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
