import FaultboxVersion
import Foundation
import Reports
import XCTest
import TestSupport

/// `--html` on a real run, checked in headless Chromium through Selenium
/// (html/check_report.py; docs/reports.md says why this driver). The matrix has a failing
/// cell, an excluded pair and a service that prints markup and `</script>`. Ports 29xxx keep
/// this suite apart from the others.
final class HTMLReportTests: TopologyTestCase {
    override class var topology: String {
        """
        db = service("db", "bin/mock-db",
            interface("main", "tcp", 29432),
            env = {"PORT": "29432"},
            healthcheck = tcp("localhost:29432"),
        )
        api = service("api", "bin/mock-api",
            interface("public", "http", 29080),
            env = {"PORT": "29080", "DB_ADDR": db.main.addr},
            depends_on = [db],
            healthcheck = http("localhost:29080/health"),
        )
        printer = service("printer", "/usr/bin/python3", interface("main", "tcp", 29500),
            args = ["printer.py", "29500"], healthcheck = tcp("localhost:29500"))

        """
    }

    /// Prints hostile text on both streams, then accepts connections (its health check).
    static let printer = #"""
        import socket, sys
        out = sys.stdout.buffer
        out.write(b'<script>alert(1)</script>\n</script>\n<img src=x onerror=alert(2)>\n')
        out.write(b'ctrl \x1b[31m red \x07 bell \x00 nul \xff\xfe bad utf-8\n<!-- comment\n')
        out.flush()
        sys.stderr.write('</script><script>alert(3)</script>\n'); sys.stderr.flush()
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
        while True:
            c, _ = s.accept(); c.close()
        """#

    static let spec = """
        load("topology.star", "api", "db", "printer")
        def order_flow():
            r = api.post(path = "/data/k", body = "v")
            assert_eq(r.status, 200)
            return api.get(path = "/data/k")
        def health():
            assert_eq(api.get(path = "/health").status, 200)
        db_down = fault_assumption("db_down", target = api, connect = deny("ECONNREFUSED"))
        db_slow = fault_assumption("db_slow", target = api, connect = delay("100ms"))
        fault_matrix(
            scenarios = [order_flow, health],
            faults = [db_down, db_slow],
            exclude = [(health, db_slow)],
        )
        def test_plain():
            assert_eq(api.get(path = "/health").status, 200)

