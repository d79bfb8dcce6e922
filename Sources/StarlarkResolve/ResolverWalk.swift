import StarlarkSyntax

/// The walk over statements and expressions (the checks of go.starlark.net's resolver).
extension Resolver {
    func stmts(_ list: [Stmt]) { for s in list { stmt(s) } }

    func stmt(_ s: Stmt) {
        switch s {
        case .expr(let e):
            expr(e)
        case .break_(let pos):
            if loops == 0 { error(pos, "break not in a loop") }
        case .continue_(let pos):
            if loops == 0 { error(pos, "continue not in a loop") }
        case .pass:
            break
        case .if_(let pos, let cond, let then, let else_, _):
            if !options.globalreassign && !inFunction {
                error(pos, "if statement not within a function")
            }
            expr(cond)
            ifStmts += 1
            stmts(then)
            stmts(else_)
            ifStmts -= 1
        case .assign(let lhs, let op, _, let rhs):
            expr(rhs)
            assign(lhs, augmented: op != .assign)
        case .def(let fn):
            if let name = fn.name { bind(name) }
            function(fn)
        case .for_(let pos, let vars, let iterable, let body):
            if !options.globalreassign && !inFunction {
                error(pos, "for loop not within a function")
            }
            expr(iterable)
            assign(vars, augmented: false)
            loops += 1
            stmts(body)
            loops -= 1
        case .while_(let pos, let cond, let body):
            if !options.recursion {
                error(pos, "dialect does not support while loops")
            }
            if !options.globalreassign && !inFunction {
                error(pos, "while loop not within a function")
            }
            expr(cond)
            loops += 1
            stmts(body)
            loops -= 1
        case .return_(let pos, let result):
            if !inFunction { error(pos, "return statement not within a function") }
            if let r = result { expr(r) }
        case .load(let pos, _, let names, _):
            if inFunction {
                error(pos, "load statement within a function")
            } else if loops > 0 {
                error(pos, "load statement within a loop")
            } else if ifStmts > 0 {
                error(pos, "load statement within a conditional")
            }
            for (local, original) in names {
                if original.0.isEmpty {
                    error(original.1, "load: empty identifier")
                    continue
                }
                if original.0.hasPrefix("_") {
                    error(original.1, "load: names with leading underscores are not exported: \(original.0)")
                }
                if options.loadBindsGlobally {
                    bind(local)
                } else if bindLocal(local) && !options.globalreassign {
                    error(local.pos, "cannot reassign top-level \(local.name)")
                }
            }
        }
    }

    func assign(_ lhs: Expr, augmented: Bool) {
        switch lhs {
        case .ident(let id):
            bind(id)
        case .index(let x, _, let i, _):
            expr(x); expr(i)
        case .dot(let x, _, _):
            expr(x)
        case .tuple(_, let elems, _):
            if augmented { error(lhs.start, "can't use tuple expression in augmented assignment") }
            for e in elems { assign(e, augmented: augmented) }
        case .list(_, let elems, _):
            if augmented { error(lhs.start, "can't use list expression in augmented assignment") }
            for e in elems { assign(e, augmented: augmented) }
        case .paren(_, let x, _):
            assign(x, augmented: augmented)
        default:
            error(lhs.start, "can't assign to \(exprKindName(lhs))")
        }
    }

    func expr(_ e: Expr) {
        switch e {
        case .ident(let id):
            use(id)
        case .literal:
            break
        case .list(_, let elems, _), .tuple(_, let elems, _):
            for x in elems { expr(x) }
        case .dict(_, let entries, _):
            for entry in entries { expr(entry.key); expr(entry.value) }
        case .dictEntryExpr(let entry):
            expr(entry.key); expr(entry.value)
        case .paren(_, let x, _), .unary(_, _, let x), .dot(let x, _, _):
            expr(x)
        case .binary(_, _, let x, let y):
            expr(x); expr(y)
        case .cond(let c, _, let t, _, let f):
            expr(c); expr(t); expr(f)
        case .index(let x, _, let i, _):
            expr(x); expr(i)
        case .slice(let x, _, let lo, let hi, let step, _):
            expr(x)
            if let lo { expr(lo) }
            if let hi { expr(hi) }
            if let step { expr(step) }
        case .call(let fn, let lparen, let args, _):
            expr(fn)
            call(args, lparen: lparen)
        case .comprehension(let c):
            comprehension(c)
        case .lambda(let fn):
            function(fn)
        }
    }

