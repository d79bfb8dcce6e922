// `--format json`: the run for tools. Written by hand rather than with JSONEncoder so that the
// key order is the documented one and stays stable between releases (docs/reports.md).
import Foundation
import JSONText
import Trace

public enum JSONReport {
    /// Schema version; bump when a field changes meaning or disappears.
    public static let schemaVersion = 1
    /// Each service stream is cut in the middle beyond this many UTF-8 bytes.
    static let outputLimit = 1 << 20

    /// The whole report as pretty-printed JSON (2-space indent), ending with a newline.
    public static func encode(_ report: RunReport) -> String {
        value(report).renderExpanded() + "\n"
    }

    static func value(_ report: RunReport) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("version", .int(schemaVersion)),
            ("faultbox_version", .string(report.faultboxVersion)),
            ("started_at", .string(Timestamps.iso8601UTC(report.startedAt) + "Z")),
            ("interrupted", .bool(report.interrupted)),
            ("spec_files", .array(report.specFiles.map(JSONValue.string))),
            ("command_line", .array(report.commandLine.map(JSONValue.string))),
            ("load_error", optional(report.loadError)),
        ]
        // Only in a sharded run, so unsharded reports keep their documented shape.
        if let shard = report.shard { fields.append(("shard", .string(shard))) }
        let total = report.outcomes.reduce(0) { $0 + ($1.durationMs.isFinite ? max($1.durationMs, 0) : 0) }
        fields += [
            ("summary", .object([
                ("total", .int(report.outcomes.count)),
                ("passed", .int(report.passedCount)),
                ("failed", .int(report.failedCount)),
                ("duration_ms", milliseconds(total)),
            ])),
            ("diagnostics", .array(report.diagnostics.map(value))),
            ("tests", .array(report.outcomes.map { value($0, ports: report.portOwners) })),
            ("matrices", .array(report.matrices.map { value($0, report.outcomes) })),
        ]
        return .object(fields)
    }

    private static func value(_ o: TestOutcome, ports: [Int: String]) -> JSONValue {
        .object([
            ("name", .string(o.name)),
            ("spec_file", .string(o.specFile)),
            ("scenario", optional(o.scenario)),
            ("fault", optional(o.fault)),
            ("matrix_id", o.matrixID.map(JSONValue.int) ?? .null),
            ("result", .string(o.passed ? "pass" : "fail")),
            ("outcome", .string(o.outcome.rawValue)),
            ("expectation", optional(o.expectation)),
            ("duration_ms", milliseconds(o.durationMs)),
            ("seed", .number(String(o.seed))),
            ("reason", optional(o.reason)),
            ("decisions", .array(o.decisions.map(JSONValue.string))),
            ("replay", .string(o.replay)),
            ("warnings", .array((o.warnings + o.diagnostics.map(\.text)).map(JSONValue.string))),
            ("diagnostics", .array(o.diagnostics.map(value))),
            ("failure_type", optional(o.failureType)),
            ("events_dropped", .int(o.traceDropped)),
            ("events", TraceJSON.value(events: o.trace, clocks: VectorClocks.compute(events: o.trace, portOwners: ports))),
            ("output", .array(o.output.map { service in
                .object([
                    ("service", .string(service.service)),
                    ("stdout", .string(TextCleaning.truncateMiddle(service.stdout, limit: outputLimit))),
                    ("stderr", .string(TextCleaning.truncateMiddle(service.stderr, limit: outputLimit))),
                ])
            })),
        ])
    }

    private static func value(_ d: Diagnostic) -> JSONValue {
        .object([
            ("code", .string(d.code)),
            ("message", .string(d.message)),
            ("fix", optional(d.fix.isEmpty ? nil : d.fix)),
        ])
    }

    private static func value(_ m: MatrixLayout, _ outcomes: [TestOutcome]) -> JSONValue {
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
        var cells: [JSONValue] = []
        for s in m.scenarios {
            for f in m.faults {
                let test = m.cellTest[MatrixLayout.key(scenario: s, fault: f)]
                let result = test.map { results[$0].map { $0 ? "pass" : "fail" } ?? "not_run" } ?? "excluded"
                cells.append(.object([
                    ("scenario", .string(s)),
                    ("fault", .string(f)),
                    ("test", optional(test)),
                    ("result", .string(result)),
                    ("outcome", optional(test.flatMap { kinds[$0]?.rawValue })),
                ]))
            }
        }
        return .object([
            ("id", .int(m.id)),
            ("scenarios", .array(m.scenarios.map(JSONValue.string))),
            ("faults", .array(m.faults.map(JSONValue.string))),
            ("cells", .array(cells)),
        ])
    }

    private static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }

    /// Milliseconds with three decimals; non-finite or negative values are written as 0.
    static func milliseconds(_ ms: Double) -> JSONValue {
        let micros = ms.isFinite && ms > 0 ? Int64(min(ms * 1000, 9e15).rounded()) : 0
        let fraction = String(micros % 1000)
        return .number("\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction)
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
        let day = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
        return day + "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
