import Durations
import XCTest

/// The one parser of Go-syntax durations, read by specs, `run --fault` and `test --timeout`.
final class GoDurationTests: XCTestCase {
    func ns(_ s: String) -> UInt64? { if case .success(let v) = GoDuration.parse(s) { return v }; return nil }

    func testGoDurations() {
        XCTAssertEqual(ns("500ms"), 500_000_000)
        XCTAssertEqual(ns("1m30s"), 90_000_000_000)
        XCTAssertEqual(ns("1.5h"), 5_400_000_000_000)
        XCTAssertEqual(ns("2h45m"), 9_900_000_000_000)
        XCTAssertEqual(ns("1.5ms"), 1_500_000)
        XCTAssertEqual(ns("250us"), 250_000)
        XCTAssertEqual(ns("250µs"), 250_000)
        XCTAssertEqual(ns("0"), 0)
        XCTAssertEqual(ns("+3ns"), 3)
        for bad in ["", "5", "5 s", "5sec", "-1s", "1..5s", "s", ".s", "1e9s", "99999999999h"] {
            XCTAssertNil(ns(bad), bad)
        }
        XCTAssertEqual(GoDuration.format(90_000_000_000), "1m30s")
        XCTAssertEqual(GoDuration.format(5_000_000), "5ms")
    }

    /// Where the three former copies disagreed, Go's rules win: a leading `+`, the Greek
    /// mu (U+03BC) as well as the micro sign (U+00B5), and nothing at or past Go's int64
    /// limit (~292 years), which the `--fault` copy let through up to 1.8e19 ns.
    func testCasesTheOldCopiesDisagreedOn() {
        XCTAssertEqual(ns("+1ms"), 1_000_000)
        XCTAssertEqual(ns("7μs"), 7_000)
        XCTAssertEqual(ns("7µs"), 7_000)
        XCTAssertEqual(ns("2000000h"), 7_200_000_000_000_000_000)
        XCTAssertNil(ns("3000000h"))
        XCTAssertNil(ns("٣s"), "only ASCII digits are numbers")
        guard case .failure(let error) = GoDuration.parse("3000000h") else { return XCTFail("accepted") }
        XCTAssertEqual(error.reason, "duration too large")
    }
}
