import Foundation
import XCTest

/// Base of the suites that run specs over a small topology of their own: each test gets a
/// fresh work directory holding `topology.star` (the subclass's `topology`), and no service
/// may outlive the test.
class TopologyTestCase: XCTestCase {
    var harness: FaultboxHarness!

    /// The `topology.star` of the suite (its own ports keep suites apart).
    class var topology: String { "" }

    override func setUpWithError() throws {
        harness = try FaultboxHarness.make()
        try harness.write("topology.star", Self.topology)
    }

    override func tearDown() {
        XCTAssertEqual(processes(startedFrom: harness.workDirectory), [], "services left running")
        harness.cleanUp()
    }
}
