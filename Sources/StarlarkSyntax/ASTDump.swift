/// A stable textual form of the tree: one node per line, two spaces of indentation per
/// level, `role: ` before a child whose role is not obvious, positions as `@line:col`.
/// Golden tests and `faultbox compile --emit ast` print it; change it only together
/// with the goldens (`FAULTBOX_RECORD=1`).
///
///     File "x.star" idents=2 functions=0 comprehensions=0
///       Assign = @1:3
///         lhs: Ident x #0 @1:1
///         rhs: Binary + @1:7
///           Literal int 1 @1:5
///           Ident y #1 @1:9
public func dumpAST(_ file: FileNode) -> String {
    var d = ASTDumper(source: file.source)
    d.emit(0, "File \(quoteForDump(Array(file.source.name.utf8))) idents=\(file.identCount) "
        + "functions=\(file.functionCount) comprehensions=\(file.comprehensionCount)")
    d.stmts(1, file.stmts)
    return d.out
}

/// Dumps one expression (for tests and diagnostics).
public func dumpExpr(_ expr: Expr, source: SourceFile) -> String {
    var d = ASTDumper(source: source)
    d.expr(0, expr)
    return d.out
}

struct ASTDumper {
    let source: SourceFile
    var out = ""

    mutating func emit(_ level: Int, _ text: String) {
        out += String(repeating: "  ", count: level)
        out += text
        out += "\n"
    }

    func at(_ pos: Int) -> String {
        let (l, c) = source.lineColumn(pos)
        return "@\(l):\(c)"
    }

    func ident(_ id: Ident) -> String { "Ident \(id.name) #\(id.id) \(at(id.pos))" }

    mutating func stmts(_ level: Int, _ list: [Stmt]) {
        for s in list { stmt(level, s) }
    }

    mutating func block(_ level: Int, _ role: String, _ list: [Stmt]) {
        emit(level, "\(role):")
        stmts(level + 1, list)
    }

    mutating func stmt(_ level: Int, _ s: Stmt) {
        switch s {
        case .expr(let x):
            emit(level, "ExprStmt")
            expr(level + 1, x)
        case .assign(let lhs, let op, let opPos, let rhs):
            let opText: String
            switch op {
            case .assign: opText = "="
            case .augmented(let b): opText = b.rawValue + "="
            }
            emit(level, "Assign \(opText) \(at(opPos))")
            expr(level + 1, lhs, role: "lhs")
            expr(level + 1, rhs, role: "rhs")
        case .def(let f):
            function(level, f, role: nil)
        case .if_(let pos, let cond, let then, let otherwise, let isElif):
            emit(level, "\(isElif ? "Elif" : "If") \(at(pos))")
            expr(level + 1, cond, role: "cond")
            block(level + 1, "then", then)
            if !otherwise.isEmpty { block(level + 1, "else", otherwise) }
        case .for_(let pos, let vars, let iterable, let body):
            emit(level, "For \(at(pos))")
            expr(level + 1, vars, role: "vars")
            expr(level + 1, iterable, role: "in")
            block(level + 1, "body", body)
        case .while_(let pos, let cond, let body):
            emit(level, "While \(at(pos))")
            expr(level + 1, cond, role: "cond")
            block(level + 1, "body", body)
        case .break_(let pos): emit(level, "Break \(at(pos))")
        case .continue_(let pos): emit(level, "Continue \(at(pos))")
        case .pass(let pos): emit(level, "Pass \(at(pos))")
        case .return_(let pos, let x):
            emit(level, "Return \(at(pos))")
            if let x { expr(level + 1, x) }
        case .load(let pos, let module, let names, let rparen):
            emit(level, "Load \(quoteForDump(Array(module.0.utf8))) \(at(pos)) module=\(at(module.1)) rparen=\(at(rparen))")
            for n in names {
                emit(level + 1, "\(ident(n.local)) = \(quoteForDump(Array(n.original.0.utf8))) \(at(n.original.1))")
            }
        }
    }

    mutating func function(_ level: Int, _ f: FunctionNode, role: String?) {
        let prefix = role.map { "\($0): " } ?? ""
        if f.isLambda {
            emit(level, "\(prefix)Lambda fn#\(f.id) \(at(f.pos))")
        } else {
            emit(level, "\(prefix)Def \(f.name?.name ?? "?") fn#\(f.id) \(at(f.pos))")
            if let name = f.name { emit(level + 1, "name: \(ident(name))") }
        }
        for p in f.params {
            switch p {
            case .required(let id): emit(level + 1, "param: \(ident(id))")
            case .optional(let id, let dflt):
                emit(level + 1, "param: \(ident(id)) =")
                expr(level + 2, dflt)
            case .star(let pos, let id):
                emit(level + 1, "param: * \(at(pos))" + (id.map { " \(ident($0))" } ?? ""))
            case .starStar(let pos, let id):
                emit(level + 1, "param: ** \(at(pos)) \(ident(id))")
            }
        }
        block(level + 1, "body", f.body)
    }

