import XCTest
import StarlarkSyntax
@testable import StarlarkVM

final class ValuesBuiltinsTests: XCTestCase {
    func testFloatFormatting() throws {
        let cases: [(Double, String)] = [
            (0, "0.0"), (-0.0, "-0.0"), (1, "1.0"), (123, "123.0"), (1.11, "1.11"), (1e5, "100000.0"),
            (1e6, "1e+06"), (1.23e45, "1.23e+45"), (-1.23e-45, "-1.23e-45"), (0.0001, "0.0001"),
            (0.00001, "1e-05"), (100.0 / 7.0, "14.285714285714286"), (.infinity, "+inf"), (.nan, "nan"),
        ]
        for (f, want) in cases { XCTAssertEqual(Ops.str(.float(f)), want, "str(\(f))") }
        XCTAssertEqual(Ops.str(try bin(.mod, V.s("%e|%f|%g"), V.tuple([.float(123), .int(0), .float(1e6)]))),
                       "1.230000e+02|0.000000|1e+06")
    }

    func testPercentFormatting() throws {
        XCTAssertEqual(Ops.str(try bin(.mod, V.s("A %d %x Z"), V.tuple([.int(123), .int(456)]))), "A 123 1c8 Z")
        let d = try V.dict([(V.s("foo"), .int(123)), (V.s("bar"), V.s("hi"))])
        XCTAssertEqual(Ops.str(try bin(.mod, V.s("A %(foo)d %(bar)s Z"), d)), "A 123 hi Z")
        XCTAssertEqual(Ops.str(try bin(.mod, V.s("%s %r %%"), V.tuple([V.s("hi"), V.s("hi")]))), "hi \"hi\" %")
        XCTAssertEqual(Ops.str(try bin(.mod, V.s("%c%c"), V.tuple([.int(0x4e16), V.s("x")]))), "世x")
        assertFails("not enough arguments for format string") { try self.bin(.mod, V.s("%d %d"), .int(1)) }
        assertFails("too many arguments for format string") { try self.bin(.mod, V.s(""), .int(1)) }
        assertFails("%d format requires integer: cannot convert float NaN to integer") {
            try self.bin(.mod, V.s("%d"), .float(.nan))
        }
    }

    func testStrFormat() throws {
        let f = V.s("a{x}b{y}c{}")
        XCTAssertEqual(Ops.str(try method(f, "format", [.int(1)], [("x", .int(2)), ("y", .int(3))])), "a2b3c1")
        XCTAssertEqual(Ops.str(try method(V.s("{!r}{{}}"), "format", [V.s("b")])), "\"b\"{}")
        assertFails("cannot switch from automatic field numbering to manual") {
            try self.method(V.s("a{}b{1}c"), "format", [.int(1), .int(2)])
        }
        assertFails("single '}' in format") { try self.method(V.s("}{{"), "format", [.int(1)]) }
        assertFails("keyword z not found") { try self.method(V.s("{z}"), "format", []) }
    }

    func testStringMethods() throws {
        assertRepr(try method(V.s("a.b.c.d"), "rsplit", [V.s("."), .int(2)]), "[\"a.b\", \"c\", \"d\"]")
        assertRepr(try method(V.s(" a bc\n  def \t  ghi"), "rsplit", [.none, .int(1)]), "[\" a bc\\n  def\", \"ghi\"]")
        assertRepr(try method(V.s("  aa  bb  cc  "), "split", [.none, .int(0)]), "[\"aa  bb  cc  \"]")
        assertRepr(try method(V.s("\nabc\ndef\n"), "splitlines", [.bool(true)]), "[\"\\n\", \"abc\\n\", \"def\\n\"]")
        assertRepr(try method(V.s("blah.h"), "strip", [V.s("b.h")]), "\"la\"")
        assertRepr(try method(V.s("banana"), "count", [V.s("a"), .int(-4), .int(-2)]), "1")
        assertRepr(try method(V.s("foofoo"), "rfind", [V.s("")]), "6")
        assertRepr(try method(V.s("banana"), "replace", [V.s("a"), V.s("o"), .int(1)]), "\"bonana\"")
        assertRepr(try method(V.s("foo/bar/wiz"), "rpartition", [V.s("/")]), "(\"foo/bar\", \"/\", \"wiz\")")
        assertRepr(try method(V.s("¿Por qué?"), "title"), "\"¿Por Qué?\"")
        assertRepr(try method(V.s("ǉubović"), "title"), "\"ǈubović\"")
        assertRepr(try method(V.s("hElLo, WoRlD!"), "capitalize"), "\"Hello, world!\"")
        XCTAssertTrue(try method(V.s("ǅenan ǈubović"), "istitle").truth)
        XCTAssertFalse(try method(V.s("Ǆenan Ǉubović"), "istitle").truth)
        XCTAssertTrue(try method(V.s("abc"), "startswith", [V.tuple([V.s("x"), V.s("a")])]).truth)
        assertFails("startswith: for parameter prefix: want string, got int, for element 0") {
            try self.method(V.s("123"), "startswith", [V.tuple([.int(1)])])
        }
        assertFails("join: in list, want string, got int") { try self.method(V.s(""), "join", [V.list([V.s("a"), .int(2)])]) }
        assertFails("find: for parameter sub: got int, want string") { try self.method(V.s(""), "find", [.int(1)]) }
        assertFails("index: substring not found") { try self.method(V.s("abc"), "index", [V.s("z")]) }
        let cps = try call("list", [try method(V.s("A\u{1F63F}"), "codepoint_ords")])
        assertRepr(cps, "[65, 128575]")
        assertRepr(try method(V.s("abc"), "elems"), "\"abc\".elems()")
    }

