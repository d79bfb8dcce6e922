/// Expressions. Binary operators use precedence climbing (one loop per level that
/// actually occurs) instead of one function per precedence level, which keeps the stack
/// shallow for nested brackets; the accepted language and the errors are the spec's.
extension Parser {
    /// Binding strength of binary operators (higher binds tighter); `not` (unary) sits
    /// at level 2, between `and` and the comparisons.
    static func precedence(_ kind: TokenKind) -> Int {
        switch kind {
        case .or: return 0
        case .and: return 1
        case .eql, .neq, .lt, .gt, .le, .ge, .in_, .not: return 3  // .not begins `not in`
        case .pipe: return 4
        case .caret: return 5
        case .amp: return 6
        case .ltlt, .gtgt: return 7
        case .plus, .minus: return 8
        case .star, .percent, .slash, .slashSlash: return 9
        default: return -1
        }
    }
    static let notPrecedence = 2
    static let comparisonPrecedence = 3

    /// `test (',' test)*`: a bare comma list is a tuple. A trailing comma is allowed only
    /// inside parentheses.
    mutating func parseExpr(inParens: Bool) throws -> Expr {
        let first = try parseTest()
        guard tok.kind == .comma else { return first }
        return .tuple(lparen: nil, try parseExprs([first], allowTrailingComma: inParens), rparen: nil)
    }

    @inline(never)
    mutating func parseExprs(_ initial: [Expr], allowTrailingComma: Bool) throws -> [Expr] {
        var exprs = initial
        while tok.kind == .comma {
            let comma = try advance()
            if terminatesExprList(tok.kind) {
                if !allowTrailingComma { throw error(comma, "unparenthesized tuple with trailing comma") }
                break
            }
            exprs.append(try parseTest())
        }
        return exprs
    }

    /// `test = lambda | binary ('if' binary 'else' test)?`
    mutating func parseTest() throws -> Expr {
        let saved = (depth, nesting)
        defer { (depth, nesting) = saved }
        try deepen()
        if tok.kind == .lambda { return try parseLambda(allowConditional: true) }
        let x = try parseBinary(0)
        guard tok.kind == .if_ else { return x }
        return try parseConditionalTail(then: x)
    }

    /// `then if cond else otherwise`, from the `if`.
    @inline(never)
    mutating func parseConditionalTail(then x: Expr) throws -> Expr {
        let ifPos = try advance()
        let cond = try parseBinary(0)
        guard tok.kind == .else_ else { throw error(ifPos, "conditional expression without else clause") }
        let elsePos = try advance()
        let otherwise = try parseTest()
        return .cond(cond: cond, ifPos: ifPos, then: x, elsePos: elsePos, else: otherwise)
    }

    /// A test without a conditional expression (comprehension `if` clauses, and the body
    /// of a lambda there), so `[a for b in c if x else y]` is rejected.
    mutating func parseTestNoCond() throws -> Expr {
        let saved = (depth, nesting)
        defer { (depth, nesting) = saved }
        try deepen()
        if tok.kind == .lambda { return try parseLambda(allowConditional: false) }
        return try parseBinary(0)
    }

    @inline(never)
    mutating func parseLambda(allowConditional: Bool) throws -> Expr {
        let pos = try advance()
        let id = functionCount
        functionCount += 1
        let params = tok.kind == .colon ? [] : try parseParams()
        try consume(.colon)
        let body = allowConditional ? try parseTest() : try parseTestNoCond()
        return .lambda(FunctionNode(id: id, pos: pos, name: nil, params: params,
                                    body: [.return_(pos: body.start, body)], isLambda: true))
    }

