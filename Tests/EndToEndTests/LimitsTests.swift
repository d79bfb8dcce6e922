import Foundation
import XCTest

/// Specs that never end or never stop growing (issue 12, section 3): each ends with one clear
/// error naming the budget, the flag and the spec setting that raise it, and the file:line
/// where it stopped, in `eval`, `compile` and `test` alike; never a hang, an OOM kill or a
/// Swift trap. The budgets are docs/vm.md's "Budgets".
final class LimitsTests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws { harness = try FaultboxHarness.make() }
    override func tearDown() { harness?.cleanUp() }

    /// The runaway programs, each with the line it stops on and what the error says.
    static let cases: [(name: String, body: String, line: Int, message: String)] = [
        ("loop", "x = 0\nwhile True:\n    x += 1\n", 3, "too many steps (the budget is 200000 loop iterations and calls; raise it with --max-steps N or limits(max_steps = N) in the spec)"),
        // The depth limit, or the native stack's guard on threads smaller than eval's.
        ("recursion", "def f(n):\n    return f(n + 1)\nf(0)\n", 2, "call stack depth exceeded ("),
        ("repeat", "s = \"x\" * (1 << 40)\n", 1, "repeat count 1099511627776 too large"),
        ("doubling", "l = [0]\nfor i in range(100):\n    l = l + l\n", 3, "memory budget exceeded"),
        ("join", "parts = [\"y\" * 100000] * 1000\ns = \",\".join(parts)\n", 2, "memory budget exceeded"),
        ("repeat-list", "l = [None] * (1 << 26)\n", 1, "memory budget exceeded"),
    ]
    static let flags = ["--max-steps", "200000", "--max-memory", "64MB"]

    private func assertStopped(_ r: FaultboxHarness.Result, _ c: (name: String, body: String, line: Int, message: String),
                               file: String, command: String, fileLine: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(r.status, 0, "\(command) \(c.name): \(r.all)", file: fileLine, line: line)
        XCTAssertTrue(r.all.contains(c.message), "\(command) \(c.name) should say \(c.message): \(r.all)", file: fileLine, line: line)
        XCTAssertTrue(r.all.contains("\(file):\(c.line):"), "\(command) \(c.name) should point at \(file):\(c.line): \(r.all)", file: fileLine, line: line)
        XCTAssertFalse(r.all.contains("Fatal error"), r.all, file: fileLine, line: line)
        XCTAssertFalse(r.all.contains("Program crashed"), r.all, file: fileLine, line: line)
    }

    func testEvalStopsEachRunawayWithItsBudget() throws {
        for c in Self.cases {
            try harness.write("\(c.name).star", c.body)
            let r = try harness.run(["eval"] + Self.flags + ["\(c.name).star"])
            XCTAssertEqual(r.status, 1, r.all)
            assertStopped(r, c, file: "\(c.name).star", command: "eval")
        }
    }

    func testCompileStopsEachRunawayAtTheSpecsTopLevel() throws {
        for c in Self.cases {
            try harness.write("\(c.name).star", c.body)
            let r = try harness.run(["compile"] + Self.flags + ["\(c.name).star"])
            assertStopped(r, c, file: "\(c.name).star", command: "compile")
        }
    }

    /// In a test body the budgets hold too: the test fails with the error, the run goes on.
    func testTestStopsEachRunawayInsideTheTestBody() throws {
        for c in Self.cases {
            let body = c.body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
            try harness.write("\(c.name).star", "def test_runaway():\n" + body + "\n")
            let r = try harness.run(["test"] + Self.flags + ["\(c.name).star"])
            XCTAssertNotEqual(r.status, 0, r.all)
            XCTAssertTrue(r.all.contains("outcome: errored"), r.all)
            // One line more: the def above the body.
            assertStopped(r, (c.name, c.body, c.line + 1, c.message), file: "\(c.name).star", command: "test")
            XCTAssertTrue(r.all.contains("0 passed, 1 failed"), r.all)
        }
    }

    /// The standard budgets alone (no flags) end a `while True` and a doubled list too.
    func testStandardBudgetsEndWithoutFlags() throws {
        try harness.write("loop.star", "while True:\n    pass\n")
        var r = try harness.run(["eval", "loop.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("too many steps (the budget is 100000000 loop iterations"), r.all)
        try harness.write("double.star", "l = [0]\nfor i in range(100):\n    l = l + l\n")
        r = try harness.run(["compile", "double.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("double.star:3:"), r.all)
        XCTAssertTrue(r.stderr.contains("over the limit of 2048 MiB"), r.all)
    }

    /// The spec-level setting raises each budget: the same program passes with `limits()`.
    func testLimitsInTheFileRaiseEachBudget() throws {
        try harness.write("steps.star", "limits(max_steps = 1000000)\nn = 0\nfor i in range(300000):\n    n += 1\nprint(n)\n")
        var r = try harness.run(["eval", "--max-steps", "200000", "steps.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(r.stdout, "300000\n")

        try harness.write("depth.star", "limits(max_depth = 3000)\ndef f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nprint(f(2000))\n")
        r = try harness.run(["eval", "depth.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(r.stdout, "2000\n")

        try harness.write("memory.star", "limits(max_memory = \"1GiB\")\nl = [None] * (1 << 24)\nprint(len(l))\n")
        r = try harness.run(["eval", "--max-memory", "64MB", "memory.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(r.stdout, "16777216\n")

        // A spec's limits() at the top level also holds for its test bodies.
        try harness.write("spec.star", "limits(max_steps = 1000000)\ndef test_count():\n    n = 0\n    for i in range(300000):\n        n += 1\n")
        r = try harness.run(["test", "--max-steps", "200000", "spec.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.all.contains("1 passed"), r.all)
    }

    func testFlagsRaiseTheBudgets() throws {
        try harness.write("depth.star", "def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\nprint(f(2000))\n")
        var r = try harness.run(["eval", "depth.star"])
        XCTAssertEqual(r.status, 1, r.all)
        r = try harness.run(["eval", "--max-depth", "3000", "depth.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(r.stdout, "2000\n")
    }

    func testBadBudgetsAreUsageErrorsNamingTheFlag() throws {
        try harness.write("ok.star", "print(1)\n")
        for (args, expected) in [
            (["eval", "--max-memory", "lots", "ok.star"], "faultbox eval: --max-memory: \"lots\" is not a size; write e.g. 512MB, 2GiB or 4G\n"),
            (["compile", "--max-depth", "0", "ok.star"], "faultbox compile: --max-depth: want a depth from 1 to 65536, got 0\n"),
            (["test", "--max-steps", "0", "ok.star"], "faultbox test: --max-steps: want a positive number of steps, got 0\n"),
        ] {
            let r = try harness.run(args)
            XCTAssertEqual(r.status, 1, r.all)
            // (A debug build's loader adds a warning line; the release binary prints none.)
            let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("warning: direct reference") }
            XCTAssertEqual(lines.joined(separator: "\n"), expected)
        }
        try harness.write("bad.star", "limits(max_memory = \"much\")\n")
        let r = try harness.run(["eval", "bad.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("bad.star:1:7: limits: for parameter max_memory: got \"much\", want a size such as \"512MB\", \"2GiB\" or a number of bytes"), r.all)
    }
}
