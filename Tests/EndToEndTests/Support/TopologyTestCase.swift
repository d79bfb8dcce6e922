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

extension TopologyTestCase {
    /// The demo db and api with the db's stdout observed through a regex decoder (its log
    /// lines `mock-db: SET -> OK` become program/verb/reply), on the suite's own ports: the
    /// topology of the trace suites.
    static func observedDemo(dbPort: Int, apiPort: Int) -> String {
        """
        db = service("db", "bin/mock-db",
            interface("main", "tcp", \(dbPort)),
            env = {"PORT": "\(dbPort)"},
            healthcheck = tcp("localhost:\(dbPort)"),
            observe = [observe.stdout(decoder = decoder("regex", pattern = r"(?P<program>[\\w-]+): (?P<verb>[A-Z]+) -> (?P<reply>.*)"))],
        )
        api = service("api", "bin/mock-api",
            interface("public", "http", \(apiPort)),
            env = {"PORT": "\(apiPort)", "DB_ADDR": db.main.addr},
            depends_on = [db],
            healthcheck = http("localhost:\(apiPort)/health"),
        )

        """
    }
}
