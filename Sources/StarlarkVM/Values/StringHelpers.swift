import StarlarkSyntax

/// Rune-level helpers for byte strings, matching Go's `for _, r := range s` (an invalid
/// byte decodes as U+FFFD of width 1).
enum Runes {
    /// Calls `body(scalar, start, width)` for each rune; scalar is nil for an invalid byte.
    @inline(__always)
    static func forEach(_ b: [UInt8], _ body: (Unicode.Scalar?, Int, Int) throws -> Void) rethrows {
        var i = 0
        while i < b.count {
            if b[i] < 0x80 {
                try body(Unicode.Scalar(b[i]), i, 1)
                i += 1
                continue
            }
            let (s, w) = UTF8Decode.decode(b, i)
            try body(s, i, w)
            i += w
        }
    }

    static func count(_ b: [UInt8]) -> Int {
        var n = 0
        forEach(b) { _, _, _ in n += 1 }
        return n
    }

    static func encode(_ s: Unicode.Scalar, into out: inout [UInt8]) {
        let v = s.value
        if v < 0x80 { out.append(UInt8(v)); return }
        out.append(contentsOf: Array(String(Character(s)).utf8))
    }

    /// Go's unicode.IsSpace.
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0d, 0x20, 0x85, 0xA0: return true
        default: return s.value > 0xff && s.properties.isWhitespace
        }
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.properties.generalCategory == .decimalNumber }
    static func isUpper(_ s: Unicode.Scalar) -> Bool { s.properties.generalCategory == .uppercaseLetter }
    static func isLower(_ s: Unicode.Scalar) -> Bool { s.properties.generalCategory == .lowercaseLetter }
    static func isTitle(_ s: Unicode.Scalar) -> Bool { s.properties.generalCategory == .titlecaseLetter }

    /// Simple (one-to-one) case mappings, as Go's unicode.ToLower/ToUpper/ToTitle.
    static func simpleMap(_ s: Unicode.Scalar, _ mapping: String) -> Unicode.Scalar {
        let scalars = mapping.unicodeScalars
        if scalars.count == 1, let m = scalars.first { return m }
        return s
    }
    static func toLower(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.value < 0x80 { return (s.value >= 65 && s.value <= 90) ? Unicode.Scalar(s.value + 32) ?? s : s }
        // U+0130's full lowercase is "i" + U+0307; its simple mapping (Go's) is plain "i".
        if s.value == 0x130 { return "i" }
        return simpleMap(s, s.properties.lowercaseMapping)
    }
    static func toUpper(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.value < 0x80 { return (s.value >= 97 && s.value <= 122) ? Unicode.Scalar(s.value - 32) ?? s : s }
        return simpleMap(s, s.properties.uppercaseMapping)
    }
    static func toTitle(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.value < 0x80 { return toUpper(s) }
        return simpleMap(s, s.properties.titlecaseMapping)
    }

    /// Maps every rune of `b`. As Go's strings.Map, an invalid byte is mapped as U+FFFD
    /// (and so comes out as the replacement character).
    static func map(_ b: [UInt8], _ f: (Unicode.Scalar, Int) -> Unicode.Scalar) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var k = 0
        forEach(b) { s, _, _ in
            encode(f(s ?? "\u{FFFD}", k), into: &out)
            k += 1
        }
        return out
    }

    /// Case mapping of an all-ASCII string (nil if any byte is non-ASCII): bytes in
    /// [from, to] are shifted by delta.
    static func asciiMap(_ b: [UInt8], from: UInt8, to: UInt8, delta: Int) -> [UInt8]? {
        var out = b
        var ok = true
        out.withUnsafeMutableBufferPointer { buf in
            for i in 0..<buf.count {
                let c = buf[i]
                if c >= 0x80 { ok = false; return }
                if c >= from && c <= to { buf[i] = UInt8(Int(c) + delta) }
            }
        }
        return ok ? out : nil
    }

    static func isCased(_ s: Unicode.Scalar) -> Bool {
        isUpper(s) || isLower(s) || isTitle(s)
    }
}

/// The iterable views `s.elems()`, `s.elem_ords()`, `s.codepoints()`, `s.codepoint_ords()`.
final class StringView: StarObject {
    enum Kind { case elems, elemOrds, codepoints, codepointOrds }
    let bytes: [UInt8]
    let kind: Kind
    init(_ bytes: [UInt8], _ kind: Kind) {
        self.bytes = bytes
        self.kind = kind
    }

    override var typeName: String {
        switch kind {
        case .elems, .elemOrds: return "elems"
        case .codepoints, .codepointOrds: return "codepoints"
        }
    }

    override func repr(into out: inout [UInt8], thread: StarThread?) throws {
        StarlarkQuote.append(bytes, to: &out)
        let suffix: String
        switch kind {
        case .elems: suffix = ".elems()"
        case .elemOrds: suffix = ".elem_ords()"
        case .codepoints: suffix = ".codepoints()"
        case .codepointOrds: suffix = ".codepoint_ords()"
        }
        out.append(contentsOf: suffix.utf8)
    }

    override func makeIterator() -> AnyIterator<Value>? {
        let b = bytes
        var i = 0
        switch kind {
        case .elems:
            return AnyIterator {
                guard i < b.count else { return nil }
                defer { i += 1 }
                return .string(SingleByteStrings.shared[Int(b[i])])
            }
        case .elemOrds:
            return AnyIterator {
                guard i < b.count else { return nil }
                defer { i += 1 }
                return .int(Int64(b[i]))
            }
        case .codepoints, .codepointOrds:
            let ords = kind == .codepointOrds
            return AnyIterator {
                guard i < b.count else { return nil }
                let (s, w) = UTF8Decode.decode(b, i)
                defer { i += w }
                if ords { return .int(Int64(s?.value ?? 0xFFFD)) }
                return .str(Array(b[i..<(i + w)]))
            }
        }
    }
}
