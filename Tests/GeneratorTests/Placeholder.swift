import XCTest
final class GeneratorTestsPlaceholder: XCTestCase { func testNothingYet() {} }