    func testStringsAreBytes() throws {
        assertRepr(try call("len", [V.s("é")]), "2")
        assertRepr(V.s("\u{7f}\u{1}é\u{200b}"), "\"\\x7f\\x01é\\u200b\"")
        assertRepr(.str([0x41, 0xff]), "\"A\\xff\"")
        assertFails("got string, want iterable") { try self.call("list", [V.s("abc")]) }
        assertFails("string value is not iterable") { try Ops.iterate(V.s("abc")) }
        XCTAssertEqual(Ops.str(try call("hash", [V.s("Hello, 世界!")])), "417292677")
        XCTAssertEqual(Ops.str(try call("hash", [V.s("hello")])), "99162322")
    }

    func testIntAndFloatConstructors() throws {
        assertRepr(try call("int", [V.s("0x1F"), .int(0)]), "31")
        assertRepr(try call("int", [V.s("-0b101")], [("base", .int(0))]), "-5")
        assertRepr(try call("int", [V.s("123456789012345678901234567890")]), "123456789012345678901234567890")
        assertRepr(try call("int", [.float(-1.9)]), "-1")
        assertFails("int: invalid literal with base 16: 0o12") { try self.call("int", [V.s("0o12"), .int(16)]) }
        assertFails("int: base must be an integer >= 2 && <= 36") { try self.call("int", [V.s("1"), .int(99)]) }
        assertFails("int: can't convert non-string with explicit base") { try self.call("int", [.int(1), .int(10)]) }
        assertFails("int: got 3 arguments, want at most 2") { try self.call("int", [.int(1), .int(2), .int(3)]) }
        assertFails("int: unexpected keyword argument \"y\"") { try self.call("int", [.int(1)], [("y", .int(1))]) }
        assertRepr(try call("float", [V.s("-InFiniTy")]), "-inf")
        assertRepr(try call("float", [V.s("1e3")]), "1000.0")
        assertFails("invalid float literal: 1x") { try self.call("float", [V.s("1x")]) }
        assertFails("floating-point number too large") { try self.call("float", [V.s("1e999")]) }
    }

