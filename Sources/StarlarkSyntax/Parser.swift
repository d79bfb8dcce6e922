/// Parses a whole file. Stops at the first error (as go.starlark.net does); the error
/// names file:line:col and uses go.starlark.net's wording.
public func parse(_ source: SourceFile) throws(SyntaxError) -> FileNode {
    try asSyntaxError {
        var parser = try Parser(source)
        return try parser.parseFile()
    }
}

/// Parses a single expression (a comma-separated list is a tuple), optionally followed
/// by one newline. The result is a `FileNode` holding one `.expr` statement, so that the
/// id counters travel with it.
public func parseExpr(_ source: SourceFile) throws(SyntaxError) -> FileNode {
    try asSyntaxError {
        var parser = try Parser(source)
        return try parser.parseSingleExpression()
    }
}

/// Internally the parser uses untyped `throws`: a typed `SyntaxError` (two strings and
/// two ints) makes every recursive frame reserve room for it, several times over, which
/// tripled the stack used per nesting level. Only `SyntaxError` is ever thrown inside.
func asSyntaxError<T>(_ body: () throws -> T) throws(SyntaxError) -> T {
    do {
        return try body()
    } catch let e as SyntaxError {
        throw e
    } catch {
        throw SyntaxError(SourceLocation(file: "<internal>", line: 0, column: 0), "internal parser error: \(error)")
    }
}

/// A recursive-descent parser over a one-token lookahead. Grammar: `grammar/starlark.ebnf`.
struct Parser {
    var lexer: Lexer
    /// The lookahead token; `lexer.identName` / `lexer.literal` hold its value.
    var tok: Token
    var identCount = 0
    var functionCount = 0
    var comprehensionCount = 0
    /// Height of the tree under construction along the current path (brackets, blocks,
    /// operator and suffix chains). Bounded so the later phases, which recurse over the
    /// tree (and Swift's release of nested enums, which recurses too), stay shallow.
    var depth = 0
    /// Recursive calls of this parser along the current path (brackets, unary operators,
    /// blocks, elif chains). Bounded more tightly: each level costs this parser a few
    /// stack frames (measured ~1.7 KB per bracket level in release builds, up to ~5 KB in
    /// debug builds; see docs/syntax.md).
    var nesting = 0
    static let maxDepth = 1000
    static let maxNesting = 200

    /// End of the last real token consumed (not a NEWLINE or an indentation change).
    var lastTokenEnd = 0

    init(_ source: SourceFile, keepingComments: Bool = false) throws {
        lexer = Lexer(source)
        if keepingComments { lexer.comments = [] }
        tok = Token(kind: .eof, start: 0, end: 0)
        tok = try lexer.next()
    }

    // MARK: token helpers

    /// Moves to the next token; returns the start offset of the token just consumed.
    /// Not inlined: the scanner's locals would otherwise bloat every recursive frame.
    @discardableResult @inline(never)
    mutating func advance() throws -> Int {
        let start = tok.start
        if tok.kind != .newline && tok.kind != .indent && tok.kind != .outdent { lastTokenEnd = tok.end }
        tok = try lexer.next()
        return start
    }

    /// Where a complaint about the lookahead is reported. A NEWLINE is reported where
    /// the next line starts, as go.starlark.net does ("x = 1 +" fails on the next line).
    var errorOffset: Int { tok.kind == .newline ? tok.end : tok.start }

    @inline(never)
    func error(_ offset: Int, _ message: String) -> SyntaxError {
        lexer.error(offset, message)
    }