    func call(_ args: [Argument], lparen: Int) {
        var seenVarargs = false, seenKwargs = false
        var seenNames = Set<String>()
        var positional = 0, named = 0
        for arg in args {
            switch arg {
            case .starStar(let pos, let x):
                if seenKwargs { error(pos, "multiple **kwargs not allowed") }
                seenKwargs = true
                expr(x)
            case .star(let pos, let x):
                if seenKwargs { error(pos, "*args may not follow **kwargs") }
                else if seenVarargs { error(pos, "multiple *args not allowed") }
                seenVarargs = true
                expr(x)
            case .keyword(let name, let x):
                named += 1
                if seenKwargs { error(name.pos, "keyword argument may not follow **kwargs") }
                else if seenVarargs { error(name.pos, "keyword argument may not follow *args") }
                if seenNames.contains(name.name) {
                    error(name.pos, "keyword argument \(name.name) repeated")
                } else {
                    seenNames.insert(name.name)
                }
                expr(x)
            case .positional(let x):
                positional += 1
                if seenVarargs { error(x.start, "positional argument may not follow *args") }
                else if seenKwargs { error(x.start, "positional argument may not follow **kwargs") }
                else if !seenNames.isEmpty { error(x.start, "positional argument may not follow named") }
                expr(x)
            }
        }
        if positional >= 256 { error(lparen, "\(positional) positional arguments in call, limit is 255") }
        if named >= 256 { error(lparen, "\(named) keyword arguments in call, limit is 255") }
    }

    func comprehension(_ c: Comprehension) {
        guard case .for(_, let vars0, let iterable0)? = c.clauses.first else {
            error(c.lbrack, "comprehension must begin with a for clause")
            return
        }
        expr(iterable0)
        push(Block(parent: env, function: nil))
        assign(vars0, augmented: false)
        for clause in c.clauses.dropFirst() {
            switch clause {
            case .if(_, let cond): expr(cond)
            case .for(_, let vars, let iterable):
                assign(vars, augmented: false)
                expr(iterable)
            }
        }
        expr(c.body)
        pop()
    }

    func function(_ fn: FunctionNode) {
        for p in fn.params { if case .optional(_, let d) = p { expr(d) } }
        let state = FunctionState()
        if fn.id >= 0 {
            if fn.id >= functions.count { functions.append(contentsOf: Array(repeating: nil, count: fn.id + 1 - functions.count)) }
            functions[fn.id] = state
        }
        let block = Block(parent: env, function: state)
        push(block)
        var seenOptional = false
        var star: (pos: Int, name: Ident?)?
        var starStar: Ident?
        var kwonly = 0
        var numParams = 0
        for p in fn.params {
            switch p {
            case .required(let id):
                if let ss = starStar { error(id.pos, "required parameter may not follow **\(ss.name)") }
                else if star != nil { kwonly += 1 }
                else if seenOptional { error(id.pos, "required parameter may not follow optional") }
                if bind(id) { error(id.pos, "duplicate parameter: \(id.name)") }
                numParams += 1
            case .optional(let id, _):
                if let ss = starStar { error(id.pos, "optional parameter may not follow **\(ss.name)") }
                else if star != nil { kwonly += 1 }
                if bind(id) { error(id.pos, "duplicate parameter: \(id.name)") }
                seenOptional = true
                numParams += 1
            case .star(let pos, let name):
                if let ss = starStar { error(pos, "* parameter may not follow **\(ss.name)") }
                else if star != nil { error(pos, "multiple * parameters not allowed") }
                else { star = (pos, name) }
            case .starStar(let pos, let name):
                if starStar != nil { error(pos, "multiple ** parameters not allowed") }
                starStar = name
            }
        }
        if let s = star {
            if let id = s.name {
                if bind(id) { error(id.pos, "duplicate parameter: \(id.name)") }
                state.info.hasVarargs = true
            } else if kwonly == 0 {
                error(s.pos, "bare * must be followed by keyword-only parameters")
            }
        }
        if let ss = starStar {
            if bind(ss) { error(ss.pos, "duplicate parameter: \(ss.name)") }
            state.info.hasKwargs = true
        }
        state.info.numParams = numParams
        state.info.numKwonlyParams = kwonly
        let savedLoops = loops, savedIfs = ifStmts
        loops = 0; ifStmts = 0
        stmts(fn.body)
        loops = savedLoops; ifStmts = savedIfs
        resolveLocalUses(block)
        pop()
    }
}

/// go.starlark.net names the node type in "can't assign to ..." errors.
func exprKindName(_ e: Expr) -> String {
    switch e {
    case .ident: return "ident"
    case .literal: return "literal"
    case .list: return "listexpr"
    case .tuple: return "tupleexpr"
    case .dict: return "dictexpr"
    case .dictEntryExpr: return "dictentry"
    case .paren: return "parenexpr"
    case .unary: return "unaryexpr"
    case .binary: return "binaryexpr"
    case .cond: return "condexpr"
    case .call: return "callexpr"
    case .dot: return "dotexpr"
    case .index: return "indexexpr"
    case .slice: return "sliceexpr"
    case .comprehension: return "comprehension"
    case .lambda: return "lambdaexpr"
    }
}
