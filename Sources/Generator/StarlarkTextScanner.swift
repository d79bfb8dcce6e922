/// A bracket-, string- and comment-aware splitter for Starlark source text, enough to
/// take a previously generated (and then curated) file apart into top-level statements
/// and call arguments without a parser. It never fails: odd text just ends up in a
/// statement the generator carries over verbatim.
struct TopLevelStatement: Sendable, Equatable {
    /// Comment lines directly above the statement.
    var leadingComments: [String]
    /// The statement's lines, without trailing blank lines.
    var text: String

    enum Kind: Sendable, Equatable {
        case load
        case call(function: String)
        case assignment(name: String)
        case def(name: String)
        case other
    }

    /// Only comment lines (a standalone comment block).
    var isComment: Bool { text.split(separator: "\n").allSatisfy { $0.hasPrefix("#") } }

    var kind: Kind {
        let head = text.prefix { $0 != "\n" }
        if head.hasPrefix("def ") {
            let name = head.dropFirst(4).prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return .def(name: String(name))
        }
        let ident = String(head.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        let rest = head.dropFirst(ident.count).drop { $0 == " " || $0 == "\t" }
        if ident.isEmpty { return .other }
        if rest.hasPrefix("(") { return ident == "load" ? .load : .call(function: ident) }
        if rest.hasPrefix("=") && !rest.hasPrefix("==") { return .assignment(name: ident) }
        return .other
    }
}

enum StarlarkTextScanner {
    /// Splits a file into top-level statements. A statement starts at a line that begins
    /// in column 0 outside any bracket or triple-quoted string; indented lines, lines
    /// inside brackets and blank lines followed by indented lines continue it.
    static func statements(_ text: String) -> [TopLevelStatement] {
        var result: [TopLevelStatement] = []
        var current: (comments: [String], lines: [String])?
        var comments: [String] = []
        var pendingBlank = 0
        var state = LexState()
        func finish() {
            guard var c = current else { return }
            while let last = c.lines.last, isBlank(last) { c.lines.removeLast() }
            result.append(TopLevelStatement(leadingComments: c.comments, text: c.lines.joined(separator: "\n")))
            current = nil
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let continuing = state.depth > 0 || state.tripleQuote != nil
            let first = line.first
            if continuing {
                current?.lines.append(line)
            } else if isBlank(line) {
                // A comment block followed by a blank line stands alone (a section
                // comment, a note); one directly above a statement belongs to it.
                if !comments.isEmpty {
                    finish()
                    result.append(TopLevelStatement(leadingComments: [], text: comments.joined(separator: "\n")))
                    comments.removeAll()
                }
                pendingBlank += 1
            } else if first == "#" {
                // A column-0 comment: it ends the current statement unless indented
                // lines follow; either way it is remembered for what comes next.
                comments.append(line)
            } else if first != " " && first != "\t" {
                finish()
                current = (comments, [line])
                comments.removeAll()
                pendingBlank = 0
            } else if current != nil {
                // Indented: blank lines and comments since the statement's last line
                // are part of its body.
                current?.lines.append(contentsOf: Array(repeating: "", count: pendingBlank))
                current?.lines.append(contentsOf: comments)
                current?.lines.append(line)
                comments.removeAll()
                pendingBlank = 0
            }
            state.scan(line)
        }
        finish()
        // Comments after the last statement are kept as a statement of their own.
        if !comments.isEmpty { result.append(TopLevelStatement(leadingComments: [], text: comments.joined(separator: "\n"))) }
        return result
    }