    func testContainerBuiltins() throws {
        assertRepr(try call("sorted", [V.list([.int(3), .int(1), .int(2)])], [("reverse", .bool(true))]), "[3, 2, 1]")
        assertFails("string < int not implemented") { try self.call("sorted", [V.list([.int(1), V.s("one")])]) }
        assertRepr(try call("max", [.int(1), .int(5), .int(3)]), "5")
        assertFails("min: argument is an empty sequence") { try self.call("min", [V.list([])]) }
        assertRepr(try call("zip", [V.list([.int(1), .int(2)]), V.tuple([V.s("a")])]), "[(1, \"a\")]")
        assertFails("zip: argument #2 is not iterable: string") { try self.call("zip", [V.list([]), V.s("ab")]) }
        assertRepr(try call("enumerate", [V.list([V.s("a")]), .int(5)]), "[(5, \"a\")]")
        assertRepr(try call("dict", [V.list([V.tuple([.int(1), .int(2)])])], [("x", .int(3))]), "{1: 2, \"x\": 3}")
        assertFails("dict: dictionary update sequence element #0 has length 3, want 2") {
            try self.call("dict", [V.list([V.tuple([.int(1), .int(2), .int(3)])])])
        }
        assertRepr(try call("reversed", [try call("range", [.int(3)])]), "[2, 1, 0]")
        assertRepr(try call("dir", [V.list([])]), "[\"append\", \"clear\", \"extend\", \"index\", \"insert\", \"pop\", \"remove\"]")
        assertFails("range: step argument must not be zero") { try self.call("range", [.int(1), .int(2), .int(0)]) }
        assertRepr(try call("chr", [.int(0x4e16)]), "\"世\"")
        assertFails("ord: string encodes 2 Unicode code points, want 1") { try self.call("ord", [V.s("ab")]) }
        assertRepr(try call("type", [try call("range", [.int(1)])]), "\"range\"")
        assertRepr(try call("getattr", [V.s(""), V.s("nope"), .int(7)]), "7")
        XCTAssertTrue(try call("hasattr", [V.list([]), V.s("append")]).truth)
        assertFails("fail: a 1") { try self.call("fail", [V.s("a"), .int(1)]) }
    }

    func testDictAndSetMethods() throws {
        let d = try V.dict([(V.s("a"), .int(1)), (V.s("b"), .int(2))])
        assertRepr(try method(d, "pop", [V.s("a")]), "1")
        assertFails("pop: missing key") { try self.method(d, "pop", [V.s("zz")]) }
        assertRepr(try method(d, "setdefault", [V.s("c"), .int(3)]), "3")
        assertRepr(try method(d, "items"), "[(\"b\", 2), (\"c\", 3)]")
        assertRepr(try method(d, "popitem"), "(\"b\", 2)")
        assertFails("update: duplicate keyword arg: \"k\"") {
            try self.method(try V.dict([]), "update", [], [("k", .int(1)), ("k", .int(2))])
        }
        let s = try call("set", [V.list([.int(1), .int(2), .int(3)])])
        assertRepr(try bin(.bitAnd, s, try call("set", [V.list([.int(2), .int(9)])])), "set([2])")
        assertRepr(try method(s, "union", [V.list([.int(4)])]), "set([1, 2, 3, 4])")
        // As in the go.starlark.net version we follow, union is the only set method.
        assertFails("set has no .difference field or method") { try Ops.getAttr(s, "difference", thread: StarThread()) }
        assertFails("unknown binary op: set | list") { try self.bin(.bitOr, s, V.list([])) }
    }

    func testDictKeepsInsertionOrderThroughDeletes() throws {
        let d = StarDict()
        for i in 0..<1000 { try d.set(.int(Int64(i)), .int(Int64(i * i))) }
        for i in stride(from: 0, to: 1000, by: 2) { _ = try d.remove(.int(Int64(i))) }
        try d.set(.int(0), .int(-1))
        XCTAssertEqual(d.count, 501)
        let keys = d.keys
        XCTAssertEqual(Ops.repr(keys[0]), "1")
        XCTAssertEqual(Ops.repr(keys[499]), "999")
        XCTAssertEqual(Ops.repr(keys[500]), "0")
        XCTAssertEqual(Ops.repr(try d.get(.int(999)) ?? .none), "998001")
        XCTAssertNil(try d.get(.int(2)))
        // An integral float finds the int key.
        XCTAssertEqual(Ops.repr(try d.get(.float(999)) ?? .none), "998001")
    }

    func testDictPerformance200kStringKeys() throws {
        let keys = (0..<200_000).map { Value.str("key\($0)") }
        let start = Date()
        let d = StarDict()
        for (i, k) in keys.enumerated() { try d.set(k, .int(Int64(i))) }
        var sum: Int64 = 0
        for k in keys { if case .int(let v)? = try d.get(k) { sum += v } }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(sum, 199_999 * 200_000 / 2)
        print("dict: 200000 string inserts + lookups in \(String(format: "%.3f", elapsed)) s")
    }

