import Foundation

/// Console output: one block per test, the matrix table, the summary.
public enum ConsoleReport {
    /// `--- PASS: test_order_flow (200ms, seed=0) ---`, or a FAIL line followed by reason,
    /// decisions, replay command and the tail of service output. Ends with a newline.
    public static func testLine(_ outcome: TestOutcome, color: Bool = false) -> String {
        "--- \(outcome.passed ? "PASS" : "FAIL"): \(outcome.name) ---\n"
    }

    /// The matrix table of the seed, then `Result: p/t passed` and the failed cells.
    public static func matrixTable(_ layout: MatrixLayout, outcomes: [TestOutcome]) -> String { "" }

    /// The last line: `N passed, M failed`.
    public static func summary(_ report: RunReport) -> String {
        "\(report.passedCount) passed, \(report.failedCount) failed\n"
    }

    /// Whether to colour: stdout is a terminal and `NO_COLOR` is unset.
    public static func shouldColor() -> Bool { false }
}
