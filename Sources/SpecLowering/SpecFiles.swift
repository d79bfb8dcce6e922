import FaultPlan
import StarlarkSyntax
import StarlarkVM

/// The spec files evaluated so far: source, syntax tree, module, and an index of call
/// sites so that messages can point at a keyword or a list element instead of the call.
final class SpecFiles {
    final class Entry {
        let path: String
        let source: SourceFile
        let ast: FileNode
        var module: StarModule?
        /// `line:col` of a call's `(` -> where the call starts (its callee); built on first use.
        lazy var callStarts: [Int: Int] = SpecFiles.indexCalls(ast).starts
        /// `line:col` of a call's start -> its arguments.
        lazy var calls: [Int: [Argument]] = SpecFiles.indexCalls(ast).args
        /// Byte offset of `def`/`lambda` -> the function's node; built on first use.
        lazy var functions: [Int: FunctionNode] = SpecFiles.indexFunctions(ast)
        init(path: String, source: SourceFile, ast: FileNode) {
            self.path = path
            self.source = source
            self.ast = ast
        }
    }

    private(set) var entries: [Entry] = []
    private var byPath: [String: Entry] = [:]

    func add(_ e: Entry) { entries.append(e); byPath[e.path] = e }
    func entry(_ path: String) -> Entry? { byPath[path] }

    /// The keyword `name` of the call whose `(` is at `site`.
    func keywordPosition(_ name: String, callAt site: SourcePosition) -> SourcePosition? {
        guard let (e, args) = call(at: site) else { return nil }
        for a in args {
            if case .keyword(let id, _) = a, id.name == name { return position(e, id.pos) }
        }
        return nil
    }

    /// The argument expression of keyword `name` (or positional `index`) of the call at `site`.
    func argument(_ name: String, positional index: Int?, callAt site: SourcePosition) -> (Entry, Expr)? {
        guard let (e, args) = call(at: site) else { return nil }
        var n = 0
        for a in args {
            switch a {
            case .keyword(let id, let x) where id.name == name: return (e, x)
            case .positional(let x):
                if n == index { return (e, x) }
                n += 1
            default: continue
            }
        }
        return nil
    }

    /// Positions of the elements of a list/tuple literal, or the keys of a dict literal,
    /// written as the argument `name` of the call at `site` (nil when not a literal).
    func elementPositions(_ name: String, callAt site: SourcePosition) -> [SourcePosition]? {
        guard let (e, x) = argument(name, positional: nil, callAt: site) else { return nil }
        switch x {
        case .list(_, let items, _), .tuple(_, let items, _): return items.map { position(e, $0.start) }
        case .dict(_, let entries, _): return entries.map { position(e, $0.key.start) }
        default: return nil
        }
    }

    func position(_ e: Entry, _ offset: Int) -> SourcePosition {
        let (l, c) = e.source.lineColumn(offset)
        return SourcePosition(file: e.path, line: l, column: c)
    }

    private func call(at site: SourcePosition) -> (Entry, [Argument])? {
        guard let e = byPath[site.file], let args = e.calls[SpecFiles.key(site.line, site.column)] else { return nil }
        return (e, args)
    }

    static func key(_ line: Int, _ column: Int) -> Int { line &* 100_000 &+ column }

    /// "file:line:col" -> position (file names may contain ':', so split from the right).
    static func parseLocation(_ s: String) -> SourcePosition? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let line = Int(parts[parts.count - 2]), let col = Int(parts[parts.count - 1]) else { return nil }
        return SourcePosition(file: parts.dropLast(2).joined(separator: ":"), line: line, column: col)
    }

    static func indexCalls(_ file: FileNode) -> (starts: [Int: Int], args: [Int: [Argument]]) {
        var starts: [Int: Int] = [:]
        var args: [Int: [Argument]] = [:]
        ASTWalk.forEachExpr(in: file.stmts) { x in
            if case .call(let fn, let lparen, let a, _) = x {
                let (l, c) = file.source.lineColumn(lparen)
                let (sl, sc) = file.source.lineColumn(fn.start)
                starts[key(l, c)] = fn.start
                args[key(sl, sc)] = a
            }
        }
        return (starts, args)
    }

    /// The position where the call whose `(` is at `lparen` starts (the VM reports `(`).
    func callStart(_ lparen: SourcePosition) -> SourcePosition {
        guard let e = byPath[lparen.file], let start = e.callStarts[SpecFiles.key(lparen.line, lparen.column)] else {
            return lparen
        }
        return position(e, start)
    }

    static func indexFunctions(_ file: FileNode) -> [Int: FunctionNode] {
        var out: [Int: FunctionNode] = [:]
        ASTWalk.forEachFunction(in: file.stmts) { out[$0.pos] = $0 }
        return out
    }
}

