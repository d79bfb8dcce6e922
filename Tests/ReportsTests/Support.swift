import Foundation
import XCTest
@testable import Reports

/// The repository root, from this file's path (Tests/ReportsTests/Support.swift).
/// Symlinks are resolved: an iteration package may link these sources from elsewhere.
let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Compares `actual` with golden/reports/<name>. With FAULTBOX_RECORD=1 the file is
/// (re)written and the test fails, so a recording run is never mistaken for a passing one.
func assertGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    let url = repositoryRoot.appendingPathComponent("golden/reports/\(name)")
    if ProcessInfo.processInfo.environment["FAULTBOX_RECORD"] == "1" {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? Data(actual.utf8).write(to: url)
        XCTFail("recorded \(url.path); run again without FAULTBOX_RECORD to check it", file: file, line: line)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("missing golden file \(url.path); record it with FAULTBOX_RECORD=1", file: file, line: line)
        return
    }
    if expected != actual {
        XCTFail("output differs from \(url.path)\n--- expected\n\(expected)\n--- actual\n\(actual)", file: file, line: line)
    }
}

/// The seed's matrix: order_flow under the six generated faults.
let seedFaults = ["db_down", "db_slow", "db_connection_reset", "disk_io_error", "disk_full", "fsync_failure"]
let seedDurations: [Double] = [212, 5215, 210.4, 209.6, 208, 210]

func seedLayout(id: Int = 1) -> MatrixLayout {
    var cells: [String: String] = [:]
    for fault in seedFaults { cells[MatrixLayout.key(scenario: "order_flow", fault: fault)] = "test_matrix_order_flow_\(fault)" }
    return MatrixLayout(id: id, scenarios: ["order_flow"], faults: seedFaults, cellTest: cells)
}

func seedOutcomes(spec: String = "order_flow.faults.star", matrixID: Int = 1) -> [TestOutcome] {
    zip(seedFaults, seedDurations).map { fault, ms in
        TestOutcome(name: "test_matrix_order_flow_\(fault)", specFile: spec, scenario: "order_flow", fault: fault,
                    matrixID: matrixID, passed: true, durationMs: ms, seed: 0,
                    replay: "faultbox test \(spec) --test test_matrix_order_flow_\(fault) --seed 0")
    }
}
