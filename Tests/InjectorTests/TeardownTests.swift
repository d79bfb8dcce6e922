import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// No zombies, no orphans: teardown, daemons, and a killed faultbox.
final class TeardownTests: XCTestCase {
    /// fork, setsid, fork again: the grandchild leaves the process group and the session.
    static func daemonCode(pidFile: String, ignoreTerm: Bool) -> String {
        """
        import os, signal, time, sys
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                \(ignoreTerm ? "signal.signal(signal.SIGTERM, signal.SIG_IGN)" : "pass")
                with open("\(pidFile).tmp", "w") as f: f.write(str(os.getpid()))
                os.rename("\(pidFile).tmp", "\(pidFile)")
                while True: time.sleep(1)
            os._exit(0)
        os.wait()
        while not os.path.exists("\(pidFile)"): time.sleep(0.01)
        print("parent done", flush=True)
        """
    }

    func testShutdownKillsADoubleForkedSetsidDaemonThatIgnoresSIGTERM() throws {
        let h = Harness()
        let pidFile = h.directory + "/daemon.pid"
        let p = try h.launch(python(Self.daemonCode(pidFile: pidFile, ignoreTerm: true)), trap: ["connect"])
        XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
        XCTAssertTrue(waitUntil(timeout: 5) { !h.read(pidFile).isEmpty })
        guard let daemon = Int32(h.read(pidFile)) else { return XCTFail("no daemon pid") }
        XCTAssertTrue(processExists(daemon), "the daemon outlived its parent, as daemons do")
        XCTAssertNotEqual(getpgid(daemon), p.pid, "the daemon left the process group")
        // The grace's deadline is on CLOCK_MONOTONIC (the tracer's clock) and lies inside this
        // interval; SuspendingClock reads the same clock, so the full 300 ms must show.
        let start = SuspendingClock.now
        h.session.shutdown(grace: .milliseconds(300))
        XCTAssertGreaterThanOrEqual(SuspendingClock.now - start, .milliseconds(300), "SIGTERM was ignored: SIGKILL only after the grace")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/proc/\(daemon)"), "daemon \(daemon) (or its zombie) is left")
        XCTAssertEqual(zombieChildren().filter { $0 == daemon || $0 == p.pid }, [], "zombies left behind")
    }

    func testShutdownSendsSIGTERMFirst() throws {
        let h = Harness()
        let code = """
            import signal, sys, time, os
            def term(*_):
                print("got SIGTERM", flush=True)
                os._exit(0)
            signal.signal(signal.SIGTERM, term)
            print("ready", flush=True)
            while True: time.sleep(1)
            """
        let p = try h.launch(python(code), trap: ["connect"])
        XCTAssertTrue(waitUntil(timeout: 5) { h.stdout().contains("ready") })
        h.session.shutdown(grace: .seconds(5))
        XCTAssertEqual(p.exitStatus, .exited(0))
        XCTAssertEqual(h.stdout(), "ready\ngot SIGTERM\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/proc/\(p.pid)"))
    }

    func testShutdownReleasesAThreadHeldByADelay() throws {
        let listener = try Listener()
        let h = Harness()
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["connect"], action: .delay(nanoseconds: 3_600_000_000_000))]])
        let p = try h.launch(python("import socket; socket.create_connection(('127.0.0.1', \(listener.port)))"), trap: ["connect"])
        XCTAssertTrue(waitUntil(timeout: 5) { h.session.ruleHits()[1] == 1 })
        let start = Date()
        h.session.shutdown(grace: .seconds(5))
        // The delay is an hour: teardown coming back at all shows the held thread was released
        // (a generous bound, not a speed claim).
        XCTAssertLessThan(Date().timeIntervalSince(start), 60, "a thread held by an hour-long delay must not hold teardown")
        XCTAssertEqual(p.exitStatus, .signaled(SIGTERM))
        h.session.shutdown(grace: .seconds(5))  // idempotent
    }

    func testKilledFaultboxRunLeavesNoTracedProcess() throws {
        guard let faultbox = FaultboxBinary.path else {
            throw cannotRun("faultbox binary not found", fix: "run make build and set FAULTBOX_BIN to bin/ (make test does)")
        }
        let dir = NSTemporaryDirectory() + "faultbox-kill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pidFile = dir + "/daemon.pid"
        let leaderFile = dir + "/leader.pid"
        let code = "import os; open('\(leaderFile)', 'w').write(str(os.getpid()))\n"
            + Self.daemonCode(pidFile: pidFile, ignoreTerm: true) + "\nimport time\nwhile True: time.sleep(1)\n"
        let run = Process()
        run.executableURL = URL(fileURLWithPath: faultbox)
        run.arguments = ["run", "--fault", "connect=ECONNREFUSED", "--", pythonPath, "-c", code]
        try run.run()
        XCTAssertTrue(waitUntil(timeout: 10) { FileManager.default.fileExists(atPath: pidFile) })
        guard let daemon = Int32((try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? ""),
              let leader = Int32((try? String(contentsOfFile: leaderFile, encoding: .utf8)) ?? "") else {
            kill(run.processIdentifier, SIGKILL)
            return XCTFail("the traced program did not start")
        }
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        // EXITKILL: the kernel kills every tracee when the tracer dies.
        XCTAssertTrue(waitUntil(timeout: 5) { !isAlive(daemon) && !isAlive(leader) },
                      "traced processes survived faultbox: \(daemon) \(leader)")
        // This test process is a child subreaper (it runs sessions), so the orphans of the
        // killed faultbox became our zombies: collect them.
        var status: Int32 = 0
        _ = waitpid(daemon, &status, WNOHANG)
        _ = waitpid(leader, &status, WNOHANG)
    }

    func testNormalRunTeardownLeavesNoDaemon() throws {
        guard let faultbox = FaultboxBinary.path else {
            throw cannotRun("faultbox binary not found", fix: "run make build and set FAULTBOX_BIN to bin/ (make test does)")
        }
        let dir = NSTemporaryDirectory() + "faultbox-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pidFile = dir + "/daemon.pid"
        let run = Process()
        run.executableURL = URL(fileURLWithPath: faultbox)
        run.arguments = ["run", "--", pythonPath, "-c", Self.daemonCode(pidFile: pidFile, ignoreTerm: false) + "\nimport sys; sys.exit(4)\n"]
        run.standardOutput = FileHandle.nullDevice
        run.standardError = FileHandle.nullDevice
        try run.run()
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 4, "faultbox run exits with the program's status")
        let daemon = Int32((try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? "") ?? 0
        XCTAssertGreaterThan(daemon, 0)
        XCTAssertFalse(isAlive(daemon), "the daemon outlived faultbox run")
    }
}

