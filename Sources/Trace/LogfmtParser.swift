// The logfmt decoder: `level=info msg="started server" port=8080 debug`.
//
// Conventions (those of the Heroku/Go logfmt writers, docs/trace.md):
// - pairs are separated by spaces or tabs; a value runs to the next space unless quoted;
// - a quoted value takes the escapes `\" \\ \n \r \t \/ \b \f \uXXXX`; any other `\x` is
//   kept as written;
// - a bare key (`debug`) means "true", as logfmt writers emit boolean flags;
// - `key=` is the empty string; values are always strings (logfmt has no types);
// - a repeated key keeps its first position and its last value.
// A line is not logfmt (nil) when it has no `key=value` pair at all, so that plain text
// such as "Starting server" is not read as two flags, when a quote is not closed, when a
// key is empty or holds a quote, or when text follows a closing quote without a space.

enum LogfmtParser {
    static func parse(_ bytes: [UInt8]) -> TraceData? {
        var entries: [(key: String, value: TraceData)] = []
        var sawPair = false
        var i = 0
        let n = bytes.count
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

        while true {
            while i < n, isSpace(bytes[i]) { i += 1 }
            if i == n { break }
            let keyStart = i
            while i < n, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: "=") {
                if bytes[i] == UInt8(ascii: "\"") { return nil }
                i += 1
            }
            guard i > keyStart else { return nil }  // `=value`
            let key = String(decoding: bytes[keyStart..<i], as: UTF8.self)
            guard i < n, bytes[i] == UInt8(ascii: "=") else {
                entries.append((key, .string("true")))
                continue
            }
            i += 1
            sawPair = true
            if i < n, bytes[i] == UInt8(ascii: "\"") {
                guard let (value, end) = quoted(bytes, from: i + 1) else { return nil }
                i = end
                guard i == n || isSpace(bytes[i]) else { return nil }
                entries.append((key, .string(value)))
            } else {
                let valueStart = i
                while i < n, !isSpace(bytes[i]) { i += 1 }
                entries.append((key, .string(String(decoding: bytes[valueStart..<i], as: UTF8.self))))
            }
        }
        guard sawPair else { return nil }
        return .object(TraceData.mergingRepeatedKeys(entries))
    }

    /// The text of a quoted value starting after its opening quote, and the position after
    /// the closing quote; nil when the quote is never closed.
    private static func quoted(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        var out: [UInt8] = []
        var i = start
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { return (String(decoding: out, as: UTF8.self), i + 1) }
            guard c == UInt8(ascii: "\\"), i + 1 < n else { out.append(c); i += 1; continue }
            let e = bytes[i + 1]
            i += 2
            if let byte = Escapes.simple(e) { out.append(byte); continue }
            switch e {
            case UInt8(ascii: "u") where i + 4 <= n:
                if bytes[i..<i + 4].allSatisfy({ (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }),
                   let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) {
                    out.append(contentsOf: String(Unicode.Scalar(v) ?? "\u{FFFD}").utf8)
                    i += 4
                } else {
                    out.append(contentsOf: [0x5C, e])
                }
            default: out.append(contentsOf: [0x5C, e])
            }
        }
        return nil
    }
}
