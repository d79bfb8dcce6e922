import Foundation
import XCTest

/// Base of the suites that run bench/cells' 20-cell matrix (`matrix20.star`, the demo
/// services under five faults): a fresh work directory holding it, and no service may
/// outlive the test. Services of `--jobs` cells die with their worker's PID namespace, which
/// the kernel tears down a moment after the run returns, so the check waits for that first.
class MatrixTestCase: XCTestCase {
    var harness: FaultboxHarness!

    override func setUpWithError() throws {
        harness = try FaultboxHarness.make()
        let matrix = FaultboxHarness.packageRoot() + "/bench/cells/matrix20.star"
        try harness.write("matrix20.star", try String(contentsOfFile: matrix, encoding: .utf8))
    }

    override func tearDown() {
        for _ in 0..<100 where !processes(startedFrom: harness.workDirectory).isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }
}
