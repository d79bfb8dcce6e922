import XCTest
final class FaultPlanTestsPlaceholder: XCTestCase { func testNothingYet() {} }
