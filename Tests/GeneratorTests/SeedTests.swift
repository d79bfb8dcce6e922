@testable import Generator
import XCTest
import TestSupport

/// The chapter's own example: scenario-test.star -> order_flow.faults.star.
final class SeedTests: XCTestCase {
    /// The seed's generated file below its first line, with the layout restored
    /// (the chapter's text lost its indentation and blank lines).
    static let seedBody = """
        load("scenario-test.star", "api", "db", "order_flow")

        # --- Fault Assumptions ---

        # network faults
        db_down = fault_assumption("db_down",
            target = api,
            connect = deny("ECONNREFUSED"),
        )

        db_slow = fault_assumption("db_slow",
            target = api,
            connect = delay("5s"),
        )

        db_connection_reset = fault_assumption("db_connection_reset",
            target = api,
            read = deny("ECONNRESET"),
        )

        # disk faults
        disk_io_error = fault_assumption("disk_io_error",
            target = db,
            write = deny("EIO"),
        )

        disk_full = fault_assumption("disk_full",
            target = db,
            write = deny("ENOSPC"),
        )

        fsync_failure = fault_assumption("fsync_failure",
            target = db,
            fsync = deny("EIO"),
        )

        # --- Fault Matrix ---

        fault_matrix(
            scenarios = [order_flow],
            faults = [db_down, db_slow, db_connection_reset, disk_io_error, disk_full, fsync_failure],
        )

        # --- Network Partitions ---

        def test_order_flow_db_partition():
            \"\"\"order_flow with network partition between api and db.\"\"\"
            partition(api, db, run=order_flow)

        """

    func testSeedFileMatchesGolden() throws {
        let files = try Fixtures.generate(Fixtures.seed)
        XCTAssertEqual(files.map(\.fileName), ["order_flow.faults.star"])
        XCTAssertEqual(files[0].path, "/specs/order_flow.faults.star")
        Golden.check(files[0].text, "order_flow.faults.star")
    }

    func testSeedBodyIsTheChaptersText() throws {
        let text = try Fixtures.generate(Fixtures.seed)[0].text
        XCTAssertTrue(text.hasPrefix("# order_flow.faults.star (generated)\n"))
        XCTAssertEqual(Fixtures.body(text), Self.seedBody)
    }

    func testDryRunPrintsTheSeedsCounts() throws {
        let proposals = try FaultGenerator.proposals(for: Fixtures.seed)
        XCTAssertEqual(FaultGenerator.dryRunSummary(proposals, input: Fixtures.seed), """
            order_flow × api: 4 mutations
            order_flow × db: 3 mutations
            Total: 7 mutations

            """)
    }

    func testSameSpecGivesSameBytes() throws {
        let a = try Fixtures.generate(Fixtures.seed)[0].text
        let b = try Fixtures.generate(Fixtures.seed)[0].text
        XCTAssertEqual(a, b)
    }

    func testHeaderRecordsAHashThatDetectsEdits() throws {
        let text = try Fixtures.generate(Fixtures.seed)[0].text
        XCTAssertEqual(GeneratedHeader.parse(text)?.unedited, true)
        XCTAssertEqual(GeneratedHeader.parse(text)?.definitions.map(\.name), [
            "db_down", "db_slow", "db_connection_reset", "disk_io_error", "disk_full", "fsync_failure",
            "test_order_flow_db_partition",
        ])
        let edited = text.replacingOccurrences(of: "delay(\"5s\")", with: "delay(\"2s\")")
        XCTAssertEqual(GeneratedHeader.parse(edited)?.unedited, false)
        XCTAssertNil(GeneratedHeader.parse(Self.seedBody))
    }

    /// The plan helper keeps the chapter's generated file in examples/; the generator
    /// must produce the same text below the header, or the two have drifted apart.
    func testAgreesWithTheExampleInTheRepository() throws {
        let example = Golden.root + "../../examples/order_flow.faults.star"
        guard let text = try? String(contentsOfFile: example, encoding: .utf8) else {
            throw cannotRun("examples/order_flow.faults.star is missing", fix: "restore it from git (git checkout examples/order_flow.faults.star)")
        }
        let generated = try Fixtures.generate(Fixtures.seed, outputDirectory: "/specs")[0].text
        XCTAssertEqual(Fixtures.body(generated), Fixtures.body(text))
    }
}
