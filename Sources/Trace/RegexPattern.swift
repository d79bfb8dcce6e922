import Foundation

// The regex decoder's pattern. Specs are written for the reference tool, whose patterns
// are Go/Python style (`(?P<action>\w+)`), while NSRegularExpression is ICU: ICU spells a
// named group `(?<name>...)` and only allows letters and digits in the name, so
// `(?P<status_code>\d+)` would be rejected. The pattern is therefore rewritten with every
// named group as a plain numbered group, and the names are kept beside it. The scanner
// follows ICU's reading of the pattern (escapes, `\Q...\E`, nested character classes) so
// that its group numbers are ICU's.

struct RegexPattern: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to share between threads.
    let source: String
    let regex: NSRegularExpression
    /// (ICU group number, name) of each named group, in pattern order.
    let groups: [(index: Int, name: String)]

    init(_ source: String) throws(TraceDecoderError) {
        let (translated, groups) = try RegexPattern.translate(source)
        do {
            regex = try NSRegularExpression(pattern: translated, options: [])
        } catch {
            throw TraceDecoderError("decoder(\"regex\"): invalid pattern \(RegexPattern.quote(source)): not a valid "
                + "regular expression (ICU syntax, with Python's (?P<name>...) groups)")
        }
        self.source = source
        self.groups = groups
    }

    /// Named groups of the first match as an object of strings (a group that did not take
    /// part is ""), or nil when the line does not match.
    func match(_ line: String) -> TraceData? {
        let ns = line as NSString
        guard let m = regex.firstMatch(in: line, options: [], range: NSRange(location: 0, length: ns.length)) else { return nil }
        var entries: [(key: String, value: TraceData)] = []
        for g in groups {
            let r = m.range(at: g.index)
            entries.append((g.name, .string(r.location == NSNotFound ? "" : ns.substring(with: r))))
        }
        return .object(entries)
    }

    static func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Rewrites `(?P<name>` and `(?<name>` as `(`, `(?P=name)` and `\k<name>` as numbered
    /// back-references, and checks parentheses and brackets balance so that the common
    /// mistakes get a message with a position rather than ICU's bare "invalid".
    static func translate(_ p: String) throws(TraceDecoderError) -> (String, [(index: Int, name: String)]) {
        let c = Array(p.unicodeScalars)
        var out = String.UnicodeScalarView()
        var groups: [(index: Int, name: String)] = []
        var byName: [String: Int] = [:]
        var captureCount = 0
        var openParens: [Int] = []
        var i = 0
        func fail(_ what: String, at: Int) -> TraceDecoderError {
            TraceDecoderError("decoder(\"regex\"): invalid pattern \(quote(p)): \(what) at offset \(at)")
        }
        func isNameStart(_ s: Unicode.Scalar) -> Bool { s == "_" || ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
        func isNameChar(_ s: Unicode.Scalar) -> Bool { isNameStart(s) || ("0"..."9").contains(s) }
        /// A group name starting at `from`, ending at `terminator`; returns the name and the
        /// index after the terminator.
        func name(from: Int, terminator: Unicode.Scalar) throws(TraceDecoderError) -> (String, Int) {
            var j = from
            while j < c.count, isNameChar(c[j]) { j += 1 }
            guard j > from, isNameStart(c[from]) else { throw fail("a group name must be letters, digits and _ and not "
                + "start with a digit", at: from) }
            guard j < c.count, c[j] == terminator else { throw fail("group name not closed with '\(terminator)'", at: j) }
            var s = String.UnicodeScalarView(); s.append(contentsOf: c[from..<j])
            return (String(s), j + 1)
        }
        func backReference(_ n: String, at: Int) throws(TraceDecoderError) {
            guard let index = byName[n] else { throw fail("back-reference to unknown group \"\(n)\"", at: at) }
            // Parenthesised so that digits after it are not read as part of the number.
            out.append(contentsOf: "(?:\\\(index))".unicodeScalars)
        }

        while i < c.count {
            let ch = c[i]
            switch ch {
            case "\\":
                guard i + 1 < c.count else { throw fail("trailing backslash", at: i) }
                if c[i + 1] == "Q" {
                    // Literal text up to \E (or the end).
                    var j = i + 2
                    while j < c.count, !(c[j] == "\\" && j + 1 < c.count && c[j + 1] == "E") { j += 1 }
                    let end = min(j + 2, c.count)
                    out.append(contentsOf: c[i..<end])
                    i = end
                } else if c[i + 1] == "k", i + 2 < c.count, c[i + 2] == "<" {
                    let (n, next) = try name(from: i + 3, terminator: ">")
                    try backReference(n, at: i)
                    i = next
                } else {
                    out.append(ch); out.append(c[i + 1]); i += 2
                }
            case "[":
                // A character class, with ICU's nested sets; nothing inside is a group.
                let start = i
                var depth = 0
                repeat {
                    if c[i] == "\\" { out.append(c[i]); i += 1; if i < c.count { out.append(c[i]); i += 1 }; continue }
                    if c[i] == "[" { depth += 1 } else if c[i] == "]" { depth -= 1 }
                    out.append(c[i]); i += 1
                    // `[]...]` and `[^]...]`: a `]` first in the class is a literal.
                    if depth == 1, i < c.count, c[i] == "]", c[i - 1] == "[" || (c[i - 1] == "^" && i >= 2 && c[i - 2] == "[") {
                        out.append(c[i]); i += 1
                    }
                } while depth > 0 && i < c.count
                guard depth == 0 else { throw fail("unterminated character class", at: start) }
            case "(":
                openParens.append(i)
                if i + 2 < c.count, c[i + 1] == "?", c[i + 2] == "P" {
                    guard i + 3 < c.count else { throw fail("incomplete (?P group", at: i) }
                    if c[i + 3] == "<" {
                        let (n, next) = try name(from: i + 4, terminator: ">")
                        guard byName[n] == nil else { throw fail("group name \"\(n)\" used twice", at: i) }
                        captureCount += 1; groups.append((captureCount, n)); byName[n] = captureCount
                        out.append("("); i = next
                    } else if c[i + 3] == "=" {
                        let (n, next) = try name(from: i + 4, terminator: ")")
                        openParens.removeLast()
                        try backReference(n, at: i)
                        i = next
                    } else {
                        throw fail("unknown (?P group kind", at: i)
                    }
                } else if i + 2 < c.count, c[i + 1] == "?", c[i + 2] == "<",
                          i + 3 < c.count, c[i + 3] != "=", c[i + 3] != "!" {
                    let (n, next) = try name(from: i + 3, terminator: ">")
                    guard byName[n] == nil else { throw fail("group name \"\(n)\" used twice", at: i) }
                    captureCount += 1; groups.append((captureCount, n)); byName[n] = captureCount
                    out.append("("); i = next
                } else {
                    if !(i + 1 < c.count && c[i + 1] == "?") { captureCount += 1 }  // `(?:`, `(?=`, `(?i)` do not capture
                    out.append(ch); i += 1
                }
            case ")":
                guard openParens.popLast() != nil else { throw fail("unbalanced ')'", at: i) }
                out.append(ch); i += 1
            default:
                out.append(ch); i += 1
            }
        }
        if let open = openParens.last { throw fail("missing ')' for the '(' opened", at: open) }
        return (String(out), groups)
    }
}
