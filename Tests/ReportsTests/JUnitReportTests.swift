import FaultboxVersion
import Foundation
import Glibc
import XCTest
@testable import Reports
import TestSupport

final class JUnitReportTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rep-junit-\(getpid())-\(Int.random(in: 0...999_999))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// ../shared/junit/junit.xsd relative to the repository.
    func schemaPath() throws -> String {
        let path = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/junit/junit.xsd").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw cannotRun("JUnit schema not found at \(path)", fix: "check out ../shared beside the repository (it holds junit/junit.xsd)")
        }
        return path
    }

    /// Both validators: libxml2 in-process and the xmllint command when installed.
    func assertValid(_ file: String, line: UInt = #line) throws {
        let schema = try schemaPath()
        XCTAssertEqual(try JUnitValidation.validate(file: file, schema: schema), [], line: line)
        let xmllint = "/usr/bin/xmllint"
        guard FileManager.default.isExecutableFile(atPath: xmllint) else {
            print("note: xmllint not installed (apt-get install libxml2-utils); validated in-process only")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xmllint)
        process.arguments = ["--noout", "--schema", schema, file]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "xmllint: \(message)", line: line)
    }

    func testSeedRunIsValidAndShapedForDashboards() throws {
        var outcomes = seedOutcomes()
        outcomes[0].passed = false
        outcomes[0].reason = "assert_true failed: status 200 >= 500\n  at order_flow.faults.star:31:30"
        outcomes[0].decisions = ["#12 api connect deny(ECONNREFUSED) [db_down]"]
        outcomes[0].output = [ServiceOutput(service: "api", stdout: "mock-api: GET /data/mykey -> 500\n", stderr: "db error\n")]
        outcomes[2].warnings = ["fault db_connection_reset never fired"]
        outcomes.append(TestOutcome(name: "test_order_flow_db_partition", specFile: "order_flow.faults.star", passed: true, durationMs: 1.5))
        let report = RunReport(specFiles: ["examples/order_flow.faults.star"], outcomes: outcomes.map {
            var o = $0; o.specFile = "examples/order_flow.faults.star"; return o
        }, matrices: [seedLayout()], startedAt: Date(timeIntervalSince1970: 1_795_426_300))
        let file = directory + "/report.xml"
        try JUnitReport.write(report, to: file)
        try assertValid(file)
        let xml = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(xml.contains("<testsuites name=\"faultbox\" tests=\"7\" failures=\"1\" errors=\"0\" time=\"6.267\">"), xml)
        XCTAssertTrue(xml.contains("name=\"order_flow.faults\""))
        XCTAssertTrue(xml.contains("timestamp=\"2026-11-23T09:31:40\""))
        XCTAssertTrue(xml.contains("<testcase name=\"test_matrix_order_flow_db_down\" classname=\"order_flow_faults.order_flow.db_down\" time=\"0.212\">"))
        XCTAssertTrue(xml.contains("<testcase name=\"test_order_flow_db_partition\" classname=\"order_flow_faults\" time=\"0.002\""))
        XCTAssertTrue(xml.contains("<property name=\"seed\" value=\"0\"/>"))
        XCTAssertTrue(xml.contains("<property name=\"faultbox.version\" value=\"\(FaultboxVersion.current)\"/>"), xml)
        XCTAssertTrue(xml.contains("<property name=\"fault.test_matrix_order_flow_db_down\" value=\"db_down\"/>"))
        XCTAssertTrue(xml.contains("<failure message=\"assert_true failed: status 200 &gt;= 500\" type=\"faultbox.TestFailure\">"))
        XCTAssertTrue(xml.contains("#12 api connect deny(ECONNREFUSED) [db_down]"))
        XCTAssertTrue(xml.contains("replay: faultbox test order_flow.faults.star --test test_matrix_order_flow_db_down --seed 0"))
        XCTAssertTrue(xml.contains("===== api stdout =====\nmock-api: GET /data/mykey -&gt; 500\n"))
        XCTAssertTrue(xml.contains("<system-err>warning: fault db_connection_reset never fired"))
        XCTAssertFalse(xml.contains("CDATA"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
        XCTAssertEqual(leftovers, ["report.xml"], "the temporary file must be renamed away")
    }

    /// Whatever bytes a service prints, the file stays valid: ESC, BEL, NUL, U+FFFE,
    /// invalid UTF-8 (decoded to U+FFFD by the runner), and 20 MB of output.
    func testNastyOutputStaysValid() throws {
        var raw: [UInt8] = Array("start\u{1B}[31mred\u{7}bell".utf8) + [0, 0xFF, 0xFE, 0xC3, 0x28, 0xED, 0xA0, 0x80] + Array("tail\u{FFFE}\u{FFFF}\u{8}\u{C}\r\n".utf8)
        raw += [UInt8](repeating: UInt8(ascii: "x"), count: 20 << 20)
        raw += Array("\nEND-OF-OUTPUT é\n".utf8)
        let nasty = String(decoding: raw, as: UTF8.self)
        let outcome = TestOutcome(name: "test_nasty\u{1B}\u{0}", specFile: "nasty.star", scenario: "s\u{7}", fault: "f<&>\"'",
                                  passed: false, durationMs: .nan, seed: 3,
                                  reason: "reason with NUL \u{0} and ESC \u{1B} and ]]> and <tag>",
                                  decisions: ["#1 db write deny(EIO) [\u{1B}]"], replay: "faultbox test nasty.star --test test_nasty --seed 3",
                                  warnings: ["warn \u{0}"],
                                  output: [ServiceOutput(service: "db", stdout: nasty, stderr: nasty), ServiceOutput(service: "api\u{1B}", stdout: "\u{0}")])
        let report = RunReport(specFiles: ["nasty.star"], outcomes: [outcome, outcome], startedAt: Date())
        let file = directory + "/nasty.xml"
        let started = Date()
        try JUnitReport.write(report, to: file)
        let elapsed = Date().timeIntervalSince(started)
        try assertValid(file)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        XCTAssertLessThan(size, 12 << 20, "outputs must be truncated")
        let xml = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(xml.contains("start\\x1b[31mred\\x07bell\\x00\u{FFFD}"))
        XCTAssertTrue(xml.contains("END-OF-OUTPUT é"), "the end of the output is kept")
        XCTAssertTrue(xml.contains("bytes of output truncated by faultbox"))
        XCTAssertTrue(xml.contains("name=\"test_nasty\\x1b\\x00 #2\""), "repeated names are made unique")
        XCTAssertTrue(xml.contains("time=\"0.000\""), "NaN durations become 0")
        print("JUnit with 2 x 2 x 20 MB of output: \(size) bytes written in \(String(format: "%.2f", elapsed)) s")
    }

    func testValidatorReportsInvalidFiles() throws {
        let schema = try schemaPath()
        let file = directory + "/bad.xml"
        try "<testsuites><testsuite name=\"x\"/></testsuites>".write(toFile: file, atomically: true, encoding: .utf8)
        let problems = try JUnitValidation.validate(file: file, schema: schema)
        XCTAssertFalse(problems.isEmpty)
        XCTAssertTrue(problems.joined().contains("tests"), problems.joined(separator: "\n"))
        try "<testsuites><unclosed></testsuites>".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertFalse(try JUnitValidation.validate(file: file, schema: schema).isEmpty)
    }

    func testUnwritablePathIsAClearError() {
        let report = RunReport(specFiles: ["a.star"], outcomes: seedOutcomes(spec: "a.star"))
        XCTAssertThrowsError(try JUnitReport.write(report, to: directory + "/missing/dir/report.xml")) { error in
            XCTAssertEqual("\(error)", "cannot create \(self.directory)/missing/dir/.report.xml.tmp-\(getpid()): No such file or directory")
        }
    }

    func testOneSuitePerSpecFile() throws {
        let report = RunReport(specFiles: ["a.star", "dir/b.star"],
                               outcomes: seedOutcomes(spec: "a.star") + seedOutcomes(spec: "dir/b.star", matrixID: 2))
        let file = directory + "/two.xml"
        try JUnitReport.write(report, to: file)
        try assertValid(file)
        let xml = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertEqual(xml.components(separatedBy: "<testsuite ").count - 1, 2)
        XCTAssertTrue(xml.contains("<testsuite name=\"b\" tests=\"6\""))
        XCTAssertTrue(xml.contains("file=\"dir/b.star\""))
    }
}