    func testJSON() throws {
        let t = StarThread()
        guard case .object(let json) = Universe.builtins["json"] ?? .none,
              let encode = try json.attr("encode", thread: t), let decode = try json.attr("decode", thread: t),
              let indent = try json.attr("indent", thread: t) else { return XCTFail("json module") }
        let st = try call("struct", [], [("y", V.s("two")), ("x", .int(1))])
        XCTAssertEqual(Ops.str(try t.call(encode, Arguments([st]))), "{\"x\":1,\"y\":\"two\"}")
        XCTAssertEqual(Ops.str(try t.call(encode, Arguments([V.s("\u{80}<")]))), "\"\\u0080\\u003c\"".replacingOccurrences(of: "\\u0080", with: "\u{80}"))
        XCTAssertEqual(Ops.str(try t.call(encode, Arguments([.float(12.345e67)]))), "1.2345e+68")
        assertFails("json.encode: cannot encode non-finite float nan") { try t.call(encode, Arguments([.float(.nan)])) }
        let bad = try call("struct", [], [("x", V.list([.int(1), try V.dict([(V.s("x"), Universe.builtins["len"] ?? .none)])]))])
        assertFails("in field .x: at list index 1: in dict key \"x\": cannot encode builtin_function_or_method as JSON") {
            try t.call(encode, Arguments([bad]))
        }
        assertRepr(try t.call(decode, Arguments([V.s("{\"a\": [1, 2.5, true, null], \"b\": \"\\ud83d\\ude39\"}")])),
                   "{\"a\": [1, 2.5, True, None], \"b\": \"😹\"}")
        assertFails("json.decode: at offset 4, unexpected character 'f' after value") { try t.call(decode, Arguments([V.s("truefalse")])) }
        assertFails("invalid number: -00") { try t.call(decode, Arguments([V.s("-00")])) }
        assertFails("in object, got '\"', want ',' or '}'") { try t.call(decode, Arguments([V.s("{\"one\": 1 \"two\": 2")])) }
        assertFails("invalid character 'g' in string escape code") { try t.call(decode, Arguments([V.s("\"ab\\gc\"")])) }
        XCTAssertEqual(Ops.str(try t.call(indent, Arguments([V.s("{\"x\":1,\"y\":[\"one\",\"two\"],\"z\":[]}")]))),
                       "{\n\t\"x\": 1,\n\t\"y\": [\n\t\t\"one\",\n\t\t\"two\"\n\t],\n\t\"z\": []\n}")
        assertFails("invalid character") { try t.call(indent, Arguments([V.s("!@#")])) }
    }

    func testStruct() throws {
        let t = StarThread()
        let s = try call("struct", [], [("port", .int(80)), ("host", V.s("localhost"))])
        assertRepr(s, "struct(host = \"localhost\", port = 80)")
        XCTAssertTrue(try Ops.equal(s, try call("struct", [], [("host", V.s("localhost")), ("port", .int(80))])))
        XCTAssertFalse(try Ops.equal(s, try call("struct", [], [("host", V.s("localhost")), ("port", .int(81))])))
        assertFails("struct has no .protocol attribute") { try Ops.getAttr(s, "protocol", thread: t) }
        assertFails("struct: unexpected positional arguments") { try self.call("struct", [.int(1)]) }
        assertRepr(try call("dir", [s]), "[\"host\", \"port\"]")
        let merged = try bin(.add, s, try call("struct", [], [("port", .int(1)), ("x", .none)]))
        assertRepr(merged, "struct(host = \"localhost\", port = 1, x = None)")
    }

    func testArgumentUnpacking() throws {
        let p = Params("f", ["a", "b?", "c?"])
        let r = try Arguments([.int(1)], named: [("c", .int(3))]).unpack(p)
        XCTAssertEqual(r.map { $0.map(Ops.repr) }, ["1", nil, "3"])
        assertFails("f: missing argument for a") { try Arguments([], named: [("b", .int(1))]).unpack(p) }
        assertFails("f: got multiple values for keyword argument \"a\"") { try Arguments([.int(1)], named: [("a", .int(1))]).unpack(p) }
        assertFails("f: got 4 arguments, want at most 3") { try Arguments([.none, .none, .none, .none]).unpack(p) }
        assertFails("range: for parameter stop: got string, want int") { try self.call("range", [.int(1), V.s("x")]) }
        assertFails("len: got 2 arguments, want 1") { try self.call("len", [.int(1), .int(2)]) }
    }

    func testPrintGoesThroughThread() throws {
        let t = StarThread()
        var lines: [String] = []
        t.print = { lines.append($0) }
        _ = try call("print", [V.s("a"), .int(1), V.list([V.s("b")])], [("sep", V.s("-"))], thread: t)
        XCTAssertEqual(lines, ["a-1-[\"b\"]"])
    }
}
