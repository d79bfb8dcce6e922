import Foundation
import XCTest

/// What spec code does while a test runs: `fault(..., run=fn)` and `partition(...)` arm only
/// while `fn` runs; responses carry status, body, ok, error; TCP interfaces answer lines.
final class RuntimeTests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws {
        harness = try FaultboxHarness.make()
        try harness.write("topology.star", FailureTests.topology)
    }

    override func tearDown() {
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }

    func testFaultAndPartitionAreScopedToTheirFunction() throws {
        try harness.write("scoped.star", """
            load("topology.star", "api", "db")
            def store():
                return api.post(path="/data/k", body="v")
            def test_fault_scope():
                during = fault(db, write = deny("ENOSPC"), run = store)
                after = store()
                assert_eq(during.status, 500, "write denied while the fault is armed")
                assert_true("No space left on device" in during.body, during.body)
                assert_eq(after.status, 200, "disarmed after run= returned")
                assert_eq(api.get(path="/data/k").body, "v")
            def test_partition_scope():
                cut = partition(api, db, run = store)
                healed = store()
                assert_eq(cut.status, 500)
                assert_eq(healed.status, 200)
            def test_clients():
                assert_eq(db.main.send(data="PING"), "PONG")
                r = api.get(path="/health")
                assert_true(r.ok and r.status == 200 and r.error == None, str(r))
                assert_true(r.duration_ms >= 0)
                missing = api.get(path="/data/none")
                assert_eq(missing.status, 404)
                assert_true(not missing.ok)

            """)
        let r = try harness.run(["test", "scoped.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(r.stdout.split(separator: "\n").last.map(String.init), "3 passed, 0 failed", r.all)
    }
}
