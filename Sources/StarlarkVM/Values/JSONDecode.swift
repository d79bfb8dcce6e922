import BigInt
import StarlarkSyntax

/// `json.decode` and the scanner behind `json.indent`.
extension JSONModule {
    static func decode(_ t: StarThread, _ r: Value?, _ a: Arguments) throws -> Value {
        let p = try a.unpackPositional(fn: "json.decode", min: 1, max: 1)
        let s = try Unpack.string(p[0], "json.decode", "x")
        var parser = JSONParser(s: s)
        do {
            let v = try parser.parseValue()
            if parser.skipSpace() {
                throw JSONParser.Failure(message: "unexpected character \(JSONParser.quoteChar(s[parser.i])) after value", offset: parser.i)
            }
            return v
        } catch let f as JSONParser.Failure {
            throw StarlarkError("json.decode: at offset \(f.offset), \(f.message)")
        }
    }
}

struct JSONParser {
    struct Failure: Error { let message: String; let offset: Int }

    let s: [UInt8]
    var i = 0
    /// Nesting guard: deep input must not overflow the Swift stack.
    var depth = 0

    init(s: [UInt8]) { self.s = s }

    func fail(_ msg: String) -> Failure { Failure(message: msg, offset: i) }

    /// Go's %q of a byte: a single-quoted character literal.
    static func quoteChar(_ c: UInt8) -> String {
        switch c {
        case UInt8(ascii: "'"): return "'\\''"
        case UInt8(ascii: "\\"): return "'\\\\'"
        case 0x07: return "'\\a'"
        case 0x08: return "'\\b'"
        case 0x0c: return "'\\f'"
        case 0x0a: return "'\\n'"
        case 0x0d: return "'\\r'"
        case 0x09: return "'\\t'"
        case 0x0b: return "'\\v'"
        default:
            if c >= 0x20 && c < 0x7f { return "'\(Character(Unicode.Scalar(c)))'" }
            if c < 0x80 { return "'\\x\(String(format2: c))'" }
            // Go's %q of a byte >= 0x80 shows the code point U+0080..U+00FF.
            return "'\(Character(Unicode.Scalar(c)))'"
        }
    }

    /// Skips JSON whitespace; returns whether input remains.
    mutating func skipSpace() -> Bool {
        while i < s.count {
            let c = s[i]
            if c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d { return true }
            i += 1
        }
        return false
    }

    mutating func next() throws -> UInt8 {
        if skipSpace() { return s[i] }
        throw fail("unexpected end of file")
    }

    mutating func parseValue() throws -> Value {
        depth += 1
        defer { depth -= 1 }
        if depth > 1000 { throw fail("nesting depth limit exceeded") }
        let c = try next()
        switch c {
        case UInt8(ascii: "\""): return .str(try parseString())
        case UInt8(ascii: "n"): if hasPrefix("null") { i += 4; return .none }
        case UInt8(ascii: "t"): if hasPrefix("true") { i += 4; return .bool(true) }
        case UInt8(ascii: "f"): if hasPrefix("false") { i += 5; return .bool(false) }
        case UInt8(ascii: "["):
            i += 1
            var elems: [Value] = []
            if try next() != UInt8(ascii: "]") {
                while true {
                    elems.append(try parseValue())
                    let b = try next()
                    if b != UInt8(ascii: ",") {
                        if b != UInt8(ascii: "]") { throw fail("got \(JSONParser.quoteChar(b)), want ',' or ']'") }
                        break
                    }
                    i += 1
                }
            }
            i += 1
            return .list(StarList(elems))
        case UInt8(ascii: "{"):
            i += 1
            let d = StarDict()
            if try next() != UInt8(ascii: "}") {
                while true {
                    let key = try parseValue()
                    guard case .string = key else { throw fail("got \(key.typeName) for object key, want string") }
                    var b = try next()
                    if b != UInt8(ascii: ":") { throw fail("after object key, got \(JSONParser.quoteChar(b)), want ':' ") }
                    i += 1
                    let value = try parseValue()
                    try? d.set(key, value)  // string keys are always hashable
                    b = try next()
                    if b != UInt8(ascii: ",") {
                        if b != UInt8(ascii: "}") { throw fail("in object, got \(JSONParser.quoteChar(b)), want ',' or '}'") }
                        break
                    }
                    i += 1
                }
            }
            i += 1
            return .dict(d)
        default:
            if (c >= 48 && c <= 57) || c == UInt8(ascii: "-") { return try parseNumber() }
        }
        throw fail("unexpected character \(JSONParser.quoteChar(c))")
    }

