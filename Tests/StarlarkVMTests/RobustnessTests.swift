import XCTest
import StarlarkSyntax
import StarlarkResolve
import StarlarkCompile
@testable import StarlarkVM

/// Pathological programs end in errors, never in a crash, a hang or an OOM kill.
final class RobustnessTests: XCTestCase {
    func run(_ text: String, maxSteps: UInt64 = 0) throws -> StarModule {
        let thread = StarThread()
        thread.print = { _ in }
        if maxSteps > 0 { thread.maxSteps = maxSteps }
        return try execFile(thread: thread, source: SourceFile(name: "t.star", text: text),
                            predeclared: [:], options: .all)
    }

    func message(_ text: String, maxSteps: UInt64 = 0) -> String? {
        do { _ = try run(text, maxSteps: maxSteps); return nil } catch { return (error as? EvalError)?.message ?? "\(error)" }
    }

    func global(_ m: StarModule, _ name: String) -> String { m.global(name).map { Ops.repr($0) } ?? "<unbound>" }

    let deepList = "x = []\nfor i in range(100000):\n    x = [x]\n"

    func testDeepListPrintsWithoutCrashing() throws {
        let m = try run(deepList + "n = len(str(x))\nr = len(repr(x))")
        XCTAssertGreaterThan(Int(global(m, "n")) ?? 0, 1000)
        XCTAssertEqual(global(m, "n"), global(m, "r"))
    }

    func testDeepListCompareHashJsonAreErrors() {
        XCTAssertEqual(message(deepList + "y = []\nfor i in range(100000):\n    y = [y]\nz = x == y"),
                       "comparison exceeded maximum recursion depth")
        XCTAssertEqual(message(deepList + "j = json.encode(x)"),
                       "json.encode: nesting depth limit exceeded (cyclic value?)")
        XCTAssertEqual(message("t = ()\nfor i in range(100000):\n    t = (t,)\nd = {t: 1}"),
                       "hash: tuple nested too deeply")
    }

    func testHugeValuesAreErrors() {
        XCTAssertEqual(message("x = 1 << 100000000"), "shift count too large: 100000000")
        XCTAssertEqual(message("x = \"x\" * (1 << 40)"), "repeat count 1099511627776 too large")
        XCTAssertEqual(message("x = [0] * (1 << 40)"), "repeat count 1099511627776 too large")
        XCTAssertEqual(message("x = list(range(1 << 40))"),
                       "list too large: 1099511627776 elements (the limit is 134217728); build it in smaller pieces")
        XCTAssertEqual(message("x = 3\nfor i in range(40):\n    x = x * x"),
                       "integer too large: the result would need 415492 bits (the limit is 262144)")
        XCTAssertEqual(message("x = 1\nfor i in range(1000):\n    x = x << 500"),
                       "integer too large: the result would need 262502 bits (the limit is 262144)")
    }

    /// The concatenation limit itself, on small arrays (a real 1 GiB string would make
    /// the test heavy on a shared machine; the interpreter calls the same checks).
    func testConcatenationLimit() {
        XCTAssertEqual(try Ops.concat([1, 2], [3], "list", limit: 3), [1, 2, 3])
        XCTAssertThrowsError(try Ops.concat([1, 2], [3], "list", limit: 2)) { e in
            XCTAssertEqual((e as? StarlarkError)?.message,
                           "list too large: 3 elements (the limit is 2); build it in smaller pieces")
        }
        XCTAssertEqual(Ops.tooLarge("string", 5, 4).message,
                       "string too large: 5 bytes (the limit is 4); build it in smaller pieces")
    }

    func testInfiniteLoopEndsOnTheStepBudget() {
        XCTAssertEqual(message("def f():\n    while True:\n        pass\nf()", maxSteps: 100_000),
                       "Starlark computation cancelled: too many steps (the budget is 100000 loop iterations "
                       + "and calls; raise it with --max-steps N or limits(max_steps = N) in the spec)")
    }

    /// `s += t` appends in place when the variable holds the only reference; a second
    /// reference taken before must keep its old value.
    func testInPlaceAppendKeepsOtherReferences() throws {
        let m = try run("""
            def f():
                s = ""
                for i in range(1000):
                    s += "ab"
                t = s
                s += "c"
                u = s
                s = s + "d"
                return len(s), len(t), len(u), t[-2:], u[-2:], s[-2:]
            r = f()
            g = "x"
            h = g
            g += "y"
            g = g + "z"
            k = {g: 1}
            g += "w"
            """)
        XCTAssertEqual(global(m, "r"), "(2002, 2000, 2001, \"ab\", \"bc\", \"cd\")")
        XCTAssertEqual(global(m, "h"), "\"x\"")
        XCTAssertEqual(global(m, "g"), "\"xyzw\"")
        XCTAssertEqual(global(m, "k"), "{\"xyz\": 1}")
    }

    func testIntText() {
        for v: Int64 in [0, 7, 10, 99, 100, -1, -10, 1234567890, .max, .min] {
            XCTAssertEqual(String(decoding: IntText.bytes(v), as: UTF8.self), String(v))
        }
    }
}