    /// "got X, want Y" at the lookahead. Inside brackets, a lookahead at the end of the
    /// file or on a later line usually means a bracket was left open: that is reported where
    /// it was opened (`'(' was never closed`), not where the parser gave up lines later.
    @inline(never)
    func unexpected(want: String) -> SyntaxError {
        if let open = lexer.openBrackets.last {
            if tok.kind == .eof {
                // At the end of the file go.starlark.net's wording stays (its conformance
                // suite checks it); the opener is named after it.
                let at = lexer.source.lineColumn(open.offset)
                return error(errorOffset, "got \(tok.kind), want \(want) ('\(open.bracket)' at \(at.line):\(at.column) was never closed)")
            }
            // A token on a later line that starts no further in than the opener's line did is
            // the next statement: the bracket was left open. One indented further is more
            // likely a continuation missing its comma, reported as such.
            if lexer.lineBreakBeforeToken && column(of: tok.start) <= indentation(ofLineAt: open.offset) {
                return error(open.offset, "'\(open.bracket)' was never closed")
            }
        }
        return error(errorOffset, "got \(tok.kind), want \(want)")
    }

    /// 0-based column of `offset` (tabs count as one byte here; only compared with
    /// `indentation(ofLineAt:)`, which counts the same way).
    func column(of offset: Int) -> Int {
        var start = offset
        while start > 0 && lexer.bytes[start - 1] != 0x0A && lexer.bytes[start - 1] != 0x0D { start -= 1 }
        return offset - start
    }

    /// Leading blanks of the line holding `offset`.
    func indentation(ofLineAt offset: Int) -> Int {
        var start = offset
        while start > 0 && lexer.bytes[start - 1] != 0x0A && lexer.bytes[start - 1] != 0x0D { start -= 1 }
        var n = 0
        while start + n < lexer.bytes.count && (lexer.bytes[start + n] == 0x20 || lexer.bytes[start + n] == 0x09) { n += 1 }
        return n
    }

    @discardableResult
    mutating func consume(_ kind: TokenKind) throws -> Int {
        guard tok.kind == kind else { throw unexpected(want: kind.description) }
        return try advance()
    }

    mutating func parseIdent() throws -> Ident {
        guard tok.kind == .ident else { throw error(errorOffset, "not an identifier") }
        let id = makeIdent(lexer.identName, at: tok.start)
        try advance()
        return id
    }

    mutating func makeIdent(_ name: String, at pos: Int) -> Ident {
        defer { identCount += 1 }
        return Ident(name: name, pos: pos, id: identCount)
    }

    /// Enters one level of recursion (and of tree height); callers restore both
    /// counters when they return.
    mutating func deepen() throws {
        nesting += 1
        depth += 1
        if nesting > Parser.maxNesting || depth > Parser.maxDepth { throw tooDeep() }
    }

    /// One more level of tree height without recursion (`a + b + c`, `a.b.c`).
    mutating func grow() throws {
        depth += 1
        if depth > Parser.maxDepth { throw tooDeep() }
    }

    @inline(never)
    func tooDeep() -> SyntaxError {
        if nesting > Parser.maxNesting {
            return error(tok.start, "nesting too deep: more than \(Parser.maxNesting) levels of brackets, unary "
                + "operators, blocks or elif; use intermediate variables or functions")
        }
        return error(tok.start, "expression too deep: more than \(Parser.maxDepth) chained operators, calls or "
            + "attributes in one expression; split it using intermediate variables")
    }

    @inline(never)
    func nonAssociative(_ previous: BinaryOp, _ op: BinaryOp, at offset: Int) -> SyntaxError {
        error(offset, "\(previous.rawValue) does not associate with \(op.rawValue) (use parens)")
    }

    // MARK: files and statements

    mutating func parseFile() throws -> FileNode {
        var stmts: [Stmt] = []
        while tok.kind != .eof {
            if tok.kind == .newline { try advance(); continue }
            try parseStmt(into: &stmts)
        }
        return makeFile(stmts)
    }

    mutating func parseSingleExpression() throws -> FileNode {
        let x = try parseExpr(inParens: false)
        if tok.kind == .newline { try advance() }
        if tok.kind != .eof {
            throw error(errorOffset, "got \(tok.kind) after expression, want EOF")
        }
        return makeFile([.expr(x)])
    }

    func makeFile(_ stmts: [Stmt]) -> FileNode {
        FileNode(source: lexer.source, stmts: stmts, identCount: identCount,
                 functionCount: functionCount, comprehensionCount: comprehensionCount)
    }