/// Alive = exists and is not a zombie.
func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    guard let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}

enum FaultboxBinary {
    /// `$FAULTBOX_BIN/faultbox`, or a `faultbox` (or the injector's scratch `runcli`) next
    /// to the test bundle.
    static var path: String? {
        var candidates: [String] = []
        if let dir = ProcessInfo.processInfo.environment["FAULTBOX_BIN"] { candidates.append(dir + "/faultbox") }
        let bundleDir = Bundle.main.bundleURL.deletingLastPathComponent().path
        let testDir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent().path
        for dir in [bundleDir, testDir, Bundle(for: TeardownTests.self).bundleURL.deletingLastPathComponent().path] {
            candidates.append(dir + "/faultbox")
            candidates.append(dir + "/runcli")
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

final class ConcurrencyTests: XCTestCase {
    /// Two sessions (two tracer threads) in one process, each with its own programs and
    /// rules, plus a plain child of another thread that neither tracer may reap.
    func testTwoSessionsSideBySide() throws {
        let listener = try Listener()
        let plain = Process()
        plain.executableURL = URL(fileURLWithPath: "/bin/sh")
        plain.arguments = ["-c", "sleep 0.5; exit 6"]
        try plain.run()
        let port = listener.port
        let zombiesBefore = Set(zombieChildren())
        let outputs = Collected()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let h = Harness()
            if i == 0 {
                h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["connect"], action: .deny(errno: ECONNRESET))]])
            }
            let code = "import socket\ntry:\n socket.create_connection(('127.0.0.1', \(port))); print('ok')\nexcept OSError as e:\n print(e.strerror)"
            var out = "launch failed"
            if let p = try? h.launch(python(code), trap: ["connect"]), p.waitForExit(timeout: .seconds(30)) == .exited(0) {
                out = h.stdout()
            }
            h.session.shutdown(grace: .seconds(1))
            outputs.append("\(i):\(out)")
        }
        XCTAssertEqual(outputs.items.sorted(), ["0:Connection reset by peer\n", "1:ok\n"])
        plain.waitUntilExit()
        XCTAssertEqual(plain.terminationStatus, 6, "a tracer reaped another thread's child")
        XCTAssertEqual(Set(zombieChildren()).subtracting(zombiesBefore), [], "zombies left behind")
    }

    func testShutdownFromInsideTheEventCallbackDoesNotDeadlock() throws {
        let box = SessionBox()
        let session = InjectorSession(seed: 0) { _ in box.session?.shutdown(grace: .zero) }
        box.session = session
        session.arm(["svc": [FaultRule(id: 1, syscalls: ["getppid"], action: .allow)]])
        let p = try session.launch(LaunchSpec(service: "svc", executable: pythonPath,
                                              arguments: ["-c", "import os, time; os.getppid(); time.sleep(30)"],
                                              trapSyscalls: ["getppid"]))
        XCTAssertEqual(p.waitForExit(timeout: .seconds(10)), .signaled(SIGKILL))
        box.session = nil
    }
}

final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String] = []
    func append(_ s: String) { lock.lock(); values.append(s); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return values }
}

final class SessionBox: @unchecked Sendable {
    var session: InjectorSession?
}

/// Zombie children of this test process (any thread's), by pid.
func zombieChildren() -> [Int32] {
    let me = getpid()
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        return fields.count > 1 && fields[0] == "Z" && Int32(fields[1]) == me
    }
}
