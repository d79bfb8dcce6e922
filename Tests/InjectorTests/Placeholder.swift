import XCTest
final class InjectorTestsPlaceholder: XCTestCase { func testNothingYet() {} }
