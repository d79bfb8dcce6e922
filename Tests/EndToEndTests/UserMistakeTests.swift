import Foundation
import XCTest

/// Mistakes a new user makes and signals a run receives, found by trying faultbox as one:
/// each must give one clear message (no Swift trap, no repeated traceback), the documented
/// exit status, and leave no service behind. Ports 26xxx keep these apart from other suites.
final class UserMistakeTests: TopologyTestCase {
    override class var topology: String { topologyText }

    static let topologyText = """
        db = service("db", "bin/mock-db",
            interface("main", "tcp", 26432),
            env = {"PORT": "26432"},
            healthcheck = tcp("localhost:26432"),
        )
        def ping():
            return db.main.send(data="PING")

        """

    private func assertOneCleanError(_ r: FaultboxHarness.Result, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 1, r.all, file: file, line: line)
        XCTAssertFalse(r.all.contains("Fatal error"), r.all, file: file, line: line)
        XCTAssertFalse(r.all.contains("Traceback"), "a top-level error is one line: \(r.all)", file: file, line: line)
        XCTAssertFalse(r.all.contains("passed"), "nothing ran: \(r.all)", file: file, line: line)
    }

    func testEmptySpecIsAnError() throws {
        try harness.write("empty.star", "")
        let r = try harness.run(["test", "empty.star"])
        assertOneCleanError(r)
        XCTAssertTrue(r.stderr.hasPrefix("faultbox test: empty.star declares no tests\n    fix: "), r.all)
    }

    func testTopLevelErrorIsOneLine() throws {
        try harness.write("wrongtype.star", """
            load("topology.star", "db", "ping")
            fault_matrix(scenarios = ping, faults = [])

            """)
        let r = try harness.run(["test", "wrongtype.star"])
        assertOneCleanError(r)
        XCTAssertEqual(r.stderr, "wrongtype.star:2:13: fault_matrix: for parameter scenarios: got function, want list\n")
    }

    /// An unclosed bracket is reported where it was opened, not at the next statement
    /// where the parser gave up; by `test` and `compile` alike.
    func testAnUnclosedBracketIsReportedWhereItWasOpened() throws {
        try harness.write("unclosed.star", """
            load("topology.star", "db", "ping")

            def check():
                r = ping()
                ok2 = assert_eq(r.data, "PONG"

            scenario(check)

            """)
        for command in ["test", "compile"] {
            let r = try harness.run([command, "unclosed.star"])
            assertOneCleanError(r)
            XCTAssertEqual(r.stderr, "unclosed.star:5:20: '(' was never closed\n", "\(command): \(r.all)")
        }
    }

    /// A builtin's error in a test names the builtin in the traceback once a Starlark
    /// function sits between the test and the failing builtin, and only then.
    func testABuiltinErrorInsideAHelperShowsTheCallChain() throws {
        try harness.write("helper.star", Self.topology + """
            def lookup(table):
                return sorted(table, key = 1)

            def test_sorted():
                lookup([1])

            """)
        let r = try harness.run(["test", "helper.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("helper.star:9:18: sorted: for parameter \"key\": got int, want callable\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Traceback (most recent call last):"), r.stdout)
        XCTAssertTrue(r.stdout.contains("helper.star:12:11: in test_sorted"), r.stdout)
        XCTAssertTrue(r.stdout.contains("helper.star:9:18: in lookup"), r.stdout)
    }

    func testLoadOfAMissingFileSaysWhereAndHowToFix() throws {
        try harness.write("loads.star", "load(\"nothere.star\", \"db\")\n")
        let r = try harness.run(["test", "loads.star"])
        assertOneCleanError(r)
        XCTAssertTrue(r.stderr.hasPrefix("loads.star:1:1: cannot load nothere.star: cannot read spec file nothere.star: No such file or directory"), r.all)
        XCTAssertTrue(r.stderr.contains("fix: load() paths are relative to the folder of the file that loads them"), r.all)
    }

    func testNegativeNumbersGetOurMessage() throws {
        try harness.write("one.star", Self.topology + "scenario(ping)\n")
        for (args, expected) in [
            (["--seed", "-1"], "faultbox test: --seed -1: expected a whole number from 0 to 18446744073709551615\n"),
            (["--runs", "-3"], "faultbox test: --runs -3: expected a whole number from 1 to 100000\n"),
            (["--timeout", "-3s"], "faultbox test: --timeout -3s: negative duration; expected a duration such as 60s, 1m30s or 500ms\n"),
        ] {
            let r = try harness.run(["test", "one.star"] + args)
            XCTAssertEqual(r.status, 1, r.all)
            XCTAssertEqual(r.stderr, expected)
        }
    }

    func testReportIntoAMissingFolderFailsBeforeRunning() throws {
        try harness.write("one.star", Self.topology + "scenario(ping)\n")
        let r = try harness.run(["test", "one.star", "--junit", "no/such/dir/j.xml"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertEqual(r.stdout, "", "nothing ran")
        XCTAssertEqual(r.stderr, "faultbox test: --junit no/such/dir/j.xml: folder no/such/dir does not exist; create it first (mkdir -p no/such/dir)\n")
        let d = try harness.run(["test", "one.star", "--output", harness.workDirectory])
        XCTAssertEqual(d.status, 1, d.all)
        XCTAssertTrue(d.stderr.contains("is a directory; give a file name inside it, e.g. "), d.all)
    }

    func testDefaultSpecIsFaultboxStar() throws {
        try harness.write("faultbox.star", Self.topology + "scenario(ping)\n")
        let r = try harness.run(["test"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_ping ("), r.all)
    }

    func testFullStdoutIsNoCrash() throws {
        try harness.write("one.star", Self.topology + "scenario(ping)\n")
        let (process, _, err) = try harness.start(["test", "one.star"], stdoutPath: "/dev/full")
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertFalse(stderr.contains("Fatal error"), stderr)
    }

    func testServiceThatFailsAtStartIsReportedOnce() throws {
        try harness.write("false.star", """
            bad = service("bad", "/bin/false", interface("main", "tcp", 26435), healthcheck = tcp("localhost:26435"))
            def test_x():
                pass

            """)
        let r = try harness.run(["test", "false.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("service bad exited before it was ready (exit status 1)"), r.all)
        XCTAssertFalse(r.stdout.contains("exited during the test"), r.all)
    }

    func testProbabilisticFaultThatDidNotFireSaysWhy() throws {
        // probability 0.000001: the db's reads match, but (practically) every draw says no.
        try harness.write("chance.star", """
            load("topology.star", "db", "ping")
            rare = fault_assumption("rare", target = db, read = deny("EIO", probability = 0.000001))
            fault_scenario("rarely", scenario = ping, faults = rare)
            never = fault_assumption("never", target = db, fsync = deny("EIO"))
            fault_scenario("no_fsync", scenario = ping, faults = never)

            """)
        let r = try harness.run(["test", "chance.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("warning: [FAULT_NOT_FIRED] fault rare never fired: no matching call, or every draw with its probability (seed 0) said no; try other seeds with --runs"), r.all)
        XCTAssertTrue(r.stdout.contains("warning: [FAULT_NOT_FIRED] fault never never fired: the scenario made no call it matches"), r.all)
    }

    func testNonExecutableBinaryStopsBeforeAnyTest() throws {
        try harness.write("notexec", "just text\n")
        try harness.write("notexec.star", """
            db = service("db", "./notexec", interface("main", "tcp", 26436))
            def test_a():
                pass
            def test_b():
                pass

            """)
        let r = try harness.run(["test", "notexec.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertEqual(r.stdout, "", "no test ran")
        XCTAssertEqual(r.stderr, "notexec.star:1:6: service db: binary \"./notexec\" is not executable (\(harness.path("notexec")))\n    fix: chmod +x \(harness.path("notexec"))\n")
    }

    func testErrorInATestIsShownOnce() throws {
        try harness.write("raises.star", Self.topology + """
            def test_wrong_type():
                db.main.send(data = 5)

            """)
        let r = try harness.run(["test", "raises.star"])
        XCTAssertEqual(r.status, 2, r.all)
        let message = "db.main.send: for parameter data: got int, want string or bytes"
        XCTAssertEqual(r.stdout.components(separatedBy: message).count - 1, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("raises.star:9:17: " + message), r.stdout)
        XCTAssertFalse(r.stdout.contains("Traceback"), r.stdout)
    }

    func testADirectoryIsNotAnEmptySpec() throws {
        try FileManager.default.createDirectory(atPath: harness.path("specs"), withIntermediateDirectories: true)
        for (args, expected) in [
            (["eval", "specs"], "faultbox eval: cannot read specs: Is a directory\n"),
            (["compile", "specs", "--emit", "ast"], "faultbox compile: cannot read specs: Is a directory\n"),
        ] {
            let r = try harness.run(args)
            XCTAssertEqual(r.status, 1, r.all)
            XCTAssertEqual(r.stderr, expected)
        }
        let t = try harness.run(["test", "specs"])
        XCTAssertEqual(t.status, 1, t.all)
        XCTAssertTrue(t.stderr.hasPrefix("cannot read spec file specs: Is a directory\n"), t.all)
    }

    /// The chapter's workflow step 3: `faultbox test *.faults.star` names several specs.
    func testSeveralSpecsRunInOneReport() throws {
        try harness.write("a.faults.star", """
            load("topology.star", "db", "ping")
            full = fault_assumption("full", target = db, write = deny("ENOSPC"))
            fault_matrix(scenarios = [ping], faults = [full])

            """)
        try harness.write("b.faults.star", """
            load("topology.star", "db", "ping")
            eio = fault_assumption("eio", target = db, fsync = deny("EIO"))
            fault_matrix(scenarios = [ping], faults = [eio])

            """)
        let json = harness.path("both.json")
        let r = try harness.run(["test", "a.faults.star", "b.faults.star", "--test", "*_ping_*", "--output", json])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_matrix_ping_full ("), r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_matrix_ping_eio ("), r.all)
        XCTAssertEqual(r.stdout.components(separatedBy: "Fault Matrix: 1 scenarios × 1 faults = 1 cells").count - 1, 2, r.all)
        XCTAssertTrue(r.stdout.hasSuffix("2 passed, 0 failed\n"), r.all)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        XCTAssertEqual(report?["spec_files"] as? [String], ["a.faults.star", "b.faults.star"])
        let ids = (report?["matrices"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }
        XCTAssertEqual(ids, [0, 1], "each spec's matrix keeps its own id")
        // A pattern that matches in one spec is enough; one that matches nowhere is an error.
        let only = try harness.run(["test", "a.faults.star", "b.faults.star", "--test", "test_matrix_ping_eio", "--dry-run"])
        XCTAssertEqual(only.status, 0, only.all)
        XCTAssertTrue(only.stdout.hasPrefix("b.faults.star:\ntest_matrix_ping_eio"), only.all)
        let none = try harness.run(["test", "a.faults.star", "b.faults.star", "--test", "nothing"])
        XCTAssertEqual(none.status, 1, none.all)
        XCTAssertTrue(none.stderr.hasPrefix("faultbox test: a.faults.star: --test nothing: no test matches"), none.all)
    }

    func testUnknownSubcommandNamesTheSubcommands() throws {
        let r = try harness.run(["tset", "one.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertEqual(r.stderr, "faultbox: unknown subcommand 'tset'; expected one of: eval, compile, test, generate, run, init, diff, version (faultbox --help lists them)\n")
        let help = try harness.run(["help", "test"])
        XCTAssertEqual(help.status, 0, help.all)
        XCTAssertTrue(help.stdout.contains("USAGE: faultbox test"), help.all)
    }

    func testHangupTearsDownAndWritesReports() throws {
        try harness.write("hup.star", """
            load("topology.star", "db", "ping")
            scenario(ping)
            slow = fault_assumption("slow", target = db, read = delay("20s"))
            fault_scenario("hangs", scenario = ping, faults = slow)

            """)
        let junit = harness.path("hup.xml"), json = harness.path("hup.json")
        let (process, _, _) = try harness.start(["test", "hup.star", "--junit", junit, "--output", json])
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let runs = (try? FileManager.default.subpathsOfDirectory(atPath: harness.path("runs"))) ?? []
            if runs.contains(where: { $0.hasSuffix("002-test_hangs") }),
               processes(startedFrom: harness.workDirectory).count == 1 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGHUP)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        try XMLSchema.validate(junit)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        XCTAssertEqual(report?["interrupted"] as? Bool, true)
        XCTAssertEqual((report?["tests"] as? [Any])?.count, 1, "the finished test only")
    }
}
