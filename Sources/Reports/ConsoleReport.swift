// Console output in the shapes of the user's document:
//   --- PASS: test_order_flow (200ms, seed=0) ---
//   --- FAIL: test_x (212ms, seed=0) ---   + reason, decisions, replay, output tail
//   the fault-matrix table (MatrixTable.swift), and the last line `N passed, M failed`.
import Foundation
import Trace

public enum ConsoleReport {
    /// Decisions listed under a failure before the rest are summarised as a count.
    static let decisionLimit = 20
    /// Lines of each service stream shown under a failure.
    static let outputTailLines = 10

    /// The block for one finished test, ending with a newline. A PASS is one line (plus any
    /// warnings); a FAIL adds the reason, the decisions that fired, the replay command and the
    /// tail of each service's output. `color` wraps PASS/FAIL in ANSI green/red.
    public static func testLine(_ outcome: TestOutcome, color: Bool = false) -> String {
        let word = outcome.passed ? paint("PASS", .green, color) : paint("FAIL", .red, color)
        var text = "--- \(word): \(outcome.name) (\(TextCleaning.wholeMs(outcome.durationMs))ms, seed=\(outcome.seed)) ---\n"
        text += outcomeLine(outcome)
        text += warningLines(outcome, color: color)
        if outcome.outcome == .faultBypassed, let reason = outcome.reason {
            text += indentedBlock(label: "reason", TextCleaning.consoleSafe(reason))
        }
        guard !outcome.passed else { return text }
        text += indentedBlock(label: "reason", TextCleaning.consoleSafe(outcome.reason ?? "(no reason recorded)"))
        text += traceSummary(outcome)
        if !outcome.decisions.isEmpty {
            text += "    decisions that fired:\n"
            for decision in outcome.decisions.prefix(decisionLimit) {
                text += "      " + TextCleaning.consoleSafe(decision) + "\n"
            }
            if outcome.decisions.count > decisionLimit {
                text += "      ... and \(outcome.decisions.count - decisionLimit) more\n"
            }
        } else {
            text += "    decisions that fired: none\n"
        }
        if !outcome.replay.isEmpty { text += "    replay: \(TextCleaning.consoleSafe(outcome.replay))\n" }
        text += outputTail(outcome.output)
        return text
    }

    /// `    syscall trace (N events; M in all)`: how much the test's trace holds (the JSON
    /// report and --normalize have every event).
    public static func traceSummary(_ outcome: TestOutcome) -> String {
        let syscalls = outcome.traceSyscallCount
        let all = outcome.traceEventCount
        return "    syscall trace (\(syscalls) event\(syscalls == 1 ? "" : "s"); \(all) in all)\n"
    }

    /// The end of a run: the run's coded warnings (`NO_POSITIVE_CONTROL`), the outcomes
    /// by kind when any is not plain passed/failed, and the last line `N passed, M failed`.
    public static func summary(_ report: RunReport, color: Bool = false) -> String {
        var text = ""
        for d in report.diagnostics {
            text += paint("warning:", .yellow, color) + " " + TextCleaning.consoleSafe(d.text) + "\n"
            if !d.fix.isEmpty { text += "    fix: " + TextCleaning.consoleSafe(d.fix) + "\n" }
        }
        let counts = Outcome.allCases.map { kind in (kind, report.outcomes.filter { $0.outcome == kind }.count) }
        if counts.contains(where: { ($0.0 != .passed && $0.0 != .failed) && $0.1 > 0 }) {
            text += "Outcomes: " + counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ") + "\n"
        }
        return text + "\(report.passedCount) passed, \(report.failedCount) failed\n"
    }

