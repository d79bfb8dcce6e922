import Foundation
import XCTest

/// Expectations (`expect_success()`, `expect_error_within(ms=)`, `expect_hang()`), the five
/// outcomes in console, JSON and JUnit, `fault_scenario(timeout=)`,
/// `fault_matrix(require_faults_fire=)`, the coded warnings, `--runs` stopping at the first
/// failure and `--show fail`, on the real demo services. Ports 27xxx keep these specs apart
/// from other suites.
final class OutcomeTests: TopologyTestCase {
    override class var topology: String { topologyText }

    static let topologyText = """
        db = service("db", "bin/mock-db",
            interface("main", "tcp", 27432),
            env = {"PORT": "27432"},
            healthcheck = tcp("localhost:27432"),
        )
        api = service("api", "bin/mock-api",
            interface("public", "http", 27080),
            env = {"PORT": "27080", "DB_ADDR": db.main.addr},
            depends_on = [db],
            healthcheck = http("localhost:27080/health"),
        )
        def health():
            return api.get(path="/health")
        def read_k():
            return api.get(path="/data/k")
        def store():
            return api.post(path="/data/k", body="v")
        def order_flow():
            api.post(path="/data/k", body="v")
            return api.get(path="/data/k")
        db_down = fault_assumption("db_down", target = api, connect = deny("ECONNREFUSED"))
        # Every db request errors after at least 600 ms: the read of the request is delayed
        # and the write to its data file fails (mock-db answers ERR, mock-api 500).
        db_slow_error = fault_assumption("db_slow_error", target = db, read = delay("600ms"), write = deny("EIO"))
        db_stuck = fault_assumption("db_stuck", target = api, connect = delay("30s"))
        never = fault_assumption("never", target = db, fsync = deny("EIO"))

        """

