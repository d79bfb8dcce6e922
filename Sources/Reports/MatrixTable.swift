// The fault-matrix table, laid out exactly like the user's document:
//
//   Fault Matrix: 1 scenarios × 6 faults = 6 cells
//                     │ db_down       │ db_slow       │ ...
//   ──────────────────┼───────────────┼───────────────┼ ...
//   order_flow        │ PASS (212ms)  │ PASS (5215ms) │ ...
//   Result: 6/6 passed
//
// Rows are scenarios and columns faults, both in declaration order. The row-label column is
// as wide as the longest scenario (at least 16, as in the document) plus two spaces. Each
// fault column is as wide as its name or the widest cell text in the table, whichever is
// wider, so the cells line up when durations differ in digits. The last column carries no
// trailing padding and no line ends in spaces. Widths count Unicode scalars ("—" is one).
import Foundation

extension ConsoleReport {
    static let minimumLabelWidth = 16
    static let excludedCell = "—"
    static let notRunCell = "not run"

    /// The table, `Result: p/t passed`, then one line per failed cell with the first line of
    /// its reason. Every line ends with a newline.
    public static func matrixTable(_ layout: MatrixLayout, outcomes: [TestOutcome]) -> String {
        let byName = outcomesByName(layout, outcomes)
        var texts: [[String]] = []
        var passed = 0, cells = 0, notRun = 0
        var failures: [String] = [], bypassed: [String] = []
        var words = Set<Outcome>()
        for scenario in layout.scenarios {
            var row: [String] = []
            for fault in layout.faults {
                guard let test = layout.cellTest[MatrixLayout.key(scenario: scenario, fault: fault)] else {
                    row.append(excludedCell)
                    continue
                }
                cells += 1
                guard let outcome = byName[test] else {
                    notRun += 1
                    row.append(notRunCell)
                    continue
                }
                let kind = outcome.outcome
                words.insert(kind)
                row.append("\(kind.cellWord) (\(TextCleaning.wholeMs(outcome.durationMs))ms)")
                let line = "  \(scenario) × \(fault): \(TextCleaning.consoleSafe(TextCleaning.headline(outcome.reason)))"
                if outcome.passed {
                    passed += 1
                    if kind == .faultBypassed { bypassed.append(line) }
                } else {
                    failures.append(kind == .failed ? line : "  \(scenario) × \(fault): \(kind.rawValue): "
                                    + TextCleaning.consoleSafe(TextCleaning.headline(outcome.reason)))
                }
            }
            texts.append(row)
        }

        let labelWidth = max(minimumLabelWidth, layout.scenarios.map(width).max() ?? 0)
        let widestCell = texts.flatMap { $0 }.map(width).max() ?? 0
        let columnWidths = layout.faults.map { max(width($0), widestCell) }

        var lines = ["Fault Matrix: \(layout.scenarios.count) scenarios × \(layout.faults.count) faults = \(cells) cells"]
        lines.append(row(label: "", cells: layout.faults, labelWidth: labelWidth, widths: columnWidths))
        var rule = String(repeating: "─", count: labelWidth + 2)
        for (index, columnWidth) in columnWidths.enumerated() {
            rule += "┼" + String(repeating: "─", count: columnWidth + (index == columnWidths.count - 1 ? 1 : 2))
        }
        lines.append(rule)
        for (scenario, cellTexts) in zip(layout.scenarios, texts) {
            lines.append(row(label: scenario, cells: cellTexts, labelWidth: labelWidth, widths: columnWidths))
        }
        var notes: [String] = []
        if !bypassed.isEmpty { notes.append("\(bypassed.count) \(Outcome.faultBypassed.rawValue)") }
        if notRun > 0 { notes.append("\(notRun) not run") }
        lines.append("Result: \(passed)/\(cells) passed" + (notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")"))
        // The words beyond PASS/FAIL are spelled out once, so the table reads without colour.
        let legend = [Outcome.expectationViolated, .faultBypassed, .errored].filter(words.contains)
        if !legend.isEmpty {
            lines.append("Legend: " + legend.map { "\($0.cellWord) = \($0.rawValue)" }.joined(separator: ", "))
        }
        if !failures.isEmpty {
            lines.append("Failed cells:")
            lines.append(contentsOf: failures)
        }
        if !bypassed.isEmpty {
            lines.append("Bypassed cells (require_faults_fire):")
            lines.append(contentsOf: bypassed)
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Outcomes of this matrix by test name (cells of another matrix never match). With
    /// `--runs N` a cell has N outcomes: the first failed one stands for the cell, so that
    /// a flaky cell never shows PASS because its last run happened to pass.
    private static func outcomesByName(_ layout: MatrixLayout, _ outcomes: [TestOutcome]) -> [String: TestOutcome] {
        var map: [String: TestOutcome] = [:]
        for outcome in outcomes where outcome.matrixID == nil || outcome.matrixID == layout.id {
            guard let kept = map[outcome.name] else { map[outcome.name] = outcome; continue }
            let closer = outcome.matrixID == layout.id && kept.matrixID != layout.id
            let sameMatrix = (outcome.matrixID == layout.id) == (kept.matrixID == layout.id)
            if closer || (sameMatrix && rank(outcome) > rank(kept)) { map[outcome.name] = outcome }
        }
        return map
    }

    /// Which run of a cell stands for it: a failure over a bypass over a pass (the first of
    /// equals).
    private static func rank(_ o: TestOutcome) -> Int { !o.passed ? 2 : (o.outcome == .faultBypassed ? 1 : 0) }

    private static func row(label: String, cells: [String], labelWidth: Int, widths: [Int]) -> String {
        var line = pad(label, labelWidth + 2)
        for (cell, columnWidth) in zip(cells, widths) { line += "│ " + pad(cell, columnWidth) + " " }
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }

    static func width(_ text: String) -> Int { text.unicodeScalars.count }

    private static func pad(_ text: String, _ target: Int) -> String {
        let missing = target - width(text)
        return missing > 0 ? text + String(repeating: " ", count: missing) : text
    }
}
