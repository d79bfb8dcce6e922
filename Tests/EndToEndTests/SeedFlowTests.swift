import Foundation
import XCTest
import TestSupport

/// The chapter's flow, run for real: `faultbox test` on the seed's files with the demo
/// services under the injector.
final class SeedFlowTests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws {
        harness = try FaultboxHarness.make()
        try harness.write("scenario-test.star", SeedSpecs.scenarioTest)
    }

    override func tearDown() {
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }

    func testScenarioTestPassesLikeTheChapter() throws {
        let r = try harness.run(["test", "scenario-test.star"])
        XCTAssertEqual(r.status, 0, r.all)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("--- PASS: test_order_flow (") && $0.hasSuffix("ms, seed=0) ---") }, r.all)
        XCTAssertEqual(lines.last, "1 passed, 0 failed", r.all)
    }

    func testGeneratedMatrixSixCellsAndPartition() throws {
        try harness.write("order_flow.faults.star", SeedSpecs.generated)
        let junit = harness.path("report.xml")
        let r = try harness.run(["test", "order_flow.faults.star", "--junit", junit])
        // Every cell of the seed passes ("didn't crash"), and so does the partition test.
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("Fault Matrix: 1 scenarios × 6 faults = 6 cells"), r.all)
        XCTAssertTrue(r.stdout.contains("Result: 6/6 passed"), r.all)
        XCTAssertTrue(r.stdout.contains("--- PASS: test_order_flow_db_partition ("), r.all)
        // The loaded file's scenario(order_flow) registration counts too: 1 + 6 cells + partition.
        XCTAssertEqual(r.stdout.split(separator: "\n").last.map(String.init), "8 passed, 0 failed", r.all)
        // db_slow holds each connect of the api for 5 s: its cell takes at least that long
        // (the cell's time and the hold are both on monotonic clocks, the hold inside the
        // cell). How fast the other cells are is bench/cells.sh's business.
        let row = r.stdout.split(separator: "\n").first { $0.hasPrefix("order_flow ") }.map(String.init) ?? ""
        let times = cellTimes(row)
        XCTAssertEqual(times.count, 6, row)
        if times.count == 6 {
            XCTAssertGreaterThanOrEqual(times[1], 5000, row)
        }
        try XMLSchema.validate(junit)
    }

    func testOverridesAndExcludeFourCells() throws {
        try harness.write("curated.star", SeedSpecs.overrides)
        let r = try harness.run(["test", "curated.star", "--format", "text"])
        XCTAssertEqual(r.status, 0, r.all)
        XCTAssertTrue(r.stdout.contains("Fault Matrix: 1 scenarios × 4 faults = 4 cells"), r.all)
        XCTAssertFalse(r.stdout.contains("fsync_failure"), r.all)
        XCTAssertTrue(r.stdout.contains("Result: 4/4 passed"), r.all)
    }

    func testDryRunStartsNothingAndJSONForTools() throws {
        try harness.write("order_flow.faults.star", SeedSpecs.generated)
        let dry = try harness.run(["test", "order_flow.faults.star", "--dry-run", "--test", "test_matrix_order_flow"])
        XCTAssertEqual(dry.status, 0, dry.all)
        XCTAssertTrue(dry.stdout.contains("6 tests, 6 matrix cells"), dry.all)
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.path("runs")), "a dry run starts nothing")

        let r = try harness.run(["test", "order_flow.faults.star", "--format", "json",
                                 "--test", "order_flow", "--test", "*db_down", "--seed", "7"])
        XCTAssertEqual(r.status, 0, r.all)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let tests = object?["tests"] as? [[String: Any]] ?? []
        XCTAssertEqual(tests.map { $0["name"] as? String }, ["test_order_flow", "test_matrix_order_flow_db_down"], r.stdout)
        XCTAssertEqual(tests.map { $0["seed"] as? Int }, [7, 7])
        XCTAssertTrue(r.stderr.contains("--- PASS: test_order_flow ("), "live lines go to stderr: \(r.stderr)")
    }

    /// The files `make demo` runs, as shipped in examples/ (copied next to the services).
    func testShippedExamplesRunAsInTheDemo() throws {
        let examples = FaultboxHarness.packageRoot() + "/examples"
        for name in ["scenario-test.star", "order_flow.overrides.star"] {
            let text = try String(contentsOfFile: examples + "/" + name, encoding: .utf8)
            try harness.write(name, text)
        }
        let first = try harness.run(["test", "scenario-test.star"])
        XCTAssertEqual(first.status, 0, first.all)
        XCTAssertEqual(first.stdout.split(separator: "\n").last.map(String.init), "1 passed, 0 failed", first.all)
        let curated = try harness.run(["test", "order_flow.overrides.star", "--test", "test_matrix_*"])
        XCTAssertEqual(curated.status, 0, curated.all)
        XCTAssertTrue(curated.stdout.contains("= 4 cells"), curated.all)
        XCTAssertTrue(curated.stdout.contains("Result: 4/4 passed"), curated.all)
    }

    /// "PASS (212ms)" entries of a matrix row, in column order.
    private func cellTimes(_ row: String) -> [Int] {
        let pattern = /(PASS|FAIL) \((\d+)ms\)/
        return row.matches(of: pattern).compactMap { Int($0.output.2) }
    }
}

/// Validation of JUnit files against the schema CI dashboards use.
enum XMLSchema {
    static var xsd: String { FaultboxHarness.packageRoot() + "/../shared/junit/junit.xsd" }

    static func validate(_ file: String) throws {
        guard FileManager.default.fileExists(atPath: xsd) else {
            throw cannotRun("JUnit schema not found at \(xsd)", fix: "check out ../shared beside the repository (it holds junit/junit.xsd)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["xmllint", "--noout", "--schema", xsd, file]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "xmllint: \(message)")
    }
}
