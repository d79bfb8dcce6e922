import Foundation
import XCTest

/// The reference tutorial's chapter 3 (fault injection), ported to examples/ on the demo
/// services, run as a user runs them: `faultbox test examples/ch03-*.star` from a folder
/// with bin/. These use the tutorial's fixed ports (5432, 8080): run this suite in a network
/// namespace of its own when other suites may run at the same time
/// (`unshare -n bash -c 'ip link set lo up; swift test --filter EndToEndTests.Chapter3Tests'`).
final class Chapter3Tests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws {
        harness = try FaultboxHarness.make()
        try FileManager.default.createDirectory(atPath: harness.path("examples"), withIntermediateDirectories: true)
        for name in ["ch03-fault-injection.star", "ch03-ops-and-imperative.star"] {
            let text = try String(contentsOfFile: FaultboxHarness.packageRoot() + "/examples/" + name, encoding: .utf8)
            try harness.write("examples/" + name, text)
        }
    }

    override func tearDown() {
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }

    func testScopedFaults() throws {
        let r = try harness.run(["test", "examples/ch03-fault-injection.star"])
        XCTAssertEqual(r.status, 0, r.all)
        for test in ["test_happy_path", "test_db_write_failure", "test_recovery_after_disk_error",
                     "test_db_failure_modes", "test_slow_database", "test_connection_refused",
                     "test_everything_broken", "test_flaky_disk"] {
            XCTAssertTrue(r.stdout.contains("--- PASS: \(test) ("), "\(test): \(r.all)")
        }
        XCTAssertEqual(r.stdout.split(separator: "\n").last.map(String.init), "8 passed, 0 failed", r.all)
    }

    func testOneTestByName() throws {
        let r = try harness.run(["test", "examples/ch03-fault-injection.star", "--test", "db_write_failure"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_db_write_failure"), r.all)
        XCTAssertEqual(r.stdout.split(separator: "\n").last.map(String.init), "1 passed, 0 failed", r.all)
    }

    func testCoverageOfTheChapter() throws {
        let r = try harness.run(["compile", "--coverage", "examples/ch03-fault-injection.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("  covered      api -> db  7 tests\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("      test_connection_refused  (fault(api, connect=...) at examples/ch03-fault-injection.star:"), r.stdout)
        XCTAssertTrue(r.stdout.contains("      test_db_write_failure  (fault(db, write=...) at examples/ch03-fault-injection.star:"), r.stdout)
        XCTAssertFalse(r.stdout.contains("test_happy_path"), "the happy path arms no fault: \(r.stdout)")
        XCTAssertTrue(r.stdout.hasSuffix("coverage: 1 of 1 edge targeted by a fault test\n"), r.stdout)
    }

    /// Named operations, fault_start/fault_stop, fault_all, allow() and expect_*.
    func testOperationsAndImperativeControl() throws {
        let r = try harness.run(["test", "examples/ch03-ops-and-imperative.star"])
        XCTAssertEqual(r.status, 0, r.all)
        for test in ["test_persist_failure", "test_data_file_failure", "test_fault_mid_operation",
                     "test_all_services_slow", "test_explicit_allow", "test_write_then_read",
                     "test_matrix_write_then_read_db_down", "test_matrix_write_then_read_disk_slow"] {
            XCTAssertTrue(r.stdout.contains("--- PASS: \(test) ("), "\(test): \(r.all)")
        }
        XCTAssertEqual(r.stdout.split(separator: "\n").last.map(String.init), "8 passed, 0 failed", r.all)
    }
}
