/// Parses durations given on the command line (`--timeout 90s`) in Go's syntax, the same
/// syntax specs use: a sequence of decimal numbers with units ns, us (µs), ms, s, m, h
/// (`500ms`, `1m30s`, `1.5s`). A bare number means seconds, the unit people expect for a
/// timeout flag.
public enum DurationFlag {
    public static func parse(_ text: String, flag: String) throws(SelectionError) -> Duration {
        func bad(_ why: String) -> SelectionError {
            SelectionError(description: "\(flag) \(text): \(why); expected a duration such as 60s, 1m30s or 500ms")
        }
        let s = Array(text.utf8)
        if s.isEmpty { throw bad("empty value") }
        if s.allSatisfy({ $0 >= 48 && $0 <= 57 || $0 == 46 }) {
            guard let seconds = Double(text), seconds.isFinite else { throw bad("not a number") }
            return try checked(seconds * 1e9, bad)
        }
        var totalNanos = 0.0
        var i = 0
        while i < s.count {
            let numberStart = i
            while i < s.count, (s[i] >= 48 && s[i] <= 57) || s[i] == 46 { i += 1 }
            if i == numberStart { throw bad("expected a number at position \(i + 1)") }
            guard let number = Double(String(decoding: s[numberStart..<i], as: UTF8.self)) else {
                throw bad("malformed number")
            }
            let unitStart = i
            while i < s.count, !((s[i] >= 48 && s[i] <= 57) || s[i] == 46) { i += 1 }
            let unit = String(decoding: s[unitStart..<i], as: UTF8.self)
            guard let scale = unitNanos[unit] else {
                throw bad(unit.isEmpty ? "missing unit after \(number)" : "unknown unit \"\(unit)\"")
            }
            totalNanos += number * scale
        }
        return try checked(totalNanos, bad)
    }

    private static let unitNanos: [String: Double] = [
        "ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9,
    ]

    /// Rejects zero, negative and absurd values (over a year) before converting, so that
    /// no user value can overflow an integer conversion.
    private static func checked(_ nanos: Double, _ bad: (String) -> SelectionError) throws(SelectionError) -> Duration {
        guard nanos.isFinite, nanos >= 1e6 else { throw bad("must be at least 1ms") }
        guard nanos <= 366 * 24 * 3600e9 else { throw bad("too large (at most a year)") }
        return .nanoseconds(Int64(nanos))
    }

    /// "60s", "1.5s", "250ms" for messages.
    public static func format(_ d: Duration) -> String {
        let ms = d.milliseconds
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        if ms >= 1000 { return "\(Double(ms) / 1000)s" }
        return "\(ms)ms"
    }
}

extension Duration {
    /// Whole milliseconds (truncated).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1000 &+ attoseconds / 1_000_000_000_000_000
    }
    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
