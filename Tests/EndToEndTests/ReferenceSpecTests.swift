import Foundation
import XCTest

/// Specs written for the reference tool run here unchanged, with the same meaning. Its own
/// examples compare a Go service's `fmt.Fprintln` reply with `assert_eq(resp.body, "hello")`:
/// the reference tool trims the body's surrounding white space, so faultbox must too. The
/// service is Python's http.server, serving files whose bytes the test writes.
final class ReferenceSpecTests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws { harness = try FaultboxHarness.make() }

    override func tearDown() {
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }

    func testResponseBodyIsTrimmedAsInTheReferenceTool() throws {
        try FileManager.default.createDirectory(atPath: harness.path("www"), withIntermediateDirectories: true)
        try harness.write("www/greeting.txt", " \t hello\r\n\n")
        try harness.write("www/inner.txt", "two\n  lines \n")
        try harness.write("www/spaces.txt", " \n\t ")
        try harness.write("www/nbsp.txt", "\u{00A0}caf\u{00E9}\u{2003}\n")
        try harness.write("www/data.json", "{\"n\": 3}\n")
        try harness.write("files.star", """
            files = service("files", "/usr/bin/python3", interface("main", "http", 28471),
                args = ["-m", "http.server", "28471", "--bind", "127.0.0.1", "--directory", "www"],
                healthcheck = http("localhost:28471/greeting.txt"))

            def test_bodies():
                assert_eq(files.get(path = "/greeting.txt").body, "hello")
                assert_eq(files.get(path = "/inner.txt").body, "two\\n  lines")
                assert_eq(files.get(path = "/spaces.txt").body, "")
                assert_eq(files.get(path = "/nbsp.txt").body, "caf\\u00e9")
                r = files.get(path = "/data.json")
                assert_eq(r.body, "{\\"n\\": 3}")
                assert_eq(r.data["n"], 3)
            """)
        let r = try harness.run(["test", "files.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_bodies ("), r.all)
    }
}
