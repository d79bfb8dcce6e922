import XCTest
import StarlarkSyntax
@testable import StarlarkVM

/// Errors raised inside builtins: the traceback names the builtin as go.starlark.net's does
/// (`Error in sorted: ...`, `<builtin>: in min` for one that called back into Starlark),
/// and a wrong argument type names the parameter and both types.
final class BuiltinErrorTests: XCTestCase {
    func error(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> EvalError? {
        let thread = StarThread()
        thread.print = { _ in }
        do {
            _ = try execFile(thread: thread, source: SourceFile(name: "crash.star", bytes: Array(source.utf8)),
                             predeclared: [:], options: .all)
            XCTFail("no error from: \(source)", file: file, line: line)
        } catch let e as EvalError {
            return e
        } catch {
            XCTFail("\(source): not an EvalError: \(error)", file: file, line: line)
        }
        return nil
    }

    func testAnErrorRaisedByABuiltinIsReportedAsErrorInIt() throws {
        let e = try XCTUnwrap(error("def f():\n    return ''.join([1])\nf()\n"))
        XCTAssertEqual(e.builtin, "join")
        XCTAssertEqual(e.traceback, """
            Traceback (most recent call last):
              crash.star:3:2: in <toplevel>
              crash.star:2:19: in f
            Error in join: join: in list, want string, got int
            """)
        // The position is the call of the builtin in Starlark code, never "<builtin>".
        XCTAssertEqual(e.location?.description, "crash.star:2:19")
        XCTAssertTrue(e.description.hasPrefix("crash.star:2:19: join: in list, want string, got int\nTraceback"), e.description)
    }

    func testAFunctionCalledByABuiltinShowsTheBuiltinAsAFrame() throws {
        let e = try XCTUnwrap(error("def g(x):\n    return 1 // x\nm = min([1, 2, 0], key = g)\n"))
        XCTAssertNil(e.builtin, "raised by g's code, not by min")
        XCTAssertEqual(e.traceback, """
            Traceback (most recent call last):
              crash.star:3:8: in <toplevel>
              <builtin>: in min
              crash.star:2:14: in g
            Error: floored division by zero
            """)
        XCTAssertEqual(e.location?.description, "crash.star:2:14")
    }

    func testABuiltinCalledByABuiltinIsNamedInnermost() throws {
        let e = try XCTUnwrap(error("x = sorted([[1], 2], key = len)\n"))
        XCTAssertEqual(e.builtin, "len")
        XCTAssertTrue(e.traceback.hasSuffix("  crash.star:1:11: in <toplevel>\n  <builtin>: in sorted\nError in len: len: for parameter x: got int, want a sequence or mapping (int has no len)"), e.traceback)
    }

    func testAnErrorOfStarlarkCodeItselfIsPlainError() throws {
        let e = try XCTUnwrap(error("def f(x):\n    return x + 'a'\nf(1)\n"))
        XCTAssertNil(e.builtin)
        XCTAssertTrue(e.traceback.hasSuffix("\nError: unknown binary op: int + string"), e.traceback)
    }

    func testMethodsOfSpecTypesAndFailAreBuiltinsToo() throws {
        XCTAssertEqual(error("fail('boom')\n")?.traceback.components(separatedBy: "\n").last, "Error in fail: fail: boom")
        XCTAssertEqual(error("d = {}\nd.update(1)\n")?.builtin, "update")
        XCTAssertEqual(error("x = json.decode('[')\n")?.builtin, "json.decode")
    }

    /// One wrong-typed argument per builtin and method: the message says
    /// `fn: for parameter NAME: got T, want U`, and the traceback's last line names `fn`.
    func testAWrongArgumentTypeNamesTheParameterAndBothTypes() throws {
        let cases: [(code: String, fn: String, param: String, got: String, want: String)] = [
            ("abs('a')", "abs", "x", "string", "int or float"),
            ("all(1)", "all", "x", "int", "iterable"),
            ("any(None)", "any", "x", "NoneType", "iterable"),
            ("bytes(1.5)", "bytes", "x", "float", "string, bytes, or iterable of ints"),
            ("chr('a')", "chr", "i", "string", "int"),
            ("dict(1)", "dict", "pairs", "int", "iterable"),
            ("enumerate(1)", "enumerate", "x", "int", "iterable"),
            ("enumerate([], 'a')", "enumerate", "start", "string", "int"),
            ("fail('x', sep = 1)", "fail", "\"sep\"", "int", "string"),
            ("float([])", "float", "x", "list", "number or string"),
            ("getattr(1, 2)", "getattr", "name", "int", "string"),
            ("hasattr(1, 2)", "hasattr", "name", "int", "string"),
            ("hash(1)", "hash", "x", "int", "string"),
            ("int([])", "int", "x", "list", "int, float, bool or string"),
            ("int('1', 'a')", "int", "base", "string", "int"),
            ("len(1)", "len", "x", "int", "a sequence or mapping"),
            ("list(1)", "list", "x", "int", "iterable"),
            ("max(1)", "max", "iterable", "int", "iterable"),
            ("min([1], key = 1)", "min", "\"key\"", "int", "callable"),
            ("ord(1)", "ord", "s", "int", "string or bytes"),
            ("print(1, sep = 2)", "print", "\"sep\"", "int", "string"),
            ("range('a')", "range", "stop", "string", "int"),
            ("range(1, 'a')", "range", "stop", "string", "int"),
            ("range(1, 2, 'a')", "range", "step", "string", "int"),
            ("reversed(1)", "reversed", "x", "int", "iterable"),
            ("set(1)", "set", "x", "int", "iterable"),
            ("sorted(1)", "sorted", "iterable", "int", "iterable"),
            ("sorted([1], key = 1)", "sorted", "\"key\"", "int", "callable"),
            ("sorted([1], reverse = 1)", "sorted", "\"reverse\"", "int", "bool"),
            ("tuple(1)", "tuple", "x", "int", "iterable"),
            ("''.count(1)", "count", "sub", "int", "string"),
            ("''.count('', 'a')", "count", "start", "string", "int"),
            ("''.endswith(1)", "endswith", "suffix", "int", "string or tuple of string"),
            ("''.find('', 0, 'a')", "find", "end", "string", "int"),
            ("''.index(1)", "index", "sub", "int", "string"),
            ("''.join(1)", "join", "iterable", "int", "iterable"),
            ("''.lstrip(1)", "lstrip", "cutset", "int", "string"),
            ("''.partition(1)", "partition", "sep", "int", "string"),
            ("''.removeprefix(1)", "removeprefix", "prefix", "int", "string"),
            ("''.removesuffix(1)", "removesuffix", "suffix", "int", "string"),
            ("''.replace('a', 1)", "replace", "new", "int", "string"),
            ("''.replace('a', 'b', 'c')", "replace", "count", "string", "int"),
            ("''.rfind(1)", "rfind", "sub", "int", "string"),
            ("''.rsplit(1)", "rsplit", "sep", "int", "string or None"),
            ("''.split(',', 'a')", "split", "maxsplit", "string", "int"),
            ("''.splitlines(1)", "splitlines", "keepends", "int", "bool"),
            ("''.startswith(1)", "startswith", "prefix", "int", "string or tuple of string"),
            ("''.strip(1)", "strip", "cutset", "int", "string"),
            ("[].extend(1)", "extend", "iterable", "int", "iterable"),
            ("[].index(1, 'a')", "index", "start", "string", "int"),
            ("[].insert('a', 1)", "insert", "index", "string", "int"),
            ("[1].pop('a')", "pop", "index", "string", "int"),
            ("{}.update(1)", "update", "pairs", "int", "iterable"),
            ("set().union(1)", "union", "iterable", "int", "iterable"),
            ("json.decode(1)", "json.decode", "x", "int", "string"),
            ("json.indent(1)", "json.indent", "str", "int", "string"),
            ("json.indent('{}', prefix = 1)", "json.indent", "\"prefix\"", "int", "string"),
        ]
        for c in cases {
            guard let e = error("x = \(c.code)\n") else { continue }
            XCTAssertTrue(e.message.hasPrefix("\(c.fn): for parameter \(c.param): got \(c.got), want \(c.want)"),
                          "\(c.code): \(e.message)")
            XCTAssertEqual(e.builtin, c.fn, c.code)
            XCTAssertTrue(e.traceback.hasSuffix("\nError in \(c.fn): \(e.message)"), "\(c.code): \(e.traceback)")
        }
    }
}
