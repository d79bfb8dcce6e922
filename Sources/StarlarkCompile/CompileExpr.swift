import StarlarkSyntax
import StarlarkResolve

func binaryOpcode(_ op: BinaryOp) -> Opcode {
    switch op {
    case .add: return .add
    case .sub: return .sub
    case .mul: return .mul
    case .div: return .div
    case .floorDiv: return .floorDiv
    case .mod: return .mod
    case .bitAnd: return .bitAnd
    case .bitOr: return .bitOr
    case .bitXor: return .bitXor
    case .shl: return .shl
    case .shr: return .shr
    case .eq: return .eq
    case .ne: return .ne
    case .lt: return .lt
    case .le: return .le
    case .gt: return .gt
    case .ge: return .ge
    case .in: return .in_
    case .notIn: return .notIn
    case .and, .or: return .nop  // compiled as jumps
    }
}

extension FunctionBuilder {
    func expr(_ e: Expr) {
        switch e {
        case .ident(let id):
            load(id)
        case .literal(let lit, let pos, _):
            currentPos = pos
            literal(lit)
        case .list(let lbrack, let elems, _):
            for x in elems { expr(x) }
            at(lbrack).emit(.makeList, UInt32(elems.count))
        case .tuple(let lparen, let elems, _):
            for x in elems { expr(x) }
            at(lparen ?? e.start).emit(.makeTuple, UInt32(elems.count))
        case .dict(let lbrace, let entries, _):
            at(lbrace).emit(.makeDict)
            for entry in entries {
                emit(.dup)
                expr(entry.key)
                expr(entry.value)
                at(entry.colon).emit(.setDictUniq)
            }
        case .dictEntryExpr(let entry):
            // Only reached inside a dict comprehension body (handled there).
            expr(entry.key)
            expr(entry.value)
            emit(.makeTuple, 2)
        case .paren(_, let x, _):
            expr(x)
        case .unary(let op, let pos, let x):
            if op == .minus, case .literal(.int(let v), _, _) = x, v != Int64.min {
                currentPos = pos
                literal(.int(-v))
                return
            }
            expr(x)
            switch op {
            case .plus: at(pos).emit(.uplus)
            case .minus: at(pos).emit(.uminus)
            case .invert: at(pos).emit(.invert)
            case .not: at(pos).emit(.not)
            }
        case .binary(let op, let pos, let x, let y):
            switch op {
            case .and, .or:
                expr(x)
                let j = at(pos).emitJump(op == .and ? .jumpIfFalseOrPop : .jumpIfTrueOrPop)
                expr(y)
                patchHere(j)
            default:
                expr(x)
                expr(y)
                at(pos).emit(binaryOpcode(op))
            }
        case .cond(let cond, let ifPos, let then, _, let otherwise):
            currentPos = ifPos
            condJump(cond, ifFalse: true) { elseJump in
                expr(then)
                let end = emitJump(.jump)
                depth -= 1  // only one branch's value reaches the end
                patchHere(elseJump)
                expr(otherwise)
                patchHere(end)
            }
        case .call(let fn, let lparen, let args, _):
            call(fn, lparen, args)
        case .dot(let x, let dotPos, let name):
            expr(x)
            at(dotPos).emit(.attr, program.name(name.name))
        case .index(let x, let lbrack, let i, _):
            expr(x)
            expr(i)
            at(lbrack).emit(.index)
        case .slice(let x, let lbrack, let lo, let hi, let step, _):
            expr(x)
            for part in [lo, hi, step] {
                if let p = part { expr(p) } else { emit(.none) }
            }
            at(lbrack).emit(.slice)
        case .comprehension(let c):
            comprehension(c)
        case .lambda(let fn):
            function(fn)
        }
    }

    func literal(_ lit: Literal) {
        switch lit {
        case .int(let v):
            if let small = Int32(exactly: v) {
                emit(.smallInt, UInt32(bitPattern: small))
            } else {
                emit(.constant, program.constant(.int(v)))
            }
        case .bigInt(let digits): emit(.constant, program.constant(.bigInt(digits)))
        case .float(let d): emit(.constant, program.constant(.float(d)))
        case .string(let b): emit(.constant, program.constant(.string(b)))
        case .bytes(let b): emit(.constant, program.constant(.bytes(b)))
        }
    }