    /// `--runs N`, a test whose every run passed: `--- PASS: test_x (100/100 runs, seeds 0-99) ---`
    /// and the distinct warnings of its runs.
    public static func runsPassLine(_ runs: [TestOutcome], of total: Int, color: Bool = false) -> String {
        guard let first = runs.first, let last = runs.last else { return "" }
        let seeds = first.seed == last.seed ? "seed=\(first.seed)" : "seeds \(first.seed)-\(last.seed)"
        var text = "--- \(paint("PASS", .green, color)): \(first.name) (\(runs.count)/\(total) runs, \(seeds)) ---\n"
        var seen = Set<String>()
        for outcome in runs {
            let lines = outcomeLine(outcome) + warningLines(outcome, color: color)
            for line in lines.split(separator: "\n") where seen.insert(String(line)).inserted { text += line + "\n" }
        }
        return text
    }

    /// `--runs N`, under the block of the run that failed: how far the runs got.
    public static func runsFailLine(_ failed: TestOutcome, run: Int, of total: Int) -> String {
        "    runs: run \(run) of \(total) failed (seed=\(failed.seed)); \(run - 1) passed before it; the remaining runs were skipped\n"
    }

    /// `    outcome: expectation_violated (expectation expect_success())` for every outcome
    /// but plain passed.
    static func outcomeLine(_ outcome: TestOutcome) -> String {
        guard outcome.outcome != .passed else { return "" }
        let expectation = outcome.expectation.map { " (expectation \(TextCleaning.consoleSafe($0)))" } ?? ""
        return "    outcome: \(outcome.outcome.rawValue)\(expectation)\n"
    }

    /// One `    warning:` line per plain warning, then per coded one (`[CODE] message`).
    static func warningLines(_ outcome: TestOutcome, color: Bool) -> String {
        var text = ""
        for warning in outcome.warnings + outcome.diagnostics.map(\.text) {
            text += "    " + paint("warning:", .yellow, color) + " " + TextCleaning.consoleSafe(warning) + "\n"
        }
        return text
    }

    /// Colour only when stdout is a terminal and NO_COLOR is unset (https://no-color.org:
    /// any value, even empty, turns colour off).
    public static func shouldColor(environment: [String: String] = ProcessInfo.processInfo.environment,
                                   isTerminal: Bool = isatty(1) == 1) -> Bool {
        isTerminal && environment["NO_COLOR"] == nil
    }

    // MARK: - Pieces

    enum Colour: String { case green = "32", red = "31", yellow = "33" }

    static func paint(_ text: String, _ colour: Colour, _ enabled: Bool) -> String {
        enabled ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// `    reason: first line` with later lines aligned under the first.
    static func indentedBlock(label: String, _ text: String) -> String {
        let prefix = "    \(label): "
        let pad = String(repeating: " ", count: prefix.count)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true && lines.count > 1 { lines.removeLast() }
        return lines.enumerated().map { ($0.offset == 0 ? prefix : pad) + $0.element }.joined(separator: "\n") + "\n"
    }

    /// Characters of one output line shown on the console; a service that prints a 1 MB line
    /// must not flood the terminal (the JSON report and the log files keep it whole).
    static let outputLineLimit = 400

    static func clipped<S: StringProtocol>(_ line: S) -> String {
        guard line.count > outputLineLimit else { return String(line) }
        return String(line.prefix(outputLineLimit)) + "... (\(line.utf8.count) bytes)"
    }

    /// The last lines of every non-empty stream, headed by service and stream.
    static func outputTail(_ output: [ServiceOutput]) -> String {
        var text = ""
        for service in output {
            for (stream, content) in [("stdout", service.stdout), ("stderr", service.stderr)] where !content.isEmpty {
                let (lines, total) = TextCleaning.tail(content, lines: outputTailLines)
                let shown = total > lines.count ? "last \(lines.count) of \(total) lines" : "\(total) line\(total == 1 ? "" : "s")"
                text += "    \(TextCleaning.consoleSafe(service.service)) \(stream) (\(shown)):\n"
                for line in lines { text += "      | " + TextCleaning.consoleSafe(clipped(line)) + "\n" }
            }
        }
        return text
    }
}