    mutating func parseStmt(into stmts: inout [Stmt]) throws {
        switch tok.kind {
        case .def: stmts.append(try parseDef())
        case .if_: stmts.append(try parseIf(pos: try advance(), isElif: false))
        case .for_: stmts.append(try parseFor())
        case .while_: stmts.append(try parseWhile())
        default: try parseSimpleStmt(into: &stmts)
        }
    }

    /// `small_stmt (';' small_stmt)* ';'? NEWLINE` (the NEWLINE may be the end of file).
    mutating func parseSimpleStmt(into stmts: inout [Stmt]) throws {
        while true {
            stmts.append(try parseSmallStmt())
            guard tok.kind == .semi else { break }
            try advance()
            if tok.kind == .newline || tok.kind == .eof { break }
        }
        if tok.kind != .eof { try consume(.newline) }
    }

    mutating func parseSmallStmt() throws -> Stmt {
        switch tok.kind {
        case .return_:
            let pos = try advance()
            if tok.kind == .eof || tok.kind == .newline || tok.kind == .semi { return .return_(pos: pos, nil) }
            return .return_(pos: pos, try parseExpr(inParens: false))
        case .break_: return .break_(pos: try advance())
        case .continue_: return .continue_(pos: try advance())
        case .pass: return .pass(pos: try advance())
        case .load: return try parseLoad()
        default: break
        }
        let lhs = try parseExpr(inParens: false)
        let op: AssignOp
        if tok.kind == .eq {
            op = .assign
        } else if let aug = tok.kind.augmentedOp {
            op = .augmented(aug)
        } else {
            return .expr(lhs)
        }
        let opPos = try advance()
        let rhs = try parseExpr(inParens: false)
        return .assign(lhs: lhs, op: op, opPos: opPos, rhs: rhs)
    }

    /// A block after ':': either the rest of the line, or NEWLINE INDENT stmt+ OUTDENT.
    mutating func parseSuite() throws -> [Stmt] {
        let saved = (depth, nesting)
        defer { (depth, nesting) = saved }
        try deepen()
        var stmts: [Stmt] = []
        if tok.kind == .newline {
            try advance()
            try consume(.indent)
            while tok.kind != .outdent && tok.kind != .eof {
                try parseStmt(into: &stmts)
            }
            try consume(.outdent)
        } else {
            try parseSimpleStmt(into: &stmts)
        }
        return stmts
    }

    mutating func parseDef() throws -> Stmt {
        let pos = try advance()
        let id = functionCount
        functionCount += 1
        let name = try parseIdent()
        try consume(.lparen)
        let params = try parseParams()
        try consume(.rparen)
        try consume(.colon)
        let body = try parseSuite()
        return .def(FunctionNode(id: id, pos: pos, name: name, params: params, body: body, isLambda: false))
    }

    /// Parameters in any order; the resolver checks the order (as in go.starlark.net).
    mutating func parseParams() throws -> [Parameter] {
        var params: [Parameter] = []
        while tok.kind != .rparen && tok.kind != .colon && tok.kind != .eof {
            if !params.isEmpty { try consume(.comma) }
            if tok.kind == .rparen { break }
            if tok.kind == .star {
                let pos = try advance()
                params.append(.star(pos: pos, tok.kind == .ident ? try parseIdent() : nil))
                continue
            }
            if tok.kind == .starStar {
                let pos = try advance()
                params.append(.starStar(pos: pos, try parseIdent()))
                continue
            }
            let name = try parseIdent()
            if tok.kind == .eq {
                try advance()
                params.append(.optional(name, default: try parseTest()))
            } else {
                params.append(.required(name))
            }
        }
        return params
    }

    /// After `if` or `elif` (at `pos`): the condition, the block and any elif/else.
    mutating func parseIf(pos: Int, isElif: Bool) throws -> Stmt {
        let saved = (depth, nesting)
        defer { (depth, nesting) = saved }
        if isElif { try deepen() }  // each elif nests one level deeper in the tree
        let cond = try parseTest()
        try consume(.colon)
        let then = try parseSuite()
        var otherwise: [Stmt] = []
        if tok.kind == .elif {
            otherwise = [try parseIf(pos: try advance(), isElif: true)]
        } else if tok.kind == .else_ {
            try advance()
            try consume(.colon)
            otherwise = try parseSuite()
        }
        return .if_(pos: pos, cond: cond, then: then, else_: otherwise, isElif: isElif)
    }

