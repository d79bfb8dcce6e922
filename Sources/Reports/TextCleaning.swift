import Foundation

// Making service output safe for the reports. Services print anything (colour codes, NUL,
// binary garbage, megabytes of logs); every report must still be readable and, for JUnit,
// valid XML. Cleaning happens here once so each report applies the same rules.

enum TextCleaning {
    /// Cuts `text` to at most `limit` UTF-8 bytes by removing its middle (the start shows how
    /// a service began, the end how it failed), on scalar boundaries, with a marker saying how
    /// much went. Text within the limit is returned unchanged.
    static func truncateMiddle(_ text: String, limit: Int) -> String {
        let count = text.utf8.count
        guard count > max(limit, 64) else { return text }
        let bytes = Array(text.utf8)
        let half = max(limit, 64) / 2
        var headEnd = half
        while headEnd > 0 && isContinuation(bytes[headEnd]) { headEnd -= 1 }
        var tailStart = count - half
        while tailStart < count && isContinuation(bytes[tailStart]) { tailStart += 1 }
        let removed = tailStart - headEnd
        return String(decoding: bytes[..<headEnd], as: UTF8.self)
            + "\n[... \(removed) bytes of output truncated by faultbox ...]\n"
            + String(decoding: bytes[tailStart...], as: UTF8.self)
    }

    private static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }

    /// Replaces every character XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE,
    /// U+FFFF) with a visible `\xNN` / `\u{FFFE}` escape. libxml2's writer would copy them
    /// raw and make the file unreadable, and a NUL would cut the C string short.
    static func xmlSafe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isXMLChar($0) }) else { return text }
        return replacing(text, where: { !isXMLChar($0) })
    }

    /// `text` with the scalars `matching` escaped, built as UTF-8 bytes:
    /// `UnicodeScalarView.append(contentsOf:)` copies the whole view each time, which made
    /// a megabyte of output with many control characters take minutes (found by fuzz-junit).
    private static func replacing(_ text: String, where matching: (Unicode.Scalar) -> Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 64)
        for scalar in text.unicodeScalars {
            if matching(scalar) {
                out.append(contentsOf: escape(scalar).utf8)
            } else {
                UTF8.encode(scalar) { out.append($0) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isXMLChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// For the terminal: control characters (ESC, BEL, NUL, ...) but tab and newline become
    /// visible escapes so a service's output cannot move the cursor or recolour the console.
    static func consoleSafe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isConsoleControl($0) }) else { return text }
        return replacing(text, where: isConsoleControl)
    }

    private static func isConsoleControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v < 0x20 && v != 0x9 && v != 0xA) || v == 0x7F || (0x80...0x9F).contains(v)
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        let v = scalar.value
        let hex = String(v, radix: 16)
        return v < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
    }

    /// The last `count` lines of `text` and how many lines it has in all.
    static func tail(_ text: String, lines count: Int) -> (lines: [Substring], total: Int) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return (Array(lines.suffix(count)), lines.count)
    }

    /// Milliseconds as a whole number, safe for any Double (NaN and negatives give 0).
    static func wholeMs(_ ms: Double) -> Int64 {
        guard ms.isFinite, ms > 0 else { return 0 }
        return Int64(min(ms, 9e15).rounded())
    }

    /// Seconds with exactly three decimals, without locale: 212.4 ms -> "0.212".
    static func seconds(_ ms: Double) -> String {
        let whole = wholeMs(ms)
        let fraction = String(whole % 1000)
        return "\(whole / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// A one-line summary of a (multi-line) reason: its first non-empty line, joined with the
    /// next one when the first only introduces it ("... failed for <response>:").
    static func headline(_ reason: String?) -> String {
        let lines = (reason ?? "").split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = lines.first else { return "failed" }
        if first.hasSuffix(":"), lines.count > 1 { return first + " " + lines[1] }
        return first
    }
}
