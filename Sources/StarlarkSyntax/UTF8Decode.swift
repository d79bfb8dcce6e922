/// UTF-8 decoding of byte strings that may be invalid (strings are bytes in Starlark).
public enum UTF8Decode {
    /// Decodes one scalar at `i`; returns (nil, 1) for an invalid sequence.
    public static func decode(_ b: [UInt8], _ i: Int) -> (Unicode.Scalar?, Int) {
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
    public static func isPrint(_ r: Unicode.Scalar) -> Bool {
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
