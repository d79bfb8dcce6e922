import XCTest
@testable import StarlarkSyntax

/// Table tests of the parser: source -> a compact one-line tree (S-expressions), or ->
/// "line:col: message" for the first error.
final class ParserTests: XCTestCase {
    func check(_ table: [(String, String)], file: StaticString = #filePath, line: UInt = #line) {
        for (input, want) in table {
            XCTAssertEqual(compactParse(input), want, "input: \(input.debugDescription)", file: file, line: line)
        }
    }

    func testPrecedence() {
        check([
            ("a + b * c", "(+ a (* b c))"),
            ("a * b + c", "(+ (* a b) c)"),
            ("a - b - c", "(- (- a b) c)"),
            ("a // b % c / d", "(/ (% (// a b) c) d)"),
            ("a | b ^ c & d << e + f", "(| a (^ b (& c (<< d (+ e f)))))"),
            ("a or b and c", "(or a (and b c))"),
            ("not a == b", "(not (== a b))"),
            ("not a and b", "(and (not a) b)"),
            ("a and not b or c", "(or (and a (not b)) c)"),
            ("not not a", "(not (not a))"),
            ("a in b", "(in a b)"),
            ("a not in b", "(not in a b)"),
            ("a < b | c", "(< a (| b c))"),
            ("-a * b", "(* (- a) b)"),
            ("-a.b(c)[d]", "(- (index (call (. a b) c) d))"),
            ("~-+a", "(~ (- (+ a)))"),
            ("a if b else c", "(if b a c)"),
            ("a if b else c if d else e", "(if b a (if d c e))"),
            ("a or b if c or d else e", "(if (or c d) (or a b) e)"),
            ("lambda: a if b else c", "(lambda () (if b a c))"),
            ("lambda x, y=1, *z, **w: x", "(lambda (x y=1 *z **w) x)"),
            ("(a == b) == c", "(== (paren (== a b)) c)"),
            ("a == (b == c)", "(== a (paren (== b c)))"),
        ])
    }

    func testPrimaries() {
        check([
            ("1, 2", "(tuple 1 2)"),
            ("()", "(tuple)"),
            ("(1,)", "(tuple 1)"),
            ("(1, 2,)", "(tuple 1 2)"),
            ("(1)", "(paren 1)"),
            ("[]", "[]"),
            ("[1, 2,]", "[1 2]"),
            ("{}", "{}"),
            ("{1: 2, 3: 4,}", "{1:2 3:4}"),
            ("'a' \"b\" b'c'", "1:5: got string literal, want newline"),
            ("f()", "(call f)"),
            ("f(a, *b, c=1, **d,)", "(call f a *b c=1 **d)"),
            ("f(a)(b).c", "(. (call (call f a) b) c)"),
            ("x[1]", "(index x 1)"),
            ("x[1, 2]", "(index x (tuple 1 2))"),
            ("x[1, 2:]", "(slice x (tuple 1 2) _ _)"),
            ("x[:]", "(slice x _ _ _)"),
            ("x[::]", "(slice x _ _ _)"),
            ("x[a:b:c]", "(slice x a b c)"),
            ("x[::2]", "(slice x _ _ 2)"),
            ("x[:-1]", "(slice x _ (- 1) _)"),
            ("[x for x in y]", "(comp [x] (for x y))"),
            ("[x for x, y in z if x for w in x]", "(comp [x] (for (tuple x y) z) (if x) (for w x))"),
            ("{k: v for k, v in d.items()}", "(comp {k:v} (for (tuple k v) (call (. d items))))"),
            ("[a for b in c if lambda: d]", "(comp [a] (for b c) (if (lambda () d)))"),
            ("[x for x in (lambda: 1, 2)]", "(comp [x] (for x (tuple (lambda () 1) 2)))"),
            ("0x10 + 1.5 + 'a\\n'", "(+ (+ 16 1.5 ) \"a\\n\")".replacingOccurrences(of: " )", with: ")")),
        ])
    }

