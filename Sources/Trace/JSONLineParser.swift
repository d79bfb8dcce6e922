// The JSON decoder of observed output lines. Hand-written rather than JSONSerialization
// because that loses key order (the report and `e.data` show keys as the service wrote
// them) and the difference between `1` and `1.0` on Linux; and because a service's output
// is hostile input: the parser is iterative (a `[[[[...` line cannot overflow the stack),
// stops at a nesting limit (a deep `TraceData` would also be freed recursively), and
// replaces invalid UTF-8 instead of rejecting the line.

enum JSONLineParser {
    /// Deeper values are not parsed (the line stays raw text). The reference tool's
    /// parser, Go's encoding/json, stops at 10,000; logs never come near either.
    static let maxDepth = 512

    /// The object on `bytes` (surrounding whitespace allowed), or nil when the line is not
    /// exactly one JSON object.
    static func parseObject(_ bytes: [UInt8]) -> TraceData? {
        var p = Parser(bytes: bytes)
        guard let value = p.parseDocument(), case .object = value else { return nil }
        return value
    }

    /// A container being filled; the innermost is last on the stack.
    private enum Frame {
        case list([TraceData])
        case object([(key: String, value: TraceData)], key: String)
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func parseDocument() -> TraceData? {
            guard let v = parseValue() else { return nil }
            skipSpace()
            return i == bytes.count ? v : nil
        }

        /// One value; containers are handled with an explicit stack of frames.
        mutating func parseValue() -> TraceData? {
            var stack: [Frame] = []
            while true {
                skipSpace()
                guard i < bytes.count else { return nil }
                var value: TraceData
                switch bytes[i] {
                case UInt8(ascii: "{"):
                    i += 1
                    guard stack.count < JSONLineParser.maxDepth else { return nil }
                    skipSpace()
                    if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                        i += 1; value = .object([])
                    } else {
                        guard let key = parseKey() else { return nil }
                        stack.append(.object([], key: key))
                        continue
                    }
                case UInt8(ascii: "["):
                    i += 1
                    guard stack.count < JSONLineParser.maxDepth else { return nil }
                    skipSpace()
                    if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                        i += 1; value = .list([])
                    } else {
                        stack.append(.list([]))
                        continue
                    }
                case UInt8(ascii: "\""):
                    guard let s = parseString() else { return nil }
                    value = .string(s)
                case UInt8(ascii: "t"):
                    guard literal("true") else { return nil }
                    value = .bool(true)
                case UInt8(ascii: "f"):
                    guard literal("false") else { return nil }
                    value = .bool(false)
                case UInt8(ascii: "n"):
                    guard literal("null") else { return nil }
                    value = .null
                default:
                    guard let n = parseNumber() else { return nil }
                    value = n
                }
                // A complete value: hand it to the enclosing container. A `,` goes back to
                // parse the next element; a closing bracket completes the container, which
                // is in turn handed to its parent.
                closing: while let top = stack.popLast() {
                    skipSpace()
                    guard i < bytes.count else { return nil }
                    let c = bytes[i]
                    i += 1
                    switch top {
                    case .list(var items):
                        items.append(value)
                        if c == UInt8(ascii: ",") { stack.append(.list(items)); break closing }
                        guard c == UInt8(ascii: "]") else { return nil }
                        value = .list(items)
                    case .object(var entries, let key):
                        entries.append((key, value))
                        if c == UInt8(ascii: ",") {
                            skipSpace()
                            guard let next = parseKey() else { return nil }
                            stack.append(.object(entries, key: next))
                            break closing
                        }
                        guard c == UInt8(ascii: "}") else { return nil }
                        value = .object(TraceData.mergingRepeatedKeys(entries))
                    }
                }
                if stack.isEmpty { return value }  // else a `,` was read: parse the next element
            }
        }

        /// `"key" :` at the current position.
        mutating func parseKey() -> String? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let key = parseString() else { return nil }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            return key
        }

        mutating func skipSpace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            let ok = word.withUTF8Buffer { w in (0..<n).allSatisfy { bytes[i + $0] == w[$0] } }
            if ok { i += n }
            return ok
        }

        /// A string from the opening quote. Escapes are decoded (a lone surrogate becomes
        /// U+FFFD); raw bytes are taken as UTF-8 with invalid sequences replaced.
        mutating func parseString() -> String? {
            i += 1  // the quote
            var raw: [UInt8] = []
            var runStart = i
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    raw.append(contentsOf: bytes[runStart..<i])
                    i += 1
                    return String(decoding: raw, as: UTF8.self)
                }
                if c != UInt8(ascii: "\\") { i += 1; continue }
                raw.append(contentsOf: bytes[runStart..<i])
                i += 1
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                if let byte = Escapes.simple(e) { raw.append(byte); runStart = i; continue }
                switch e {
                case UInt8(ascii: "u"):
                    guard var unit = hex4() else { return nil }
                    var scalar: Unicode.Scalar?
                    if (0xD800...0xDBFF).contains(unit) {
                        // A high surrogate needs `\uDC00-\uDFFF` right after it.
                        let save = i
                        if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                            i += 2
                            if let low = hex4(), (0xDC00...0xDFFF).contains(low) {
                                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                                scalar = Unicode.Scalar(unit)
                            } else {
                                i = save
                            }
                        }
                    } else {
                        scalar = Unicode.Scalar(unit)
                    }
                    raw.append(contentsOf: String(scalar ?? "\u{FFFD}").utf8)
                default:
                    return nil
                }
                runStart = i
            }
            return nil  // unterminated
        }

        mutating func hex4() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = bytes[i + k]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: return nil
                }
                v = v << 4 | d
            }
            i += 4
            return v
        }

        /// A number in JSON's grammar. An integer literal that fits Int64 is an int; so is a
        /// number with a fraction or exponent whose value is a whole number in Int64 range
        /// (`1.0`, `1e3`), as in the reference tool; anything else is a double.
        mutating func parseNumber() -> TraceData? {
            let start = i
            func digits() -> Int {
                let s = i
                while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
                return i - s
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            let intStart = i
            let intDigits = digits()
            guard intDigits > 0 else { return nil }
            if intDigits > 1, bytes[intStart] == UInt8(ascii: "0") { return nil }
            var isInteger = true
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { return nil }
                isInteger = false
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { return nil }
                isInteger = false
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if isInteger, let v = Int64(text) { return .int(v) }
            guard let d = Double(text) else { return nil }
            // 2^63 is exactly representable and out of range; the bounds are exclusive there.
            if d == d.rounded(), d >= -9.223372036854775808e18, d < 9.223372036854775808e18 {
                return .int(Int64(d))
            }
            return .double(d)
        }
    }
}
