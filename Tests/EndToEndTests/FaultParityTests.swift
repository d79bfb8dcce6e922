import Foundation
import XCTest

/// The reference tool's fault builtins on the demo services: `fault_start`/`fault_stop`,
/// `fault_all`, `allow()` and named operations (`op()`, `ops=`), passing and failing, with
/// what the console shows. Ports 27xxx keep this suite apart from the others.
final class FaultParityTests: TopologyTestCase {
    override class var topology: String {
        """
        db = service("db", "bin/mock-db",
            interface("main", "tcp", 27432),
            env = {"PORT": "27432"},
            healthcheck = tcp("localhost:27432"),
            ops = {
                # mock-db appends every SET to $DATA_DIR/mock-db.data with write() + fsync().
                "persist": op(syscalls = ["write", "fsync"], path = "*/mock-db.data"),
            },
        )
        api = service("api", "bin/mock-api",
            interface("public", "http", 27080),
            env = {"PORT": "27080", "DB_ADDR": db.main.addr},
            depends_on = [db],
            healthcheck = http("localhost:27080/health"),
        )
        def store():
            return api.post(path = "/data/k", body = "v")

        """
    }

    private func lines(_ r: FaultboxHarness.Result) -> [String] {
        r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    // MARK: fault_start / fault_stop

    func testFaultStartArmsUntilFaultStop() throws {
        try harness.write("start.star", """
            load("topology.star", "api", "db", "store")
            def test_start_stop():
                assert_eq(store().status, 200, "healthy before")
                fault_start(db, write = deny("ENOSPC"))
                r = store()
                assert_eq(r.status, 500, r.body)
                assert_true("No space left on device" in r.body, r.body)
                fault_stop(db)
                assert_eq(store().status, 200, "healthy after fault_stop")
                assert_eq(api.get(path = "/data/k").body, "v")
            def start_disk_full():
                fault_start(db, write = deny("ENOSPC"))
            def test_started_in_a_helper_outlives_it():
                # Started inside the run= function of a fault() on another service: still
                # armed when that function and that fault() have returned.
                fault(api, fsync = deny("EIO"), run = start_disk_full)
                assert_eq(store().status, 500, "fault_start outlives its scope")
                fault_stop(db)
                assert_eq(store().status, 200)
            def test_second_start_replaces_the_first():
                fault_start(db, write = deny("ENOSPC"))
                fault_start(db, fsync = deny("EIO"))
                r = store()
                assert_true("fsync" in r.body, r.body)
                fault_stop(db)
            def start_in_scenario():
                fault_start(db, persist = deny("EIO"))
                r = store()
                assert_true(r.status >= 500, r.body)
                fault_stop(db)
                return store()
            scenario(start_in_scenario)

            """)
        let r = try harness.run(["test", "start.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertEqual(lines(r).filter { $0.hasPrefix("--- PASS") }.count, 4, r.all)
        // The only warning: fault(api, fsync=...) saw no fsync of the api.
        XCTAssertEqual(lines(r).filter { $0.contains("warning:") },
                       ["    warning: [FAULT_NOT_FIRED] fault(api) never fired: the scenario made no call it matches"], r.all)
        XCTAssertEqual(lines(r).last { !$0.isEmpty }, "4 passed, 0 failed", r.all)
    }

    func testFaultStartFailingAndLeftOpen() throws {
        try harness.write("open.star", """
            load("topology.star", "api", "db", "store")
            def test_left_open():
                fault_start(db, write = deny("EIO"))
                assert_eq(store().status, 500)
            def test_stop_without_start():
                fault_stop(db)
            def test_still_armed():
                fault_start(db, write = deny("EIO"))
                r = store()
                assert_eq(r.status, 200, r.body)

            """)
        let r = try harness.run(["test", "open.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_left_open ("), r.all)
        XCTAssertTrue(r.stdout.contains("    warning: open.star:3:16: fault_start(db) was never stopped: its rules stayed "
                                        + "armed until the end of the test and were stopped there; call fault_stop(db)"), r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_stop_without_start ("), r.all)
        XCTAssertTrue(r.stdout.contains("    warning: open.star:6:15: fault_stop(db): no fault_start(db) was active, so "
                                        + "there was nothing to stop"), r.all)
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_still_armed ("), r.all)
        XCTAssertTrue(r.stdout.contains("open.star:10:14: assert_eq: db error: write: Input/output error: 500 != 200"), r.all)
        XCTAssertTrue(r.stdout.contains(" db write deny(EIO) "), r.all)
        XCTAssertEqual(lines(r).last { !$0.isEmpty }, "2 passed, 1 failed", r.all)
    }

    // MARK: fault_all

    func testFaultAllArmsEveryListedService() throws {
        try harness.write("all.star", """
            load("topology.star", "api", "db", "store")
            def both():
                # db: its own SET write fails; api: its write of the command to the db fails.
                direct = db.main.send(data = "SET direct 1")
                through = store()
                return (direct, through)
            def test_all():
                direct, through = fault_all([db, api], write = deny("EIO", label = "tier"), run = both)
                assert_eq(direct, "ERR write: Input/output error")
                assert_eq(through.status, 500, through.body)
                assert_true("write to localhost:27432: Input/output error" in through.body, through.body)
                assert_eq(store().status, 200, "disarmed after run= returned")
                assert_eq(db.main.send(data = "SET direct 2"), "OK")
            def test_all_fails():
                fault_all([db, api], write = deny("EIO", label = "tier"), run = both)
                fail("show the decisions")

            """)
        let r = try harness.run(["test", "all.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_all ("), r.all)
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_all_fails ("), r.all)
        XCTAssertTrue(r.stdout.contains(" db write deny(EIO) [tier] "), r.all)
        XCTAssertTrue(r.stdout.contains(" api write deny(EIO) [tier] "), r.all)
        XCTAssertFalse(r.stdout.contains("never fired"), r.all)
    }

    func testFaultAllOnAServiceWithoutTheOp() throws {
        try harness.write("all_op.star", """
            load("topology.star", "api", "db", "store")
            def test_op_everywhere():
                fault_all([db, api], persist = deny("EIO"), run = store)

            """)
        let r = try harness.run(["test", "all_op.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("all_op.star:3:14: unknown syscall \"persist\" in fault_all([db, api]): not a family, "
                                        + "not a syscall of this machine and service api declares no ops"), r.all)
        XCTAssertTrue(r.stdout.contains("\"persist\" is an op of service db, not of api"), r.all)
    }

    // MARK: allow()

    func testAllowCarvesThePathOutOfABroaderDeny() throws {
        try harness.write("allow.star", """
            load("topology.star", "api", "db", "store")
            def keep_data():
                return fault(db, persist = allow(label = "keep data"), run = store)
            def test_carve_out():
                # The outer deny covers every write of the db (its log lines too); the inner
                # allow wins for the data file although it was armed later.
                r = fault(db, write = deny("EIO"), run = keep_data)
                assert_eq(r.status, 200, r.body)
                assert_eq(api.get(path = "/data/k").body, "v")
            keep_logs_only = fault_assumption("keep_logs_only", target = db,
                write = deny("EIO"), fsync = allow(label = "fsync ok"))
            fault_scenario("allow_elsewhere", scenario = store, faults = keep_logs_only,
                expect = lambda r: assert_eq(r.status, 200, r.body))

            """)
        let r = try harness.run(["test", "allow.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_carve_out ("), r.all)
        // Allowing fsync does not help a write: the SET still fails, and the report shows
        // the explicit allow decisions next to the deny.
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_allow_elsewhere ("), r.all)
        XCTAssertTrue(r.stdout.contains("db error: write: Input/output error: 500 != 200"), r.all)
        XCTAssertTrue(r.stdout.contains(" db write deny(EIO) [keep_logs_only] "), r.all)
        XCTAssertEqual(lines(r).last { !$0.isEmpty }, "1 passed, 1 failed", r.all)
    }

    func testAllowDecisionsAreListed() throws {
        try harness.write("allow_shown.star", """
            load("topology.star", "api", "db", "store")
            def test_show():
                fault(db, write = deny("EIO"), run = lambda: fault(db, persist = allow(label = "keep data"), run = store))
                fail("show the decisions")

            """)
        let r = try harness.run(["test", "allow_shown.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains(" db persist(write) allow [keep data] "), r.all)
        XCTAssertTrue(r.stdout.contains(" db persist(fsync) allow [keep data] "), r.all)
        XCTAssertTrue(r.stdout.contains(" db write deny(EIO) "), r.all)
    }

    // MARK: named operations

    func testOpFaultFiresAndDecisionsNameTheOp() throws {
        try harness.write("ops.star", """
            load("topology.star", "api", "db", "store")
            persist_broken = fault_assumption("persist_broken", target = db,
                persist = deny("EIO", label = "persist broken"))
            fault_scenario("persist_failure", scenario = store, faults = persist_broken,
                expect = lambda r: assert_true(r.status >= 500, r.body))
            fault_scenario("persist_expected_ok", scenario = store, faults = persist_broken,
                expect = lambda r: assert_eq(r.status, 200, r.body))
            def test_op_in_fault():
                r = fault(db, persist = delay("1ms"), run = store)
                assert_eq(r.status, 200)

            """)
        let r = try harness.run(["test", "ops.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_persist_failure ("), r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_op_in_fault ("), r.all)
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_persist_expected_ok ("), r.all)
        // `persist(write) deny(EIO)`, with the label and the data file's path.
        let decision = lines(r).first { $0.contains(" db persist(write) deny(EIO) [persist broken] /") }
        XCTAssertNotNil(decision, r.all)
        XCTAssertTrue(decision?.hasSuffix("/mock-db.data") ?? false, decision ?? "")
        // The log lines (stdout) are writes too, but not to the op's path: never denied.
        XCTAssertFalse(r.stdout.contains("db write deny"), r.all)
    }

    func testUnknownOpInATestNamesThePositionAndSuggests() throws {
        try harness.write("typo.star", """
            load("topology.star", "api", "db", "store")
            def test_typo():
                fault(db, persit = deny("EIO"), run = store)

            """)
        let r = try harness.run(["test", "typo.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("typo.star:3:10: unknown syscall \"persit\" in fault(db): not a family, not a "
                                        + "syscall of this machine and not an op of service db (fix: did you mean persist? "
                                        + "ops of db: persist;"), r.all)
    }

    func testOpErrorsAtLoadAndCompileShowsOps() throws {
        try harness.write("bad_ops.star", """
            load("topology.star", "api", "db", "store")
            a = fault_assumption("a", target = db, persit = deny("EIO"))
            w = service("w", "bin/mock-db", ops = {"write": op(syscalls = ["fsync"]), "bad": op(syscalls = ["fsnyc"])})

            """)
        let bad = try harness.run(["test", "bad_ops.star"])
        XCTAssertEqual(bad.status, 1, bad.all)
        XCTAssertTrue(bad.all.contains("bad_ops.star:2:40: unknown syscall \"persit\" in fault_assumption \"a\""), bad.all)
        XCTAssertTrue(bad.all.contains("did you mean persist?"), bad.all)
        XCTAssertTrue(bad.all.contains("bad_ops.star:3:40: op \"write\" of service \"w\": the name is also a syscall family"), bad.all)
        XCTAssertTrue(bad.all.contains("bad_ops.star:3:"), bad.all)
        XCTAssertTrue(bad.all.contains("unknown syscall \"fsnyc\" in op \"bad\" of service \"w\""), bad.all)

        let compiled = try harness.run(["compile", "topology.star"])
        XCTAssertEqual(compiled.status, 0, compiled.all)
        XCTAssertTrue(compiled.stdout.contains("    op          persist = write, fsync path \"*/mock-db.data\" -> "
                                               + "write, writev, pwrite64, pwritev, pwritev2, fsync, fdatasync"), compiled.all)
    }

    /// `faultbox generate` reads a topology with ops and writes a file that loads and runs.
    func testGenerateKeepsWorkingWithOps() throws {
        try harness.write("flow.star", """
            load("topology.star", "api", "db", "store")
            scenario(store)

            """)
        let g = try harness.run(["generate", "flow.star"])
        XCTAssertEqual(g.status, 0, g.all)
        let generated = harness.path("store.faults.star")
        XCTAssertTrue(FileManager.default.fileExists(atPath: generated), g.all)
        let c = try harness.run(["compile", "store.faults.star"])
        XCTAssertEqual(c.status, 0, c.all)
        XCTAssertTrue(c.stdout.contains("op          persist"), c.all)
    }

    /// examples/fault-injection.star (the reference tutorial's chapter 3, rewritten) as
    /// shipped: every test passes on the demo services.
    func testShippedFaultInjectionExample() throws {
        let text = try String(contentsOfFile: FaultboxHarness.packageRoot() + "/examples/fault-injection.star",
                              encoding: .utf8)
        try harness.write("fault-injection.star", text)
        let r = try harness.run(["test", "fault-injection.star"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertFalse(r.stdout.contains("warning:"), r.all)
        XCTAssertEqual(lines(r).last { !$0.isEmpty }, "9 passed, 0 failed", r.all)
    }
}
