import Generator
import XCTest

final class SourceBindingsTests: XCTestCase {
    let spec = """
        BIN = "bin"
        database = service("orders-db", BIN + "/mock-db",
            interface("main", "tcp", 5432),
        )
        frontend = service(
            "orders-api", BIN + "/mock-api",
        )
        helpers = [service("side", "x")]
        def order_flow():
            return frontend.get(path="/")
        """

    func testFindsTheVariableAtTheCallOrAbove() {
        XCTAssertEqual(SourceBindings.serviceVariable(in: spec, line: 2, serviceName: "orders-db"), "database")
        XCTAssertEqual(SourceBindings.serviceVariable(in: spec, line: 6, serviceName: "orders-api"), "frontend")
        // Wrong line: falls back to the unique `X = service("name"` in the file.
        XCTAssertEqual(SourceBindings.serviceVariable(in: spec, line: 99, serviceName: "orders-db"), "database")
        XCTAssertNil(SourceBindings.serviceVariable(in: spec, line: 8, serviceName: "side"))
    }

    func testTopLevelFunctions() {
        XCTAssertTrue(SourceBindings.definesTopLevelFunction("order_flow", in: spec))
        XCTAssertFalse(SourceBindings.definesTopLevelFunction("order", in: spec))
        XCTAssertFalse(SourceBindings.definesTopLevelFunction("get", in: spec))
    }
}