    private static func isBlank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } }

    /// The arguments of the first call in `text` (`f(a, k = v)`), split at top-level
    /// commas, each as (keyword or nil, value source text). Comments before an argument
    /// are dropped; the value's own lines keep their text and indentation.
    static func callArguments(_ text: String) -> [(keyword: String?, value: String)] {
        guard let open = text.firstIndex(of: "(") else { return [] }
        return splitItems(text, after: open).map { raw in
            let item = stripLeadingComments(raw)
            let ident = item.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            let rest = item.dropFirst(ident.count).drop { $0 == " " || $0 == "\t" }
            if !ident.isEmpty, rest.hasPrefix("="), !rest.hasPrefix("==") {
                let value = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\n" }
                return (String(ident), String(value))
            }
            return (nil, item)
        }
    }

    /// The items of the bracketed literal at the start of `text` (`[a, b]`, `{k: v}`,
    /// `(x, y)`), each trimmed, comments before an item dropped.
    static func literalItems(_ text: String) -> [String] { literalEntries(text).map(\.code) }

    /// Like `literalItems`, keeping the comment written after an item's comma on the
    /// same line (`(order_flow, fsync_failure), # service doesn't use fsync`).
    static func literalEntries(_ text: String) -> [(code: String, comment: String?)] {
        guard let open = text.firstIndex(where: { $0 == "[" || $0 == "{" || $0 == "(" }) else { return [] }
        var entries: [(code: String, comment: String?)] = []
        for raw in splitItems(text, after: open, trimmed: false) {
            var rest = Substring(raw)
            let firstLine = rest.prefix { $0 != "\n" }
            if trim(String(firstLine)).hasPrefix("#"), !entries.isEmpty {
                entries[entries.count - 1].comment = trim(String(firstLine))
                rest = rest.dropFirst(firstLine.count)
            }
            let code = stripLeadingComments(String(rest))
            if !code.isEmpty && !code.hasPrefix("#") { entries.append((code, nil)) }
        }
        return entries
    }

    /// Items between the bracket at `open` and its partner, split at depth-1 commas.
    private static func splitItems(_ text: String, after open: String.Index, trimmed: Bool = true) -> [String] {
        var items: [String] = []
        var state = LexState()
        state.depth = 1
        var start = text.index(after: open)
        var i = start
        while i < text.endIndex, state.depth > 0 {
            let c = text[i]
            let wasCode = state.inCode
            let depthBefore = state.depth
            let j = text.index(after: i)
            let k = j < text.endIndex ? text.index(after: j) : j
            state.step(c, next: j < text.endIndex ? text[j] : nil, after: k < text.endIndex ? text[k] : nil)
            if wasCode && depthBefore == 1 && (c == "," || state.depth == 0) {
                items.append(String(text[start..<i]))
                start = text.index(after: i)
            }
            i = text.index(after: i)
        }
        return trimmed ? items.map(trim).filter { !$0.isEmpty } : items
    }

    private static func stripLeadingComments(_ s: String) -> String {
        var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let first = lines.first, trim(first).hasPrefix("#") || trim(first).isEmpty, lines.count > 1 {
            lines.removeFirst()
        }
        return trim(lines.joined(separator: "\n"))
    }

    static func trim(_ s: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(s.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

/// Lexical state carried across characters and lines: bracket depth, whether we are
/// inside a string (and which quote), inside a comment.
struct LexState {
    var depth = 0
    var tripleQuote: Character?
    private var quote: Character?
    private var inComment = false
    private var escaped = false
    private var skip = 0

    var inCode: Bool { quote == nil && tripleQuote == nil && !inComment }

    mutating func scan(_ line: String) {
        let chars = Array(line)
        for (i, c) in chars.enumerated() { step(c, next: i + 1 < chars.count ? chars[i + 1] : nil, after: i + 2 < chars.count ? chars[i + 2] : nil) }
        step("\n", next: nil)
    }

    mutating func step(_ c: Character, next: Character?, after: Character? = nil) {
        if skip > 0 { skip -= 1; return }
        if inComment {
            if c == "\n" { inComment = false }
            return
        }
        if escaped { escaped = false; return }
        if let q = tripleQuote {
            if c == "\\" { escaped = true } else if c == q && next == q && after == q { tripleQuote = nil; skip = 2 }
            return
        }
        if let q = quote {
            if c == "\\" { escaped = true } else if c == q || c == "\n" { quote = nil }
            return
        }
        switch c {
        case "#": inComment = true
        case "\"", "'":
            if next == c && after == c { tripleQuote = c; skip = 2 } else { quote = c }
        case "(", "[", "{": depth += 1
        case ")", "]", "}": depth = max(0, depth - 1)
        default: break
        }
    }
}
