// `--junit FILE`: JUnit XML for CI dashboards, valid against the shared junit.xsd (the Jenkins
// xUnit plugin's schema) whatever the services printed. Layout (docs/reports.md):
//   <testsuites name="faultbox">, one <testsuite> per spec file (properties: seed,
//   faultbox.version, faults),
//   one <testcase> per test or matrix cell, <failure> with reason, decisions and replay,
//   service output in <system-out>, warnings in <system-err>.
import Foundation
import Glibc

public enum JUnitReport {
    /// Each service stream is cut in the middle beyond this many UTF-8 bytes ...
    static let streamLimit = 1 << 20
    /// ... and a testcase's whole <system-out> beyond this (libxml2 refuses text nodes over
    /// 10 MB when reading the file back).
    static let systemOutLimit = 4 << 20
    static let failureBodyLimit = 1 << 20

    /// Writes the report to `path` atomically (a temporary file in the same directory, then
    /// rename), so a dashboard never reads half a file.
    public static func write(_ report: RunReport, to path: String) throws {
        let bytes = try render(report)
        try AtomicFile.write(bytes, to: path)
    }

    /// The document's bytes (UTF-8).
    public static func render(_ report: RunReport) throws -> [UInt8] {
        let xml = try XMLWriter()
        try xml.startDocument()
        try xml.start("testsuites")
        try xml.attribute("name", "faultbox")
        try xml.attribute("tests", String(report.outcomes.count))
        try xml.attribute("failures", String(report.failedCount - report.erroredCount))
        try xml.attribute("errors", String(report.erroredCount))
        try xml.attribute("time", TextCleaning.seconds(totalMs(report.outcomes)))
        for (index, spec) in specOrder(report).enumerated() {
            try writeSuite(xml, spec: spec, id: index, outcomes: report.outcomes.filter { $0.specFile == spec }, report: report)
        }
        try xml.end()
        return try xml.finish()
    }

    // MARK: - Suites and cases

    /// Spec files in the order given, then any that only outcomes mention.
    static func specOrder(_ report: RunReport) -> [String] {
        var order: [String] = []
        for spec in report.specFiles + report.outcomes.map(\.specFile) where !order.contains(spec) { order.append(spec) }
        return order
    }

    /// `examples/order_flow.faults.star` -> `order_flow.faults`.
    static func suiteName(_ spec: String) -> String {
        let base = spec.split(separator: "/").last.map(String.init) ?? spec
        let name = base.hasSuffix(".star") ? String(base.dropLast(5)) : base
        return name.isEmpty ? spec : name
    }

    /// The class part of classname: dots in the file name would split it wrongly (Jenkins
    /// cuts classname at its last dot into package and class), so they become underscores.
    static func specClass(_ spec: String) -> String {
        String(suiteName(spec).map { $0 == "." || $0 == " " ? "_" : $0 })
    }

    private static func writeSuite(_ xml: XMLWriter, spec: String, id: Int, outcomes: [TestOutcome], report: RunReport) throws {
        let errors = outcomes.filter { $0.outcome == .errored }.count
        let failures = outcomes.filter { !$0.passed }.count - errors
        try xml.start("testsuite")
        // The shard goes into the suite name and hostname only: classname and name stay as in
        // an unsharded run, so the union of the shards' cases is the full run's.
        try xml.attribute("name", suiteName(spec) + (report.shard.map { " [shard \($0)]" } ?? ""))
        try xml.attribute("tests", String(outcomes.count))
        try xml.attribute("failures", String(failures))
        try xml.attribute("errors", String(errors))
        try xml.attribute("skipped", "0")
        try xml.attribute("time", TextCleaning.seconds(totalMs(outcomes)))
        try xml.attribute("timestamp", Timestamps.iso8601UTC(report.startedAt))
        try xml.attribute("hostname", hostName() + (report.shard.map { "-shard" + $0.replacingOccurrences(of: "/", with: "of") } ?? ""))
        try xml.attribute("id", String(id))
        try xml.attribute("file", spec)

        let names = uniqueNames(outcomes, spec: spec)
        let seeds = Set(outcomes.map(\.seed))
        try xml.start("properties")
        if seeds.count <= 1 {
            try property(xml, "seed", String(seeds.first ?? 0))
        }
        // Every suite carries it: dashboards may show one suite of a run on its own.
        try property(xml, "faultbox.version", report.faultboxVersion)
        if report.interrupted { try property(xml, "interrupted", "true") }
        for (outcome, name) in zip(outcomes, names) {
            if seeds.count > 1 { try property(xml, "seed." + name.name, String(outcome.seed)) }
            if let fault = outcome.fault { try property(xml, "fault." + name.name, fault) }
            if let scenario = outcome.scenario { try property(xml, "scenario." + name.name, scenario) }
            // The schema has no per-testcase properties: keyed by test name, like the seed.
            try property(xml, "outcome." + name.name, outcome.outcome.rawValue)
            if let expectation = outcome.expectation { try property(xml, "expectation." + name.name, expectation) }
        }
        // Run-level findings go with the first suite (JUnit has no run-level slot).
        if id == 0 {
            for d in report.diagnostics { try property(xml, "diagnostic." + d.code, d.message) }
        }
        try xml.end()

        for (outcome, name) in zip(outcomes, names) {
            try writeCase(xml, outcome, classname: name.classname, name: name.name)
        }
        if id == 0 && !report.diagnostics.isEmpty {
            try xml.start("system-err")
            try xml.text(report.diagnostics.map { "warning: " + $0.text + ($0.fix.isEmpty ? "" : "\n    fix: " + $0.fix) }
                .joined(separator: "\n") + "\n")
            try xml.end()
        }
        try xml.end()
    }

