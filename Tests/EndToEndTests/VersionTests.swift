import FaultboxVersion
import Foundation
import XCTest

/// The version a user can ask for and find in every report of a real run.
final class VersionTests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws { harness = try FaultboxHarness.make() }
    override func tearDown() { harness.cleanUp() }

    func testVersionFlagAndCommandPrintOneLine() throws {
        for args in [["--version"], ["version"]] {
            let r = try harness.run(args)
            XCTAssertEqual(r.status, 0, "\(args): \(r.all)")
            XCTAssertEqual(r.stdout, "faultbox \(FaultboxVersion.current)\n", "\(args)")
            XCTAssertEqual(r.stderr, "", "\(args)")
        }
        let help = try harness.run(["--help"])
        XCTAssertTrue(help.stdout.contains("--version"), help.all)
        XCTAssertTrue(help.stdout.contains("version"), help.all)
    }

    func testJSONAndJUnitReportsNameTheVersion() throws {
        try harness.write("plain.star", """
            def test_plain():
                assert_eq(1 + 1, 2)

            """)
        let r = try harness.run(["test", "plain.star", "--output", "report.json", "--junit", "report.xml"])
        XCTAssertEqual(r.status, 0, r.all)
        let json = try Data(contentsOf: URL(fileURLWithPath: harness.path("report.json")))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        XCTAssertEqual(object["faultbox_version"] as? String, FaultboxVersion.current)
        let xml = try String(contentsOfFile: harness.path("report.xml"), encoding: .utf8)
        XCTAssertTrue(xml.contains("<property name=\"faultbox.version\" value=\"\(FaultboxVersion.current)\"/>"), xml)
    }
}
