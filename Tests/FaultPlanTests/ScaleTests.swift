import FaultPlan
import SpecLowering
import XCTest

/// A spec of 100 scenarios x 50 assumptions (generated here) compiles into 5,000 cells in
/// declaration order, each trapping only its assumption's syscalls.
final class ScaleTests: XCTestCase {
    static func spec(scenarios: Int, faults: Int) -> String {
        let families = ["write", "read", "open", "fsync", "sendto", "recvfrom", "connect"]
        var s = """
            db = service("db", "bin/mock-db", interface("main", "tcp", 5432))
            api = service("api", "bin/mock-api", interface("public", "http", 8080), depends_on = [db])

            """
        for i in 0..<scenarios { s += "def s\(i)():\n    return api.get(path = \"/k\(i)\")\n" }
        for j in 0..<faults {
            s += "f\(j) = fault_assumption(\"f\(j)\", target = \(j % 2 == 0 ? "api" : "db"), "
                + "\(families[j % families.count]) = deny(\"EIO\"))\n"
        }
        s += "fault_matrix(scenarios = [" + (0..<scenarios).map { "s\($0)" }.joined(separator: ", ") + "],\n"
        s += "    faults = [" + (0..<faults).map { "f\($0)" }.joined(separator: ", ") + "])\n"
        return s
    }

    func testHundredScenariosTimesFiftyAssumptions() throws {
        let dir = try Fixtures.tempDirectory(self)
        try Self.spec(scenarios: 100, faults: 50).write(toFile: dir + "/big.star", atomically: true, encoding: .utf8)
        let start = ContinuousClock.now
        let plan = try loadSpec(path: "big.star", options: Fixtures.options(dir)).plan
        let elapsed = ContinuousClock.now - start
        print("ScaleTests: 5000 cells loaded in \(elapsed)")
        XCTAssertEqual(plan.cellCount, 5000)
        XCTAssertEqual(plan.tests.count, 5000)
        XCTAssertEqual(plan.tests.first?.name, "test_matrix_s0_f0")
        XCTAssertEqual(plan.tests[1].name, "test_matrix_s0_f1")
        XCTAssertEqual(plan.tests.last?.name, "test_matrix_s99_f49")
        let cell = try XCTUnwrap(plan.test(named: "test_matrix_s7_f3"))
        XCTAssertEqual(cell.traps(for: "db")?.syscalls, ["fdatasync", "fsync"])
        XCTAssertEqual(cell.traps(for: "api")?.syscalls, [])
        // Rendering the whole plan stays proportional too.
        let text = PlanText.cells(plan)
        XCTAssertTrue(text.hasPrefix("tests (5000, 5000 matrix cells):"))
    }
}
