import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// Faults observed by real programs: what they print is what the test checks.
final class FaultTests: XCTestCase {
    func testPythonConnectDeniedSeesConnectionRefused() throws {
        let listener = try Listener()
        let h = Harness()
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["connect"], action: .deny(errno: ECONNREFUSED), label: "db-down")]])
        let code = """
            import socket
            s = socket.socket()
            try:
                s.connect(("127.0.0.1", \(listener.port)))
                print("connected")
            except OSError as e:
                print("error:", e.strerror)
            """
        let p = try h.launch(python(code), trap: ["connect"])
        XCTAssertEqual(h.finish(p), .exited(0))
        XCTAssertEqual(h.stdout().trimmingCharacters(in: .whitespacesAndNewlines), "error: Connection refused")
        XCTAssertEqual(h.session.ruleHits()[1], 1)
        let denied = h.events.all.filter { $0.syscall == "connect" }
        XCTAssertEqual(denied.count, 1)
        XCTAssertEqual(denied.first?.address, "127.0.0.1:\(listener.port)")
        XCTAssertEqual(denied.first?.decision, .deny(errno: ECONNREFUSED))
        XCTAssertEqual(denied.first?.label, "db-down")
        XCTAssertEqual(denied.first?.ruleID, 1)
        XCTAssertEqual(denied.first?.service, "svc")
        XCTAssertEqual(denied.first?.pid, p.pid)
        XCTAssertTrue(denied.first?.path?.hasPrefix("socket:[") ?? false, "fd kind: \(String(describing: denied.first?.path))")
    }

    func testSameProgramConnectsWhenDisarmed() throws {
        let listener = try Listener()
        let h = Harness()
        let code = """
            import socket
            s = socket.socket()
            s.connect(("127.0.0.1", \(listener.port)))
            print("connected")
            """
        let p = try h.launch(python(code), trap: ["connect"])
        XCTAssertEqual(h.finish(p), .exited(0))
        XCTAssertEqual(h.stdout().trimmingCharacters(in: .whitespacesAndNewlines), "connected")
        XCTAssertTrue(h.events.all.isEmpty, "no events while disarmed")
    }

    func testCurlDeniedConnectSeesConnectionRefused() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            throw cannotRun("curl is missing", fix: "install curl (make deps)")
        }
        let listener = try Listener()
        let h = Harness()
        h.session.arm(["svc": [FaultRule(id: 7, syscalls: ["connect"], action: .deny(errno: ECONNREFUSED),
                                         destination: "127.0.0.1:\(listener.port)")]])
        let p = try h.launch(["curl", "-sS", "--max-time", "5", "http://127.0.0.1:\(listener.port)/"], trap: ["connect"])
        XCTAssertEqual(h.finish(p), .exited(7), h.stderr())
        XCTAssertTrue(h.stderr().contains("Connection refused") || h.stderr().contains("Couldn't connect"), h.stderr())
        XCTAssertEqual(h.session.ruleHits()[7], 1)
    }

    func testWriteDeniedWithENOSPCOnlyUnderTheGlob() throws {
        let h = Harness()
        let data = h.directory + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: Syscalls.expand("write") ?? [], action: .deny(errno: ENOSPC),
                                         pathGlob: data + "/*")]])
        let code = """
            import os
            for name in ["\(data)/db.log", "\(h.directory)/other.log"]:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT)
                try:
                    os.write(fd, b"hello")
                    print(name.rsplit("/", 1)[1], "ok")
                except OSError as e:
                    print(name.rsplit("/", 1)[1], e.strerror)
            """
        let p = try h.launch(python(code), trap: Set(Syscalls.expand("write") ?? []))
        XCTAssertEqual(h.finish(p), .exited(0))
        XCTAssertEqual(h.stdout(), "db.log No space left on device\nother.log ok\n")
        XCTAssertEqual(h.session.ruleHits()[1], 1)
        let denied = h.events.all.filter { $0.decision != .allow }
        XCTAssertEqual(denied.map(\.path), [data + "/db.log"])
    }

    func testRelativePathsResolveAgainstCwdAndDirfd() throws {
        let h = Harness()
        let data = h.directory + "/data"
        try FileManager.default.createDirectory(atPath: data + "/sub", withIntermediateDirectories: true)
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["openat", "open"], action: .deny(errno: EACCES), pathGlob: data + "/*.db")]])
        let code = """
            import os
            def attempt(label, f):
                try:
                    os.close(f()); print(label, "ok")
                except OSError as e:
                    print(label, e.strerror)
            attempt("relative", lambda: os.open("data/a.db", os.O_CREAT | os.O_WRONLY))
            attempt("dotdot", lambda: os.open("data/sub/../b.db", os.O_CREAT | os.O_WRONLY))
            d = os.open("data", os.O_RDONLY)
            attempt("dirfd", lambda: os.open("c.db", os.O_CREAT | os.O_WRONLY, dir_fd=d))
            attempt("other", lambda: os.open("data/sub/d.txt", os.O_CREAT | os.O_WRONLY))
            """
        let p = try h.launch(python(code), trap: ["openat", "open"])
        XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
        XCTAssertEqual(h.stdout(), "relative Permission denied\ndotdot Permission denied\ndirfd Permission denied\nother ok\n")
        let denied = h.events.all.filter { $0.decision != .allow }.compactMap(\.path)
        XCTAssertEqual(denied, [data + "/a.db", data + "/b.db", data + "/c.db"])
    }

    func testDelayHoldsOnlyTheCallingThread() throws {
        let listener = try Listener()
        let h = Harness()
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["connect"], action: .delay(nanoseconds: 400_000_000))]])
        let code = """
            import socket, threading, time
            ticks = 0
            stop = False
            def ticker():
                global ticks
                while not stop:
                    time.sleep(0.01)
                    ticks += 1
            t = threading.Thread(target=ticker)
            t.start()
            time.sleep(0.05)
            start = time.monotonic()
            before = ticks
            s = socket.socket()
            s.connect(("127.0.0.1", \(listener.port)))
            took = time.monotonic() - start
            during = ticks - before
            stop = True
            t.join()
            print(f"{took:.3f} {during}")
            """
        let p = try h.launch(python(code), trap: ["connect"])
        XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
        let parts = h.stdout().split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        let took = Double(parts.first ?? "") ?? 0
        let ticks = Int(parts.last ?? "") ?? 0
        // Python's time.monotonic() and the injector's hold deadline read the same clock
        // (CLOCK_MONOTONIC), and the hold lies inside Python's interval: no slack needed.
        // How little the delay overshoots is bench/injector.sh's business, not a test's.
        XCTAssertGreaterThanOrEqual(took, 0.4, "connect returned before the delay")
        XCTAssertGreaterThanOrEqual(ticks, 10, "the other thread stalled during the delay")
        let delayed = h.events.all.first { $0.syscall == "connect" }
        XCTAssertGreaterThanOrEqual(delayed?.latencyNanoseconds ?? 0, 400_000_000)
    }
}
