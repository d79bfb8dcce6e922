import StarlarkSyntax

/// A previously generated (and then curated) file, read by the same front end as
/// `faultbox test` (StarlarkSyntax): its top-level statements with their exact text and
/// the comments around them, so carry-over can keep what the user wrote.
struct CuratedFile {
    /// One top-level statement, or a block of comment lines standing alone.
    struct Statement {
        /// Comment lines directly above the statement (no blank line between).
        var leadingComments: [String]
        /// The statement's text, from its first byte to the end of its last line.
        var text: String
        /// The parsed statements (empty for a comment block).
        var stmts: [Stmt]

        var isComment: Bool { stmts.isEmpty }

        enum Kind: Equatable {
            case load
            case call(function: String)
            case assignment(name: String)
            case def(name: String)
            case other
        }

        var kind: Kind {
            guard stmts.count == 1, let stmt = stmts.first else { return .other }
            switch stmt {
            case .load: return .load
            case .expr(.call(.ident(let f), _, _, _)): return .call(function: f.name)
            case .assign(.ident(let x), .assign, _, _): return .assignment(name: x.name)
            case .def(let fn): return fn.name.map { .def(name: $0.name) } ?? .other
            default: return .other
            }
        }
    }

    let source: SourceFile
    let statements: [Statement]
    private let comments: [Range<Int>]

    /// Fails with the parser's message (file:line:col) when the file is not Starlark.
    init(path: String, text: String) throws(GenerateError) {
        source = SourceFile(name: path, text: text)
        let parsed: (file: FileNode, layout: SourceLayout)
        do { parsed = try parseWithLayout(source) } catch {
            throw GenerateError("\(error)", fix: "the file on disk is not valid Starlark, so your edits cannot be carried "
                + "over: fix it (faultbox test reads it the same way), or move it away to generate a fresh one")
        }
        comments = parsed.layout.comments
        statements = Self.statements(source, parsed.file, parsed.layout)
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: source.bytes[max(0, range.lowerBound)..<min(source.bytes.count, range.upperBound)], as: UTF8.self)
    }

    func text(of e: Expr) -> String { text(e.start..<e.end) }

    /// The comment that follows `offset` on the same line (`(a, b),  # why`), if any.
    func trailingComment(after offset: Int) -> String? {
        guard let c = comments.first(where: { $0.lowerBound >= offset }) else { return nil }
        let between = source.bytes[offset..<c.lowerBound]
        return between.contains(0x0A) || between.contains(0x0D) ? nil : text(c)
    }

    /// The call `f(...)` of a statement `f(...)`: each argument as (keyword, value).
    static func callArguments(_ stmt: Stmt) -> [(keyword: String?, value: Expr)] {
        guard case .expr(.call(_, _, let args, _)) = stmt else { return [] }
        return args.compactMap { a in
            switch a {
            case .positional(let x): return (nil, x)
            case .keyword(let k, let x): return (k.name, x)
            case .star, .starStar: return nil
            }
        }
    }

    /// Top-level statements with their comments. A comment block directly above a
    /// statement belongs to it; one followed by a blank line stands alone (a section
    /// comment, a note), and so do comments after the last statement.
    private static func statements(_ source: SourceFile, _ file: FileNode, _ layout: SourceLayout) -> [Statement] {
        let bytes = source.bytes
        func line(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        func endOfLine(_ i: Int) -> Int {
            var j = i
            while j < bytes.count, bytes[j] != 0x0A, bytes[j] != 0x0D { j += 1 }
            return j
        }
        var result: [Statement] = []
        var commentIndex = 0
        var previousEnd = 0
        /// Comment lines between `previousEnd` and `limit`, in blocks separated by blank lines.
        func commentBlocks(before limit: Int) -> (blocks: [[String]], lastTouches: Bool) {
            var blocks: [[String]] = []
            var current: [String] = []
            var lastLineEnd = -1
            while commentIndex < layout.comments.count, layout.comments[commentIndex].lowerBound < limit {
                let c = layout.comments[commentIndex]
                commentIndex += 1
                if c.lowerBound < previousEnd { continue }  // inside or after a statement on its line
                if lastLineEnd >= 0, blankLine(between: lastLineEnd, and: c.lowerBound) {
                    blocks.append(current)
                    current = []
                }
                current.append(line(c))
                lastLineEnd = c.upperBound
            }
            if !current.isEmpty { blocks.append(current) }
            let touches = lastLineEnd >= 0 && !blankLine(between: lastLineEnd, and: limit)
            return (blocks, touches)
        }
        func blankLine(between a: Int, and b: Int) -> Bool {
            var breaks = 0
            var i = a
            while i < min(b, bytes.count) {
                if bytes[i] == 0x0A || (bytes[i] == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) { breaks += 1 }
                i += 1
            }
            return breaks >= 2
        }
        for span in layout.statements {
            let (blocks, touches) = commentBlocks(before: span.start)
            var leading: [String] = []
            for (i, block) in blocks.enumerated() {
                if i == blocks.count - 1 && touches { leading = block } else {
                    result.append(Statement(leadingComments: [], text: block.joined(separator: "\n"), stmts: []))
                }
            }
            // The statement's last line, with a comment written after it.
            let end = endOfLine(span.end)
            let text = unixLineBreaks(line(span.start..<end))
            result.append(Statement(leadingComments: leading, text: trimTrailing(text), stmts: Array(file.stmts[span.stmts])))
            previousEnd = end
        }
        let (blocks, _) = commentBlocks(before: bytes.count)
        for block in blocks { result.append(Statement(leadingComments: [], text: block.joined(separator: "\n"), stmts: [])) }
        return result
    }

    /// `\r\n` and a lone `\r` (line breaks the lexer accepts) as `\n`.
    private static func unixLineBreaks(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for c in s.unicodeScalars {
            if c == "\n" && afterCR { afterCR = false; continue }
            afterCR = c == "\r"
            out.append(afterCR ? "\n" : c)
        }
        return String(out)
    }

    private static func trimTrailing(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}