    func testStatements() {
        check([
            ("x = 1", "(= x 1)"),
            ("x, y = y, x", "(= (tuple x y) (tuple y x))"),
            ("[a, b] = c", "(= [a b] c)"),
            ("(a, b), c = d", "(= (tuple (tuple a b) c) d)"),
            ("x += 1; y //= 2; z <<= 3", "(+= x 1); (//= y 2); (<<= z 3)"),
            ("x.y[0] |= 1", "(|= (index (. x y) 0) 1)"),
            ("pass; break; continue;", "pass; break; continue"),
            ("return", "(return)"),
            ("return 1, 2", "(return (tuple 1 2))"),
            ("def f(a, b=1, *, c, **kw): return a", "(def f (a b=1 * c **kw) (return a))"),
            ("def f(a, ): pass", "(def f (a) pass)"),
            ("def f():\n  x = 1\n  return x\n", "(def f () (= x 1) (return x))"),
            ("if a: b\nelif c: d\nelse: e", "(if a (b) (elif c (d) (e)))"),
            ("if a:\n  if b:\n    c\n  d\ne", "(if a ((if b (c) ()) d) ()); e"),
            ("for x in 1, 2: pass", "(for x (tuple 1 2) pass)"),
            ("for x, y in z:\n  break", "(for (tuple x y) z break)"),
            ("for (x, y), z in w: pass", "(for (tuple (tuple x y) z) w pass)"),
            ("while x: x -= 1", "(while x (-= x 1))"),
            ("load('m', 'a', b='c')", "(load \"m\" a=a b=c)"),
            ("load('m', 'a',)", "(load \"m\" a=a)"),
            ("f(x)\n\n\n# c\ng(y)  # d\n", "(call f x); (call g y)"),
        ])
    }

    func testErrors() {
        check([
            ("x = 1 +\n2", "2:1: got newline, want primary expression"),
            ("_ = *x", "1:5: got '*', want primary expression"),
            ("a < b < c", "1:7: < does not associate with < (use parens)"),
            ("a in b not in c", "1:8: in does not associate with not in (use parens)"),
            ("a not b", "1:7: got identifier, want in"),
            ("a == not b", "1:6: got not, want primary expression"),
            ("a if b", "1:3: conditional expression without else clause"),
            ("f(1 = 2)", "1:5: keyword argument must have form name=expr"),
            ("a, b, = 1", "1:5: unparenthesized tuple with trailing comma"),
            ("x[1, 2,:]", "1:8: got ':', want primary expression"),
            ("[x for x in 1, 2]", "1:14: got ',', want ']', for, or if"),
            ("{x for y in z}", "1:4: got for, want ':'"),
            ("def pass(): pass", "1:5: not an identifier"),
            ("def f(**): pass", "1:9: not an identifier"),
            ("load('a')", "1:5: load statement must import at least 1 symbol"),
            ("load(1, 2)", "1:6: first operand of load statement must be a string literal"),
            ("load('a', x)", "1:12: load operand must be \"x\" or x=\"originalname\" (want '=' after x)"),
            ("load('a', x=y)", "1:13: original name of loaded symbol must be quoted: x=\"originalname\""),
            ("load('a', 1)", "1:11: load operand must be \"name\" or localname=\"name\" (got int literal)"),
            ("  x = 1", "1:3: got indent, want primary expression"),
            ("if x:\npass", "2:1: got pass, want indent"),
            ("print(1, 2, 3", "1:14: got end of file, want ')' ('(' at 1:6 was never closed)"),
            ("x = 1\ny = [1, 2,\n   3\nz = foo(1,\n  2\n", "2:5: '[' was never closed"),
            ("def f():\n    return (1 +\n\nprint(f())\n", "2:12: '(' was never closed"),
            ("f(a,\n  b c)", "2:5: got identifier, want ','"),
            ("x = class", "1:5: got illegal token, want primary expression"),
            ("f(a=1, *, b=2)", "1:9: got ',', want primary expression"),
        ])
    }

    /// Ids are dense and in parse order; counters are right.
    func testIds() throws {
        let file = try parse(SourceFile(name: "t", text: "def f(a):\n  return [lambda: a for a in [b for b in c]]\n"))
        XCTAssertEqual(file.identCount, 7)  // f a a a b b c
        XCTAssertEqual(file.functionCount, 2)
        XCTAssertEqual(file.comprehensionCount, 2)
        guard case .def(let f) = file.stmts[0] else { return XCTFail("not a def") }
        XCTAssertEqual(f.id, 0)
        XCTAssertEqual(f.name?.id, 0)
        XCTAssertFalse(f.isLambda)
    }

    func testParseExpr() throws {
        let file = try parseExpr(SourceFile(name: "e", text: "a + 1, b\n"))
        XCTAssertEqual(file.stmts.count, 1)
        XCTAssertThrowsError(try parseExpr(SourceFile(name: "e", text: "a b"))) { e in
            XCTAssertEqual("\(e)", "e:1:3: got identifier after expression, want EOF")
        }
    }
}

/// Parses `text` and prints the statements compactly, separated by "; ".
func compactParse(_ text: String) -> String {
    do {
        let file = try parse(SourceFile(name: "t", text: text))
        return file.stmts.map(compact).joined(separator: "; ")
    } catch {
        return "\(error.location.line):\(error.location.column): \(error.message)"
    }
}

