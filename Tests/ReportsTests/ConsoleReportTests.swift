import Foundation
import XCTest
@testable import Reports
import TestSupport

final class ConsoleReportTests: XCTestCase {
    func testPassLineHasTheSeedShape() {
        let outcome = TestOutcome(name: "test_order_flow", specFile: "scenario-test.star", passed: true, durationMs: 200.4, seed: 0)
        XCTAssertEqual(ConsoleReport.testLine(outcome), "--- PASS: test_order_flow (200ms, seed=0) ---\n")
        XCTAssertEqual(ConsoleReport.testLine(outcome, color: true), "--- \u{1B}[32mPASS\u{1B}[0m: test_order_flow (200ms, seed=0) ---\n")
    }

    func testSummaryIsTheLastLine() {
        var outcomes = seedOutcomes()
        outcomes[0].passed = false
        XCTAssertEqual(ConsoleReport.summary(RunReport(specFiles: ["x.star"], outcomes: outcomes)), "5 passed, 1 failed\n")
    }

    func testFailBlockGolden() {
        let outcome = TestOutcome(
            name: "test_order_db_down", specFile: "my-custom-failures.star", scenario: "order_flow", fault: "db_down",
            passed: false, durationMs: 212.7, seed: 7,
            reason: "assert_true failed: should fail when DB is down\n  at my-custom-failures.star:12:22 in <lambda>",
            decisions: ["#3 api connect deny(ECONNREFUSED) [db_down]", "#4 api connect deny(ECONNREFUSED) [db_down]"],
            replay: "faultbox test my-custom-failures.star --test test_order_db_down --seed 7",
            warnings: ["monitor no_db_traffic saw no event"],
            output: [ServiceOutput(service: "db", stdout: (1...14).map { "db line \($0)" }.joined(separator: "\n") + "\n"),
                     ServiceOutput(service: "api", stdout: "mock-api: GET /data/k -> 500\n", stderr: "boom \u{1B}[31mred\u{7}\0end\n")])
        assertGolden(ConsoleReport.testLine(outcome), "fail-block.txt")
    }

    func testControlCharactersNeverReachTheTerminal() {
        let outcome = TestOutcome(name: "t", specFile: "s.star", passed: false, durationMs: 1, reason: "bad\u{1B}]0;title\u{7}",
                                  output: [ServiceOutput(service: "x", stdout: "\u{1B}[2J\r\u{0}")])
        let text = ConsoleReport.testLine(outcome)
        XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        XCTAssertTrue(text.contains("bad\\x1b]0;title\\x07"))
        XCTAssertTrue(text.contains("\\x1b[2J\\x0d\\x00"))
    }

    func testColourOnlyOnATerminalWithoutNoColor() {
        XCTAssertTrue(ConsoleReport.shouldColor(environment: [:], isTerminal: true))
        XCTAssertFalse(ConsoleReport.shouldColor(environment: ["NO_COLOR": ""], isTerminal: true))
        XCTAssertFalse(ConsoleReport.shouldColor(environment: [:], isTerminal: false))
    }
}

final class MatrixTableTests: XCTestCase {
    func testSeedTableGolden() {
        assertGolden(ConsoleReport.matrixTable(seedLayout(), outcomes: seedOutcomes()), "seed-matrix.txt")
    }

    /// The document's text lost its runs of spaces; with runs collapsed and edges trimmed, our
    /// table must be the document's table character for character.
    func testSeedTableMatchesTheDocument() throws {
        let seedPath = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/seeds/chapter-10-scenarios-and-failure-generation.txt").path
        guard let document = try? String(contentsOfFile: seedPath, encoding: .utf8) else {
            throw cannotRun("the user's document is not at \(seedPath)", fix: "check out ../shared beside the repository")
        }
        let lines = document.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Fault Matrix: 1 scenarios") }) else {
            return XCTFail("the document has no matrix table")
        }
        let expected = Array(lines[start...(start + 4)])
        func normalise(_ line: String) -> String {
            line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        let actual = ConsoleReport.matrixTable(seedLayout(), outcomes: seedOutcomes())
            .split(separator: "\n").map { normalise(String($0)) }
        XCTAssertEqual(actual, expected.map(normalise))
        // The rule line has no spaces: it must match exactly, per-column widths included.
        XCTAssertEqual(String(actual[2]), expected[2])
    }

