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
}
