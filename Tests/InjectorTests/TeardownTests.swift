import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif

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
        let start = Date()
        h.session.shutdown(grace: .milliseconds(300))
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.29, "SIGTERM was ignored: SIGKILL only after the grace")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/proc/\(daemon)"), "daemon \(daemon) (or its zombie) is left")
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
        XCTAssertLessThan(Date().timeIntervalSince(start), 4, "a held thread must not delay teardown")
        XCTAssertEqual(p.exitStatus, .signaled(SIGTERM))
        h.session.shutdown(grace: .seconds(5))  // idempotent
    }

    func testKilledFaultboxRunLeavesNoTracedProcess() throws {
        guard let faultbox = FaultboxBinary.path else {
            throw XCTSkip("faultbox binary not found (set FAULTBOX_BIN to the folder holding it, e.g. `make build` then bin/)")
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
        run.arguments = ["run", "--fault", "connect=ECONNREFUSED", "--", "python3", "-c", code]
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
    }

    func testNormalRunTeardownLeavesNoDaemon() throws {
        guard let faultbox = FaultboxBinary.path else {
            throw XCTSkip("faultbox binary not found (set FAULTBOX_BIN to the folder holding it)")
        }
        let dir = NSTemporaryDirectory() + "faultbox-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pidFile = dir + "/daemon.pid"
        let run = Process()
        run.executableURL = URL(fileURLWithPath: faultbox)
        run.arguments = ["run", "--", "python3", "-c", Self.daemonCode(pidFile: pidFile, ignoreTerm: false) + "\nimport sys; sys.exit(4)\n"]
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
