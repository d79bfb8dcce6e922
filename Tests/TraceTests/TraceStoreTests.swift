import Trace
import XCTest

final class TraceStoreTests: XCTestCase {
    func syscall(_ service: String, _ name: String, decision: String = "allow", path: String? = nil, pid: String = "41") -> TraceEvent {
        var fields: [(key: String, value: String)] = [("syscall", name), ("pid", pid), ("decision", decision)]
        if let path { fields.append(("path", path)) }
        return TraceEvent(timeNanos: 1, kind: .syscall, eventType: "syscall." + name, service: service, fields: fields)
    }

    func testCompactAndBoxedEventsReadBackAsAppended() {
        let store = TraceStore()
        let plain = syscall("db", "write", path: "/tmp/a.wal")
        // Not in the compact vocabulary: an extra field, a pid that does not print back,
        // fields out of order, decoded data.
        let extra = TraceEvent(timeNanos: 2, kind: .syscall, eventType: "syscall.openat", service: "db",
                               fields: [("syscall", "openat"), ("flags", "O_RDONLY")])
        let oddPid = syscall("db", "read", pid: "007")
        let reordered = TraceEvent(timeNanos: 3, kind: .syscall, eventType: "syscall.fsync", service: "db",
                                   fields: [("decision", "deny(EIO)"), ("syscall", "fsync")])
        let line = TraceEvent(timeNanos: 4, kind: .stdout, eventType: "stdout", service: "db",
                              fields: [("line", #"{"syscall":"write"}"#)], data: .object([("syscall", .string("write"))]))
        for e in [plain, extra, oddPid, reordered, line] { store.append(e) }
        store.appendSyscall(service: "api", syscall: "connect", pid: 7, tid: 8, decision: "delay(500ms)", label: "slow",
                            addr: "127.0.0.1:5432", size: nil, latencyNanos: 500_000_000, timeNanos: 9)
        let all = store.all()
        XCTAssertEqual(all.map(\.seq), [1, 2, 3, 4, 5, 6])
        for (got, want) in zip(all, [plain, extra, oddPid, reordered, line]) {
            XCTAssertEqual(got.eventType, want.eventType)
            XCTAssertEqual(got.fields.map(\.key), want.fields.map(\.key))
            XCTAssertEqual(got.fields.map(\.value), want.fields.map(\.value))
            XCTAssertEqual(got.data, want.data)
            XCTAssertEqual(got.timeNanos, want.timeNanos)
        }
        let fast = all[5]
        XCTAssertEqual(fast.fields.map { "\($0.key)=\($0.value)" },
                       ["syscall=connect", "pid=7", "tid=8", "decision=delay(500ms)", "label=slow", "addr=127.0.0.1:5432", "latency_ns=500000000"])
        XCTAssertEqual(fast.eventType, "syscall.connect")
        XCTAssertEqual(fast.timeNanos, 9)
    }

    func testIndexedQueriesFindWhatAScanFinds() {
        let store = TraceStore()
        store.append(syscall("db", "write", path: "/tmp/a.wal"))
        store.append(TraceEvent(timeNanos: 1, kind: .stdout, eventType: "stdout", service: "db",
                                fields: [("line", "x")], data: .object([("syscall", .string("write"))])))
        store.append(syscall("api", "write"))
        store.append(TraceEvent(timeNanos: 1, kind: .lifecycle, eventType: "lifecycle.ready", service: "db", fields: [("phase", "ready")]))
        func seqs(_ pairs: [(String, String)]) -> [Int] { store.query(EventFilter(pairs)).map(\.seq) }
        XCTAssertEqual(seqs([("service", "db"), ("syscall", "write")]), [1, 2])
        XCTAssertEqual(seqs([("syscall", "write")]), [1, 2, 3])
        XCTAssertEqual(seqs([("syscall", "wr*")]), [1, 2, 3])
        XCTAssertEqual(seqs([("type", "lifecycle")]), [4])
        XCTAssertEqual(seqs([("type", "syscall"), ("service", "db")]), [1])
        XCTAssertEqual(seqs([("service", "nobody")]), [])
        XCTAssertEqual(seqs([("type", "wal")]), [])
        XCTAssertEqual(seqs([("event_type", "syscall.write")]), [1, 3])
        XCTAssertEqual(store.query(EventFilter([("syscall", "write")]), limit: 2).map(\.seq), [1, 2])
        XCTAssertEqual(store.first(EventFilter([("phase", "ready")]))?.seq, 4)
        XCTAssertEqual(store.events(after: 3).map(\.seq), [4])
        XCTAssertEqual(store.events(after: 0).count, 4)
        XCTAssertTrue(store.events(after: 9).isEmpty)
    }

    /// Whatever path a query takes (index, prepared conditions over compact records, boxed
    /// events), it answers what EventFilter.matches says over all events.
    func testQueriesAgreeWithPlainMatching() {
        let store = TraceStore()
        let paths = ["/tmp/a.wal", "/tmp/b.log", "socket:[1]"]
        for i in 0..<600 {
            switch i % 6 {
            case 0: store.append(TraceEvent(timeNanos: 1, kind: .stdout, eventType: "stdout", service: i % 12 == 0 ? "db" : "api",
                                            fields: [("line", "l\(i)")], data: .object([("level", .string(i % 4 == 0 ? "ERROR" : "INFO")), ("path", .string("/tmp/x.wal"))])))
            case 1: store.append(syscall("db", "openat", decision: "allow", path: paths[i % 3], pid: "\(i % 5)"))
            default:
                store.appendSyscall(service: ["db", "api"][i % 2], syscall: ["write", "fsync", "connect"][i % 3], pid: Int32(i % 7),
                                    tid: i % 2 == 0 ? 9 : nil, decision: i % 5 == 0 ? "deny(EIO)" : "allow",
                                    label: i % 10 == 0 ? "wal down" : nil, path: i % 3 == 0 ? nil : paths[i % 3],
                                    addr: i % 3 == 2 ? "127.0.0.1:5432" : nil, size: i % 4 == 0 ? Int64(i) : nil, timeNanos: 1)
            }
        }
        let all = store.all()
        let filters: [[(String, String)]] = [
            [("service", "db")], [("service", "d*")], [("syscall", "write")], [("syscall", "*")], [("path", "*.wal")],
            [("path", "/tmp/b.log")], [("path", "nowhere")], [("decision", "deny*")], [("label", "wal down")], [("label", "*")],
            [("pid", "3")], [("pid", "1*")], [("tid", "9")], [("size", "*0")], [("addr", "*:5432")], [("seq", "1*")],
            [("type", "syscall")], [("type", "stdout"), ("level", "ERROR")], [("event_type", "syscall.f*")], [("level", "*")],
            [("service", "api"), ("syscall", "connect"), ("decision", "allow")], [("service", "db"), ("path", "*.wal")],
            [("latency_ns", "*")], [("phase", "x")], [("type", "sys*"), ("syscall", "openat")],
        ]
        for pairs in filters {
            let f = EventFilter(pairs)
            XCTAssertEqual(store.query(f).map(\.seq), all.filter { f.matches($0) }.map(\.seq), f.description)
        }
    }

    func testUnderTheThresholdEverythingIsKept() {
        let store = TraceStore(limits: TraceLimits(threshold: 100, keepFirst: 10, keepLast: 10))
        for _ in 0..<100 { store.appendSyscall(service: "db", syscall: "write", pid: 1, tid: 1, decision: "allow") }
        XCTAssertEqual(store.count, 100)
        XCTAssertEqual(store.dropped, 0)
    }

    /// 150,000 events with the default limits: the first and last 10,000 and every event
    /// that is not an allowed syscall survive; the rest is counted.
    func testBoundsKeepFirstLastAndEveryImportantEvent() {
        let store = TraceStore()
        var important: [Int] = []
        for i in 1...150_000 {
            if i % 1000 == 0 {
                store.append(TraceEvent(timeNanos: 1, kind: .stdout, eventType: "stdout", service: "db", fields: [("line", "l\(i)")]))
                important.append(i)
            } else if i % 1000 == 500 {
                store.appendSyscall(service: "db", syscall: "fsync", pid: 1, tid: 1, decision: "deny(EIO)", timeNanos: 1)
                important.append(i)
            } else if i % 1000 == 250 {
                // An allowed syscall that is boxed (extra field) is droppable too.
                store.append(TraceEvent(timeNanos: 1, kind: .syscall, eventType: "syscall.openat", service: "db",
                                        fields: [("syscall", "openat"), ("decision", "allow"), ("flags", "x")]))
            } else {
                store.appendSyscall(service: "db", syscall: "write", pid: 1, tid: 1, decision: "allow", path: "/tmp/\(i % 7).wal", timeNanos: 1)
            }
        }
        let kept = store.all().map(\.seq)
        let middleImportant = important.filter { $0 > 10_000 && $0 <= 140_000 }
        XCTAssertEqual(kept, Array(1...10_000) + middleImportant + Array(140_001...150_000))
        XCTAssertEqual(store.recordedCount, 150_000)
        XCTAssertEqual(store.count, kept.count)
        XCTAssertEqual(store.dropped, 150_000 - kept.count)
        // Queries see exactly the kept events, through the indexes too.
        XCTAssertEqual(store.query(EventFilter([("service", "db"), ("syscall", "fsync")])).count, 150)
        XCTAssertEqual(store.query(EventFilter([("service", "db"), ("syscall", "write")])).count,
                       kept.filter { ($0 <= 10_000 || $0 > 140_000) && ![0, 250, 500].contains($0 % 1000) }.count)
        XCTAssertEqual(store.query(EventFilter([("type", "stdout")])).map { $0.field("line") }.last, "l150000")
        XCTAssertEqual(store.events(after: 139_999).first?.seq, 140_000)
    }

    func testUnboundedKeepsEverything() {
        let store = TraceStore(limits: .unbounded)
        for _ in 0..<120_000 { store.appendSyscall(service: "db", syscall: "write", pid: 1, tid: 1, decision: "allow") }
        XCTAssertEqual(store.count, 120_000)
        XCTAssertEqual(store.dropped, 0)
    }

    func testConcurrentAppendsGetDistinctSeqs() {
        let store = TraceStore()
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for _ in 0..<2000 {
                if t % 2 == 0 {
                    store.appendSyscall(service: "s\(t)", syscall: "write", pid: 1, tid: Int32(t), decision: "allow")
                } else {
                    store.append(TraceEvent(timeNanos: 0, kind: .stdout, eventType: "stdout", service: "s\(t)", fields: [("line", "x")]))
                }
            }
        }
        XCTAssertEqual(Set(store.all().map(\.seq)), Set(1...8000))
        XCTAssertTrue(store.all().allSatisfy { $0.timeNanos > 0 })
    }
}
