import Foundation
import XCTest
@testable import Reports

/// The HTML page as text: it embeds exactly the JSON report, hostile text cannot leave the
/// data block, and it fetches nothing. What the page shows is checked in a real browser
/// (EndToEndTests/HTMLReportTests).
final class HTMLReportTests: XCTestCase {
    /// A report whose strings try every way out of a script element.
    func hostileReport() -> RunReport {
        var outcomes = seedOutcomes()
        outcomes[0].passed = false
        outcomes[0].reason = "spec.star:3: </script><script>alert(1)</script> <!-- \u{2028}\u{2029} & > \\u003c"
        outcomes[0].output = [ServiceOutput(service: "api", stdout: "</SCRIPT>\n<!--\u{0}\u{1B}[31m\u{FFFD}\n", stderr: "<img src=x onerror=alert(2)>")]
        var report = RunReport(specFiles: ["order_flow.faults.star"], outcomes: outcomes, matrices: [seedLayout()],
                               startedAt: Date(timeIntervalSince1970: 1_795_426_300))
        report.commandLine = ["faultbox", "test", "order_flow.faults.star", "--html", "r <x>.html"]
        return report
    }

    func testEmbedsExactlyTheJSONReport() throws {
        let report = hostileReport()
        let html = HTMLReport.render(report)
        let embedded = try XCTUnwrap(HTMLReport.embeddedJSON(in: html))
        XCTAssertEqual(embedded, JSONReport.encode(report))
        // And the browser's reading (JSON escapes) agrees: the data block parses to the same value.
        let start = try XCTUnwrap(html.range(of: "id=\"\(HTMLReport.dataElementID)\">\n"))
        let end = try XCTUnwrap(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let inPage = try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8)) as? NSDictionary
        let direct = try JSONSerialization.jsonObject(with: Data(JSONReport.encode(report).utf8)) as? NSDictionary
        XCTAssertEqual(inPage, direct)
    }

    func testHostileTextCannotLeaveTheDataBlock() throws {
        let html = HTMLReport.render(hostileReport())
        let start = try XCTUnwrap(html.range(of: "id=\"\(HTMLReport.dataElementID)\">\n"))
        let end = try XCTUnwrap(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let block = html[start.upperBound..<end.lowerBound]
        for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            XCTAssertFalse(block.contains(forbidden), "raw \(forbidden) in the data block")
        }
        XCTAssertTrue(block.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"))
        // Exactly two script elements: the data block and the page's own script.
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 2)
    }

    func testFetchesNothing() {
        let html = HTMLReport.render(hostileReport())
        XCTAssertTrue(html.contains("default-src 'none'"), "the CSP forbids every fetch")
        for reference in ["http://", "https://", "src=\"", "href=\"", "@import", "url("] {
            XCTAssertFalse(html.contains(reference), "page references \(reference)")
        }
        XCTAssertFalse(HTMLScript.source.contains("innerHTML"), "the script builds text nodes only")
    }

    func testLoadErrorAndCommandLineAreInTheJSON() throws {
        var report = RunReport(specFiles: ["bad.star"], outcomes: [])
        report.commandLine = ["faultbox", "test", "bad.star"]
        report.loadError = "bad.star:1:5: undefined: srvice"
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(XCTUnwrap(HTMLReport.embeddedJSON(in: HTMLReport.render(report))).utf8)) as? [String: Any])
        XCTAssertEqual(object["load_error"] as? String, "bad.star:1:5: undefined: srvice")
        XCTAssertEqual(object["command_line"] as? [String], ["faultbox", "test", "bad.star"])
    }

    func testWriteIsAtomicAndNamesTheFailingStep() throws {
        let dir = NSTemporaryDirectory() + "html-report-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try HTMLReport.write(hostileReport(), to: dir + "/r.html")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["r.html"])
        XCTAssertThrowsError(try HTMLReport.write(hostileReport(), to: dir + "/missing/r.html")) { error in
            XCTAssertTrue("\(error)".contains("cannot create"), "\(error)")
        }
    }
}
