import Foundation

/// Float text as go.starlark.net prints it: `str` uses the shortest digits that round-trip,
/// in `%g` style with scientific notation from exponent < -4 or >= 6 (the threshold Go uses
/// for shortest formatting), and always shows a `.` or an exponent. `%e`/`%f` use 6 digits.
enum FloatFormat {
    /// Shortest round-trip text of `f` (the `str`/`repr`/`%g` form).
    /// `pointZero: false` gives Go's plain `%g` (used by json.encode), which prints 2.0 as "2".
    static func writeShortest(_ f: Double, upper: Bool = false, pointZero: Bool = true, into out: inout [UInt8]) {
        if let special = nonFinite(f) { out.append(contentsOf: special.utf8); return }
        let (neg, digits, dp) = shortestDigits(f)
        if neg { out.append(UInt8(ascii: "-")) }
        let nd = digits.count
        let exp = dp - 1
        if nd > 0 && (exp < -4 || exp >= 6) {
            // d.ddde±XX
            out.append(digits[0])
            if nd > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            out.append(UInt8(ascii: upper ? "E" : "e"))
            out.append(UInt8(ascii: exp < 0 ? "-" : "+"))
            let e = abs(exp)
            if e < 10 { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: String(e).utf8)
            return
        }
        if nd == 0 { out.append(contentsOf: (pointZero ? "0.0" : "0").utf8); return }
        // Plain notation.
        if dp <= 0 {
            out.append(contentsOf: "0.".utf8)
            out.append(contentsOf: [UInt8](repeating: UInt8(ascii: "0"), count: -dp))
            out.append(contentsOf: digits)
        } else if dp >= nd {
            out.append(contentsOf: digits)
            out.append(contentsOf: [UInt8](repeating: UInt8(ascii: "0"), count: dp - nd))
            if pointZero { out.append(contentsOf: ".0".utf8) }
        } else {
            out.append(contentsOf: digits[0..<dp])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[dp...])
        }
    }

    static func shortest(_ f: Double) -> String {
        var out: [UInt8] = []
        writeShortest(f, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `%e`, `%f` (and upper-case forms) with a precision, as C/Go print them.
    static func fixedPrecision(_ f: Double, conv: Character, precision: Int = 6) -> String {
        if let special = nonFinite(f) { return special }
        return String(format: "%.\(precision)\(conv)", f)
    }

    private static func nonFinite(_ f: Double) -> String? {
        if f.isNaN { return "nan" }
        if f.isInfinite { return f > 0 ? "+inf" : "-inf" }
        return nil
    }

    /// The shortest decimal digits of |f| (no leading/trailing zeros) and the position of
    /// the decimal point relative to them: value = 0.DIGITS × 10^dp.
    static func shortestDigits(_ f: Double) -> (negative: Bool, digits: [UInt8], dp: Int) {
        let neg = f.sign == .minus
        let text = Array(abs(f).description.utf8)  // Swift prints the shortest round-trip form
        var mantissa = text[...]
        var exp = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            exp = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
        }
        var digits: [UInt8] = []
        var dp = 0
        var seenPoint = false
        for c in mantissa {
            if c == UInt8(ascii: ".") { seenPoint = true; continue }
            digits.append(c)
            if !seenPoint { dp += 1 }
        }
        dp += exp
        var lead = 0
        while lead < digits.count && digits[lead] == UInt8(ascii: "0") { lead += 1 }
        digits.removeFirst(lead)
        dp -= lead
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { dp = 0 }
        return (neg, digits, dp)
    }
}
