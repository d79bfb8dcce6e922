import Foundation
import XCTest
import TestSupport

/// `--jobs N`: cells in their own network and PID namespaces, run by `faultbox __cell`
/// workers. Needs the privilege to make namespaces (root, or unprivileged user namespaces);
/// without it the run is serial and these tests check that instead.
final class ParallelTests: MatrixTestCase {
    /// Every cell binds 5432 and 8080: side by side they only pass in separate namespaces.
    /// The reports equal the serial run's except for times.
    func testSamePortsSideBySideAndReportsEqualSerial() throws {
        let serial = try harness.run(["test", "matrix20.star", "--seed", "3", "--jobs", "1",
                                      "--junit", harness.path("serial.xml"), "--output", harness.path("serial.json")])
        let parallel = try harness.run(["test", "matrix20.star", "--seed", "3", "--jobs", "4",
                                        "--junit", harness.path("parallel.xml"), "--output", harness.path("parallel.json")])
        XCTAssertLessThanOrEqual(serial.status, 2, serial.all)
        XCTAssertEqual(parallel.status, serial.status, parallel.all)
        XCTAssertFalse(parallel.all.contains("cannot create network and PID namespaces"), parallel.all)
        XCTAssertEqual(withoutTimes(parallel.stdout), withoutTimes(serial.stdout))
        try XMLSchema.validate(harness.path("parallel.xml"))
        // What the services printed is theirs (how often mock-api logs a failed write follows
        // its own timing, in any two runs): the report around it must be the same.
        let junit = { (name: String) throws -> String in
            try self.withoutTimes(String(contentsOfFile: self.harness.path(name), encoding: .utf8))
                .replacingOccurrences(of: "<system-out>[\\s\\S]*?</system-out>", with: "", options: .regularExpression)
        }
        XCTAssertEqual(try junit("parallel.xml"), try junit("serial.xml"))
        XCTAssertEqual(try summary(harness.path("parallel.json")), try summary(harness.path("serial.json")))
    }

    /// A partition in one cell never reaches the cell beside it.
    func testPartitionInOneCellDoesNotTouchTheOther() throws {
        try harness.write("partition.star", """
            load("matrix20.star", "api", "db")
            def test_partitioned():
                def body():
                    r = api.post(path="/data/k", body="v")
                    assert_true(not r.ok, "the partition should break the write")
                partition(api, db, run=body)
            def test_plain():
                for i in range(20):
                    r = api.post(path="/data/k", body="v")
                    assert_true(r.ok, "no partition here")

            """)
        let r = try harness.run(["test", "partition.star", "--jobs", "2"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_partitioned ("), r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_plain ("), r.all)
    }

    /// As `nobody` with user namespaces off: one line saying so, then a serial run that passes.
    func testWithoutNamespacesOneLineAndASerialRun() throws {
        guard getuid() == 0 else { throw cannotRun("needs root to set up a host without user namespaces", fix: "run the tests as root (CI does)") }
        let script = FaultboxHarness.packageRoot() + "/Tests/EndToEndTests/Support/as-nobody-without-userns.py"
        chmod(harness.workDirectory, 0o777)  // nobody writes the run directory and the report there
        let r = try harness.run(["test", "matrix20.star", "--jobs", "2", "--test", "test_matrix_order_flow_*",
                                 "--junit", harness.path("nobody.xml")],
                                launcher: ["/usr/bin/env", "python3", script])
        XCTAssertEqual(r.status, 0, r.all)
        let lines = r.all.split(separator: "\n").filter { $0.contains("cannot create network and PID namespaces") }
        XCTAssertEqual(lines.count, 1, r.all)
        XCTAssertTrue(lines.first?.contains("--jobs 2") ?? false, r.all)
        XCTAssertTrue(lines.first?.contains("running the tests one at a time on the host network") ?? false, r.all)
        XCTAssertTrue(r.stdout.contains("5 passed, 0 failed"), r.all)
        try XMLSchema.validate(harness.path("nobody.xml"))
    }

    /// Workers load the spec too (while the parent does): what its top level prints is
    /// still shown once, as in a serial run.
    func testTopLevelPrintShownOnce() throws {
        try harness.write("printing.star", """
            load("matrix20.star", "api")
            print("hello from the top level")
            def test_print_one():
                assert_eq(api.get(path="/health").status, 200)
            def test_print_two():
                assert_eq(api.get(path="/health").status, 200)

            """)
        for jobs in ["1", "2"] {
            let r = try harness.run(["test", "printing.star", "--jobs", jobs, "--test", "test_print_*"])
            XCTAssertEqual(r.status, 0, r.all)
            XCTAssertEqual(r.all.components(separatedBy: "hello from the top level").count - 1, 1, "--jobs \(jobs): " + r.all)
        }
    }

    /// The workers start before the spec is read: a spec that does not load still gets its
    /// one error (file:line:col), exit 1, and no worker is left behind; nor is one when the
    /// run has fewer tests than workers.
    func testWorkersStartedEarlyLeaveNothingBehind() throws {
        try harness.write("broken.star", """
            load("matrix20.star", "api")
            def test_typo():
                api.get(path="/health"

            """)
        let broken = try harness.run(["test", "broken.star", "--jobs", "2"])
        XCTAssertEqual(broken.status, 1, broken.all)
        XCTAssertEqual(broken.all.components(separatedBy: "broken.star:").count - 1, 1, broken.all)
        XCTAssertEqual(processes(workingIn: harness.workDirectory), [], "workers left running")
        let one = try harness.run(["test", "matrix20.star", "--jobs", "4", "--test", "test_matrix_order_flow_db_down"])
        XCTAssertEqual(one.status, 0, one.all)
        XCTAssertTrue(one.stdout.contains("1 passed, 0 failed"), one.all)
        XCTAssertEqual(processes(workingIn: harness.workDirectory), [], "workers left running")
    }

    func testSIGINTStopsEveryCellAndWritesPartialJUnit() throws {
        try interrupt(with: SIGINT)
    }

    func testKill9LeavesNothingBehind() throws {
        try interrupt(with: SIGKILL)
    }

    private func interrupt(with signal: Int32) throws {
        // Slow cells, so that four are surely running when the signal comes.
        let faults = (1...8).map { "slow\($0)" }
        try harness.write("slow.star", """
            load("matrix20.star", "api", "db", "order_flow")
            \(faults.map { "\($0) = fault_assumption(\"\($0)\", target = api, connect = delay(\"3s\"))" }.joined(separator: "\n"))
            fault_matrix(scenarios = [order_flow], faults = [\(faults.joined(separator: ", "))])

            """)
        let xml = harness.path("partial.xml")
        let (process, out, err) = try harness.start(["test", "slow.star", "--jobs", "4", "--junit", xml])
        // Wait until the workers' services are up (their binaries are the work dir's copies).
        for _ in 0..<400 where processes(startedFrom: harness.workDirectory).count < 8 { Thread.sleep(forTimeInterval: 0.025) }
        XCTAssertGreaterThanOrEqual(processes(startedFrom: harness.workDirectory).count, 4)
        kill(process.processIdentifier, signal)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let all = String(decoding: stdout + stderr, as: UTF8.self)
        if signal == SIGINT {
            XCTAssertEqual(process.terminationStatus, 130, all)
            XCTAssertTrue(all.contains("interrupted: "), all)
            try XMLSchema.validate(xml)
        } else {
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, all)
        }
        // tearDown checks that no service is left (the PID namespaces died with the workers).
    }