    func call(_ fn: Expr, _ lparen: Int, _ args: [Argument]) {
        var positional: [Expr] = []
        var named: [(Ident, Expr)] = []
        var star: Expr?
        var starStar: Expr?
        for a in args {
            switch a {
            case .positional(let x): positional.append(x)
            case .keyword(let n, let x): named.append((n, x))
            case .star(_, let x): star = x
            case .starStar(_, let x): starStar = x
            }
        }
        let npos = UInt32(min(positional.count, 255)), nnamed = UInt32(min(named.count, 255))
        if case .dot(let recv, _, let name) = fn, star == nil, starStar == nil {
            let nameIndex = program.name(name.name)
            if nameIndex < 0xffff {
                expr(recv)
                pushArguments(positional, named)
                at(lparen).emit(.callMethod, nameIndex << 16 | npos << 8 | nnamed)
                return
            }
        }
        expr(fn)
        pushArguments(positional, named)
        var arg = npos << 8 | nnamed
        if let s = star { expr(s); arg |= 1 << 16 }
        if let s = starStar { expr(s); arg |= 1 << 17 }
        at(lparen).emit(.call, arg)
    }

    private func pushArguments(_ positional: [Expr], _ named: [(Ident, Expr)]) {
        for x in positional { expr(x) }
        for (n, x) in named {
            currentPos = n.pos
            emit(.constant, program.constant(.string(Array(n.name.utf8))))
            expr(x)
        }
    }

    func comprehension(_ c: Comprehension) {
        at(c.lbrack).emit(c.isDict ? .makeDict : .makeList, 0)
        clause(c, 0)
    }

    private func clause(_ c: Comprehension, _ i: Int) {
        if i == c.clauses.count {
            emit(.dup)
            if case .dictEntryExpr(let entry) = c.body {
                expr(entry.key)
                expr(entry.value)
                at(entry.colon).emit(.setDict)
            } else {
                expr(c.body)
                at(c.lbrack).emit(.append)
            }
            return
        }
        switch c.clauses[i] {
        case .for(let pos, let vars, let iterable):
            expr(iterable)
            at(pos).emit(.iterPush)
            let top = here
            let exit = at(pos).emitJump(.iterJump)
            assign(vars)
            clause(c, i + 1)
            emit(.jump, UInt32(top))
            patchHere(exit)
            emit(.iterPop)
        case .if(_, let cond):
            condJump(cond, ifFalse: true) { skip in
                clause(c, i + 1)
                patchHere(skip)
            }
        }
    }

    /// Pushes the defaults and free-variable cells, compiles the body as a new function
    /// and emits MAKEFUNC.
    func function(_ fn: FunctionNode) {
        let info = fn.id >= 0 && fn.id < resolved.functions.count ? resolved.functions[fn.id] : FunctionInfo()
        var named: [Parameter] = []
        for p in fn.params {
            switch p {
            case .required, .optional: named.append(p)
            default: break
            }
        }
        // Defaults cover the parameters from the first optional or keyword-only one.
        let positionalCount = named.count - info.numKwonlyParams
        var firstDefault = named.count
        for (k, p) in named.enumerated() {
            if case .optional = p { firstDefault = k; break }
            if k >= positionalCount { firstDefault = k; break }
        }
        for p in named[firstDefault...] {
            switch p {
            case .optional(_, let d): expr(d)
            default: emit(.mandatory)
            }
        }
        emit(.makeTuple, UInt32(named.count - firstDefault))
        for fv in info.freeVars {
            emit(fv.outer.scope == .cell ? .cellRef : .freeRef, UInt32(fv.outer.index))
        }
        emit(.makeTuple, UInt32(info.freeVars.count))

        let index = program.functions.count
        program.functions.append(nil)
        let name = fn.name?.name ?? "lambda"
        let body = FunctionBuilder(program: program, name: name, pos: fn.pos, info: info)
        body.prologue()
        body.stmts(fn.body)
        body.emit(.none)
        body.emit(.return_)
        program.functions[index] = body.finish()
        at(fn.pos).emit(.makeFunc, UInt32(index))
    }
}