    /// Operators binding at least as tightly as `minPrec`, left-associative, except that
    /// comparisons do not associate at all (`a < b < c` is an error, as in the spec).
    mutating func parseBinary(_ minPrec: Int) throws -> Expr {
        let saved = (depth, nesting)
        defer { (depth, nesting) = saved }
        var x: Expr
        if tok.kind == .not && minPrec <= Parser.notPrecedence {
            let pos = try advance()
            try deepen()
            x = .unary(.not, pos: pos, try parseBinary(Parser.notPrecedence))
        } else {
            x = try parsePrimaryWithSuffix()
        }
        var previousComparison: BinaryOp? = nil
        while true {
            let prec = Parser.precedence(tok.kind)
            if prec < minPrec { return x }
            let (op, opPos) = try parseOperator()
            if prec == Parser.comparisonPrecedence {
                if let previous = previousComparison { throw nonAssociative(previous, op, at: opPos) }
                previousComparison = op
            } else {
                previousComparison = nil
            }
            let y = try parseBinary(prec + 1)
            x = .binary(op, pos: opPos, x, y)
            try grow()
        }
    }

    /// Consumes a binary operator (two tokens for `not in`).
    @inline(never)
    mutating func parseOperator() throws -> (BinaryOp, Int) {
        if tok.kind == .not {
            // After an operand, `not` can only begin `not in`.
            let pos = try advance()
            guard tok.kind == .in_ else { throw unexpected(want: "in") }
            try advance()
            return (.notIn, pos)
        }
        let op = tok.kind.binaryOp ?? .add
        return (op, try advance())
    }

    /// A primary followed by any chain of `.name`, `[index]`, `[lo:hi:step]`, `(args)`.
    mutating func parsePrimaryWithSuffix() throws -> Expr {
        let saved = (depth, nesting)
        defer { (depth, nesting) = saved }
        var x = try parsePrimary()
        while true {
            switch tok.kind {
            case .dot:
                x = try parseDotSuffix(x)
            case .lbrack:
                x = try parseIndexSuffix(x)
            case .lparen:
                x = try parseCallSuffix(x)
            default:
                return x
            }
            try grow()
        }
    }

    @inline(never)
    mutating func parseDotSuffix(_ x: Expr) throws -> Expr {
        let dot = try advance()
        return .dot(x, dotPos: dot, try parseIdent())
    }

    @inline(never)
    mutating func parseIndexSuffix(_ x: Expr) throws -> Expr {
        let lbrack = try advance()
        var lo: Expr? = nil, hi: Expr? = nil, step: Expr? = nil
        if tok.kind != .colon {
            let y = try parseExpr(inParens: false)
            if tok.kind == .rbrack {
                return .index(x, lbrack: lbrack, y, rbrack: try advance())
            }
            lo = y
        }
        if tok.kind == .colon {
            try advance()
            if tok.kind != .colon && tok.kind != .rbrack { hi = try parseTest() }
        }
        if tok.kind == .colon {
            try advance()
            if tok.kind != .rbrack { step = try parseTest() }
        }
        let rbrack = try consume(.rbrack)
        return .slice(x, lbrack: lbrack, lo: lo, hi: hi, step: step, rbrack: rbrack)
    }

    @inline(never)
    mutating func parseCallSuffix(_ fn: Expr) throws -> Expr {
        let lparen = try advance()
        var args: [Argument] = []
        while tok.kind != .rparen && tok.kind != .eof {
            if !args.isEmpty { try consume(.comma) }
            if tok.kind == .rparen { break }
            if tok.kind == .star || tok.kind == .starStar {
                let isStar = tok.kind == .star
                let pos = try advance()
                let x = try parseTest()
                args.append(isStar ? .star(pos: pos, x) : .starStar(pos: pos, x))
                continue
            }
            let x = try parseTest()
            if tok.kind == .eq {
                guard case .ident(let name) = x else {
                    throw error(errorOffset, "keyword argument must have form name=expr")
                }
                try advance()
                args.append(.keyword(name, try parseTest()))
            } else {
                args.append(.positional(x))
            }
        }
        let rparen = try consume(.rparen)
        return .call(fn, lparen: lparen, args, rparen: rparen)
    }

    mutating func parsePrimary() throws -> Expr {
        switch tok.kind {
        case .ident:
            return .ident(try parseIdent())
        case .int, .float, .string, .bytes:
            let value = lexer.literal
            let start = tok.start, end = tok.end
            try advance()
            return .literal(value, pos: start, end: end)
        case .lbrack:
            return try parseList()
        case .lbrace:
            return try parseDict()
        case .lparen:
            return try parseParenthesized()
        case .minus, .plus, .tilde:
            return try parseUnary()
        default:
            throw unexpected(want: "primary expression")
        }
    }

