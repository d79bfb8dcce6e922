import Foundation
import XCTest

/// The spec-load helpers and the reference-only refusals as `faultbox test` users meet
/// them: data files read at load and inside tests, `sleep` that a timeout stops, and one
/// clear line for a name of the reference tool that is not supported here. Port 27532
/// keeps the run apart from other suites.
final class SpecHelpersEndToEndTests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws { harness = try FaultboxHarness.make() }

    override func tearDown() {
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }

    func testDataFilesDriveATest() throws {
        try FileManager.default.createDirectory(atPath: harness.path("specs/fixtures"), withIntermediateDirectories: true)
        try harness.write("specs/fixtures/db.yaml", "port: 27532\ncommands:\n  - {send: PING, expect: PONG}\n")
        try harness.write("specs/fixtures/expected.json", "{\"missing\": \"NOT_FOUND\"}\n")
        try harness.write("specs/data.star", """
            cfg = load_yaml("fixtures/db.yaml")
            db = service("db", "bin/mock-db",
                interface("main", "tcp", cfg["port"]),
                env = {"PORT": str(cfg["port"])},
                healthcheck = tcp("localhost:%d" % cfg["port"]),
            )
            def test_commands_from_yaml():
                for c in cfg["commands"]:
                    assert_eq(db.main.send(data = c["send"]), c["expect"])
                # Read while the test runs, relative to this file's folder.
                expected = load_json("fixtures/expected.json")
                assert_eq(db.main.send(data = "GET nothing"), expected["missing"])
                sleep("20ms")
            """)
        let r = try harness.run(["test", "specs/data.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(r.stdout.split(separator: "\n").last.map(String.init), "1 passed, 0 failed", r.all)
    }

    func testTimeoutStopsASleep() throws {
        try harness.write("sleepy.star", """
            def test_sleeps_too_long():
                sleep("10m")
            """)
        let r = try harness.run(["test", "sleepy.star", "--timeout", "1s"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_sleeps_too_long"), r.all)
        XCTAssertTrue(r.stdout.contains("timed out after 1s"), r.all)
    }

    func testReferenceOnlyNamesFailAtLoadWithOneLine() throws {
        try harness.write("parallel.star", """
            db = service("db", "bin/mock-db", interface("main", "tcp", 27532), env = {"PORT": "27532"})
            def test_concurrent():
                parallel(lambda: db.main.send(data = "PING"), lambda: db.main.send(data = "PING"))
            """)
        var r = try harness.run(["test", "parallel.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("parallel.star:3:5: parallel: runs step callables concurrently and explores their interleavings; not supported here yet, see docs/compat.md#concurrency"), r.all)
        XCTAssertFalse(r.all.contains("passed"), "nothing ran: \(r.all)")

        try harness.write("image.star", """
            pg = service("pg", interface("main", "tcp", 5432), image = "postgres:16-alpine")
            """)
        r = try harness.run(["compile", "image.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("image.star:1:13: service: image= runs the service from a container image; not supported here yet, see docs/compat.md#containers"), r.all)

        try harness.write("recipes.star", "load(\"@faultbox/recipes/mongodb.star\", \"mongodb\")\n")
        r = try harness.run(["compile", "recipes.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("load(\"@faultbox/recipes/mongodb.star\"): the reference tool's embedded standard library"), r.all)
        XCTAssertTrue(r.stderr.contains("not supported here yet, see docs/compat.md#standard-library"), r.all)
    }
}
