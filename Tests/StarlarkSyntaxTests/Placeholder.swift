import XCTest
final class StarlarkSyntaxTestsPlaceholder: XCTestCase { func testNothingYet() {} }
