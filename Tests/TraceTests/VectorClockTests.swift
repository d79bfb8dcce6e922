import Trace
import XCTest

/// A small two-service trace: the test calls api, api connects to db, db accepts.
enum SampleTrace {
    static func sys(_ seq: Int, _ service: String, _ name: String, _ extra: [(key: String, value: String)] = [],
                    decision: String = "allow") -> TraceEvent {
        TraceEvent(seq: seq, timeNanos: UInt64(seq) * 1000, kind: .syscall, eventType: "syscall." + name, service: service,
                   fields: [("syscall", name), ("pid", "\(4000 + seq)"), ("decision", decision)] + extra)
    }

    static var events: [TraceEvent] {
        [
            TraceEvent(seq: 1, timeNanos: 1, kind: .lifecycle, eventType: "lifecycle.started", service: "db", fields: [("phase", "started"), ("pid", "4001")]),
            TraceEvent(seq: 2, timeNanos: 2, kind: .lifecycle, eventType: "lifecycle.started", service: "api", fields: [("phase", "started")]),
            TraceEvent(seq: 3, timeNanos: 3, kind: .stepSend, eventType: "step_send.api", service: "api", fields: [("method", "POST"), ("path", "/data/k")]),
            sys(4, "api", "accept4"),
            sys(5, "api", "connect", [("addr", "127.0.0.1:5432")]),
            sys(6, "db", "write", [("path", "/tmp/x.wal")]),
            sys(7, "db", "accept"),
            sys(8, "db", "write", [("path", "/tmp/x.wal")]),
            sys(9, "api", "connect", [("addr", "127.0.0.1:5432")], decision: "deny(ECONNREFUSED)"),
            sys(10, "db", "accept"),
            sys(11, "api", "connect", [("addr", "127.0.0.1:9999")]),
            TraceEvent(seq: 12, timeNanos: 12, kind: .stepRecv, eventType: "step_recv.api", service: "api",
                       fields: [("status", "200"), ("duration_ms", "12")]),
        ]
    }
    static let ports = [5432: "db", 8080: "api"]
}

final class VectorClockTests: XCTestCase {
    func testClocksFollowCallsAndConnects() {
        let clocks = VectorClocks.compute(events: SampleTrace.events, portOwners: SampleTrace.ports)
        XCTAssertEqual(clocks, [
            ["db": 1],
            ["api": 1],
            ["test": 1],                          // step_send.api
            ["api": 2, "test": 1],                // api's next event receives the call
            ["api": 3, "test": 1],                // connect to db's port: a message to db
            ["db": 2],                            // an unrelated write: no merge
            ["db": 3, "api": 3, "test": 1],       // the accept receives the connect
            ["db": 4, "api": 3, "test": 1],
            ["api": 4, "test": 1],                // a refused connect sends nothing
            ["db": 5, "api": 3, "test": 1],       // so this accept merges nothing new
            ["api": 5, "test": 1],                // a port no service owns
            ["test": 2, "api": 5],                // step_recv merges api's clock
        ])
    }

    func testLanesAndTargets() {
        let send = SampleTrace.events[2]
        XCTAssertEqual(VectorClocks.lane(of: send), "test")
        XCTAssertEqual(VectorClocks.stepTarget(of: send), "api")
        let onTestLane = TraceEvent(timeNanos: 1, kind: .stepSend, eventType: "step_send.db", service: "test")
        XCTAssertEqual(VectorClocks.stepTarget(of: onTestLane), "db")
        XCTAssertEqual(VectorClocks.port(of: "[::1]:8080"), 8080)
        XCTAssertEqual(VectorClocks.port(of: "localhost:5432"), 5432)
        XCTAssertNil(VectorClocks.port(of: "/run/db.sock"))
        XCTAssertNil(VectorClocks.port(of: "host:99999"))
    }
}
