import XCTest
final class StarlarkVMTestsPlaceholder: XCTestCase { func testNothingYet() {} }
