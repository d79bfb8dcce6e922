// `--format json`: the run for tools. Written by hand rather than with JSONEncoder so that the
// key order is the documented one and stays stable between releases (docs/reports.md).
import Foundation
import Trace

public enum JSONReport {
    /// Schema version; bump when a field changes meaning or disappears.
    public static let schemaVersion = 1
    /// Each service stream is cut in the middle beyond this many UTF-8 bytes.
    static let outputLimit = 1 << 20

    /// The whole report as pretty-printed JSON (2-space indent), ending with a newline.
    public static func encode(_ report: RunReport) -> String {
        let w = JSONWriter()
        w.object {
            w.field("version") { w.number(schemaVersion) }
            w.field("started_at") { w.string(Timestamps.iso8601UTC(report.startedAt) + "Z") }
            w.field("interrupted") { w.bool(report.interrupted) }
            w.field("spec_files") { w.array(report.specFiles) { w.string($0) } }
            w.field("command_line") { w.array(report.commandLine) { w.string($0) } }
            w.field("load_error") { w.optionalString(report.loadError) }
            // Only in a sharded run, so unsharded reports keep their documented shape.
            if let shard = report.shard { w.field("shard") { w.string(shard) } }
            w.field("summary") {
                w.object {
                    w.field("total") { w.number(report.outcomes.count) }
                    w.field("passed") { w.number(report.passedCount) }
                    w.field("failed") { w.number(report.failedCount) }
                    w.field("duration_ms") { w.milliseconds(report.outcomes.reduce(0) { $0 + ($1.durationMs.isFinite ? max($1.durationMs, 0) : 0) }) }
                }
            }
            w.field("diagnostics") { w.array(report.diagnostics) { encodeDiagnostic($0, into: w) } }
            w.field("tests") { w.array(report.outcomes) { encodeOutcome($0, ports: report.portOwners, into: w) } }
            w.field("matrices") { w.array(report.matrices) { encodeMatrix($0, report.outcomes, into: w) } }
        }
        return w.text + "\n"
    }

    private static func encodeOutcome(_ o: TestOutcome, ports: [Int: String], into w: JSONWriter) {
        w.object {
            w.field("name") { w.string(o.name) }
            w.field("spec_file") { w.string(o.specFile) }
            w.field("scenario") { w.optionalString(o.scenario) }
            w.field("fault") { w.optionalString(o.fault) }
            w.field("matrix_id") { if let id = o.matrixID { w.number(id) } else { w.null() } }
            w.field("result") { w.string(o.passed ? "pass" : "fail") }
            w.field("outcome") { w.string(o.outcome.rawValue) }
            w.field("expectation") { w.optionalString(o.expectation) }
            w.field("duration_ms") { w.milliseconds(o.durationMs) }
            w.field("seed") { w.raw(String(o.seed)) }
            w.field("reason") { w.optionalString(o.reason) }
            w.field("decisions") { w.array(o.decisions) { w.string($0) } }
            w.field("replay") { w.string(o.replay) }
            w.field("warnings") { w.array(o.warnings + o.diagnostics.map(\.text)) { w.string($0) } }
            w.field("diagnostics") { w.array(o.diagnostics) { encodeDiagnostic($0, into: w) } }
            w.field("failure_type") { w.optionalString(o.failureType) }
            w.field("events_dropped") { w.number(o.traceDropped) }
            w.field("events") {
                let events = o.trace
                w.raw(TraceJSON.encode(events: events, clocks: VectorClocks.compute(events: events, portOwners: ports), indent: 3))
            }
            w.field("output") {
                w.array(o.output) { service in
                    w.object {
                        w.field("service") { w.string(service.service) }
                        w.field("stdout") { w.string(TextCleaning.truncateMiddle(service.stdout, limit: outputLimit)) }
                        w.field("stderr") { w.string(TextCleaning.truncateMiddle(service.stderr, limit: outputLimit)) }
                    }
                }
            }
        }
    }

    private static func encodeDiagnostic(_ d: Diagnostic, into w: JSONWriter) {
        w.object {
            w.field("code") { w.string(d.code) }
            w.field("message") { w.string(d.message) }
            w.field("fix") { w.optionalString(d.fix.isEmpty ? nil : d.fix) }
        }
    }