    private func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return try XCTUnwrap(parsed, "not a JSON object: \(text)", file: file, line: line)
    }

    private func tests(_ report: [String: Any]) -> [String: [String: Any]] {
        var byName: [String: [String: Any]] = [:]
        for t in (report["tests"] as? [[String: Any]]) ?? [] { byName[t["name"] as? String ?? "?"] = t }
        return byName
    }

    /// Each expectation met and not met, judged on real responses.
    func testExpectationsMetAndNotMet() throws {
        try harness.write("expect.star", """
            load("topology.star", "api", "db", "health", "store", "order_flow", "db_down", "db_slow_error", "db_stuck")
            fault_scenario("success_met", scenario = health, faults = db_down, expect = expect_success())
            fault_scenario("success_not_met", scenario = order_flow, faults = db_down, expect = expect_success())
            fault_scenario("error_met", scenario = order_flow, faults = db_down, expect = expect_error_within(ms = 10000))
            fault_scenario("error_but_success", scenario = health, faults = db_down, expect = expect_error_within(ms = 10000))
            fault_scenario("error_slow_met", scenario = store, faults = db_slow_error, expect = expect_error_within(ms = 30000))
            fault_scenario("error_too_slow", scenario = store, faults = db_slow_error, expect = expect_error_within(ms = 300))
            fault_scenario("hang_met", scenario = order_flow, faults = db_stuck, expect = expect_hang(), timeout = "2s")
            fault_scenario("hang_not_met", scenario = health, faults = db_down, expect = expect_hang())

            """)
        let r = try harness.run(["test", "expect.star", "--format", "json"])
        XCTAssertEqual(r.status, 2, r.all)
        let byName = tests(try json(r.stdout))
        let expected: [(String, String, String)] = [
            ("test_success_met", "passed", "expect_success()"),
            ("test_success_not_met", "expectation_violated", "expect_success()"),
            ("test_error_met", "passed", "expect_error_within(ms=10000)"),
            ("test_error_but_success", "expectation_violated", "expect_error_within(ms=10000)"),
            ("test_error_slow_met", "passed", "expect_error_within(ms=30000)"),
            ("test_error_too_slow", "expectation_violated", "expect_error_within(ms=300)"),
            ("test_hang_met", "passed", "expect_hang()"),
            ("test_hang_not_met", "expectation_violated", "expect_hang()"),
        ]
        for (name, outcome, expectation) in expected {
            XCTAssertEqual(byName[name]?["outcome"] as? String, outcome, "\(name): \(r.all)")
            XCTAssertEqual(byName[name]?["expectation"] as? String, expectation, name)
            XCTAssertEqual(byName[name]?["result"] as? String, outcome == "passed" ? "pass" : "fail", name)
        }
        func reason(_ name: String) -> String { byName[name]?["reason"] as? String ?? "" }
        XCTAssertTrue(reason("test_success_not_met").contains("expect_success() (expect.star:3:"), reason("test_success_not_met"))
        XCTAssertTrue(reason("test_success_not_met").contains("not met: status 500 (want a status below 500"), reason("test_success_not_met"))
        XCTAssertTrue(reason("test_error_but_success").contains("the scenario succeeded (status 200)"), reason("test_error_but_success"))
        XCTAssertTrue(reason("test_error_too_slow").contains("over the budget of 300 ms"), reason("test_error_too_slow"))
        XCTAssertTrue(reason("test_hang_not_met").contains("it was expected not to return before the test's timeout"), reason("test_hang_not_met"))
        // The slow error really was slow (a lower bound: the delay happened), and the hang
        // really lasted until its own timeout.
        XCTAssertGreaterThanOrEqual(byName["test_error_slow_met"]?["duration_ms"] as? Double ?? 0, 600)
        XCTAssertGreaterThanOrEqual(byName["test_hang_met"]?["duration_ms"] as? Double ?? 0, 2000)
        XCTAssertTrue(r.stderr.contains("--- PASS: test_hang_met ("), r.all)
        XCTAssertTrue(r.stderr.contains("""
            --- FAIL: test_success_not_met (
            """), r.all)
        XCTAssertTrue(r.stderr.contains("    outcome: expectation_violated (expectation expect_success())\n"), r.all)
        XCTAssertTrue(r.stderr.contains("Outcomes: 4 passed, 4 expectation_violated\n"), r.all)
        XCTAssertTrue(r.stderr.hasSuffix("4 passed, 4 failed\n"), r.all)
    }

    /// One spec, every outcome, every report: console words, JSON fields, JUnit elements
    /// and properties (validated against the schema).
    func testEveryOutcomeInEveryReport() throws {
        try harness.write("outcomes.star", """
            load("topology.star", "api", "db", "health", "read_k", "order_flow", "db_down", "never")
            def asserting():
                r = api.get(path="/data/k")
                assert_eq(r.status, 200, "the value should be readable")
                return r
            def typo():
                r = api.get(path="/health")
                return r.statsu
            fault_scenario("plain", scenario = order_flow, faults = db_down, expect = lambda r: r.status >= 500)
            fault_scenario("asserts", scenario = asserting, faults = db_down)
            fault_scenario("violated", scenario = read_k, faults = db_down, expect = expect_success())
            fault_scenario("errors", scenario = typo, faults = db_down)
            # read_k never writes, so `never` (fsync) cannot fire there: that cell is bypassed.
            fault_matrix(
                scenarios = [read_k, order_flow],
                faults = [never, db_down],
                default_expect = expect_success(),
                overrides = {
                    (read_k, db_down): expect_error_within(ms = 10000),
                    (order_flow, db_down): expect_error_within(ms = 10000),
                },
                require_faults_fire = True,
            )

            """)
        let junit = harness.path("outcomes.xml")
        let output = harness.path("outcomes.json")
        let r = try harness.run(["test", "outcomes.star", "--junit", junit, "--output", output])
        XCTAssertEqual(r.status, 2, r.all)

        // Console: the outcome line under the header, the matrix words and legend.
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_asserts ("), r.all)
        XCTAssertTrue(r.stdout.contains("    outcome: failed\n"), r.all)
        XCTAssertTrue(r.stdout.contains("    outcome: expectation_violated (expectation expect_success())\n"), r.all)
        XCTAssertTrue(r.stdout.contains("    outcome: errored\n"), r.all)
        XCTAssertTrue(r.stdout.contains("has no .statsu field or method"), r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_matrix_read_k_never ("), r.all)
        XCTAssertTrue(r.stdout.contains("    outcome: fault_bypassed (expectation expect_success())\n"), r.all)
        XCTAssertTrue(r.stdout.contains("reason: require_faults_fire=True, but fault never never fired"), r.all)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let readRow = try XCTUnwrap(lines.first { $0.hasPrefix("read_k ") }, r.stdout)
        XCTAssertTrue(readRow.contains("│ BYPASS ("), readRow)
        XCTAssertTrue(readRow.contains("│ PASS ("), readRow)
        let flowRow = try XCTUnwrap(lines.first { $0.hasPrefix("order_flow ") }, r.stdout)
        XCTAssertFalse(flowRow.contains("BYPASS"), flowRow)
        XCTAssertTrue(r.stdout.contains("Result: 4/4 passed (1 fault_bypassed)\n"), r.all)
        XCTAssertTrue(r.stdout.contains("Legend: BYPASS = fault_bypassed\n"), r.all)
        XCTAssertTrue(r.stdout.contains("Bypassed cells (require_faults_fire):\n  read_k × never: require_faults_fire=True"), r.all)
        XCTAssertTrue(r.stdout.contains("Outcomes: 4 passed, 1 failed, 1 expectation_violated, 1 fault_bypassed, 1 errored\n"), r.all)
        XCTAssertTrue(r.stdout.hasSuffix("5 passed, 3 failed\n"), r.all)

        // JSON.
        let report = try json(String(contentsOfFile: output, encoding: .utf8))
        let byName = tests(report)
        for (name, outcome) in [("test_plain", "passed"), ("test_asserts", "failed"), ("test_violated", "expectation_violated"),
                                ("test_errors", "errored"), ("test_matrix_read_k_never", "fault_bypassed"),
                                ("test_matrix_read_k_db_down", "passed"), ("test_matrix_order_flow_never", "passed"),
                                ("test_matrix_order_flow_db_down", "passed")] {
            XCTAssertEqual(byName[name]?["outcome"] as? String, outcome, name)
        }
        XCTAssertEqual(byName["test_plain"]?["expectation"] as? String, "lambda")
        XCTAssertTrue(byName["test_asserts"]?["expectation"] is NSNull)
        XCTAssertEqual(byName["test_matrix_read_k_db_down"]?["expectation"] as? String, "expect_error_within(ms=10000)")
        XCTAssertEqual(byName["test_matrix_read_k_never"]?["result"] as? String, "pass")
        let diagnostics = byName["test_matrix_read_k_never"]?["diagnostics"] as? [[String: Any]] ?? []
        XCTAssertEqual(diagnostics.first?["code"] as? String, "FAULT_NOT_FIRED", "\(diagnostics)")
        let cells = ((report["matrices"] as? [[String: Any]])?.first?["cells"] as? [[String: Any]]) ?? []
        XCTAssertEqual(cells.map { $0["outcome"] as? String ?? "-" }, ["fault_bypassed", "passed", "passed", "passed"])

        // JUnit: errored is <error>, failed and expectation_violated are <failure>, the
        // outcome a property; valid against the schema.
        try XMLSchema.validate(junit)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertTrue(xml.contains("tests=\"8\" failures=\"2\" errors=\"1\""), xml)
        XCTAssertTrue(xml.contains("<error message=\"scenario typo raised an error:"), xml)
        XCTAssertTrue(xml.contains("type=\"faultbox.TestError\""), xml)
        XCTAssertTrue(xml.contains("type=\"faultbox.ExpectationViolated\""), xml)
        XCTAssertTrue(xml.contains("type=\"faultbox.TestFailure\""), xml)
        XCTAssertTrue(xml.contains("<property name=\"outcome.test_errors\" value=\"errored\"/>"), xml)
        XCTAssertTrue(xml.contains("<property name=\"outcome.test_matrix_read_k_never\" value=\"fault_bypassed\"/>"), xml)
        XCTAssertTrue(xml.contains("<property name=\"expectation.test_violated\" value=\"expect_success()\"/>"), xml)
        XCTAssertTrue(xml.contains("outcome: fault_bypassed: require_faults_fire=True, but fault never never fired"), xml)
    }

    /// `fault_scenario(timeout=)` replaces `--timeout` for that test only; a timeout
    /// without expect_hang() is errored.
    func testPerTestTimeout() throws {
        try harness.write("timeout.star", """
            load("topology.star", "api", "db", "health", "order_flow", "db_stuck", "db_down")
            fault_scenario("stuck", scenario = order_flow, faults = db_stuck, timeout = "1500ms")
            fault_scenario("quick", scenario = health, faults = db_down, expect = expect_success())

            """)
        let r = try harness.run(["test", "timeout.star", "--timeout", "60s", "--format", "json"])
        XCTAssertEqual(r.status, 2, r.all)
        let byName = tests(try json(r.stdout))
        XCTAssertEqual(byName["test_stuck"]?["outcome"] as? String, "errored", r.all)
        let reason = byName["test_stuck"]?["reason"] as? String ?? ""
        XCTAssertTrue(reason.hasPrefix("timed out after 1.5s (timeout=\"1500ms\" at timeout.star:2:"), reason)
        XCTAssertGreaterThanOrEqual(byName["test_stuck"]?["duration_ms"] as? Double ?? 0, 1500)
        XCTAssertEqual(byName["test_quick"]?["outcome"] as? String, "passed", r.all)
    }

    /// FAULT_NOT_FIRED, TEST_NO_ASSERTIONS and NO_POSITIVE_CONTROL in the console, JSON and
    /// JUnit; a positive control silences the last one.
    func testCodedWarnings() throws {
        try harness.write("negative.star", """
            load("topology.star", "api", "db", "health", "read_k", "db_down", "never")
            scenario(health)
            fault_scenario("only_failure", scenario = read_k, faults = db_down, expect = lambda r: assert_true(r.status >= 500))
            fault_scenario("quiet", scenario = read_k, faults = never)

            """)
        let junit = harness.path("negative.xml")
        let r = try harness.run(["test", "negative.star", "--junit", junit])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_health ("), r.all)
        XCTAssertTrue(r.stdout.contains("    warning: [TEST_NO_ASSERTIONS] passed without evaluating any assertion"), r.all)
        XCTAssertTrue(r.stdout.contains("    warning: [FAULT_NOT_FIRED] fault never never fired: the scenario made no call it matches\n"), r.all)
        XCTAssertTrue(r.stdout.contains("warning: [NO_POSITIVE_CONTROL] no test asserts that a step on api.public succeeds"), r.all)
        XCTAssertTrue(r.stdout.contains("    fix: add a test that calls api.public with no fault armed"), r.all)
        // The assertion-free test is the only one flagged.
        XCTAssertEqual(r.stdout.components(separatedBy: "[TEST_NO_ASSERTIONS]").count - 1, 2, "test_health and test_quiet: \(r.stdout)")
        try XMLSchema.validate(junit)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertTrue(xml.contains("<property name=\"diagnostic.NO_POSITIVE_CONTROL\" value=\"no test asserts that a step on api.public succeeds"), xml)
        XCTAssertTrue(xml.contains("warning: [TEST_NO_ASSERTIONS] passed without"), xml)
        XCTAssertTrue(xml.contains("warning: [FAULT_NOT_FIRED] fault never never fired"), xml)

        let json = try harness.run(["test", "negative.star", "--format", "json"])
        let report = try self.json(json.stdout)
        let run = report["diagnostics"] as? [[String: Any]] ?? []
        XCTAssertEqual(run.map { $0["code"] as? String ?? "" }, ["NO_POSITIVE_CONTROL"], json.stdout)
        let health = tests(report)["test_health"]
        XCTAssertEqual((health?["diagnostics"] as? [[String: Any]])?.first?["code"] as? String, "TEST_NO_ASSERTIONS")
        XCTAssertTrue((health?["warnings"] as? [String])?.first?.hasPrefix("[TEST_NO_ASSERTIONS] ") ?? false, "\(String(describing: health))")
        // Every coded diagnostic carries a fix (docs/diagnostics.md lists them).
        let quiet = (tests(report)["test_quiet"]?["diagnostics"] as? [[String: Any]]) ?? []
        let notFired = quiet.first { $0["code"] as? String == "FAULT_NOT_FIRED" }
        XCTAssertTrue((notFired?["fix"] as? String)?.hasPrefix("run the test with --debug to see the calls the scenario made") ?? false, "\(quiet)")
        XCTAssertTrue((health?["diagnostics"] as? [[String: Any]])?.first?["fix"] as? String != nil, "\(String(describing: health))")
        XCTAssertTrue(run.first?["fix"] as? String != nil, json.stdout)

        // One passing test that asserts a success on api.public is its positive control.
        try harness.write("positive.star", """
            load("topology.star", "api", "db", "health", "read_k", "db_down")
            fault_scenario("only_failure", scenario = read_k, faults = db_down, expect = lambda r: assert_true(r.status >= 500))
            def test_health_ok():
                assert_true(health().ok)

            """)
        let ok = try harness.run(["test", "positive.star"])
        XCTAssertEqual(ok.status, 0, ok.all)
        XCTAssertFalse(ok.all.contains("NO_POSITIVE_CONTROL"), ok.all)
        XCTAssertFalse(ok.all.contains("TEST_NO_ASSERTIONS"), ok.all)
    }

    /// `--runs N` stops a test at its first failing run (a probabilistic fault, so which run
    /// fails depends only on the seeds) and reports the seed and replay command; a test that
    /// always passes gets one `(N/N runs)` line.
    func testRunsStopAtTheFirstFailure() throws {
        try harness.write("flaky.star", """
            load("topology.star", "api", "db", "health", "read_k")
            flaky = fault_assumption("flaky", target = api, connect = deny("ECONNREFUSED", probability = 0.5))
            fault_scenario("flaky", scenario = read_k, faults = flaky, expect = expect_success())
            def test_health():
                assert_eq(health().status, 200)

            """)
        let output = harness.path("flaky.json")
        let r = try harness.run(["test", "flaky.star", "--runs", "30", "--output", output])
        XCTAssertEqual(r.status, 2, r.all)
        let report = try json(String(contentsOfFile: output, encoding: .utf8))
        let runs = (report["tests"] as? [[String: Any]] ?? []).filter { $0["name"] as? String == "test_flaky" }
        let failing = try XCTUnwrap(runs.last, r.all)
        XCTAssertEqual(failing["outcome"] as? String, "expectation_violated", r.all)
        XCTAssertTrue(runs.dropLast().allSatisfy { $0["outcome"] as? String == "passed" }, r.all)
        XCTAssertLessThan(runs.count, 30, "with probability 0.5 per run, 30 passing runs would be a 1e-9 event: \(r.all)")
        let seed = runs.count - 1
        XCTAssertEqual(failing["seed"] as? Int, seed, r.all)
        XCTAssertEqual(r.stdout.components(separatedBy: "--- FAIL: test_flaky (").count - 1, 1, r.all)
        XCTAssertTrue(r.stdout.contains("ms, seed=\(seed)) ---"), r.all)
        XCTAssertTrue(r.stdout.contains("replay: faultbox test flaky.star --test test_flaky --seed \(seed)\n"), r.all)
        XCTAssertTrue(r.stdout.contains("    runs: run \(seed + 1) of 30 failed (seed=\(seed)); \(seed) passed before it; the remaining runs were skipped\n"), r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_health (30/30 runs, seeds 0-29) ---\n"), r.all)
        XCTAssertFalse(r.stdout.contains("--- PASS: test_health (1"), "no per-run lines: \(r.stdout)")
        XCTAssertTrue(r.stdout.hasSuffix("\(30 + seed) passed, 1 failed\n"), r.all)

        // The replay command reproduces the failing run.
        let replay = try harness.run(["test", "flaky.star", "--test", "test_flaky", "--seed", String(seed)])
        XCTAssertEqual(replay.status, 2, replay.all)
    }

    /// `--show fail` prints only what did not pass; the summary still counts everything.
    func testShowFailHidesPassingTests() throws {
        try harness.write("mixed.star", """
            load("topology.star", "api", "db", "health", "read_k", "db_down")
            fault_scenario("passes", scenario = health, faults = db_down, expect = expect_success())
            fault_scenario("fails", scenario = read_k, faults = db_down, expect = expect_success())

            """)
        let r = try harness.run(["test", "mixed.star", "--show", "fail"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertFalse(r.stdout.contains("--- PASS"), r.all)
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_fails ("), r.all)
        XCTAssertTrue(r.stdout.hasSuffix("1 passed, 1 failed\n"), r.all)
        let all = try harness.run(["test", "mixed.star"])
        XCTAssertTrue(all.stdout.contains("--- PASS: test_passes ("), all.all)
        let bad = try harness.run(["test", "mixed.star", "--show", "failed"])
        XCTAssertEqual(bad.status, 1, bad.all)
        XCTAssertTrue(bad.stderr.contains("--show failed: expected all"), bad.all)
    }
}

/// Bad input to the expectation builtins and the new keywords: one clear error at
/// `file:line:col` with a fix, before anything starts (`faultbox compile` starts nothing).
final class ExpectationMistakeTests: TopologyTestCase {
    override class var topology: String { OutcomeTests.topologyText }

    private func compile(_ body: String) throws -> FaultboxHarness.Result {
        try harness.write("bad.star", "load(\"topology.star\", \"api\", \"db\", \"health\", \"db_down\")\n" + body)
        return try harness.run(["compile", "bad.star"])
    }

    private func assertError(_ body: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try compile(body)
        XCTAssertEqual(r.status, 1, r.all, file: file, line: line)
        XCTAssertFalse(r.all.contains("Fatal error"), r.all, file: file, line: line)
        for text in expected { XCTAssertTrue(r.stderr.contains(text), "want \(text) in: \(r.all)", file: file, line: line) }
    }

    func testExpectErrorWithinArguments() throws {
        try assertError("fault_scenario(\"x\", scenario = health, faults = db_down, expect = expect_error_within())\n",
                        ["bad.star:2:", "expect_error_within: missing argument for ms", "fix: give the budget in whole milliseconds, e.g. expect_error_within(ms=500)"])
        try assertError("fault_scenario(\"x\", scenario = health, faults = db_down, expect = expect_error_within(ms = \"500\"))\n",
                        ["bad.star:2:", "expect_error_within: for parameter ms: got string \"500\", want int (milliseconds)", "fix: "])
        try assertError("fault_scenario(\"x\", scenario = health, faults = db_down, expect = expect_error_within(ms = 0.5))\n",
                        ["bad.star:2:", "got float 0.5, want int"])
        try assertError("fault_scenario(\"x\", scenario = health, faults = db_down, expect = expect_error_within(mss = 5))\n",
                        ["bad.star:2:", "unexpected keyword argument mss (did you mean ms?)"])
        // A negative budget is a meaning error: collected with the others, at the keyword.
        try assertError("""
            fault_scenario("x", scenario = health, faults = db_down, expect = expect_error_within(ms = -5))
            fault_scenario("y", scenario = health, faults = db_down, timeout = "soon")

            """, ["bad.star:2:87: expect_error_within: ms must be at least 1, got -5",
                  "fix: give the budget in whole milliseconds", "bad.star:3:"])
        try assertError("fault_scenario(\"x\", scenario = health, faults = db_down, expect = expect_success(1))\n",
                        ["bad.star:2:", "expect_success: got 1 positional arguments, want at most 0"])
    }

    func testOracleValuesOfTheWrongType() throws {
        try assertError("fault_scenario(\"x\", scenario = health, faults = db_down, expect = 42)\n",
                        ["bad.star:2:", "fault_scenario: for parameter expect: got int, want a function (the oracle) or expect_success(), expect_error_within(ms=500) or expect_hang()"])
        try assertError("fault_matrix(scenarios = [health], faults = [db_down], overrides = {(health, db_down): \"yes\"})\n",
                        ["bad.star:2:", "value for (<function health>, <fault_assumption db_down>) is string, want a function (the oracle) or expect_success()"])
    }

    func testTimeoutAndRequireFaultsFire() throws {
        try assertError("fault_scenario(\"x\", scenario = health, faults = db_down, timeout = \"bogus\")\n",
                        ["bad.star:2:58: malformed duration \"bogus\" for timeout of test_x", "fix: write a Go duration such as timeout = \"2s\""])
        try assertError("fault_scenario(\"x\", scenario = health, faults = db_down, timeout = \"0s\")\n",
                        ["bad.star:2:58: timeout \"0s\" of test_x is shorter than 1ms"])
        try assertError("fault_scenario(\"x\", scenario = health, faults = db_down, timeout = 5)\n",
                        ["bad.star:2:", "for parameter timeout: got int 5, want string (a Go duration)", "fix: write it as text"])
        try assertError("fault_matrix(scenarios = [health], faults = [db_down], require_faults_fire = \"yes\")\n",
                        ["bad.star:2:", "fault_matrix: for parameter require_faults_fire: got string \"yes\", want bool", "fix: write require_faults_fire = True"])
    }

    /// What compile shows for the new keywords.
    func testCompileShowsExpectationsAndTimeouts() throws {
        let r = try compile("""
            fault_scenario("x", scenario = health, faults = db_down, expect = expect_error_within(ms = 250), timeout = "2s")
            fault_matrix(scenarios = [health], faults = [db_down], default_expect = expect_hang(), require_faults_fire = True)

            """)
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("oracle    expect: expect_error_within(ms=250) (at bad.star:2:58)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("timeout   2s (bad.star:2:98)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("oracle    default_expect: expect_hang() (at bad.star:3:56)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("require   every armed fault fires (require_faults_fire=True)"), r.stdout)
    }
}
