import Durations

/// Reads durations given on the command line (`--timeout 90s`) with the spec language's
/// parser (`GoDuration`), so a flag accepts what a spec accepts (`500ms`, `1m30s`, `1.5s`).
/// Two rules are the flag's own: a bare number means seconds, the unit people expect for
/// a timeout flag, and the value must lie between 1ms and a year.
public enum DurationFlag {
    public static func parse(_ text: String, flag: String) throws(SelectionError) -> Duration {
        func bad(_ why: String) -> SelectionError {
            SelectionError(description: "\(flag) \(text): \(why); expected a duration such as 60s, 1m30s or 500ms")
        }
        if text.isEmpty { throw bad("empty value") }
        if text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }) {
            guard let seconds = Double(text), seconds.isFinite else { throw bad("not a number") }
            return try checked(seconds * 1e9, bad)
        }
        switch GoDuration.parse(text) {
        case .success(let nanos): return try checked(Double(nanos), bad)
        case .failure(let error): throw bad(error.reason)
        }
    }

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
