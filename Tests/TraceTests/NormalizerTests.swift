import Trace
import XCTest

final class NormalizerTests: XCTestCase {
    /// One run's trace; `pid`, `port`, `run`, `inode` and the times are what changes between runs.
    func run(pid: Int, port: Int, run: String, inode: Int, time: UInt64, status: String = "200") -> [TraceEvent] {
        [
            TraceEvent(seq: 1, timeNanos: time, kind: .lifecycle, eventType: "lifecycle.started", service: "db",
                       fields: [("phase", "started"), ("pid", "\(pid)")]),
            TraceEvent(seq: 2, timeNanos: time + 5, kind: .syscall, eventType: "syscall.openat", service: "db",
                       fields: [("syscall", "openat"), ("pid", "\(pid)"), ("tid", "\(pid + 1)"), ("decision", "allow"),
                                ("path", "\(run)/db/data.wal"), ("latency_ns", "\(time % 977)")]),
            TraceEvent(seq: 3, timeNanos: time + 9, kind: .syscall, eventType: "syscall.write", service: "db",
                       fields: [("syscall", "write"), ("pid", "\(pid)"), ("decision", "deny(EIO)"), ("label", "wal down"),
                                ("path", "socket:[\(inode)]"), ("size", "12")]),
            TraceEvent(seq: 4, timeNanos: time + 11, kind: .syscall, eventType: "syscall.connect", service: "api",
                       fields: [("syscall", "connect"), ("decision", "allow"), ("addr", "127.0.0.1:5432"),
                                ("path", "/proc/\(pid)/fd/7 pipe:[\(inode + 1)]")]),
            TraceEvent(seq: 5, timeNanos: time + 12, kind: .syscall, eventType: "syscall.accept4", service: "db",
                       fields: [("syscall", "accept4"), ("decision", "allow"), ("addr", "127.0.0.1:\(port)")]),
            TraceEvent(seq: 6, timeNanos: time + 13, kind: .stdout, eventType: "stdout", service: "db",
                       fields: [("line", "2026-03-25T19:15:07.547Z listening on [::1]:\(port) in \(run)")]),
            TraceEvent(seq: 7, timeNanos: time + 20, kind: .stepRecv, eventType: "step_recv.api", service: "api",
                       fields: [("method", "POST"), ("path", "/orders"), ("status", status), ("duration_ms", "\(time % 13)"),
                                ("body", "bad \"input\"\nline 2")]),
        ]
    }

    /// Lanes (a service's calls, its stdout, the spec's calls) keep their own order; between
    /// lanes the order is the scheduler's, so the same run interleaved differently
    /// normalises to the same text.
    func testLanesMakeInterleavingIrrelevant() {
        let events = run(pid: 1, port: 40000, run: "/r", inode: 1, time: 1)
        var swapped = events
        swapped.swapAt(3, 5)   // api's connect and db's stdout line reach the store in the other order
        XCTAssertEqual(TraceNormalizer.normalize(test: "t", events: events, runDirectory: "/r", knownPorts: [5432]),
                       TraceNormalizer.normalize(test: "t", events: swapped, runDirectory: "/r", knownPorts: [5432]))
        var reordered = events
        reordered.swapAt(1, 2)  // two calls of one service in the other order: a real difference
        XCTAssertNotEqual(TraceNormalizer.normalize(test: "t", events: events, runDirectory: "/r", knownPorts: [5432]),
                          TraceNormalizer.normalize(test: "t", events: reordered, runDirectory: "/r", knownPorts: [5432]))
    }

    func testRunDependentPartsAreGone() {
        let text = TraceNormalizer.normalize(test: "test_orders", events: run(pid: 4242, port: 43120, run: "/tmp/fb-run-8812", inode: 991, time: 123_456),
                                             runDirectory: "/tmp/fb-run-8812/", knownPorts: [5432, 8080])
        XCTAssertEqual(text, """
        === test_orders
        api syscall syscall.connect addr=127.0.0.1:5432 decision=allow path="/proc/<pid>/fd/7 pipe:[*]" syscall=connect
        api step_recv step_recv.api body="bad \\"input\\"\\nline 2" method=POST path=/orders status=200
        db lifecycle lifecycle.started phase=started
        db syscall syscall.openat decision=allow path=<run>/db/data.wal syscall=openat
        db syscall syscall.write decision=deny(EIO) label="wal down" path=socket:[*] size=12 syscall=write
        db syscall syscall.accept4 addr=127.0.0.1:<port> decision=allow syscall=accept4
        db stdout stdout line="<time> listening on [::1]:<port> in <run>"

        """)
        for word in ["4242", "43120", "fb-run", "991", "123456"] { XCTAssertFalse(text.contains(word), word) }
    }

    func testTwoRunsNormaliseIdenticallyAndARealDifferenceStays() {
        func norm(_ events: [TraceEvent], _ dir: String) -> String {
            TraceNormalizer.normalize(test: "t", events: events, runDirectory: dir, knownPorts: [5432])
        }
        let a = norm(run(pid: 100, port: 40001, run: "/tmp/r1", inode: 5, time: 1), "/tmp/r1")
        let b = norm(run(pid: 99_999, port: 51234, run: "/var/tmp/other", inode: 77_777, time: 987_654_321), "/var/tmp/other")
        XCTAssertEqual(a, b)
        let c = norm(run(pid: 100, port: 40001, run: "/tmp/r1", inode: 5, time: 1, status: "500"), "/tmp/r1")
        XCTAssertNotEqual(a, c)
        XCTAssertTrue(c.contains("status=500"))
    }

    func testWithoutKnownPortsOnlyEphemeralOnesAreHidden() {
        let n = TraceNormalizer()
        XCTAssertEqual(n.value("127.0.0.1:8080 127.0.0.1:40000 10.0.0.1:32768"), "127.0.0.1:8080 127.0.0.1:<port> 10.0.0.1:<port>")
        // Times of day and version numbers are not addresses.
        XCTAssertEqual(n.value("at 12:34:56 v1.2.3.4"), "at 12:34:56 v1.2.3.4")
    }

    func testFieldsSortedAndValuesQuoted() {
        let e = TraceEvent(timeNanos: 1, kind: .violation, eventType: "violation", service: "test",
                           fields: [("monitor", "no errors"), ("b", ""), ("a", "x=y"), ("c", "tab\there\u{1}")])
        XCTAssertEqual(TraceNormalizer().line(e), #"test violation violation a="x=y" b="" c="tab\there\x01" monitor="no errors""#)
        XCTAssertEqual(TraceNormalizer.header("odd\nname"), "=== odd name")
    }
}
