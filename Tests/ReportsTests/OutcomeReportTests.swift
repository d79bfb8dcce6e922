import Foundation
import XCTest
@testable import Reports
import TestSupport

/// The five outcomes and the coded warnings in every report (docs/reports.md).
final class OutcomeReportTests: XCTestCase {
    func outcome(_ name: String, _ kind: Outcome, expectation: String? = nil, matrixID: Int? = nil,
                 fault: String? = nil, ms: Double = 10) -> TestOutcome {
        var o = TestOutcome(name: name, specFile: "s.star", scenario: matrixID == nil ? nil : "flow", fault: fault,
                            matrixID: matrixID, passed: true, durationMs: ms,
                            replay: "faultbox test s.star --test \(name) --seed 0")
        o.outcome = kind
        if !kind.countsAsPassed || kind == .faultBypassed { o.reason = "\(kind.rawValue) because" }
        o.expectation = expectation
        return o
    }

    func testOutcomeKeepsPassedInStep() {
        var o = TestOutcome(name: "t", specFile: "s.star", passed: false, durationMs: 1)
        XCTAssertEqual(o.outcome, .failed, "without an explicit outcome: by passed")
        o.outcome = .faultBypassed
        XCTAssertTrue(o.passed)
        o.outcome = .errored
        XCTAssertFalse(o.passed)
        o.passed = true
        XCTAssertEqual(o.outcome, .passed, "a stale outcome never contradicts passed")
    }

    func testConsoleNamesTheOutcomeUnderTheHeader() {
        let violated = ConsoleReport.testLine(outcome("test_v", .expectationViolated, expectation: "expect_success()"))
        XCTAssertTrue(violated.hasPrefix("--- FAIL: test_v (10ms, seed=0) ---\n    outcome: expectation_violated (expectation expect_success())\n    reason: "), violated)
        let errored = ConsoleReport.testLine(outcome("test_e", .errored))
        XCTAssertTrue(errored.hasPrefix("--- FAIL: test_e (10ms, seed=0) ---\n    outcome: errored\n"), errored)
        var bypassed = outcome("test_b", .faultBypassed)
        bypassed.diagnostics = [Diagnostic(code: DiagnosticCode.faultNotFired, message: "fault x never fired")]
        XCTAssertEqual(ConsoleReport.testLine(bypassed), """
            --- PASS: test_b (10ms, seed=0) ---
                outcome: fault_bypassed
                warning: [FAULT_NOT_FIRED] fault x never fired
                reason: fault_bypassed because

            """)
        XCTAssertEqual(ConsoleReport.testLine(outcome("test_p", .passed, expectation: "lambda")), "--- PASS: test_p (10ms, seed=0) ---\n")
    }

    func testSummaryCountsOutcomesAndRunDiagnostics() {
        var report = RunReport(specFiles: ["s.star"], outcomes: [
            outcome("a", .passed), outcome("b", .faultBypassed), outcome("c", .expectationViolated), outcome("d", .errored),
        ])
        report.diagnostics = [Diagnostic(code: DiagnosticCode.noPositiveControl, message: "no test asserts x", fix: "add one")]
        XCTAssertEqual(ConsoleReport.summary(report), """
            warning: [NO_POSITIVE_CONTROL] no test asserts x
                fix: add one
            Outcomes: 1 passed, 1 expectation_violated, 1 fault_bypassed, 1 errored
            2 passed, 2 failed

            """)
        XCTAssertEqual(ConsoleReport.summary(RunReport(specFiles: ["s.star"], outcomes: [outcome("a", .passed), outcome("b", .failed)])),
                       "1 passed, 1 failed\n", "no Outcomes line when pass/fail says it all")
    }

    func testMatrixWordsLegendAndLists() {
        var layout = MatrixLayout(id: 0, scenarios: ["flow"], faults: ["a", "b", "c", "d", "e"], cellTest: [:])
        for f in layout.faults { layout.cellTest[MatrixLayout.key(scenario: "flow", fault: f)] = "test_matrix_flow_\(f)" }
        let outcomes = [outcome("test_matrix_flow_a", .passed, matrixID: 0, fault: "a"),
                        outcome("test_matrix_flow_b", .failed, matrixID: 0, fault: "b"),
                        outcome("test_matrix_flow_c", .expectationViolated, matrixID: 0, fault: "c"),
                        outcome("test_matrix_flow_d", .faultBypassed, matrixID: 0, fault: "d"),
                        outcome("test_matrix_flow_e", .errored, matrixID: 0, fault: "e")]
        XCTAssertEqual(ConsoleReport.matrixTable(layout, outcomes: outcomes), """
            Fault Matrix: 1 scenarios × 5 faults = 5 cells
                              │ a             │ b             │ c             │ d             │ e
            ──────────────────┼───────────────┼───────────────┼───────────────┼───────────────┼──────────────
            flow              │ PASS (10ms)   │ FAIL (10ms)   │ EXPECT (10ms) │ BYPASS (10ms) │ ERROR (10ms)
            Result: 2/5 passed (1 fault_bypassed)
            Legend: EXPECT = expectation_violated, BYPASS = fault_bypassed, ERROR = errored
            Failed cells:
              flow × b: failed because
              flow × c: expectation_violated: expectation_violated because
              flow × e: errored: errored because
            Bypassed cells (require_faults_fire):
              flow × d: fault_bypassed because

            """)
    }