        """

    func testReportInHeadlessChromium() throws {
        let python = try seleniumPython()
        try harness.write("printer.py", Self.printer)
        try harness.write("demo.star", Self.spec)
        let r = try harness.run(["test", "demo.star", "--html", "report.html", "--output", "report.json"])
        XCTAssertEqual(r.status, 2, r.all)

        // The page embeds exactly the JSON report of the same run (base64 of its gzip), read
        // back here by zlib, by the shell line docs/reports.md gives, and in the checker by
        // Python's gzip module.
        let html = try String(contentsOfFile: harness.path("report.html"), encoding: .utf8)
        let json = try String(contentsOfFile: harness.path("report.json"), encoding: .utf8)
        XCTAssertEqual(HTMLReport.embeddedJSON(in: html), json)
        let shell = try runProgram("/bin/sh", ["-c", #"sed -n '/id="faultbox-report"/{n;p;q}' report.html | base64 -d | gunzip"#],
                                   directory: harness.workDirectory, stderrToo: false)
        XCTAssertEqual(shell.status, 0)
        XCTAssertTrue(shell.output == json, "the documented shell line extracts the --output JSON")
        XCTAssertTrue(json.contains("\"command_line\": [\n    \"faultbox\",\n    \"test\",\n    \"demo.star\""), json.prefix(400).description)
        XCTAssertTrue(json.contains("\"faultbox_version\": \"\(FaultboxVersion.current)\""), json.prefix(400).description)

        let expect = """
            {"cells": 4, "outcomes": {"FAIL": 1, "PASS": 2, "excluded": 1},
             "matrix_titles": ["Fault matrix — demo.star: 2 scenarios × 2 faults = 3 cells"],
             "failed_test": "test_matrix_order_flow_db_down", "reason_contains": "assert_eq",
             "hostile_service": "printer", "hostile_test": "test_matrix_order_flow_db_down",
             "fired": {"service": "api", "syscall": "connect", "decision": "deny(ECONNREFUSED)", "fault": "db_down"},
             "faultbox_version": "\(FaultboxVersion.current)", "json_file": "\(harness.path("report.json"))"}
            """
        try harness.write("expect.json", expect)
        var args = [Self.checker, harness.path("report.html"), harness.path("expect.json"), "--large", "1000"]
        // FAULTBOX_SCREENSHOT=docs/html-report.png (make screenshot) refreshes the docs' picture.
        if let shot = ProcessInfo.processInfo.environment["FAULTBOX_SCREENSHOT"] {
            args += ["--screenshot", shot.hasPrefix("/") ? shot : FaultboxHarness.packageRoot() + "/" + shot]
        }
        let check = try runProgram(python, args)
        print(check.output)
        XCTAssertEqual(check.status, 0, check.output)
    }

    /// Every kind of cell (issue 18's five outcomes, excluded, not run) in one grid: each
    /// reads as its word, has its own colour, opens its own story; a monitor's violation is
    /// in its test's timeline.
    func testEveryOutcomeReadsDistinctly() throws {
        let python = try seleniumPython()
        try harness.write("printer.py", Self.printer)
        try harness.write("outcomes.star", """
            load("topology.star", "api", "db", "printer")
            def order_flow():
                api.post(path = "/data/k", body = "v")
                return api.get(path = "/data/k")
            def read_k():
                return api.get(path = "/data/k")
            def asserting():
                r = api.get(path = "/data/k")
                assert_eq(r.status, 200, "the value should be readable")
                return r
            def typo():
                return api.get(path = "/health").statsu
            # read_k never writes, so `never` (fsync) cannot fire there: that cell is bypassed.
            never = fault_assumption("never", target = db, fsync = deny("EIO"))
            db_down = fault_assumption("db_down", target = api, connect = deny("ECONNREFUSED"))
            fault_matrix(
                scenarios = [order_flow, read_k, asserting, typo],
                faults = [never, db_down],
                default_expect = expect_success(),
                exclude = [(read_k, db_down)],
                require_faults_fire = True,
            )
            def saw_read(event):
                fail("the db read a request")
            watch_reads = monitor(saw_read, service = "db", syscall = "read")
            watched_disk = fault_assumption("watched_disk", target = db, write = deny("EIO"), monitors = [watch_reads])
            fault_scenario("watched", scenario = order_flow, faults = watched_disk)

            """)
        // asserting × db_down is left out by --test: a not-run cell.
        let r = try harness.run(["test", "outcomes.star", "--html", "report.html",
                                 "--test", "test_matrix_order_flow_*", "--test", "test_matrix_read_k_*",
                                 "--test", "test_matrix_asserting_never", "--test", "test_matrix_typo_*",
                                 "--test", "test_watched"])
        XCTAssertEqual(r.status, 2, r.all)
        let expect = """
            {"cell_words": {"test_matrix_order_flow_never": "PASS", "test_matrix_order_flow_db_down": "EXPECT",
                            "test_matrix_read_k_never": "BYPASS", "test_matrix_asserting_never": "FAIL",
                            "test_matrix_typo_never": "ERROR", "test_matrix_typo_db_down": "ERROR"},
             "other_cells": ["excluded", "not run"],
             "details": {"test_matrix_order_flow_db_down": ["expectation_violated", "expect_success()", "not met"],
                         "test_matrix_read_k_never": ["fault_bypassed", "never fired"],
                         "test_matrix_asserting_never": ["failed", "the value should be readable"],
                         "test_matrix_typo_never": ["errored", "statsu"]},
             "monitor_test": "test_watched", "monitor_saw": "the db read a request",
             "failing_words": ["EXPECT", "ERROR", "ERROR", "FAIL"]}
            """
        try harness.write("expect.json", expect)
        let check = try runProgram(python, [Self.checker, harness.path("report.html"), harness.path("expect.json")])
        print(check.output)
        XCTAssertEqual(check.status, 0, check.output)
    }

    /// A bad --html path is refused before any test runs, naming the flag and the fix.
    func testBadHTMLPathFailsBeforeRunning() throws {
        try harness.write("plain.star", """
            load("topology.star", "api", "db", "printer")
            def test_plain():
                assert_eq(api.get(path = "/health").status, 200)