    func testFailuresExclusionsAndCellsNotRunGolden() {
        var layout = MatrixLayout(id: 2, scenarios: ["order_flow", "health_check"], faults: ["db_down", "disk_full"], cellTest: [:])
        layout.cellTest[MatrixLayout.key(scenario: "order_flow", fault: "db_down")] = "test_matrix_order_flow_db_down"
        layout.cellTest[MatrixLayout.key(scenario: "order_flow", fault: "disk_full")] = "test_matrix_order_flow_disk_full"
        layout.cellTest[MatrixLayout.key(scenario: "health_check", fault: "db_down")] = "test_matrix_health_check_db_down"
        let outcomes = [
            TestOutcome(name: "test_matrix_order_flow_db_down", specFile: "s.star", scenario: "order_flow", fault: "db_down",
                        matrixID: 2, passed: false, durationMs: 230, reason: "assert_true failed: status 200 >= 500\n  at s.star:9:5"),
            TestOutcome(name: "test_matrix_order_flow_disk_full", specFile: "s.star", scenario: "order_flow", fault: "disk_full",
                        matrixID: 2, passed: true, durationMs: 18),
            // Same test name in another matrix: must not be picked up.
            TestOutcome(name: "test_matrix_health_check_db_down", specFile: "s.star", matrixID: 9, passed: true, durationMs: 1),
        ]
        let text = ConsoleReport.matrixTable(layout, outcomes: outcomes)
        XCTAssertTrue(text.contains("Result: 1/3 passed (1 not run)"))
        assertGolden(text, "matrix-failures.txt")
    }

    func testACellThatFailedInAnyRunIsFail() throws {
        var layout = MatrixLayout(id: 0, scenarios: ["order_flow"], faults: ["flaky"], cellTest: [:])
        layout.cellTest[MatrixLayout.key(scenario: "order_flow", fault: "flaky")] = "test_matrix_order_flow_flaky"
        func run(_ passed: Bool, seed: UInt64) -> TestOutcome {
            TestOutcome(name: "test_matrix_order_flow_flaky", specFile: "s.star", scenario: "order_flow", fault: "flaky",
                        matrixID: 0, passed: passed, durationMs: 20, seed: seed, reason: passed ? nil : "run \(seed) failed")
        }
        for outcomes in [[run(false, seed: 0), run(true, seed: 1)], [run(true, seed: 0), run(false, seed: 1)]] {
            let text = ConsoleReport.matrixTable(layout, outcomes: outcomes)
            XCTAssertTrue(text.contains("order_flow        │ FAIL (20ms)\n"), text)
            XCTAssertTrue(text.contains("Result: 0/1 passed\n"), text)
            XCTAssertTrue(text.contains("  order_flow × flaky: run \(outcomes.first { !$0.passed }!.seed) failed\n"), text)
            let json = JSONReport.encode(RunReport(specFiles: ["s.star"], outcomes: outcomes, matrices: [layout]))
            let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let cells = (parsed?["matrices"] as? [[String: Any]])?.first?["cells"] as? [[String: Any]]
            XCTAssertEqual(cells?.first?["result"] as? String, "fail", json)
        }
    }

    func testFailedCellHeadlineJoinsAnIntroducingLine() {
        XCTAssertEqual(TextCleaning.headline("oracle failed for <response status=500>:\n    s.star:7:41: assert_eq: 500 != 200\n  Traceback"),
                       "oracle failed for <response status=500>: s.star:7:41: assert_eq: 500 != 200")
        XCTAssertEqual(TextCleaning.headline("\n  plain reason\nmore"), "plain reason")
        XCTAssertEqual(TextCleaning.headline(nil), "failed")
    }

    func testNoLineEndsInSpaces() {
        for line in ConsoleReport.matrixTable(seedLayout(), outcomes: seedOutcomes()).split(separator: "\n") {
            XCTAssertFalse(line.hasSuffix(" "), "trailing space in: \(line)")
        }
    }
}
