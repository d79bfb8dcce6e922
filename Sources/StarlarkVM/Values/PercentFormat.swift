import BigInt
import StarlarkSyntax

/// `format % args`: the printf-style operator on strings.
enum PercentFormat {
    static func interpolate(_ format: [UInt8], _ x: Value) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(format.count + 16)
        var index = 0
        var nargs = 1
        var tupleArgs: [Value]? = nil
        if case .tuple(let t) = x { nargs = t.elements.count; tupleArgs = t.elements }
        var p = 0
        let n = format.count
        while p < n {
            let c = format[p]
            if c != UInt8(ascii: "%") { out.append(c); p += 1; continue }
            p += 1
            if p < n && format[p] == UInt8(ascii: "%") { out.append(c); p += 1; continue }
            let arg: Value
            if p < n && format[p] == UInt8(ascii: "(") {
                p += 1
                guard let close = format[p...].firstIndex(of: UInt8(ascii: ")")) else {
                    throw StarlarkError("incomplete format key")
                }
                let key = Array(format[p..<close])
                guard case .dict(let d) = x else { throw StarlarkError("format requires a mapping") }
                guard let v = try? d.get(.str(key)) else {
                    throw StarlarkError("key not found: \(String(decoding: key, as: UTF8.self))")
                }
                arg = v
                p = close + 1
            } else {
                if index >= nargs { throw StarlarkError("not enough arguments for format string") }
                arg = tupleArgs?[index] ?? x
            }
            if p >= n { throw StarlarkError("incomplete format") }
            let conv = format[p]
            // `%d` of an int and `%s` of a string skip the general converter.
            if conv == UInt8(ascii: "d"), case .int(let v) = arg {
                IntText.append(v, to: &out)
            } else if conv == UInt8(ascii: "s"), case .string(let s) = arg {
                out.append(contentsOf: s.bytes)
            } else {
                try convert(conv, arg, &out)
            }
            p += 1
            index += 1
        }
        if index < nargs { throw StarlarkError("too many arguments for format string") }
        return out
    }

    private static func convert(_ conv: UInt8, _ arg: Value, _ out: inout [UInt8]) throws {
        let c = Character(Unicode.Scalar(conv))
        switch c {
        case "s", "r":
            if c == "s", case .string(let s) = arg { out.append(contentsOf: s.bytes) } else {
                Ops.reprBytes(arg, into: &out)
            }
        case "d", "i", "o", "x", "X":
            if c == "d" || c == "i", case .int(let v) = arg {
                IntText.append(v, to: &out)  // the common case, without a BigInt
                return
            }
            let i: BigInt
            do { i = try numberToInt(arg) } catch let e as StarlarkError {
                throw StarlarkError("%\(c) format requires integer: \(e.message)")
            }
            let text: String
            switch c {
            case "o": text = String(i, radix: 8)
            case "x": text = String(i, radix: 16)
            case "X": text = String(i, radix: 16, uppercase: true)
            default: text = i.description
            }
            out.append(contentsOf: text.utf8)
        case "e", "f", "g", "E", "F", "G":
            let f: Double
            switch arg {
            case .float(let v): f = v
            case .int(let v): f = Double(v)
            case .bigInt(let b): f = NumberConversion.bigToDouble(b.value)
            default: throw StarlarkError("%\(c) format requires float, not \(arg.typeName)")
            }
            if c == "F" {
                // Go's strconv has no 'F' verb and prints "%F" in its place.
                out.append(contentsOf: "%F".utf8)
            } else if c == "g" || c == "G" {
                FloatFormat.writeShortest(f, upper: c == "G", into: &out)
            } else {
                out.append(contentsOf: FloatFormat.fixedPrecision(f, conv: c).utf8)
            }
        case "c":
            switch arg {
            case .int(let v):
                guard v >= 0 && v <= 0x10FFFF else {
                    throw StarlarkError("%c format requires a valid Unicode code point, got \(v)")
                }
                appendRune(UInt32(v), &out)
            case .bigInt(let b):
                throw StarlarkError("%c format requires a valid Unicode code point, got \(b.value)")
            case .string(let s):
                let b = s.bytes
                guard !b.isEmpty else { throw StarlarkError("%c format requires a single-character string") }
                let (sc, w) = UTF8Decode.decode(b, 0)
                guard w == b.count else { throw StarlarkError("%c format requires a single-character string") }
                // Go writes the decoded rune, so an invalid byte becomes U+FFFD.
                if sc == nil { out.append(contentsOf: [0xEF, 0xBF, 0xBD]) } else { out.append(contentsOf: b) }
            default:
                throw StarlarkError("%c format requires int or single-character string, not \(arg.typeName)")
            }
        case "%":
            out.append(UInt8(ascii: "%"))
        default:
            throw StarlarkError("unknown conversion %\(c)")
        }
    }

    /// Int, or a float truncated to int (Go's NumberToInt).
    static func numberToInt(_ v: Value) throws -> BigInt {
        switch v {
        case .int(let i): return BigInt(i)
        case .bigInt(let b): return b.value
        case .float(let f): return try NumberConversion.floatToInt(f).bigIntValue ?? 0
        default: throw StarlarkError("cannot convert \(v.typeName) to int")
        }
    }

    /// Appends the UTF-8 encoding of a code point (surrogates become U+FFFD, as in Go).
    static func appendRune(_ v: UInt32, _ out: inout [UInt8]) {
        let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }
}