    private static func writeCase(_ xml: XMLWriter, _ outcome: TestOutcome, classname: String, name: String) throws {
        try xml.start("testcase")
        try xml.attribute("name", name)
        try xml.attribute("classname", classname)
        try xml.attribute("time", TextCleaning.seconds(outcome.durationMs))
        if !outcome.passed {
            let firstLine = TextCleaning.headline(outcome.reason)
            // errored: the test could not be judged (<error>); failed and
            // expectation_violated: it was judged and lost (<failure>).
            try xml.start(outcome.outcome == .errored ? "error" : "failure")
            try xml.attribute("message", String(firstLine.unicodeScalars.prefix(500)))
            try xml.attribute("type", failureType(outcome.outcome))
            try xml.text(TextCleaning.truncateMiddle(failureBody(outcome), limit: failureBodyLimit))
            try xml.end()
        }
        let out = systemOut(outcome.output)
        if !out.isEmpty {
            try xml.start("system-out")
            try xml.text(TextCleaning.truncateMiddle(out, limit: systemOutLimit))
            try xml.end()
        }
        var remarks = (outcome.warnings + outcome.diagnostics.map(\.text)).map { "warning: " + $0 }
        if outcome.outcome == .faultBypassed {
            remarks.insert("outcome: fault_bypassed: " + (outcome.reason ?? "an armed fault never fired"), at: 0)
        }
        if !remarks.isEmpty {
            try xml.start("system-err")
            try xml.text(remarks.joined(separator: "\n") + "\n")
            try xml.end()
        }
        try xml.end()
    }

    private static func property(_ xml: XMLWriter, _ name: String, _ value: String) throws {
        try xml.start("property")
        try xml.attribute("name", name)
        try xml.attribute("value", value)
        try xml.end()
    }

    /// classname = spec (+ scenario + fault); a repeated classname+name (e.g. `--runs 3`)
    /// gets ` #2`, ` #3` so that dashboards keep every case.
    static func uniqueNames(_ outcomes: [TestOutcome], spec: String) -> [(classname: String, name: String)] {
        var seen: [String: Int] = [:]
        return outcomes.map { outcome in
            var classname = specClass(spec)
            if let scenario = outcome.scenario { classname += "." + scenario }
            if let fault = outcome.fault { classname += "." + fault }
            let key = classname + "\u{1}" + outcome.name
            let count = (seen[key] ?? 0) + 1
            seen[key] = count
            return (classname, count == 1 ? outcome.name : "\(outcome.name) #\(count)")
        }
    }

    static func failureType(_ outcome: Outcome) -> String {
        switch outcome {
        case .expectationViolated: return "faultbox.ExpectationViolated"
        case .errored: return "faultbox.TestError"
        default: return "faultbox.TestFailure"
        }
    }

    static func failureBody(_ outcome: TestOutcome) -> String {
        var body = "outcome: " + outcome.outcome.rawValue + (outcome.expectation.map { " (expectation \($0))" } ?? "") + "\n"
        body += (outcome.reason ?? "failed") + "\n"
        body += outcome.decisions.isEmpty ? "\ndecisions that fired: none\n"
            : "\ndecisions that fired:\n" + outcome.decisions.map { "  " + $0 + "\n" }.joined()
        if !outcome.replay.isEmpty { body += "\nreplay: " + outcome.replay + "\n" }
        return body
    }

    static func systemOut(_ output: [ServiceOutput]) -> String {
        var text = ""
        for service in output {
            for (stream, content) in [("stdout", service.stdout), ("stderr", service.stderr)] where !content.isEmpty {
                text += "===== \(service.service) \(stream) =====\n"
                text += TextCleaning.truncateMiddle(content, limit: streamLimit)
                if !content.hasSuffix("\n") { text += "\n" }
            }
        }
        return text
    }

    private static func totalMs(_ outcomes: [TestOutcome]) -> Double {
        outcomes.reduce(0) { $0 + ($1.durationMs.isFinite ? max($1.durationMs, 0) : 0) }
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Write-then-rename, with the reason of any failing step in the error.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let directory = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) : "."
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(path.split(separator: "/").last ?? "report").tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ReportError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else {
                    failure = "cannot write \(temporary): \(String(cString: strerror(n == 0 ? EIO : errno)))"
                    return
                }
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = "cannot sync \(temporary): \(String(cString: strerror(errno)))" }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 { failure = "cannot rename \(temporary) to \(path): "
            + "\(String(cString: strerror(errno)))" }
        if let failure {
            unlink(temporary)
            throw ReportError(failure)
        }
    }
}