    mutating func expr(_ level: Int, _ x: Expr, role: String? = nil) {
        let prefix = role.map { "\($0): " } ?? ""
        switch x {
        case .ident(let id):
            emit(level, prefix + ident(id))
        case .literal(let lit, let pos, _):
            emit(level, prefix + "Literal \(describeLiteral(lit)) \(at(pos))")
        case .list(let l, let elems, let r):
            emit(level, prefix + "List \(at(l))-\(at(r))")
            for e in elems { expr(level + 1, e) }
        case .tuple(let l, let elems, let r):
            if let l, let r {
                emit(level, prefix + "Tuple \(at(l))-\(at(r))")
            } else {
                emit(level, prefix + "Tuple")
            }
            for e in elems { expr(level + 1, e) }
        case .dict(let l, let entries, let r):
            emit(level, prefix + "Dict \(at(l))-\(at(r))")
            for e in entries { entry(level + 1, e) }
        case .dictEntryExpr(let e):
            entry(level, e, role: role)
        case .paren(let l, let inner, let r):
            emit(level, prefix + "Paren \(at(l))-\(at(r))")
            expr(level + 1, inner)
        case .unary(let op, let pos, let operand):
            emit(level, prefix + "Unary \(op.rawValue) \(at(pos))")
            expr(level + 1, operand)
        case .binary(let op, let pos, let lhs, let rhs):
            emit(level, prefix + "Binary \(op.rawValue) \(at(pos))")
            expr(level + 1, lhs)
            expr(level + 1, rhs)
        case .cond(let cond, let ifPos, let then, let elsePos, let otherwise):
            emit(level, prefix + "Cond if=\(at(ifPos)) else=\(at(elsePos))")
            expr(level + 1, then, role: "then")
            expr(level + 1, cond, role: "cond")
            expr(level + 1, otherwise, role: "else")
        case .call(let fn, let l, let args, let r):
            emit(level, prefix + "Call \(at(l))-\(at(r))")
            expr(level + 1, fn, role: "fn")
            for a in args {
                switch a {
                case .positional(let e): expr(level + 1, e, role: "arg")
                case .keyword(let name, let e):
                    emit(level + 1, "kwarg: \(ident(name)) =")
                    expr(level + 2, e)
                case .star(let pos, let e):
                    emit(level + 1, "*arg \(at(pos))")
                    expr(level + 2, e)
                case .starStar(let pos, let e):
                    emit(level + 1, "**kwarg \(at(pos))")
                    expr(level + 2, e)
                }
            }
        case .dot(let base, let dot, let name):
            emit(level, prefix + "Dot .\(name.name) \(at(dot)) \(ident(name))")
            expr(level + 1, base)
        case .index(let base, let l, let i, let r):
            emit(level, prefix + "Index \(at(l))-\(at(r))")
            expr(level + 1, base)
            expr(level + 1, i, role: "index")
        case .slice(let base, let l, let lo, let hi, let step, let r):
            emit(level, prefix + "Slice \(at(l))-\(at(r))")
            expr(level + 1, base)
            if let lo { expr(level + 1, lo, role: "lo") }
            if let hi { expr(level + 1, hi, role: "hi") }
            if let step { expr(level + 1, step, role: "step") }
        case .comprehension(let c):
            emit(level, prefix + "Comprehension \(c.isDict ? "dict" : "list") comp#\(c.id) \(at(c.lbrack))-\(at(c.rbrack))")
            expr(level + 1, c.body, role: "body")
            for clause in c.clauses {
                switch clause {
                case .for(let pos, let vars, let iterable):
                    emit(level + 1, "for \(at(pos))")
                    expr(level + 2, vars, role: "vars")
                    expr(level + 2, iterable, role: "in")
                case .if(let pos, let cond):
                    emit(level + 1, "if \(at(pos))")
                    expr(level + 2, cond)
                }
            }
        case .lambda(let f):
            function(level, f, role: role)
        }
    }

    mutating func entry(_ level: Int, _ e: DictEntry, role: String? = nil) {
        let prefix = role.map { "\($0): " } ?? ""
        emit(level, prefix + "Entry \(at(e.colon))")
        expr(level + 1, e.key, role: "key")
        expr(level + 1, e.value, role: "value")
    }
}

func describeLiteral(_ lit: Literal) -> String {
    switch lit {
    case .int(let v): return "int \(v)"
    case .bigInt(let digits): return "int \(digits)"
    case .float(let v): return "float \(v)"
    case .string(let b): return "string \(quoteForDump(b))"
    case .bytes(let b): return "bytes b\(quoteForDump(b))"
    }
}

/// Dumps are pure ASCII and byte-exact: every byte outside ASCII as `\xHH`.
func quoteForDump(_ bytes: [UInt8]) -> String {
    StarlarkQuote.quoted(bytes, nonASCII: .escapeBytes)
}
