import Foundation
import XCTest
@testable import Reports

/// The HTML page as text: it embeds exactly the JSON report (gzipped, base64), hostile text
/// cannot leave the data block, and it fetches nothing. What the page shows is checked in a real browser
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

    /// The data block's text (base64) in a page.
    func dataBlock(_ html: String) throws -> Substring {
        let start = try XCTUnwrap(html.range(of: HTMLReport.dataOpen))
        let end = try XCTUnwrap(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        return html[start.upperBound..<end.lowerBound]
    }

    func testEmbedsExactlyTheJSONReportGzipped() throws {
        let report = hostileReport()
        let html = try HTMLReport.render(report)
        XCTAssertEqual(HTMLReport.embeddedJSON(in: html), JSONReport.encode(report))
        // Read without HTMLReport's helper: base64 of one gzip member (magic 1f 8b, deflate).
        let packed = try XCTUnwrap(Data(base64Encoded: String(try dataBlock(html).dropLast())))
        XCTAssertEqual(Array(packed.prefix(3)), [0x1f, 0x8b, 0x08])
        XCTAssertEqual(Gzip.decompress(Array(packed)), Array(JSONReport.encode(report).utf8))
        XCTAssertLessThan(packed.count * 4, JSONReport.encode(report).utf8.count, "gzip packs the JSON at least 4x")
    }

    func testHostileTextCannotLeaveTheDataBlock() throws {
        let html = try HTMLReport.render(hostileReport())
        let block = try dataBlock(html)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n")
        XCTAssertEqual(block.filter { !alphabet.contains($0) }, "", "only base64 in the data block")
        for hostile in ["alert(", "onerror", "</SCRIPT>"] {
            XCTAssertFalse(html.contains(hostile), "service text \(hostile) appears in the page's markup")
        }
        // Exactly two script elements: the data block and the page's own script.
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 2)
    }

    func testADamagedDataBlockReadsAsNothing() throws {
        let html = try HTMLReport.render(hostileReport())
        let block = try dataBlock(html)
        let cut = html.replacingCharacters(in: block.startIndex..<block.index(block.startIndex, offsetBy: block.count / 2), with: "")
        XCTAssertNil(HTMLReport.embeddedJSON(in: cut), "a block cut short")
        var bytes = Array(try XCTUnwrap(Data(base64Encoded: String(block.dropLast()))))
        bytes[bytes.count - 6] ^= 0x01  // inside the CRC-32 of the trailer
        let flipped = html.replacingCharacters(in: block.startIndex..<block.endIndex, with: Data(bytes).base64EncodedString() + "\n")
        XCTAssertNil(HTMLReport.embeddedJSON(in: flipped), "a block whose checksum does not match")
        XCTAssertNil(HTMLReport.embeddedJSON(in: "<html></html>"), "no block")
    }

    func testGzipRoundTripsAndIsDeterministic() throws {
        for input in [[UInt8](), Array("x".utf8), (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }] {
            let packed = try Gzip.compress(input)
            XCTAssertEqual(Gzip.decompress(packed), input)
            XCTAssertEqual(try Gzip.compress(input), packed, "same input, same bytes (mtime 0, no name)")
        }
        XCTAssertNil(Gzip.decompress([0x1f, 0x8b]))
        XCTAssertNil(Gzip.decompress(try Gzip.compress([1, 2, 3]) + [0]), "trailing bytes after the member")
    }

    func testTheSummaryShowsTheFaultboxVersion() throws {
        var report = hostileReport()
        report.faultboxVersion = "9.8.7"
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(XCTUnwrap(HTMLReport.embeddedJSON(in: HTMLReport.render(report))).utf8)) as? [String: Any])
        XCTAssertEqual(object["faultbox_version"] as? String, "9.8.7")
        XCTAssertTrue(HTMLScript.source.contains("report.faultbox_version"), "the summary reads it from the JSON")
    }

    func testFetchesNothing() throws {
        let html = try HTMLReport.render(hostileReport())
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
            with: Data(XCTUnwrap(HTMLReport.embeddedJSON(in: try HTMLReport.render(report))).utf8)) as? [String: Any])
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
