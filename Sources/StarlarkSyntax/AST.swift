/// The syntax tree. Nodes that later phases annotate (identifiers, functions,
/// comprehensions) are final classes with a per-file `id`; the resolver records its
/// results in side tables indexed by those ids rather than mutating the tree.
/// Every `Int` position is a byte offset into the file's `SourceFile`.

public final class Ident: @unchecked Sendable {
    public let name: String
    public let pos: Int
    /// Unique within the file (0, 1, 2, ... in parse order); key of the resolver's tables.
    public let id: Int
    public init(name: String, pos: Int, id: Int) {
        self.name = name
        self.pos = pos
        self.id = id
    }
}

public enum Literal: Sendable, Equatable {
    case int(Int64)
    /// An integer literal too large for Int64, in decimal digits (no sign).
    case bigInt(String)
    case float(Double)
    case string([UInt8])
    case bytes([UInt8])
}

public enum UnaryOp: String, Sendable { case plus = "+", minus = "-", not = "not", invert = "~" }

public enum BinaryOp: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%"
    case bitAnd = "&", bitOr = "|", bitXor = "^", shl = "<<", shr = ">>"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case `in` = "in", notIn = "not in"
    case and = "and", or = "or"
}

/// `=` or an augmented assignment operator (`+=` carries `.add`, ...).
public enum AssignOp: Sendable, Equatable { case assign; case augmented(BinaryOp) }

public enum Argument: Sendable {
    case positional(Expr)
    case keyword(Ident, Expr)
    case star(pos: Int, Expr)        // *args
    case starStar(pos: Int, Expr)    // **kwargs
}

public enum Parameter: Sendable {
    case required(Ident)
    case optional(Ident, default: Expr)
    /// `*args`, or a bare `*` (nil name) that makes following parameters keyword-only.
    case star(pos: Int, Ident?)
    case starStar(pos: Int, Ident)
}

public struct DictEntry: Sendable {
    public let key: Expr
    public let colon: Int
    public let value: Expr
    public init(key: Expr, colon: Int, value: Expr) {
        self.key = key
        self.colon = colon
        self.value = value
    }
}

/// A `def` statement or a `lambda`: both create a function; `id` keys the resolver's
/// per-function table (locals, cells, free variables).
public final class FunctionNode: @unchecked Sendable {
    public let id: Int
    public let pos: Int                // `def` or `lambda` keyword
    public let name: Ident?            // nil for lambda
    public let params: [Parameter]
    public let body: [Stmt]            // a lambda's body is one `.return_`
    public let isLambda: Bool
    public init(id: Int, pos: Int, name: Ident?, params: [Parameter], body: [Stmt], isLambda: Bool) {
        self.id = id
        self.pos = pos
        self.name = name
        self.params = params
        self.body = body
        self.isLambda = isLambda
    }
}

public enum ComprehensionClause: Sendable {
    case `for`(pos: Int, vars: Expr, iterable: Expr)
    case `if`(pos: Int, cond: Expr)
}

/// `[body for ... if ...]` or `{k: v for ...}`; the clauses form a new block whose `id`
/// keys the resolver's tables.
public final class Comprehension: @unchecked Sendable {
    public let id: Int
    public let lbrack: Int
    public let isDict: Bool
    public let body: Expr              // for a dict comprehension, `.dictEntryExpr`
    public let clauses: [ComprehensionClause]
    public let rbrack: Int
    public init(id: Int, lbrack: Int, isDict: Bool, body: Expr, clauses: [ComprehensionClause], rbrack: Int) {
        self.id = id
        self.lbrack = lbrack
        self.isDict = isDict
        self.body = body
        self.clauses = clauses
        self.rbrack = rbrack
    }
}

public indirect enum Expr: Sendable {
    case ident(Ident)
    case literal(Literal, pos: Int, end: Int)
    case list(lbrack: Int, [Expr], rbrack: Int)
    /// A tuple; `lparen` is nil for an unparenthesised tuple such as `a, b`.
    case tuple(lparen: Int?, [Expr], rparen: Int?)
    case dict(lbrace: Int, [DictEntry], rbrace: Int)
    /// The `k: v` body of a dict comprehension.
    case dictEntryExpr(DictEntry)
    case paren(lparen: Int, Expr, rparen: Int)
    case unary(UnaryOp, pos: Int, Expr)
    case binary(BinaryOp, pos: Int, Expr, Expr)
    case cond(cond: Expr, ifPos: Int, then: Expr, elsePos: Int, else: Expr)  // then if cond else else
    case call(Expr, lparen: Int, [Argument], rparen: Int)
    case dot(Expr, dotPos: Int, Ident)
    case index(Expr, lbrack: Int, Expr, rbrack: Int)
    case slice(Expr, lbrack: Int, lo: Expr?, hi: Expr?, step: Expr?, rbrack: Int)
    case comprehension(Comprehension)
    case lambda(FunctionNode)
}

public indirect enum Stmt: Sendable {
    case expr(Expr)
    case assign(lhs: Expr, op: AssignOp, opPos: Int, rhs: Expr)
    case def(FunctionNode)
    /// `elif` is an `if_` nested as the sole statement of `else_`, with `isElif` true.
    case if_(pos: Int, cond: Expr, then: [Stmt], else_: [Stmt], isElif: Bool)
    case for_(pos: Int, vars: Expr, iterable: Expr, body: [Stmt])
    case while_(pos: Int, cond: Expr, body: [Stmt])
    case break_(pos: Int)
    case continue_(pos: Int)
    case pass(pos: Int)
    case return_(pos: Int, Expr?)
    /// `load("module", "a", b="c")`: `names` are (local binding, name in the module).
    case load(pos: Int, module: (String, Int), names: [(local: Ident, original: (String, Int))], rparen: Int)
}

/// A parsed file: its statements, plus counters so later phases can size side tables.
public final class FileNode: @unchecked Sendable {
    public let source: SourceFile
    public let stmts: [Stmt]
    public let identCount: Int
    public let functionCount: Int
    public let comprehensionCount: Int
    public init(source: SourceFile, stmts: [Stmt], identCount: Int, functionCount: Int, comprehensionCount: Int) {
        self.source = source
        self.stmts = stmts
        self.identCount = identCount
        self.functionCount = functionCount
        self.comprehensionCount = comprehensionCount
    }
}

extension Expr {
    /// Byte offset of the first byte of the expression (for diagnostics).
    public var start: Int {
        switch self {
        case .ident(let id): return id.pos
        case .literal(_, let pos, _): return pos
        case .list(let l, _, _): return l
        case .tuple(let l, let elems, _): return l ?? elems.first?.start ?? 0
        case .dict(let l, _, _): return l
        case .dictEntryExpr(let e): return e.key.start
        case .paren(let l, _, _): return l
        case .unary(_, let pos, _): return pos
        case .binary(_, _, let x, _): return x.start
        case .cond(_, _, let then, _, _): return then.start
        case .call(let fn, _, _, _): return fn.start
        case .dot(let x, _, _): return x.start
        case .index(let x, _, _, _): return x.start
        case .slice(let x, _, _, _, _, _): return x.start
        case .comprehension(let c): return c.lbrack
        case .lambda(let f): return f.pos
        }
    }
}