/// Iterative walks over the syntax tree (spec files are user input: no recursion whose
/// depth the user controls).
enum ASTWalk {
    enum Node { case stmt(Stmt), expr(Expr) }

    /// Visits every expression under `stmts`, including those inside nested functions.
    static func forEachExpr(in stmts: [Stmt], _ visit: (Expr) -> Void) {
        var work: [Node] = stmts.reversed().map { .stmt($0) }
        while let n = work.popLast() {
            switch n {
            case .stmt(let s): push(children(of: s), &work)
            case .expr(let x):
                visit(x)
                push(children(of: x), &work)
            }
        }
    }

    static func forEachFunction(in stmts: [Stmt], _ visit: (FunctionNode) -> Void) {
        var work: [Node] = stmts.reversed().map { .stmt($0) }
        while let n = work.popLast() {
            switch n {
            case .stmt(let s):
                if case .def(let f) = s { visit(f) }
                push(children(of: s), &work)
            case .expr(let x):
                if case .lambda(let f) = x { visit(f) }
                push(children(of: x), &work)
            }
        }
    }

    private static func push(_ nodes: [Node], _ work: inout [Node]) {
        for n in nodes.reversed() { work.append(n) }
    }

    static func children(of s: Stmt) -> [Node] {
        switch s {
        case .expr(let x): return [.expr(x)]
        case .assign(let lhs, _, _, let rhs): return [.expr(lhs), .expr(rhs)]
        case .def(let f): return functionChildren(f)
        case .if_(_, let cond, let then, let else_, _): return [.expr(cond)] + (then + else_).map { .stmt($0) }
        case .for_(_, let vars, let iterable, let body): return [.expr(vars), .expr(iterable)] + body.map { .stmt($0) }
        case .while_(_, let cond, let body): return [.expr(cond)] + body.map { .stmt($0) }
        case .return_(_, let x): return x.map { [.expr($0)] } ?? []
        case .break_, .continue_, .pass, .load: return []
        }
    }

    static func functionChildren(_ f: FunctionNode) -> [Node] {
        var out: [Node] = []
        for p in f.params { if case .optional(_, let d) = p { out.append(.expr(d)) } }
        return out + f.body.map { .stmt($0) }
    }

    static func children(of x: Expr) -> [Node] {
        switch x {
        case .ident, .literal: return []
        case .list(_, let xs, _), .tuple(_, let xs, _): return xs.map { .expr($0) }
        case .dict(_, let entries, _): return entries.flatMap { [Node.expr($0.key), .expr($0.value)] }
        case .dictEntryExpr(let e): return [.expr(e.key), .expr(e.value)]
        case .paren(_, let y, _), .unary(_, _, let y): return [.expr(y)]
        case .binary(_, _, let a, let b): return [.expr(a), .expr(b)]
        case .cond(let c, _, let t, _, let e): return [.expr(c), .expr(t), .expr(e)]
        case .call(let fn, _, let args, _):
            return [.expr(fn)] + args.map { a -> Node in
                switch a {
                case .positional(let y), .keyword(_, let y), .star(_, let y), .starStar(_, let y): return .expr(y)
                }
            }
        case .dot(let y, _, _): return [.expr(y)]
        case .index(let a, _, let b, _): return [.expr(a), .expr(b)]
        case .slice(let a, _, let lo, let hi, let step, _): return ([a] + [lo, hi, step].compactMap { $0 }).map { .expr($0) }
        case .comprehension(let c):
            var out: [Node] = [.expr(c.body)]
            for clause in c.clauses {
                switch clause {
                case .for(_, let vars, let iterable): out += [.expr(vars), .expr(iterable)]
                case .if(_, let cond): out.append(.expr(cond))
                }
            }
            return out
        case .lambda(let f): return functionChildren(f)
        }
    }
}
