import StarlarkSyntax
import StarlarkResolve

extension FunctionBuilder {
    func stmts(_ list: [Stmt]) { for s in list { stmt(s) } }

    func stmt(_ s: Stmt) {
        switch s {
        case .expr(let e):
            expr(e)
            emit(.pop)
        case .assign(let lhs, .assign, _, let rhs):
            expr(rhs)
            assign(lhs)
        case .assign(let lhs, .augmented(let op), let opPos, let rhs):
            augmentedAssign(lhs, op, opPos, rhs)
        case .def(let fn):
            function(fn)
            if let name = fn.name { store(name) }
        case .if_(_, let cond, let then, let else_, _):
            condJump(cond, ifFalse: true) { falseJump in
                stmts(then)
                if else_.isEmpty {
                    patchHere(falseJump)
                } else {
                    let end = emitJump(.jump)
                    patchHere(falseJump)
                    stmts(else_)
                    patchHere(end)
                }
            }
        case .for_(let pos, let vars, let iterable, let body):
            expr(iterable)
            at(pos).emit(.iterPush)
            let top = here
            let exit = at(pos).emitJump(.iterJump)
            assign(vars)
            loops.append(Loop(continueTarget: top, isFor: true))
            stmts(body)
            emit(.jump, UInt32(top))
            let loop = loops.removeLast()
            patchHere(exit)
            for b in loop.breakJumps { patchHere(b) }
            emit(.iterPop)
        case .while_(_, let cond, let body):
            let top = here
            condJump(cond, ifFalse: true) { exit in
                loops.append(Loop(continueTarget: top, isFor: false))
                stmts(body)
                emit(.jump, UInt32(top))
                let loop = loops.removeLast()
                patchHere(exit)
                for b in loop.breakJumps { patchHere(b) }
            }
        case .break_(let pos):
            currentPos = pos
            let j = emitJump(.jump)
            if !loops.isEmpty { loops[loops.count - 1].breakJumps.append(j) }
        case .continue_(let pos):
            currentPos = pos
            if let l = loops.last { emit(.jump, UInt32(l.continueTarget)) }
        case .pass:
            break
        case .return_(let pos, let result):
            if let r = result { expr(r) } else { at(pos).emit(.none) }
            at(pos).emit(.return_)
        case .load(let pos, let module, let names, _):
            program.loads.append(module.0)
            for n in names { emit(.constant, program.constant(.string(Array(n.original.0.utf8)))) }
            emit(.constant, program.constant(.string(Array(module.0.utf8))))
            at(pos).emit(.load, UInt32(names.count))
            for n in names.reversed() { store(n.local) }
        }
    }

    /// Compiles `cond` and a jump taken when it is false (or true); `body` receives the
    /// jump's index to patch.
    func condJump(_ cond: Expr, ifFalse: Bool, _ body: (Int) -> Void) {
        if ifFalse, case .binary(let op, let pos, let x, let y) = cond,
           let k = Opcode.fusedComparisons.firstIndex(of: binaryOpcode(op)), code.count < 1 << 23 {
            expr(x)
            expr(y)
            body(at(pos).emit(.cmpJump, UInt32(k) << 24))
            return
        }
        if case .unary(.not, _, let x) = cond {
            expr(x)
            body(emitJump(ifFalse ? .jumpIfTrue : .jumpIfFalse))
        } else {
            expr(cond)
            body(emitJump(ifFalse ? .jumpIfFalse : .jumpIfTrue))
        }
    }

    /// Stores the value on top of the stack into `lhs`.
    func assign(_ lhs: Expr) {
        switch lhs {
        case .ident(let id):
            store(id)
        case .index(let x, let lbrack, let i, _):
            expr(x)
            emit(.exch)
            expr(i)
            emit(.exch)
            at(lbrack).emit(.setIndex)
        case .dot(let x, let dotPos, let name):
            expr(x)
            emit(.exch)
            at(dotPos).emit(.setField, program.name(name.name))
        case .tuple(let lparen, let elems, _):
            at(lparen ?? lhs.start).emit(.unpack, UInt32(elems.count))
            for e in elems { assign(e) }
        case .list(let lbrack, let elems, _):
            at(lbrack).emit(.unpack, UInt32(elems.count))
            for e in elems { assign(e) }
        case .paren(_, let x, _):
            assign(x)
        default:
            emit(.pop)  // rejected by the resolver
        }
    }

    func augmentedAssign(_ lhs: Expr, _ op: BinaryOp, _ opPos: Int, _ rhs: Expr) {
        switch lhs {
        case .ident(let id):
            load(id)
            expr(rhs)
            at(opPos).emit(augmentedOpcode(op))
            store(id)
        case .index(let x, let lbrack, let i, _):
            expr(x)
            expr(i)
            emit(.dup2)
            at(lbrack).emit(.index)
            expr(rhs)
            at(opPos).emit(augmentedOpcode(op))
            at(lbrack).emit(.setIndex)
        case .dot(let x, let dotPos, let name):
            expr(x)
            emit(.dup)
            at(dotPos).emit(.attr, program.name(name.name))
            expr(rhs)
            at(opPos).emit(augmentedOpcode(op))
            at(dotPos).emit(.setField, program.name(name.name))
        case .paren(_, let x, _):
            augmentedAssign(x, op, opPos, rhs)
        default:
            break  // rejected by the resolver
        }
    }

    func augmentedOpcode(_ op: BinaryOp) -> Opcode {
        switch op {
        case .add: return .inplaceAdd
        case .bitOr: return .inplaceOr
        default: return binaryOpcode(op)
        }
    }
}
