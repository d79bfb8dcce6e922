import XCTest
final class ReportsTestsPlaceholder: XCTestCase { func testNothingYet() {} }
