import Trace
import XCTest

final class EventFilterTests: XCTestCase {
    func syscall(_ service: String, _ name: String, path: String? = nil, decision: String = "allow") -> TraceEvent {
        var fields: [(key: String, value: String)] = [("syscall", name), ("decision", decision)]
        if let path { fields.append(("path", path)) }
        return TraceEvent(timeNanos: 1, kind: .syscall, eventType: "syscall." + name, service: service, fields: fields)
    }

    func testGlobShapes() {
        XCTAssertTrue(GlobPattern("deny*").matches("deny(EIO)"))
        XCTAssertFalse(GlobPattern("deny*").matches("allow"))
        XCTAssertTrue(GlobPattern("*.wal").matches("/tmp/inventory.wal"))
        XCTAssertFalse(GlobPattern("*.wal").matches("/tmp/inventory.wal.bak"))
        XCTAssertTrue(GlobPattern("*wal*").matches("/tmp/inventory.wal.bak"))
        XCTAssertTrue(GlobPattern("*").matches(""))
        XCTAssertTrue(GlobPattern("write").matches("write"))
        XCTAssertFalse(GlobPattern("write").matches("writev"))
    }

    func testQueryUsesEveryCondition() {
        let store = TraceStore()
        store.append(syscall("db", "write", path: "/tmp/a.wal"))
        store.append(syscall("db", "write", path: "/tmp/a.log"))
        store.append(syscall("api", "write", path: "/tmp/a.wal"))
        store.append(syscall("db", "fsync", decision: "deny(EIO)"))
        let wal = store.query(EventFilter([("service", "db"), ("syscall", "write"), ("path", "*.wal")]))
        XCTAssertEqual(wal.map(\.seq), [1])
        XCTAssertEqual(store.query(EventFilter([("path", "*.wal")])).map(\.seq), [1, 3])
        XCTAssertEqual(store.query(EventFilter([("service", "db"), ("decision", "deny*")])).map(\.seq), [4])
        // A condition on a field the event lacks never matches.
        XCTAssertEqual(store.query(EventFilter([("syscall", "fsync"), ("path", "*")])).count, 0)
        XCTAssertEqual(store.events(after: 2).map(\.seq), [3, 4])
    }

    func testFieldsFallBackToDecodedData() {
        let e = TraceEvent(timeNanos: 1, kind: .stdout, eventType: "stdout", service: "api",
                           fields: [("line", "raw text")],
                           data: .object([("level", .string("ERROR")), ("code", .int(500)), ("ok", .bool(false)),
                                          ("ratio", .double(0.5)), ("none", .null), ("line", .string("from data")),
                                          ("nested", .object([("x", .int(1))])), ("list", .list([]))]))
        XCTAssertEqual(e.field("level"), "ERROR")
        XCTAssertEqual(e.field("code"), "500")
        XCTAssertEqual(e.field("ok"), "False")
        XCTAssertEqual(e.field("ratio"), "0.5")
        XCTAssertEqual(e.field("none"), "None")
        XCTAssertEqual(e.field("line"), "raw text")  // string fields win
        XCTAssertNil(e.field("nested"))
        XCTAssertNil(e.field("list"))
        XCTAssertNil(e.field("missing"))
        XCTAssertTrue(EventFilter([("type", "stdout"), ("level", "ERROR")]).matches(e))
        XCTAssertTrue(EventFilter([("code", "5*")]).matches(e))
        XCTAssertFalse(EventFilter([("level", "INFO")]).matches(e))
        // Data that is not an object has no keys.
        let listData = TraceEvent(timeNanos: 1, kind: .stdout, eventType: "stdout", service: "api", data: .list([.int(1)]))
        XCTAssertNil(listData.field("0"))
    }

    func testFloatTextIsStarlarks() {
        XCTAssertEqual(TraceData.double(1e20).fieldText, "1e+20")
        XCTAssertEqual(TraceData.double(1e-5).fieldText, "1e-05")
        XCTAssertEqual(TraceData.double(3).fieldText, "3.0")
        XCTAssertEqual(TraceData.double(-.infinity).fieldText, "-inf")
        XCTAssertEqual(TraceData.bool(true).fieldText, "True")
    }
}
