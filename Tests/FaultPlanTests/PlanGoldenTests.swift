import FaultPlan
import SpecLowering
import XCTest

/// The examples compile, and golden files pin their text and JSON plans. Re-record with
/// FAULTBOX_RECORD=1 (a recording run fails, so it cannot pass unnoticed).
final class PlanGoldenTests: XCTestCase {
    static let examples = ["scenario-test", "order_flow.faults", "order_flow.overrides",
                           "my-custom-failures", "composition"]

    func load(_ name: String) throws -> FaultPlan {
        do {
            return try loadSpec(path: name + ".star", options: Fixtures.options(Fixtures.examples)).plan
        } catch {
            XCTFail("\(name).star: \(error)")
            throw error
        }
    }

    func testGoldenPlans() throws {
        let record = ProcessInfo.processInfo.environment["FAULTBOX_RECORD"] != nil
        let paths = PathDisplay(relativeTo: Fixtures.examples)
        for name in Self.examples {
            let plan = try load(name)
            var outputs = [("txt", PlanText.plan(plan, paths: paths)),
                           ("json", PlanJSON.plan(plan, paths: paths).render())]
            if name == "order_flow.faults" {  // --emit cells and the dry-run listing, once
                outputs += [("cells.txt", PlanText.cells(plan)), ("cells.json", PlanJSON.cells(plan, paths: paths).render()),
                            ("dry-run.txt", PlanText.dryRun(plan))]
            }
            for (ext, text) in outputs {
                let golden = Fixtures.repository + "/golden/plans/\(name).\(ext)"
                if record {
                    try FileManager.default.createDirectory(atPath: Fixtures.repository + "/golden/plans",
                                                            withIntermediateDirectories: true)
                    try text.write(toFile: golden, atomically: true, encoding: .utf8)
                    XCTFail("recorded \(golden); run again without FAULTBOX_RECORD")
                    continue
                }
                let expected = try String(contentsOfFile: golden, encoding: .utf8)
                XCTAssertEqual(text, expected, "\(golden) differs (FAULTBOX_RECORD=1 to re-record after review)")
            }
        }
    }

    func testGeneratedFileHasSixCellsAndThePartitionTest() throws {
        let plan = try load("order_flow.faults")
        XCTAssertEqual(plan.cellCount, 6)
        XCTAssertEqual(plan.tests.map(\.name), [
            "test_order_flow",
            "test_matrix_order_flow_db_down", "test_matrix_order_flow_db_slow",
            "test_matrix_order_flow_db_connection_reset", "test_matrix_order_flow_disk_io_error",
            "test_matrix_order_flow_disk_full", "test_matrix_order_flow_fsync_failure",
            "test_order_flow_db_partition",
        ])
        XCTAssertEqual(plan.startOrder, ["db", "api"])
        let partition = try XCTUnwrap(plan.test(named: "test_order_flow_db_partition"))
        XCTAssertEqual(partition.traps(for: "api")?.syscalls, ["connect"])
        XCTAssertEqual(partition.traps(for: "db")?.syscalls, ["connect"])
        let slow = try XCTUnwrap(plan.test(named: "test_matrix_order_flow_db_slow"))
        XCTAssertEqual(slow.traps(for: "api")?.syscalls, ["connect"])
        XCTAssertEqual(slow.traps(for: "db")?.syscalls, [])
        XCTAssertNil(slow.oracle)
    }

    func testOverridesVariantHasFourCellsAndNoFsyncColumn() throws {
        let plan = try load("order_flow.overrides")
        XCTAssertEqual(plan.cellCount, 4)
        let matrix = try XCTUnwrap(plan.matrices.first)
        XCTAssertEqual(matrix.faults.map { plan.assumptions[$0].name }, ["db_down", "db_slow", "disk_io_error", "disk_full"])
        XCTAssertEqual(matrix.excluded, [MatrixPair(scenario: "order_flow", fault: "fsync_failure")])
        XCTAssertEqual(plan.test(named: "test_matrix_order_flow_db_down")?.oracle?.source, .override)
        XCTAssertNil(plan.test(named: "test_matrix_order_flow_disk_full")?.oracle)
        XCTAssertNil(plan.test(named: "test_matrix_order_flow_fsync_failure"))
    }

    func testCompositionOraclePrecedenceMonitorsAndStaticFaults() throws {
        let plan = try load("composition")
        XCTAssertEqual(plan.test(named: "test_matrix_order_flow_db_down")?.oracle?.source, .override)
        XCTAssertEqual(plan.test(named: "test_matrix_order_flow_disk_full")?.oracle?.source, .defaultExpect)
        XCTAssertEqual(plan.test(named: "test_order_db_down")?.oracle?.source, .expect)
        // The monitor travels with db_down: its syscalls are trapped in db.
        let cell = try XCTUnwrap(plan.test(named: "test_matrix_health_check_db_down"))
        XCTAssertEqual(cell.monitors.map { plan.monitors[$0].callable.name }, ["check_no_db_traffic"])
        XCTAssertEqual(cell.traps(for: "db")?.syscalls, ["pread64", "preadv", "preadv2", "read", "readv"])
        // def test_flaky_writes -> flaky_writes -> fault(db, write=...): found statically.
        let flaky = try XCTUnwrap(plan.test(named: "test_flaky_writes"))
        XCTAssertEqual(flaky.dynamic.faults.first?.target, "db")
        XCTAssertEqual(flaky.dynamic.faults.first?.keywords, ["write"])
        XCTAssertEqual(flaky.traps(for: "db")?.syscalls, ["pwrite64", "pwritev", "pwritev2", "write", "writev"])
        XCTAssertFalse(flaky.traps(for: "db")?.wholeFaultableSet ?? true)
        XCTAssertEqual(flaky.traps(for: "api")?.syscalls, [])
    }

    func testServicesGetAddressesOfEveryInterface() throws {
        let plan = try load("scenario-test")
        let api = try XCTUnwrap(plan.service(named: "api"))
        let env = Dictionary(api.env.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(env["DB_ADDR"], "localhost:5432")
        XCTAssertEqual(env["FAULTBOX_DB_MAIN_ADDR"], "localhost:5432")
        XCTAssertEqual(env["FAULTBOX_DB_MAIN_HOST"], "localhost")
        XCTAssertEqual(env["FAULTBOX_DB_MAIN_PORT"], "5432")
        XCTAssertEqual(env["FAULTBOX_API_PUBLIC_PORT"], "8080")
        XCTAssertEqual(api.executable, Fixtures.examples + "/bin/mock-api")
        XCTAssertEqual(api.variable, "api")
        XCTAssertEqual(api.definedIn, Fixtures.examples + "/scenario-test.star")
        XCTAssertEqual(api.healthcheck?.path, "/health")
        XCTAssertEqual(api.healthcheck?.timeout.nanoseconds, 10_000_000_000)
    }
}