    private func hasPrefix(_ word: String) -> Bool {
        let w = Array(word.utf8)
        return s.count - i >= w.count && Array(s[i..<(i + w.count)]) == w
    }

    private mutating func parseNumber() throws -> Value {
        var isFloat = false
        var j = i + 1
        while j < s.count {
            let b = s[j]
            if b >= 48 && b <= 57 {
            } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                        || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
                isFloat = true
            } else {
                break
            }
            j += 1
        }
        let num = Array(s[i..<j])
        i = j
        let text = String(decoding: num, as: UTF8.self)
        let digits = num.first == UInt8(ascii: "-") ? Array(num.dropFirst()) : num
        if digits.isEmpty || (digits[0] == 48 && digits.count > 1 && digits[1] >= 48 && digits[1] <= 57) {
            throw fail("invalid number: \(text)")
        }
        if isFloat {
            // Out-of-range literals are errors, as Go's ParseFloat reports them.
            guard JSONParser.isFloatLiteral(num), let f = Double(text), f.isFinite else {
                throw fail("invalid number: \(text)")
            }
            return .float(f)
        }
        guard let b = BigInt(text, radix: 10), digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw fail("invalid number: \(text)")
        }
        return .integer(b)
    }

    /// Go's ParseFloat syntax restricted to what the scanner lets through: digits, one
    /// optional fraction, one optional exponent.
    static func isFloatLiteral(_ b: [UInt8]) -> Bool {
        var k = 0
        if k < b.count && b[k] == UInt8(ascii: "-") { k += 1 }
        var nd = 0
        while k < b.count && b[k] >= 48 && b[k] <= 57 { k += 1; nd += 1 }
        if k < b.count && b[k] == UInt8(ascii: ".") {
            k += 1
            while k < b.count && b[k] >= 48 && b[k] <= 57 { k += 1; nd += 1 }
        }
        if nd == 0 { return false }
        if k < b.count && (b[k] == UInt8(ascii: "e") || b[k] == UInt8(ascii: "E")) {
            k += 1
            if k < b.count && (b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-")) { k += 1 }
            var ne = 0
            while k < b.count && b[k] >= 48 && b[k] <= 57 { k += 1; ne += 1 }
            if ne == 0 { return false }
        }
        return k == b.count
    }

    /// Parses a JSON string at `i` (which is at the opening quote).
    mutating func parseString() throws -> [UInt8] {
        let start = i
        var j = i + 1
        var closed = false
        while j < s.count {
            let b = s[j]
            if b == UInt8(ascii: "\\") { j += 2; continue }
            if b == UInt8(ascii: "\"") { closed = true; j += 1; break }
            j += 1
        }
        if !closed { throw fail("unclosed string literal") }
        i = j
        do { return try JSONParser.unquote(Array(s[(start + 1)..<(j - 1)])) } catch let e as StarlarkError {
            throw fail(e.message)
        }
    }

    /// JSON string body unescaping (as Go's encoding/json: invalid UTF-8 and lone
    /// surrogates become U+FFFD; raw control characters are errors).
    static func unquote(_ b: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var k = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= b.count else { return nil }
            var v: UInt32 = 0
            for c in b[at..<(at + 4)] {
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 97...102: d = UInt32(c - 87)
                case 65...70: d = UInt32(c - 55)
                default: return nil
                }
                v = v << 4 | d
            }
            return v
        }
        while k < b.count {
            let c = b[k]
            if c < 0x20 {
                throw StarlarkError("invalid character \(quoteChar(c)) in string literal")
            }
            if c >= 0x80 {
                let (sc, w) = UTF8Decode.decode(b, k)
                if sc == nil { out.append(contentsOf: [0xEF, 0xBF, 0xBD]) } else { out.append(contentsOf: b[k..<(k + w)]) }
                k += w
                continue
            }
            if c != UInt8(ascii: "\\") { out.append(c); k += 1; continue }
            guard k + 1 < b.count else { throw StarlarkError("unexpected end of JSON input") }
            let e = b[k + 1]
            k += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var v = hex4(k) else { throw StarlarkError("invalid character in \\u hexadecimal character escape") }
                k += 4
                if v >= 0xD800 && v < 0xDC00 {
                    if k + 6 <= b.count, b[k] == UInt8(ascii: "\\"), b[k + 1] == UInt8(ascii: "u"),
                       let lo = hex4(k + 2), lo >= 0xDC00 && lo < 0xE000 {
                        v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                        k += 6
                    } else {
                        v = 0xFFFD
                    }
                } else if v >= 0xDC00 && v < 0xE000 {
                    v = 0xFFFD
                }
                PercentFormat.appendRune(v, &out)
            default:
                throw StarlarkError("invalid character \(quoteChar(e)) in string escape code")
            }
        }
        return out
    }
}

