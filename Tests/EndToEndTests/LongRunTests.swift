import Foundation
import XCTest

/// A long run keeps nothing per cell (issue 12, section 5): faultbox's descriptors, threads
/// and memory after cell 20 and cell 120 of one serial run of bench/cells/matrix20.star
/// (FAULTBOX_SAMPLE_CELLS makes faultbox print them). bench/leaks.sh does the same at 500.
final class LongRunTests: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws { harness = try FaultboxHarness.make() }

    override func tearDown() {
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }

    func testHundredCellsKeepDescriptorsThreadsAndMemoryFlat() throws {
        let matrix = try String(contentsOfFile: FaultboxHarness.packageRoot() + "/bench/cells/matrix20.star", encoding: .utf8)
        try harness.write("matrix20.star", matrix)
        let r = try harness.run(["test", "matrix20.star", "--test", "test_matrix_*", "--runs", "6"],
                                environment: ["FAULTBOX_SAMPLE_CELLS": "20,120"])
        XCTAssertEqual(r.status, 0, r.all)
        let samples = r.stderr.split(separator: "\n").filter { $0.hasPrefix("faultbox: after cell ") }.map(Self.fields)
        guard samples.count == 2 else { return XCTFail("expected samples after cells 20 and 120: \(r.stderr)") }
        let (early, late) = (samples[0], samples[1])
        XCTAssertEqual(late["fds"], early["fds"], "descriptors left open by 100 cells: \(samples)")
        XCTAssertEqual(late["threads"], early["threads"], "threads left running by 100 cells: \(samples)")
        // Before the fix each cell kept its trace, session and context: +3.3 MB here. What a
        // console-only run must keep is each cell's verdict, about 2 KB.
        let growth = (late["rss_kb"] ?? 0) - (early["rss_kb"] ?? 0)
        XCTAssertLessThan(growth, 1500, "RSS grew \(growth) KB over 100 cells: \(samples)")
    }

    /// `faultbox: after cell 20: fds=16 threads=6 rss_kb=27876` -> ["fds": 16, ...]
    static func fields(_ line: Substring) -> [String: Int] {
        var out: [String: Int] = [:]
        for pair in line.split(separator: " ") {
            let kv = pair.split(separator: "=")
            if kv.count == 2, let value = Int(kv[1]) { out[String(kv[0])] = value }
        }
        return out
    }
}
