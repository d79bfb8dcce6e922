/// Numbers, strings and bytes literals. Messages follow go.starlark.net's scanner and
/// unquoting, because the conformance suite matches them.
extension Lexer {
    // MARK: strings

    /// Scans a string or bytes literal whose opening quote is at `quoteAt` (after any
    /// `r`/`b` prefix starting at `start`). Two steps: find the closing quote (a
    /// backslash always takes the next byte with it), then decode the content.
    mutating func scanString(start: Int, quoteAt: Int, raw: Bool, isBytes: Bool) throws -> Token {
        let quote = bytes[quoteAt]
        let triple = byte(quoteAt + 1) == quote && byte(quoteAt + 2) == quote
        var i = quoteAt + (triple ? 3 : 1)
        let contentStart = i
        let contentEnd: Int
        while true {
            guard i < bytes.count else { throw error(start, "unexpected EOF in string") }
            let b = bytes[i]
            if b == quote {
                if !triple { contentEnd = i; i += 1; break }
                if byte(i + 1) == quote && byte(i + 2) == quote { contentEnd = i; i += 3; break }
                i += 1
            } else if b == 0x0A || b == 0x0D {
                if !triple { throw error(start, "unexpected newline in string") }
                i += 1
            } else if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { throw error(start, "unexpected EOF in string") }
                i += lineBreakLength(i)
            } else {
                i += 1
            }
        }
        let value = try decodeContent(contentStart, contentEnd, raw: raw)
        literal = isBytes ? .bytes(value) : .string(value)
        pos = i
        return Token(kind: isBytes ? .bytes : .string, start: start, end: i)
    }

    /// The value of a literal's content: escapes decoded (unless raw), and `\r\n` or a
    /// lone `\r` read as `\n` (always, as in go.starlark.net).
    private func decodeContent(_ from: Int, _ to: Int, raw: Bool) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(to - from)
        var j = from
        while j < to {
            let b = bytes[j]
            if b == 0x0D {
                out.append(0x0A)
                j += lineBreakLength(j)
                continue
            }
            if b != UInt8(ascii: "\\") || raw {
                out.append(b)
                j += 1
                continue
            }
            j = try decodeEscape(at: j, end: to, into: &out)
        }
        return out
    }

    /// Decodes the escape sequence whose backslash is at `j`; returns the index after it.
    /// The scanner guarantees a byte follows the backslash within the content.
    private func decodeEscape(at j: Int, end: Int, into out: inout [UInt8]) throws -> Int {
        let e = bytes[j + 1]
        switch e {
        case 0x0A, 0x0D:
            return j + 1 + lineBreakLength(j + 1)  // line continuation inside a string
        case UInt8(ascii: "a"): out.append(0x07)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "v"): out.append(0x0B)
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            // Up to three octal digits; values above 255 are rejected (unlike Python).
            var n = Int(e - UInt8(ascii: "0"))
            var k = j + 2
            while k < end && k < j + 4 && bytes[k] >= UInt8(ascii: "0") && bytes[k] <= UInt8(ascii: "7") {
                n = n * 8 + Int(bytes[k] - UInt8(ascii: "0"))
                k += 1
            }
            if n >= 256 { throw error(j, "invalid escape sequence \\\(String(n, radix: 8))") }
            out.append(UInt8(n))
            return k
        case UInt8(ascii: "x"):
            let n = try hexEscape(at: j, digits: 2, end: end)
            out.append(UInt8(n))
            return j + 4
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = e == UInt8(ascii: "u") ? 4 : 8
            let n = try hexEscape(at: j, digits: digits, end: end)
            guard n <= 0x10FFFF, !(0xD800..<0xE000).contains(n), let scalar = Unicode.Scalar(n) else {
                throw error(j, "invalid Unicode code point U+\(hex4(n))")
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            return j + 2 + digits
        default:
            throw error(j, "invalid escape sequence \\\(escapedCharText(at: j + 1))")
        }
        return j + 2
    }

    /// Reads exactly `digits` hex digits after `\x`, `\u` or `\U` at `j`.
    private func hexEscape(at j: Int, digits: Int, end: Int) throws -> UInt32 {
        let total = 2 + digits
        if end - j < total {
            throw error(j, "truncated escape sequence \(text(j, end))")
        }
        var n: UInt32 = 0
        for k in (j + 2)..<(j + total) {
            guard let d = hexValue(bytes[k]) else {
                throw error(j, "invalid escape sequence \(text(j, j + total))")
            }
            n = n << 4 | UInt32(d)
        }
        return n
    }

    /// The character after a backslash, whole even when it is multi-byte UTF-8.
    private func escapedCharText(at i: Int) -> String {
        if bytes[i] < 0x80 { return String(Character(Unicode.Scalar(bytes[i]))) }
        if let (scalar, _) = decodeScalar(at: i) { return String(Character(scalar)) }
        return "\\x" + String(bytes[i], radix: 16)
    }

    func text(_ from: Int, _ to: Int) -> String {
        String(decoding: bytes[from..<min(to, bytes.count)], as: UTF8.self)
    }

    // MARK: numbers

    /// Scans an int or float literal (`pos` is at a digit, or at a `.` before a digit).
    mutating func scanNumber(_ start: Int) throws -> Token {
        var fraction = false, exponent = false
        var c = bytes[pos]
        if c == UInt8(ascii: ".") {
            fraction = true
        } else if c == UInt8(ascii: "0") {
            pos += 1
            c = byte(pos)
            switch c | 0x20 {
            case UInt8(ascii: "x"): return try scanRadixInt(start, radix: 16, name: "hex")
            case UInt8(ascii: "o"): return try scanRadixInt(start, radix: 8, name: "octal")
            case UInt8(ascii: "b"): return try scanRadixInt(start, radix: 2, name: "binary")
            default: break
            }
            var allZeros = true, octal = true
            while isDigit(c) {
                if c != UInt8(ascii: "0") { allZeros = false }
                if c > UInt8(ascii: "7") { octal = false }
                pos += 1
                c = byte(pos)
            }
            if c == UInt8(ascii: ".") {
                fraction = true
            } else if c | 0x20 == UInt8(ascii: "e") {
                exponent = true
            } else if !allZeros {
                // Python 2's 0755: ambiguous, so rejected with the modern spelling.
                if octal { throw error(pos, "obsolete form of octal literal; use 0o\(text(start + 1, pos))") }
                throw error(start, "invalid int literal")
            }
        } else {
            while isDigit(byte(pos)) { pos += 1 }
            c = byte(pos)
            if c == UInt8(ascii: ".") { fraction = true } else if c | 0x20 == UInt8(ascii: "e") { exponent = true }
        }

        if fraction {
            pos += 1  // the '.'
            while isDigit(byte(pos)) { pos += 1 }
            if byte(pos) | 0x20 == UInt8(ascii: "e") { exponent = true }
        }
        if exponent {
            pos += 1  // the 'e'
            if byte(pos) == UInt8(ascii: "+") || byte(pos) == UInt8(ascii: "-") {
                pos += 1
                if !isDigit(byte(pos)) { throw error(pos, "invalid float literal") }
            }
            while isDigit(byte(pos)) { pos += 1 }
        }

        if fraction || exponent {
            guard let value = parseDouble(start, pos), value.isFinite else {
                throw error(start, "invalid float literal")
            }
            literal = .float(value)
            return Token(kind: .float, start: start, end: pos)
        }
        literal = try integerLiteral(digitsFrom: start, to: pos, radix: 10)
        return Token(kind: .int, start: start, end: pos)
    }

    /// `0x...`, `0o...`, `0b...`: `pos` is at the radix letter.
    private mutating func scanRadixInt(_ start: Int, radix: UInt8, name: String) throws -> Token {
        pos += 1
        let digitsStart = pos
        while let d = hexValue(byte(pos)), d < radix { pos += 1 }
        if pos == digitsStart {
            // go.starlark.net reports a bad hex literal at its start, the others at the
            // offending character.
            throw error(radix == 16 ? start : pos, "invalid \(name) literal")
        }
        literal = try integerLiteral(digitsFrom: digitsStart, to: pos, radix: radix)
        return Token(kind: .int, start: start, end: pos)
    }

    /// An integer literal's value: Int64 when it fits, else its decimal digits.
    private func integerLiteral(digitsFrom from: Int, to: Int, radix: UInt8) throws -> Literal {
        var value: Int64 = 0
        var overflow = false
        for k in from..<to {
            let (m, o1) = value.multipliedReportingOverflow(by: Int64(radix))
            let (s, o2) = m.addingReportingOverflow(Int64(hexValue(bytes[k]) ?? 0))
            if o1 || o2 { overflow = true; break }
            value = s
        }
        if !overflow { return .int(value) }
        if radix == 10 {
            var first = from
            while first < to - 1 && bytes[first] == UInt8(ascii: "0") { first += 1 }
            return .bigInt(text(first, to))
        }
        // Conversion below is quadratic; bound it so a hostile file cannot stall us.
        let limit = 10_000
        if to - from > limit {
            throw error(from, "int literal too long (\(to - from) digits; at most \(limit) in base \(radix)); write it in decimal")
        }
        return .bigInt(decimalDigits(from, to, radix: radix))
    }

    /// Converts digits in base 2, 8 or 16 to decimal text, with base-10^9 limbs.
    private func decimalDigits(_ from: Int, _ to: Int, radix: UInt8) -> String {
        var limbs: [UInt64] = [0]  // little-endian, each < 10^9
        let base: UInt64 = 1_000_000_000
        for k in from..<to {
            var carry = UInt64(hexValue(bytes[k]) ?? 0)
            for i in limbs.indices {
                let v = limbs[i] * UInt64(radix) + carry
                limbs[i] = v % base
                carry = v / base
            }
            while carry > 0 { limbs.append(carry % base); carry /= base }
        }
        var s = String(limbs[limbs.count - 1])
        for i in stride(from: limbs.count - 2, through: 0, by: -1) {
            let part = String(limbs[i])
            s += String(repeating: "0", count: 9 - part.count) + part
        }
        return s
    }

    private func parseDouble(_ from: Int, _ to: Int) -> Double? {
        var t = text(from, to)
        // Swift's parser wants a digit after '.', before an exponent: "1.e5" -> "1.0e5".
        if let dot = t.firstIndex(of: ".") {
            let after = t.index(after: dot)
            if after == t.endIndex || !t[after].isNumber { t.insert("0", at: after) }
            if dot == t.startIndex { t.insert("0", at: t.startIndex) }
        }
        return Double(t)
    }
}

@inline(__always) func hexValue(_ b: UInt8) -> UInt8? {
    if isDigit(b) { return b - UInt8(ascii: "0") }
    let l = b | 0x20
    if l >= UInt8(ascii: "a") && l <= UInt8(ascii: "f") { return l - UInt8(ascii: "a") + 10 }
    return nil
}
