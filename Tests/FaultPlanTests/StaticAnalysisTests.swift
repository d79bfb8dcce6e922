import FaultPlan
import SpecLowering
import XCTest

/// Trap sets of `def test_*` bodies come from the fault()/partition() calls found
/// statically; what cannot be bounded traps the whole faultable set and says so.
final class StaticAnalysisTests: XCTestCase {
    let topology = """
        db = service("db", "bin/mock-db", interface("main", "tcp", 5432))
        api = service("api", "bin/mock-api", interface("public", "http", 8080), depends_on = [db])
        def call():
            return api.get(path = "/")

        """

    func plan(_ body: String) throws -> FaultPlan {
        let dir = try Fixtures.tempDirectory(self)
        try (topology + body).write(toFile: dir + "/s.star", atomically: true, encoding: .utf8)
        return try loadSpec(path: "s.star", options: Fixtures.options(dir)).plan
    }

    func testKeywordsThroughHelpersAndLambdas() throws {
        let p = try plan("""
            def helper(svc):
                return fault(svc, fsync = deny("EIO"), run = call)
            def test_nested():
                fault(api, connect = delay("1s"), run = lambda: fault(db, write = deny("ENOSPC"), run = call))
            def test_via_helper():
                helper(db)
            """)
        let nested = try XCTUnwrap(p.test(named: "test_nested"))
        XCTAssertEqual(nested.traps(for: "api")?.syscalls, ["connect"])
        XCTAssertEqual(nested.traps(for: "db")?.syscalls, ["pwrite64", "pwritev", "pwritev2", "write", "writev"])
        // The helper's target is a parameter: its keywords are trapped in every service.
        let viaHelper = try XCTUnwrap(p.test(named: "test_via_helper"))
        XCTAssertEqual(viaHelper.dynamic.faults.first?.target, nil)
        XCTAssertEqual(viaHelper.traps(for: "api")?.syscalls, ["fdatasync", "fsync"])
        XCTAssertEqual(viaHelper.traps(for: "db")?.syscalls, ["fdatasync", "fsync"])
        XCTAssertFalse(viaHelper.traps(for: "db")?.wholeFaultableSet ?? true)
    }

    func testKeywordsBuiltAtRunTimeTrapTheWholeFaultableSet() throws {
        let p = try plan("""
            def test_dynamic():
                kw = {"wr" + "ite": deny("EIO")}
                fault(db, run = call, **kw)
            def test_untouched():
                call()
            """)
        let t = try XCTUnwrap(p.test(named: "test_dynamic"))
        XCTAssertEqual(t.dynamic.faults.first?.keywords, nil)
        XCTAssertTrue(t.traps(for: "db")?.wholeFaultableSet ?? false)
        XCTAssertEqual(t.traps(for: "db")?.syscalls, p.faultableSyscalls)
        XCTAssertEqual(t.traps(for: "api")?.syscalls, [])
        let text = PlanText.cells(p)
        XCTAssertTrue(text.contains("db: whole faultable set"), text)
        let untouched = try XCTUnwrap(p.test(named: "test_untouched"))
        XCTAssertEqual(untouched.traps.map(\.syscalls), [[], []])
    }

    func testFaultUsedAsAValueIsUnknown() throws {
        let p = try plan("""
            def test_indirect():
                f = fault
                f(db, write = deny("EIO"), run = call)
            """)
        let t = try XCTUnwrap(p.test(named: "test_indirect"))
        XCTAssertFalse(t.dynamic.unknowns.isEmpty)
        XCTAssertTrue(t.traps(for: "api")?.wholeFaultableSet ?? false)
        XCTAssertTrue(t.traps(for: "db")?.wholeFaultableSet ?? false)
    }

    func testPartitionTrapsConnectOnBothSides() throws {
        let p = try plan("""
            def test_split():
                partition(api, db, run = call)
            """)
        let t = try XCTUnwrap(p.test(named: "test_split"))
        XCTAssertEqual(t.traps.map(\.syscalls), [["connect"], ["connect"]])
        XCTAssertEqual(t.dynamic.partitions.first?.a, "api")
        XCTAssertEqual(t.dynamic.partitions.first?.b, "db")
    }
}
