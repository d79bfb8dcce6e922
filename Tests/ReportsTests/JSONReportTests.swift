import FaultboxVersion
import Foundation
import XCTest
@testable import Reports
import Trace

final class JSONReportTests: XCTestCase {
    func sampleReport() -> RunReport {
        var outcomes = seedOutcomes()
        outcomes[0].passed = false
        outcomes[0].reason = "assert_true failed\n\"quoted\" \\ \u{1B}"
        outcomes[0].decisions = ["#1 api connect deny(ECONNREFUSED) [db_down]"]
        outcomes[0].output = [ServiceOutput(service: "api", stdout: "line\u{0}\n", stderr: "")]
        outcomes[0].trace = [
            TraceEvent(seq: 1, timeNanos: 1_000, kind: .lifecycle, eventType: "lifecycle.ready", service: "db",
                       fields: [("phase", "ready")]),
            TraceEvent(seq: 2, timeNanos: 2_000, kind: .stepSend, eventType: "step_send.api", service: "test",
                       fields: [("target", "api"), ("method", "POST"), ("path", "/data/k")]),
            TraceEvent(seq: 3, timeNanos: 3_000, kind: .syscall, eventType: "syscall.connect", service: "api",
                       fields: [("syscall", "connect"), ("decision", "deny(ECONNREFUSED)"), ("addr", "127.0.0.1:5432")]),
            TraceEvent(seq: 4, timeNanos: 4_000, kind: .stdout, eventType: "stdout", service: "api",
                       fields: [("line", "{\"msg\": \"db down\"}")], data: .object([("msg", .string("db down"))])),
        ]
        outcomes[0].traceDropped = 7
        outcomes[1].seed = UInt64.max
        var layout = seedLayout()
        layout.cellTest.removeValue(forKey: MatrixLayout.key(scenario: "order_flow", fault: "fsync_failure"))
        var report = RunReport(specFiles: ["order_flow.faults.star"], outcomes: Array(outcomes.prefix(5)), matrices: [layout],
                               startedAt: Date(timeIntervalSince1970: 1_795_426_300), interrupted: false)
        // Pinned, so bumping FaultboxVersion.current does not re-record the golden file.
        report.faultboxVersion = "0.0.0-golden"
        return report
    }

    func testJSONGolden() {
        assertGolden(JSONReport.encode(sampleReport()), "report.json")
    }

    func testJSONParsesAndCarriesTheResults() throws {
        let text = JSONReport.encode(sampleReport())
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(object["version"] as? Int, 1)
        XCTAssertEqual(object["faultbox_version"] as? String, "0.0.0-golden")
        XCTAssertTrue(text.hasPrefix("{\n  \"version\": 1,\n  \"faultbox_version\": \"0.0.0-golden\",\n"), "second key, as documented")
        XCTAssertEqual(object["started_at"] as? String, "2026-11-23T09:31:40Z")
        let summary = try XCTUnwrap(object["summary"] as? [String: Any])
        XCTAssertEqual(summary["total"] as? Int, 5)
        XCTAssertEqual(summary["failed"] as? Int, 1)
        let tests = try XCTUnwrap(object["tests"] as? [[String: Any]])
        XCTAssertEqual(tests[0]["result"] as? String, "fail")
        XCTAssertEqual(tests[0]["reason"] as? String, "assert_true failed\n\"quoted\" \\ \u{1B}")
        XCTAssertEqual(tests[1]["duration_ms"] as? Double, 5215)
        let events = try XCTUnwrap(tests[0]["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["event_type"] as? String },
                       ["lifecycle.ready", "step_send.api", "syscall.connect", "stdout"])
        XCTAssertEqual((events[2]["fields"] as? [String: String])?["decision"], "deny(ECONNREFUSED)")
        XCTAssertEqual((events[3]["data"] as? [String: String])?["msg"], "db down")
        XCTAssertEqual(tests[0]["events_dropped"] as? Int, 7)
        let output = try XCTUnwrap(tests[0]["output"] as? [[String: Any]])
        XCTAssertEqual(output[0]["stdout"] as? String, "line\u{0}\n")
        let matrices = try XCTUnwrap(object["matrices"] as? [[String: Any]])
        let cells = try XCTUnwrap(matrices[0]["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.map { $0["result"] as? String }, ["fail", "pass", "pass", "pass", "pass", "excluded"])
        XCTAssertTrue(text.contains("\"seed\": 18446744073709551615"), "seeds are written exactly")
    }

    func testAReportCarriesTheVersionOfTheFaultboxThatWroteIt() throws {
        let report = RunReport(specFiles: [], outcomes: [])
        XCTAssertEqual(report.faultboxVersion, FaultboxVersion.current)
        XCTAssertNotNil(FaultboxVersion.current.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression), "semantic version")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(JSONReport.encode(report).utf8)) as? [String: Any])
        XCTAssertEqual(object["faultbox_version"] as? String, FaultboxVersion.current)
    }
}
