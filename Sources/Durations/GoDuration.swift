/// Durations in Go's `time.ParseDuration` syntax: a sequence of decimal numbers with a
/// unit each (`"300ms"`, `"1.5h"`, `"2h45m"`); units ns, us (µs), ms, s, m, h. A bare
/// `"0"` is zero. Negative durations make no sense for delays or timeouts and are refused.
/// The one reader of this syntax: specs (`duration()`, timeouts, delays), `run --fault
/// delay:...` and `test --timeout` all come here, so they accept the same text.
public enum GoDuration {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    static let units: [(String, Double)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// Nanoseconds, or a reason the text is not a duration.
    public static func parse(_ text: String) -> Result<UInt64, ParseError> {
        func fail(_ r: String) -> Result<UInt64, ParseError> { .failure(ParseError(reason: r)) }
        if text == "0" { return .success(0) }
        if text.isEmpty { return fail("empty duration") }
        if text.hasPrefix("-") { return fail("negative duration") }
        var rest = Substring(text.hasPrefix("+") ? String(text.dropFirst()) : text)
        if rest.isEmpty { return fail("missing number") }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            if number.isEmpty || number == "." { return fail("expected a number at \"\(rest)\"") }
            if number.filter({ $0 == "." }).count > 1 { return fail("malformed number \"\(number)\"") }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            if unitText.isEmpty { return fail("missing unit after \"\(number)\" (use ns, us, ms, s, m or h)") }
            guard let unit = units.first(where: { $0.0 == unitText }) else {
                return fail("unknown unit \"\(unitText)\" (use ns, us, ms, s, m or h)")
            }
            rest = rest.dropFirst(unitText.count)
            guard let value = Double(number) else { return fail("malformed number \"\(number)\"") }
            total += value * unit.1
        }
        // Go's limit is about 290 years; anything larger is surely a mistake.
        if !(total < 9.2e18) { return fail("duration too large") }
        return .success(UInt64(total.rounded()))
    }

    /// A compact Go-style rendering (`1m30s`, `500ms`) for generated text.
    public static func format(_ ns: UInt64) -> String {
        if ns == 0 { return "0s" }
        if ns % 1_000_000_000 == 0 {
            var s = ns / 1_000_000_000
            var out = ""
            if s >= 3600 { out += "\(s / 3600)h"; s %= 3600 }
            if s >= 60 { out += "\(s / 60)m"; s %= 60 }
            if s > 0 { out += "\(s)s" }
            return out
        }
        if ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
        if ns % 1_000 == 0 { return "\(ns / 1_000)us" }
        return "\(ns)ns"
    }
}