func compact(_ s: Stmt) -> String {
    switch s {
    case .expr(let x): return compact(x)
    case .assign(let l, let op, _, let r):
        if case .augmented(let b) = op { return "(\(b.rawValue)= \(compact(l)) \(compact(r)))" }
        return "(= \(compact(l)) \(compact(r)))"
    case .def(let f):
        return "(def \(f.name?.name ?? "?") (\(f.params.map(compact).joined(separator: " "))) \(f.body.map(compact).joined(separator: " ")))"
    case .if_(_, let c, let t, let e, let isElif):
        return "(\(isElif ? "elif" : "if") \(compact(c)) (\(t.map(compact).joined(separator: " "))) \(e.count == 1 && isElifStmt(e[0]) ? compact(e[0]) : "(" + e.map(compact).joined(separator: " ") + ")"))"
    case .for_(_, let v, let x, let body):
        return "(for \(compact(v)) \(compact(x)) \(body.map(compact).joined(separator: " ")))"
    case .while_(_, let c, let body):
        return "(while \(compact(c)) \(body.map(compact).joined(separator: " ")))"
    case .break_: return "break"
    case .continue_: return "continue"
    case .pass: return "pass"
    case .return_(_, let x): return x.map { "(return \(compact($0)))" } ?? "(return)"
    case .load(_, let m, let names, _):
        return "(load \(quoteForDump(Array(m.0.utf8))) \(names.map { "\($0.local.name)=\($0.original.0)" }.joined(separator: " ")))"
    }
}

func isElifStmt(_ s: Stmt) -> Bool {
    if case .if_(_, _, _, _, true) = s { return true }
    return false
}

func compact(_ p: Parameter) -> String {
    switch p {
    case .required(let id): return id.name
    case .optional(let id, let d): return "\(id.name)=\(compact(d))"
    case .star(_, let id): return "*" + (id?.name ?? "")
    case .starStar(_, let id): return "**" + id.name
    }
}

func compact(_ x: Expr) -> String {
    switch x {
    case .ident(let id): return id.name
    case .literal(let lit, _, _):
        switch lit {
        case .int(let v): return "\(v)"
        case .bigInt(let d): return d
        case .float(let v): return "\(v)"
        case .string(let b): return quoteForDump(b)
        case .bytes(let b): return "b" + quoteForDump(b)
        }
    case .list(_, let e, _): return "[" + e.map(compact).joined(separator: " ") + "]"
    case .tuple(_, let e, _): return "(tuple" + e.map { " " + compact($0) }.joined() + ")"
    case .dict(_, let e, _): return "{" + e.map { "\(compact($0.key)):\(compact($0.value))" }.joined(separator: " ") + "}"
    case .dictEntryExpr(let e): return "{\(compact(e.key)):\(compact(e.value))}"
    case .paren(_, let e, _): return "(paren \(compact(e)))"
    case .unary(let op, _, let e): return "(\(op.rawValue) \(compact(e)))"
    case .binary(let op, _, let a, let b): return "(\(op.rawValue) \(compact(a)) \(compact(b)))"
    case .cond(let c, _, let t, _, let e): return "(if \(compact(c)) \(compact(t)) \(compact(e)))"
    case .call(let f, _, let args, _):
        let a = args.map { arg -> String in
            switch arg {
            case .positional(let e): return compact(e)
            case .keyword(let k, let e): return "\(k.name)=\(compact(e))"
            case .star(_, let e): return "*" + compact(e)
            case .starStar(_, let e): return "**" + compact(e)
            }
        }
        return "(call \(compact(f))" + a.map { " " + $0 }.joined() + ")"
    case .dot(let e, _, let name): return "(. \(compact(e)) \(name.name))"
    case .index(let e, _, let i, _): return "(index \(compact(e)) \(compact(i)))"
    case .slice(let e, _, let lo, let hi, let st, _):
        return "(slice \(compact(e)) \(lo.map(compact) ?? "_") \(hi.map(compact) ?? "_") \(st.map(compact) ?? "_"))"
    case .comprehension(let c):
        let body = c.isDict ? compact(c.body) : "[\(compact(c.body))]"
        let clauses = c.clauses.map { cl -> String in
            switch cl {
            case .for(_, let v, let it): return "(for \(compact(v)) \(compact(it)))"
            case .if(_, let cond): return "(if \(compact(cond)))"
            }
        }
        return "(comp \(body) \(clauses.joined(separator: " ")))"
    case .lambda(let f):
        var body = "?"
        if case .return_(_, let e?) = f.body.first { body = compact(e) }
        return "(lambda (\(f.params.map(compact).joined(separator: " "))) \(body))"
    }
}