    mutating func parseFor() throws -> Stmt {
        let pos = try advance()
        let vars = try parseLoopVariables()
        try consume(.in_)
        let iterable = try parseExpr(inParens: false)
        try consume(.colon)
        return .for_(pos: pos, vars: vars, iterable: iterable, body: try parseSuite())
    }

    mutating func parseWhile() throws -> Stmt {
        let pos = try advance()
        let cond = try parseTest()
        try consume(.colon)
        return .while_(pos: pos, cond: cond, body: try parseSuite())
    }

    /// `primary_with_suffix (',' primary_with_suffix)* ','?`: not a full expression,
    /// so that the `in` of `for x in y` is not read as an operator.
    mutating func parseLoopVariables() throws -> Expr {
        let first = try parsePrimaryWithSuffix()
        guard tok.kind == .comma else { return first }
        var list = [first]
        while tok.kind == .comma {
            try advance()
            if terminatesExprList(tok.kind) { break }
            list.append(try parsePrimaryWithSuffix())
        }
        return .tuple(lparen: nil, list, rparen: nil)
    }

    /// `load("module", "name", local="name", ...)`.
    mutating func parseLoad() throws -> Stmt {
        let loadPos = try advance()
        let lparen = try consume(.lparen)
        guard tok.kind == .string, case .string(let moduleBytes) = lexer.literal else {
            throw error(errorOffset, "first operand of load statement must be a string literal")
        }
        let module = (String(decoding: moduleBytes, as: UTF8.self), tok.start)
        try advance()
        var names: [(local: Ident, original: (String, Int))] = []
        while tok.kind != .rparen && tok.kind != .eof {
            try consume(.comma)
            if tok.kind == .rparen { break }  // trailing comma
            switch tok.kind {
            case .string:
                let name = loadedName()
                // The binding's position is inside the quotes, where the name is written.
                let local = makeIdent(name, at: tok.start + quotePrefixLength())
                names.append((local, (name, tok.start)))
                try advance()
            case .ident:
                let local = try parseIdent()
                guard tok.kind == .eq else {
                    throw error(errorOffset, "load operand must be \"\(local.name)\" or \(local.name)=\"originalname\" "
                        + "(want '=' after \(local.name))")
                }
                try advance()
                guard tok.kind == .string else {
                    throw error(errorOffset, "original name of loaded symbol must be quoted: \(local.name)=\"originalname\"")
                }
                names.append((local, (loadedName(), tok.start)))
                try advance()
            default:
                throw error(errorOffset, "load operand must be \"name\" or localname=\"name\" (got \(tok.kind))")
            }
        }
        let rparen = try consume(.rparen)
        if names.isEmpty {
            throw error(lparen, "load statement must import at least 1 symbol")
        }
        return .load(pos: loadPos, module: module, names: names, rparen: rparen)
    }

    private func loadedName() -> String {
        if case .string(let b) = lexer.literal { return String(decoding: b, as: UTF8.self) }
        return ""
    }

    /// Bytes before the name inside a string token: any `r` prefix and the quote(s).
    private func quotePrefixLength() -> Int {
        let bytes = lexer.bytes
        let prefix = bytes[tok.start] == UInt8(ascii: "r") ? 1 : 0
        let q = tok.start + prefix
        let triple = tok.end - q >= 6 && bytes[q + 1] == bytes[q] && bytes[q + 2] == bytes[q]
        return prefix + (triple ? 3 : 1)
    }
}

/// Tokens after which a trailing comma ends an expression list.
func terminatesExprList(_ kind: TokenKind) -> Bool {
    switch kind {
    case .eof, .newline, .eq, .rbrace, .rbrack, .rparen, .semi: return true
    default: return false
    }
}