    func testRunsLines() {
        var runs = (0..<3).map { i -> TestOutcome in
            var o = outcome("test_r", .passed)
            o.seed = UInt64(4 + i)
            o.diagnostics = [Diagnostic(code: DiagnosticCode.testNoAssertions, message: "passed without")]
            return o
        }
        XCTAssertEqual(ConsoleReport.runsPassLine(runs, of: 3),
                       "--- PASS: test_r (3/3 runs, seeds 4-6) ---\n    warning: [TEST_NO_ASSERTIONS] passed without\n")
        runs[2].outcome = .failed
        XCTAssertEqual(ConsoleReport.runsFailLine(runs[2], run: 3, of: 10),
                       "    runs: run 3 of 10 failed (seed=6); 2 passed before it; the remaining runs were skipped\n")
    }

    func testJSONCarriesOutcomeExpectationAndDiagnostics() throws {
        var bypassed = outcome("test_b", .faultBypassed, expectation: "expect_success()")
        bypassed.warnings = ["plain remark"]
        bypassed.diagnostics = [Diagnostic(code: DiagnosticCode.faultNotFired, message: "fault x never fired")]
        var report = RunReport(specFiles: ["s.star"], outcomes: [bypassed, outcome("test_e", .errored)])
        report.diagnostics = [Diagnostic(code: DiagnosticCode.noPositiveControl, message: "m", fix: "f")]
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(JSONReport.encode(report).utf8)) as? [String: Any])
        let run = parsed["diagnostics"] as? [[String: Any]]
        XCTAssertEqual(run?.first?["code"] as? String, "NO_POSITIVE_CONTROL")
        XCTAssertEqual(run?.first?["fix"] as? String, "f")
        let tests = try XCTUnwrap(parsed["tests"] as? [[String: Any]])
        XCTAssertEqual(tests[0]["result"] as? String, "pass")
        XCTAssertEqual(tests[0]["outcome"] as? String, "fault_bypassed")
        XCTAssertEqual(tests[0]["expectation"] as? String, "expect_success()")
        XCTAssertEqual(tests[0]["warnings"] as? [String], ["plain remark", "[FAULT_NOT_FIRED] fault x never fired"])
        XCTAssertEqual((tests[0]["diagnostics"] as? [[String: Any]])?.first?["code"] as? String, "FAULT_NOT_FIRED")
        XCTAssertTrue((tests[0]["diagnostics"] as? [[String: Any]])?.first?["fix"] is NSNull)
        XCTAssertEqual(tests[1]["result"] as? String, "fail")
        XCTAssertEqual(tests[1]["outcome"] as? String, "errored")
        XCTAssertTrue(tests[1]["expectation"] is NSNull)
    }

    func testJUnitErrorVersusFailureAndOutcomeProperties() throws {
        let schema = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/junit/junit.xsd").path
        guard FileManager.default.fileExists(atPath: schema) else { throw cannotRun("no JUnit schema at \(schema)", fix: "check out ../shared beside the repository") }
        var bypassed = outcome("test_b", .faultBypassed)
        bypassed.diagnostics = [Diagnostic(code: DiagnosticCode.faultNotFired, message: "fault x never fired")]
        var report = RunReport(specFiles: ["s.star", "t.star"], outcomes: [
            outcome("test_f", .failed), outcome("test_v", .expectationViolated, expectation: "expect_hang()"),
            outcome("test_e", .errored), bypassed, outcome("test_p", .passed),
        ])
        report.diagnostics = [Diagnostic(code: DiagnosticCode.noPositiveControl, message: "no test asserts x", fix: "add one")]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-\(getpid()).xml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try JUnitReport.write(report, to: file)
        XCTAssertEqual(try JUnitValidation.validate(file: file, schema: schema), [])
        let xml = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(xml.contains("<testsuites name=\"faultbox\" tests=\"5\" failures=\"2\" errors=\"1\""), xml)
        XCTAssertTrue(xml.contains("tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"0\""), xml)
        XCTAssertTrue(xml.contains("<error message=\"errored because\" type=\"faultbox.TestError\">outcome: errored\n"), xml)
        XCTAssertTrue(xml.contains("<failure message=\"failed because\" type=\"faultbox.TestFailure\">outcome: failed\n"), xml)
        XCTAssertTrue(xml.contains("type=\"faultbox.ExpectationViolated\">outcome: expectation_violated (expectation expect_hang())\n"), xml)
        XCTAssertTrue(xml.contains("<property name=\"outcome.test_b\" value=\"fault_bypassed\"/>"), xml)
        XCTAssertTrue(xml.contains("<property name=\"expectation.test_v\" value=\"expect_hang()\"/>"), xml)
        XCTAssertTrue(xml.contains("<system-err>outcome: fault_bypassed: fault_bypassed because\nwarning: [FAULT_NOT_FIRED] fault x never fired\n</system-err>"), xml)
        XCTAssertTrue(xml.contains("<property name=\"diagnostic.NO_POSITIVE_CONTROL\" value=\"no test asserts x\"/>"), xml)
        XCTAssertEqual(xml.components(separatedBy: "warning: [NO_POSITIVE_CONTROL]").count - 1, 1, "in the first suite only: \(xml)")
    }
}