    private static func encodeMatrix(_ m: MatrixLayout, _ outcomes: [TestOutcome], into w: JSONWriter) {
        var results: [String: Bool] = [:]
        var kinds: [String: Outcome] = [:]
        // With --runs N a cell passed only if every run of it passed (as in the console table);
        // its outcome is the first failed run's, else a bypass, else passed.
        for o in outcomes where o.matrixID == m.id || o.matrixID == nil {
            let before = results[o.name] ?? true
            results[o.name] = before && o.passed
            if kinds[o.name] == nil || (before && !o.passed) || (o.passed && before && o.outcome == .faultBypassed) {
                kinds[o.name] = o.outcome
            }
        }
        w.object {
            w.field("id") { w.number(m.id) }
            w.field("scenarios") { w.array(m.scenarios) { w.string($0) } }
            w.field("faults") { w.array(m.faults) { w.string($0) } }
            var cells: [(String, String, String?)] = []
            for s in m.scenarios { for f in m.faults { cells.append((s, f, m.cellTest[MatrixLayout.key(scenario: s, fault: f)])) } }
            w.field("cells") {
                w.array(cells) { cell in
                    w.object {
                        w.field("scenario") { w.string(cell.0) }
                        w.field("fault") { w.string(cell.1) }
                        w.field("test") { w.optionalString(cell.2) }
                        let result: String
                        if let test = cell.2 {
                            result = results[test].map { $0 ? "pass" : "fail" } ?? "not_run"
                        } else {
                            result = "excluded"
                        }
                        w.field("result") { w.string(result) }
                        w.field("outcome") { w.optionalString(cell.2.flatMap { kinds[$0]?.rawValue }) }
                    }
                }
            }
        }
    }
}

/// A minimal pretty-printing JSON writer with deterministic output (a class: the nested
/// closures all append to the same text).
final class JSONWriter {
    private(set) var text = ""
    private var depth = 0
    private var needsComma: [Bool] = []

    func object(_ body: () -> Void) {
        text += "{"
        open()
        body()
        close("}")
    }

    func array<T>(_ items: [T], _ element: (T) -> Void) {
        if items.isEmpty { text += "[]"; return }
        text += "["
        open()
        for item in items {
            separator()
            element(item)
        }
        close("]")
    }

    func field(_ name: String, _ value: () -> Void) {
        separator()
        appendString(name)
        text += ": "
        value()
    }

    func string(_ value: String) { appendString(value) }
    func optionalString(_ value: String?) { if let value { appendString(value) } else { null() } }
    func number(_ value: Int) { text += String(value) }
    func bool(_ value: Bool) { text += value ? "true" : "false" }
    func null() { text += "null" }
    func raw(_ literal: String) { text += literal }

    /// Milliseconds with three decimals; non-finite or negative values are written as 0.
    func milliseconds(_ ms: Double) {
        let micros = ms.isFinite && ms > 0 ? Int64(min(ms * 1000, 9e15).rounded()) : 0
        let fraction = String(micros % 1000)
        text += "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    private func open() {
        depth += 1
        needsComma.append(false)
    }

    private func close(_ bracket: String) {
        depth -= 1
        let hadItems = needsComma.removeLast()
        if hadItems { text += "\n" + String(repeating: "  ", count: depth) }
        text += bracket
    }

    private func separator() {
        if needsComma.last == true { text += "," }
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = true }
        text += "\n" + String(repeating: "  ", count: depth)
    }

    /// One escaping rule for every JSON the tool writes: the trace's (events are embedded
    /// in this report, and a second copy of the rule could drift).
    private func appendString(_ value: String) {
        TraceJSON.appendString(value, to: &text)
    }
}

/// UTC timestamps without locale or time-zone database lookups.
enum Timestamps {
    /// `2026-11-25T09:31:40` (UTC, no offset), the form the JUnit README asks for.
    static func iso8601UTC(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.isFinite ? max(min(interval, 253_402_300_799), 0) : 0)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
