import Runner
import XCTest

/// `--test PATTERN` and `--timeout D` parsing (no processes).
final class SelectionTests: XCTestCase {
    let tests = [
        SelectableTest(name: "test_order_flow"),
        SelectableTest(name: "test_matrix_order_flow_db_down", matrixRow: "test_matrix_order_flow"),
        SelectableTest(name: "test_matrix_order_flow_disk_full", matrixRow: "test_matrix_order_flow"),
        SelectableTest(name: "test_matrix_health_check_db_down", matrixRow: "test_matrix_health_check"),
        SelectableTest(name: "test_order_flow_db_partition"),
    ]

    func select(_ patterns: [String]) throws -> [String] {
        try TestSelection.select(tests, patterns: patterns).map { tests[$0].name }
    }

    func testEveryFormOfPattern() throws {
        XCTAssertEqual(try select([]).count, 5)
        XCTAssertEqual(try select(["test_order_flow"]), ["test_order_flow"])
        XCTAssertEqual(try select(["order_flow"]), ["test_order_flow"])
        XCTAssertEqual(try select(["*db_down"]), ["test_matrix_order_flow_db_down", "test_matrix_health_check_db_down"])
        XCTAssertEqual(try select(["matrix_*_disk_full"]), ["test_matrix_order_flow_disk_full"])
        XCTAssertEqual(try select(["~partition$"]), ["test_order_flow_db_partition"])
        XCTAssertEqual(try select(["test_matrix_order_flow"]),
                       ["test_matrix_order_flow_db_down", "test_matrix_order_flow_disk_full"])
        XCTAssertEqual(try select(["matrix_health_check"]), ["test_matrix_health_check_db_down"])
        // Union, in declaration order, whatever the order of the patterns.
        XCTAssertEqual(try select(["~partition", "order_flow"]), ["test_order_flow", "test_order_flow_db_partition"])
    }

    func testNoMatchListsTheTests() {
        XCTAssertThrowsError(try select(["test_nope"])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("--test test_nope: no test matches"), text)
            XCTAssertTrue(text.contains("  test_matrix_order_flow   (matrix row"), text)
            XCTAssertTrue(text.contains("  test_order_flow_db_partition"), text)
            XCTAssertFalse(text.contains("Did you mean"), "nothing contains 'nope': \(text)")
        }
        // A bare fault name is the commonest near miss: the message offers the glob.
        XCTAssertThrowsError(try select(["db_down"])) { error in
            XCTAssertTrue("\(error)".contains("Did you mean --test '*db_down*'?"), "\(error)")
        }
        XCTAssertThrowsError(try select(["~(unclosed"])) { error in
            XCTAssertTrue("\(error)".contains("invalid regular expression"), "\(error)")
        }
    }

    func testTimeoutDurations() throws {
        XCTAssertEqual(try DurationFlag.parse("60s", flag: "--timeout"), .seconds(60))
        XCTAssertEqual(try DurationFlag.parse("1m30s", flag: "--timeout"), .seconds(90))
        XCTAssertEqual(try DurationFlag.parse("500ms", flag: "--timeout"), .milliseconds(500))
        XCTAssertEqual(try DurationFlag.parse("1.5s", flag: "--timeout"), .milliseconds(1500))
        XCTAssertEqual(try DurationFlag.parse("2", flag: "--timeout"), .seconds(2))
        XCTAssertEqual(try DurationFlag.parse("+2s", flag: "--timeout"), .seconds(2), "a spec's duration syntax")
        for bad in ["", "abc", "10x", "-5s", "0s", "1e400s", "99999999h", "s"] {
            XCTAssertThrowsError(try DurationFlag.parse(bad, flag: "--timeout"), bad) { error in
                XCTAssertTrue("\(error)".hasPrefix("--timeout \(bad):"), "\(error)")
            }
        }
    }
}