extension String {
    /// Two lower-case hex digits.
    init(format2 c: UInt8) {
        let hex = Array("0123456789abcdef")
        self = String([hex[Int(c >> 4)], hex[Int(c & 0xf)]])
    }
}

/// Go's json.Indent: validates, then re-emits with one element per line.
enum JSONIndent {
    static func indent(_ src: [UInt8], prefix: [UInt8], unit: [UInt8]) throws -> [UInt8] {
        var check = JSONParser(s: src)
        do {
            _ = try check.parseValue()
            if check.skipSpace() {
                throw StarlarkError("invalid character \(JSONParser.quoteChar(src[check.i])) after top-level value")
            }
        } catch let f as JSONParser.Failure {
            if f.offset < src.count {
                throw StarlarkError("invalid character \(JSONParser.quoteChar(src[f.offset])) looking for beginning of value")
            }
            throw StarlarkError("unexpected end of JSON input")
        }
        var out: [UInt8] = []
        var depth = 0
        var needIndent = false
        var k = 0
        func newline(_ d: Int) {
            out.append(0x0a)
            out.append(contentsOf: prefix)
            for _ in 0..<d { out.append(contentsOf: unit) }
        }
        while k < src.count {
            let c = src[k]
            if c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d { k += 1; continue }
            if needIndent && c != UInt8(ascii: "]") && c != UInt8(ascii: "}") {
                needIndent = false
                newline(depth)
            }
            switch c {
            case UInt8(ascii: "\""):
                var j = k + 1
                while j < src.count && src[j] != UInt8(ascii: "\"") { j += src[j] == UInt8(ascii: "\\") ? 2 : 1 }
                out.append(contentsOf: src[k...min(j, src.count - 1)])
                k = j + 1
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(c)
                depth += 1
                needIndent = true
            case UInt8(ascii: ","):
                out.append(c)
                newline(depth)
            case UInt8(ascii: ":"):
                out.append(c)
                out.append(0x20)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if needIndent { needIndent = false } else { newline(depth - 1) }
                depth -= 1
                out.append(c)
            default:
                out.append(c)
            }
            k += 1
        }
        // Go's Indent keeps trailing whitespace of the input.
        var tail = src.count
        while tail > 0, [0x20, 0x09, 0x0a, 0x0d].contains(src[tail - 1]) { tail -= 1 }
        out.append(contentsOf: src[tail...])
        return out
    }
}
