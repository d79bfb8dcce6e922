// Fuzz target (d): arbitrary bytes as what services print and what tests report (output,
// failure reasons, names, warnings) -> the JUnit writer (libxml2) -> the document must parse
// and stay valid against ../shared/junit/junit.xsd. An invalid document stops the run.
import Foundation
import Reports

public enum JUnitTarget {
    /// `FAULTBOX_JUNIT_XSD`, else ../shared/junit/junit.xsd beside the package.
    static let schema: JUnitValidation.Schema = {
        let path = ProcessInfo.processInfo.environment["FAULTBOX_JUNIT_XSD"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().path + "/shared/junit/junit.xsd"
        do { return try JUnitValidation.Schema(path: path) } catch {
            fatalError("fuzz-junit needs the JUnit schema (set FAULTBOX_JUNIT_XSD): \(error)")
        }
    }()

    /// Fields are separated by 0x1E (record separator): name, spec file, reason, stdout,
    /// stderr, warning, decision, scenario, fault, service. A first byte 0x01 repeats stdout
    /// past the writer's 1 MiB cut, so the middle cut meets the bytes too (rarely: such an
    /// input takes a second under the sanitizer).
    public static func run(_ bytes: [UInt8]) {
        let fields = bytes.split(separator: 0x1E, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        func field(_ i: Int) -> String { i < fields.count ? fields[i] : "" }
        var stdout = field(3)
        if bytes.first == 0x01, !stdout.isEmpty {
            stdout = String(repeating: stdout, count: (1 << 20) / stdout.utf8.count + 2)
        }
        var failed = TestOutcome(name: field(0), specFile: field(1), scenario: field(7), fault: field(8),
                                 passed: false, durationMs: Double(bytes.count), seed: UInt64(bytes.count),
                                 reason: field(2), decisions: [field(6)], replay: "faultbox test " + field(1),
                                 warnings: [field(5)], output: [ServiceOutput(service: field(9), stdout: stdout, stderr: field(4))])
        failed.failureType = "assertion"
        let passed = TestOutcome(name: field(0), specFile: field(1), passed: true, durationMs: 1,
                                 output: [ServiceOutput(service: field(9), stdout: field(4), stderr: stdout)])
        var report = RunReport(specFiles: [field(1)], outcomes: [failed, passed], startedAt: Date(timeIntervalSince1970: 0))
        report.loadError = fields.count > 10 ? field(10) : nil
        report.shard = fields.count > 11 ? field(11) : nil
        let document: [UInt8]
        do { document = try JUnitReport.render(report) } catch {
            preconditionFailure("JUnitReport.render failed: \(error)")
        }
        let problems: [String]
        do { problems = try schema.validate(bytes: document) } catch {
            preconditionFailure("validation could not run: \(error)")
        }
        if !problems.isEmpty {
            preconditionFailure("the JUnit document is not valid against junit.xsd: \(problems.prefix(3).joined(separator: "; "))")
        }
    }
}