            """)
        try FileManager.default.createDirectory(atPath: harness.path("out"), withIntermediateDirectories: true)
        for (path, message) in [
            ("no/such/dir/r.html", "faultbox test: --html no/such/dir/r.html: folder no/such/dir does not exist; create it first (mkdir -p no/such/dir)\n"),
            ("out", "faultbox test: --html out: is a directory; give a file name inside it, e.g. out/report.html\n"),
            ("", "faultbox test: --html : empty file name; give a file name such as report.html\n"),
        ] {
            let r = try harness.run(["test", "plain.star", "--html", path])
            XCTAssertEqual(r.status, 1, r.all)
            XCTAssertEqual(r.stdout, "", "nothing ran: \(r.all)")
            XCTAssertEqual(r.stderr, message)
        }
    }

    func testSpecThatDoesNotLoadStillWritesThePage() throws {
        let python = try seleniumPython()
        try harness.write("broken.star", "load(\"topology.star\", \"api\")\nsrvice(\"x\")\n")
        let r = try harness.run(["test", "broken.star", "--html", "report.html"])
        XCTAssertEqual(r.status, 1, r.all)
        let html = try String(contentsOfFile: harness.path("report.html"), encoding: .utf8)
        let json = try XCTUnwrap(HTMLReport.embeddedJSON(in: html))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let error = try XCTUnwrap(object["load_error"] as? String)
        XCTAssertTrue(error.contains("srvice"), error)
        XCTAssertTrue(r.stderr.contains(error), "the page shows what stderr said: \(r.stderr)")
        try harness.write("expect.json", #"{"load_error_contains": "srvice"}"#)
        let check = try runProgram(python, [Self.checker, harness.path("report.html"), harness.path("expect.json")])
        XCTAssertEqual(check.status, 0, check.output)
    }

    /// Ctrl-C during the second test: the page is written with the first and says so.
    func testInterruptedRunWritesWhatFinished() throws {
        try harness.write("printer.py", Self.printer)
        try harness.write("slow.star", """
            load("topology.star", "api", "db", "printer")
            def test_first():
                assert_eq(api.get(path = "/health").status, 200)
            def test_hangs():
                sleep("30s")

            """)
        let (process, _, _) = try harness.start(["test", "slow.star", "--html", "report.html"])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let runs = (try? FileManager.default.subpathsOfDirectory(atPath: harness.path("runs"))) ?? []
            if runs.contains(where: { $0.hasSuffix("002-test_hangs") }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 1)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let html = try String(contentsOfFile: harness.path("report.html"), encoding: .utf8)
        let json = try XCTUnwrap(HTMLReport.embeddedJSON(in: html))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(object["interrupted"] as? Bool, true)
        XCTAssertEqual((object["tests"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["test_first"])
        let python = try seleniumPython()
        try harness.write("expect.json", #"{"interrupted_tests": ["test_first"]}"#)
        let check = try runProgram(python, [Self.checker, harness.path("report.html"), harness.path("expect.json")])
        XCTAssertEqual(check.status, 0, check.output)
    }

    // MARK: the browser driver

    static var checker: String { FaultboxHarness.packageRoot() + "/Tests/EndToEndTests/html/check_report.py" }

    /// The Python with Selenium that `make deps` sets up (.build/html-venv), or
    /// $FAULTBOX_SELENIUM_PYTHON. Missing pieces skip the test on a developer machine and
    /// fail it in CI (FAULTBOX_CI_NO_SKIP=1, set by .ci/run), where a silent skip would hide
    /// that nothing was checked.
    func seleniumPython() throws -> String {
        let env = ProcessInfo.processInfo.environment
        let python = env["FAULTBOX_SELENIUM_PYTHON"] ?? FaultboxHarness.packageRoot() + "/.build/html-venv/bin/python"
        var missing: [String] = []
        if !FileManager.default.isExecutableFile(atPath: python) { missing.append("\(python) (Selenium's Python)") }
        for tool in [env["CHROMIUM"] ?? "/usr/bin/chromium", env["CHROMEDRIVER"] ?? "/usr/bin/chromedriver"]
        where !FileManager.default.isExecutableFile(atPath: tool) { missing.append(tool) }
        if missing.isEmpty { return python }
        throw cannotRun("headless Chromium checks need \(missing.joined(separator: ", "))",
                        fix: "run `make deps` (Debian chromium, chromium-driver; selenium in .build/html-venv)")
    }
}