    /// `()`, `(x)`, `(x,)`, `(x, y)`: a parenthesised tuple keeps its parentheses'
    /// positions in `.tuple`; any other parenthesised expression is a `.paren`.
    @inline(never)
    mutating func parseParenthesized() throws -> Expr {
        let lparen = try advance()
        if tok.kind == .rparen {
            return .tuple(lparen: lparen, [], rparen: try advance())
        }
        let inner = try parseExpr(inParens: true)
        let rparen = try consume(.rparen)
        if case .tuple(nil, let elems, nil) = inner {
            return .tuple(lparen: lparen, elems, rparen: rparen)
        }
        return .paren(lparen: lparen, inner, rparen: rparen)
    }

    /// `-x`, `+x`, `~x`: the operand is a primary with suffixes (so `-x.y` is `-(x.y)`).
    @inline(never)
    mutating func parseUnary() throws -> Expr {
        let op: UnaryOp = tok.kind == .minus ? .minus : tok.kind == .plus ? .plus : .invert
        let pos = try advance()
        let saved = (depth, nesting)
        defer { (depth, nesting) = saved }
        try deepen()
        return .unary(op, pos: pos, try parsePrimaryWithSuffix())
    }

    @inline(never)
    mutating func parseList() throws -> Expr {
        let lbrack = try advance()
        if tok.kind == .rbrack {
            return .list(lbrack: lbrack, [], rbrack: try advance())
        }
        let first = try parseTest()
        if tok.kind == .for_ {
            return try parseComprehension(lbrack: lbrack, body: first, isDict: false)
        }
        let elems = tok.kind == .comma ? try parseExprs([first], allowTrailingComma: true) : [first]
        let rbrack = try consume(.rbrack)
        return .list(lbrack: lbrack, elems, rbrack: rbrack)
    }

    @inline(never)
    mutating func parseDict() throws -> Expr {
        let lbrace = try advance()
        if tok.kind == .rbrace {
            return .dict(lbrace: lbrace, [], rbrace: try advance())
        }
        let first = try parseDictEntry()
        if tok.kind == .for_ {
            return try parseComprehension(lbrack: lbrace, body: .dictEntryExpr(first), isDict: true)
        }
        var entries = [first]
        while tok.kind == .comma {
            try advance()
            if tok.kind == .rbrace { break }
            entries.append(try parseDictEntry())
        }
        let rbrace = try consume(.rbrace)
        return .dict(lbrace: lbrace, entries, rbrace: rbrace)
    }

    mutating func parseDictEntry() throws -> DictEntry {
        let key = try parseTest()
        let colon = try consume(.colon)
        return DictEntry(key: key, colon: colon, value: try parseTest())
    }

    /// The `for ... in ...` / `if ...` clauses after a comprehension's body. The id is
    /// taken at the first `for`, so an inner comprehension in the body has a lower id.
    @inline(never)
    mutating func parseComprehension(lbrack: Int, body: Expr, isDict: Bool) throws -> Expr {
        let id = comprehensionCount
        comprehensionCount += 1
        let end: TokenKind = isDict ? .rbrace : .rbrack
        var clauses: [ComprehensionClause] = []
        while tok.kind != end {
            if tok.kind == .for_ {
                let pos = try advance()
                let vars = try parseLoopVariables()
                try consume(.in_)
                clauses.append(.for(pos: pos, vars: vars, iterable: try parseBinary(0)))
            } else if tok.kind == .if_ {
                let pos = try advance()
                clauses.append(.if(pos: pos, cond: try parseTestNoCond()))
            } else {
                throw unexpected(want: "\(end), for, or if")
            }
        }
        let rbrack = try advance()
        return .comprehension(Comprehension(id: id, lbrack: lbrack, isDict: isDict, body: body,
                                            clauses: clauses, rbrack: rbrack))
    }
}
