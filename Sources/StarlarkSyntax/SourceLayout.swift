/// What a tool that rewrites a spec needs beyond the tree (`faultbox generate` keeping a
/// user's edits): where each top-level statement starts and ends, and where the comments
/// are, which the lexer otherwise skips as trivia. Offsets are bytes of the source.
public struct SourceLayout: Sendable {
    /// One top-level line of statements (`a = 1; b = 2` is one): from its first token's
    /// first byte to its last token's end, and the indexes of its statements in the file.
    public struct Statement: Sendable, Equatable {
        public let start: Int
        public let end: Int
        public let stmts: Range<Int>
    }

    public var statements: [Statement] = []
    /// Every comment, from `#` to the end of its line (the line break excluded), in order.
    public var comments: [Range<Int>] = []
}

/// Parses a file as `parse` does, and records its layout too.
public func parseWithLayout(_ source: SourceFile) throws(SyntaxError) -> (file: FileNode, layout: SourceLayout) {
    try asSyntaxError {
        var parser = try Parser(source, keepingComments: true)
        var stmts: [Stmt] = []
        var layout = SourceLayout()
        while parser.tok.kind != .eof {
            if parser.tok.kind == .newline { try parser.advance(); continue }
            let start = parser.tok.start
            let first = stmts.count
            try parser.parseStmt(into: &stmts)
            layout.statements.append(.init(start: start, end: parser.lastTokenEnd, stmts: first..<stmts.count))
        }
        layout.comments = parser.lexer.comments ?? []
        return (parser.makeFile(stmts), layout)
    }
}

extension Expr {
    /// Byte offset just past the expression's last byte.
    public var end: Int {
        switch self {
        case .ident(let id): return id.pos + id.name.utf8.count
        case .literal(_, _, let end): return end
        case .list(_, _, let r): return r + 1
        case .tuple(_, let elems, let r): return r.map { $0 + 1 } ?? elems.last?.end ?? 0
        case .dict(_, _, let r): return r + 1
        case .dictEntryExpr(let e): return e.value.end
        case .paren(_, _, let r): return r + 1
        case .unary(_, _, let x): return x.end
        case .binary(_, _, _, let y): return y.end
        case .cond(_, _, _, _, let otherwise): return otherwise.end
        case .call(_, _, _, let r): return r + 1
        case .dot(_, _, let name): return name.pos + name.name.utf8.count
        case .index(_, _, _, let r): return r + 1
        case .slice(_, _, _, _, _, let r): return r + 1
        case .comprehension(let c): return c.rbrack + 1
        case .lambda(let f):
            if case .return_(_, let body?)? = f.body.last { return body.end }
            return f.pos
        }
    }
}

extension StarlarkQuote {
    /// The value of `text` when it is exactly one string literal in any of the lexer's
    /// forms (quotes, triple quotes, `r"..."`, escapes); nil for anything else.
    public static func unquoted(_ text: String) -> String? {
        var lexer = Lexer(SourceFile(name: "<literal>", text: text))
        guard let token = try? lexer.next(), token.kind == .string, token.start == 0, token.end == text.utf8.count,
              case .string(let bytes) = lexer.literal else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
