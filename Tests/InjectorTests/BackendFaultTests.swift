import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Faults in the decision mechanism itself, for whichever backend this run uses (the suite
/// runs once with the default, notify here, and once with FAULTBOX_INJECTOR=ptrace):
/// callers that die or exec while their call is pending, and many pending calls at once.
/// Each ends with the session shut down and no descriptor left open in this process.
final class BackendFaultTests: XCTestCase {
    func testBackendFollowsTheEnvironment() throws {
        let h = Harness()
        let wanted = ProcessInfo.processInfo.environment["FAULTBOX_INJECTOR"] ?? "auto"
        switch wanted {
        case "ptrace": XCTAssertEqual(h.session.backend, .ptrace)
        case "notify": XCTAssertEqual(h.session.backend, .notify)
        default: XCTAssertNotEqual(h.session.backend, .auto, "auto resolves to a concrete backend")
        }
    }

    func testTargetKilledWhileItsCallIsHeld() throws {
        let before = openDescriptors()
        do {
            let h = Harness()
            h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["write"], action: .delay(nanoseconds: 30_000_000_000),
                                             pathGlob: "*held.txt")]])
            let p = try h.launch(python("""
                import os
                fd = os.open("held.txt", os.O_WRONLY | os.O_CREAT)
                os.write(fd, b"x")
                """), trap: ["write"])
            // Wait until the write is pending (the file exists once open returned).
            XCTAssertTrue(waitUntil(timeout: 10) { FileManager.default.fileExists(atPath: h.directory + "/held.txt") })
            usleep(200_000)
            XCTAssertNil(p.exitStatus, "the write is held for 30 s")
            kill(p.pid, SIGKILL)
            XCTAssertEqual(h.finish(p), .signaled(SIGKILL))
            // The session still decides for the next program.
            h.session.arm(["two": [FaultRule(id: 2, syscalls: ["write"], action: .deny(errno: EIO), pathGlob: "*x.txt")]])
            let q = try h.launch(python("""
                import os
                fd = os.open("x.txt", os.O_WRONLY | os.O_CREAT)
                try:
                    os.write(fd, b"x"); print("written")
                except OSError as e:
                    print(e.strerror)
                """), service: "two", trap: ["write"])
            XCTAssertEqual(h.finish(q), .exited(0))
            XCTAssertEqual(h.stdout("two").trimmingCharacters(in: .whitespacesAndNewlines), "Input/output error")
            h.session.shutdown(grace: .milliseconds(200))
        }
        XCTAssertEqual(openDescriptors(), before, "descriptors left open by the session")
    }

    func testHeldCallOfAThreadWhoseProcessExecs() throws {
        let before = openDescriptors()
        do {
            let h = Harness()
            h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["write"], action: .delay(nanoseconds: 2_000_000_000),
                                             pathGlob: "*held.txt")]])
            // The main thread's write is held; meanwhile another thread execs, which kills
            // the held thread (the pending notification / seccomp stop goes stale).
            let p = try h.launch(python("""
                import os, threading, time
                fd = os.open("held.txt", os.O_WRONLY | os.O_CREAT)
                def later():
                    time.sleep(0.3)
                    os.execv("/bin/echo", ["echo", "exec'd"])
                threading.Thread(target=later).start()
                os.write(fd, b"x")
                print("not reached")
                """), trap: ["write"])
            XCTAssertEqual(h.finish(p), .exited(0))
            XCTAssertEqual(h.stdout().trimmingCharacters(in: .whitespacesAndNewlines), "exec'd")
            // Let the stale hold come due and be answered (to nobody) before shutdown.
            usleep(2_200_000)
            h.session.shutdown(grace: .milliseconds(200))
        }
        XCTAssertEqual(openDescriptors(), before, "descriptors left open by the session")
    }

    func testThousandConcurrentTrappedCalls() throws {
        let before = openDescriptors()
        do {
            let h = Harness()
            h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["write"], action: .delay(nanoseconds: 300_000_000),
                                             pathGlob: "/dev/null")]])
            let started = ContinuousClock.now
            let p = try h.launch(python("""
                import os, threading
                threading.stack_size(65536)
                fd = os.open("/dev/null", os.O_WRONLY)
                ts = [threading.Thread(target=os.write, args=(fd, b"x")) for _ in range(1000)]
                for t in ts: t.start()
                for t in ts: t.join()
                print("done")
                """), trap: ["write"])
            XCTAssertEqual(h.finish(p, timeout: .seconds(120)), .exited(0))
            XCTAssertEqual(h.stdout().trimmingCharacters(in: .whitespacesAndNewlines), "done")
            XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(300), "every write was held")
            h.session.shutdown(grace: .milliseconds(200))
            XCTAssertEqual(h.session.ruleHits()[1], 1000)
            let delayed = h.events.all.filter { $0.ruleID == 1 }
            XCTAssertEqual(delayed.count, 1000)
            XCTAssertTrue(delayed.allSatisfy { $0.latencyNanoseconds >= 300_000_000 }, "each event reports its hold")
            XCTAssertTrue(delayed.allSatisfy { $0.pid == p.pid && $0.service == "svc" })
        }
        XCTAssertEqual(openDescriptors(), before, "descriptors left open by the session")
    }
}

/// Descriptors open in this process (the listing's own descriptor excluded).
func openDescriptors() -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).count - 1
}
