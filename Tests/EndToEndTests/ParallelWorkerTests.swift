import Foundation
import XCTest

/// `--jobs N` workers: the injector choice reaches them, and a worker that stops answering
/// is killed by the parent's watchdog while the run goes on (docs/runner.md, "Parallel cells").
final class ParallelWorkerTests: MatrixTestCase {
    /// `--injector ptrace` and FAULTBOX_INJECTOR reach the cells in the workers: each cell
    /// says (with --debug) which backend its session uses and that it runs as PID 1 of its
    /// own namespaces, i.e. in a worker and not in the parent.
    func testInjectorChoiceReachesTheWorkers() throws {
        try harness.write("two.star", """
            load("matrix20.star", "api", "db")
            def test_one():
                assert_true(api.get(path="/health").ok)
            def test_two():
                assert_true(api.get(path="/health").ok)

            """)
        let flag = try harness.run(["test", "two.star", "--jobs", "2", "--injector", "ptrace", "--debug"])
        XCTAssertEqual(flag.status, 0, flag.all)
        try requireWorkers(flag)
        XCTAssertTrue(flag.stderr.contains("[debug] test_one: ptrace injector, in process 1\n"), flag.all)
        XCTAssertTrue(flag.stderr.contains("[debug] test_two: ptrace injector, in process 1\n"), flag.all)

        let variable = try harness.run(["test", "two.star", "--jobs", "2", "--debug"], environment: ["FAULTBOX_INJECTOR": "ptrace"])
        XCTAssertEqual(variable.status, 0, variable.all)
        XCTAssertTrue(variable.stderr.contains("[debug] test_one: ptrace injector, in process 1\n"), variable.all)
        XCTAssertTrue(variable.stderr.contains("[debug] test_two: ptrace injector, in process 1\n"), variable.all)

        // And the other way round, where the kernel offers seccomp user notification.
        let notify = try harness.run(["test", "two.star", "--jobs", "2", "--injector", "notify", "--debug"])
        if notify.status == 0 {
            XCTAssertTrue(notify.stderr.contains("[debug] test_one: notify injector, in process 1\n"), notify.all)
            XCTAssertTrue(notify.stderr.contains("[debug] test_two: notify injector, in process 1\n"), notify.all)
        } else {
            XCTAssertTrue(notify.stderr.contains("--injector notify"), notify.all)
        }
    }

    /// A worker frozen mid-test (SIGSTOP from outside: it neither finishes nor dies) is killed
    /// once its test's timeout, the grace and the margin have passed; the test is reported as
    /// timed out, the test beside it still passes, the reports are written and nothing stays.
    func testWatchdogKillsAHungWorkerAndTheRunGoesOn() throws {
        try harness.write("hang.star", """
            load("matrix20.star", "api", "db", "order_flow")
            slow = fault_assumption("slow", target = api, connect = delay("3s"))
            fault_matrix(scenarios = [order_flow], faults = [slow])
            def test_plain():
                assert_true(api.get(path="/health").ok)

            """)
        let xml = harness.path("hang.xml"), json = harness.path("hang.json")
        let began = Date()
        let (process, out, err) = try harness.start(["test", "hang.star", "--jobs", "2", "--timeout", "2s",
                                                     "--junit", xml, "--output", json])
        // The slow test's services log to its own directory: their parent is its worker.
        var worker: pid_t?
        for _ in 0..<1000 where worker == nil {
            worker = processes(startedFrom: harness.workDirectory).lazy.compactMap { entry -> pid_t? in
                let pid = entry.split(separator: " ")[0]
                guard let log = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/1"),
                      log.contains("test_matrix_order_flow_slow") else { return nil }
                return self.parentPID(of: String(pid))
            }.first
            if worker == nil { Thread.sleep(forTimeInterval: 0.01) }
        }
        let hung = try XCTUnwrap(worker, "the slow test's services never showed up")
        XCTAssertEqual(kill(hung, SIGSTOP), 0)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let all = String(decoding: stdout + stderr, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 2, all)
        XCTAssertTrue(all.contains("test_matrix_order_flow_slow"), all)
        XCTAssertTrue(all.contains("timed out: its worker gave no outcome for "), all)
        XCTAssertTrue(all.contains("faultbox killed the worker and everything the test had started"), all)
        XCTAssertTrue(all.contains("--- PASS: test_plain ("), all)
        // The watchdog waited at least the test's timeout, the grace (2 s) and the margin (20 s).
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(began), 24, all)
        XCTAssertNil(parentPID(of: String(hung)), "the hung worker is gone")
        try XMLSchema.validate(xml)
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let tests = (root?["tests"] as? [[String: Any]]) ?? []
        let slow = tests.first { $0["name"] as? String == "test_matrix_order_flow_slow" }
        XCTAssertEqual(slow?["failure_type"] as? String, "timeout", "\(tests)")
        XCTAssertEqual(tests.first { $0["name"] as? String == "test_plain" }?["outcome"] as? String, "passed", "\(tests)")
    }

    private func requireWorkers(_ r: FaultboxHarness.Result) throws {
        if r.all.contains("cannot create network and PID namespaces") { throw XCTSkip("no namespaces here: --jobs runs serially") }
    }

    private func parentPID(of pid: String) -> pid_t? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("PPid:") }) else { return nil }
        return line.split(separator: "\t").last.flatMap { pid_t(String($0)) }
    }
}