    private func withoutTimes(_ text: String) -> String {
        var s = text
        // Times, and the padding around them (a matrix column is as wide as its widest time).
        for pattern in ["[0-9]+(\\.[0-9]+)?m?s", "time=\"[^\"]*\"", "timestamp=\"[^\"]*\"", "faultbox-[0-9T:-]+-[0-9]+", "#[0-9]+",
                        "\\.tmp/[^/ ]+",  // a service's own mkdtemp name differs in any two runs
                        "─+", " +"] {
            s = s.replacingOccurrences(of: pattern, with: "T", options: .regularExpression)
        }
        return s
    }

    private func summary(_ path: String) throws -> [String] {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        return ((root?["tests"] as? [[String: Any]]) ?? []).map { t in
            // Decisions without their event number (#12), which follows healthcheck timing.
            let decisions = ((t["decisions"] as? [String]) ?? []).map {
                // Targets too: run directory paths and socket inodes differ in any two runs.
                $0.replacingOccurrences(of: "#[0-9]+ ", with: "", options: .regularExpression)
                    .replacingOccurrences(of: "(/tmp/|socket:)[^ ,]*", with: "X", options: .regularExpression)
            }
            // Which decisions fired, not how often: how many times the db retries a denied
            // write on a socket follows its own timing against the api's (1 or 2 in two
            // serial runs alike), as its log lines do.
            var seen = Set<String>()
            return "\(t["name"] ?? "") \(t["outcome"] ?? "") " + decisions.filter { seen.insert($0).inserted }.joined(separator: ", ")
        }
    }
}

/// Processes whose working directory is `directory`: a run's workers (and services) work
/// there, whichever binary they are.
func processes(workingIn directory: String) -> [String] {
    let fm = FileManager.default
    return ((try? fm.contentsOfDirectory(atPath: "/proc")) ?? []).filter { pid in
        pid.allSatisfy(\.isNumber) && (try? fm.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) == directory
    }.map { pid in "\(pid) " + ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "")
        .replacingOccurrences(of: "\u{0}", with: " ") }
}
