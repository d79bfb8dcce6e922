import Foundation
import Injector
import XCTest
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// Threads, fork/exec chains, vfork/posix_spawn, static Go binaries, job control.
final class ProcessTreeTests: XCTestCase {
    func testManyThreadsAllFinishUnderATrappedWrite() throws {
        let h = Harness()
        // Trapped and allowed: the glob never matches, so every write round-trips.
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["write"], action: .deny(errno: EIO), pathGlob: "/nonexistent/*")]])
        let code = """
            import threading, os
            def work(i):
                with open(f"t{i}.txt", "w", buffering=1) as f:
                    for n in range(200):
                        f.write(f"{n}\\n")
            ts = [threading.Thread(target=work, args=(i,)) for i in range(16)]
            for t in ts: t.start()
            for t in ts: t.join()
            total = sum(len(open(f"t{i}.txt").read().splitlines()) for i in range(16))
            print(total)
            """
        let p = try h.launch(python(code), trap: ["write"])
        XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
        XCTAssertEqual(h.stdout(), "3200\n")
        let tids = Set(h.events.all.filter { $0.syscall == "write" }.map(\.tid))
        XCTAssertGreaterThanOrEqual(tids.count, 16, "writes from every thread were trapped")
        XCTAssertNil(h.session.ruleHits()[1])
    }

    /// Many short-lived threads and processes: new tids often stop before the clone/fork
    /// event that announces them reaches the tracer.
    func testRapidThreadAndProcessChurn() throws {
        let h = Harness()
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["getppid"], action: .deny(errno: EPERM))]])
        let code = """
            import os, threading, ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            denied = 0
            lock = threading.Lock()
            def work():
                global denied
                r = libc.syscall(110)   # getppid, trapped and denied
                if r == -1 and ctypes.get_errno() == 1:
                    with lock: denied += 1
            for round in range(10):
                ts = [threading.Thread(target=work) for _ in range(20)]
                for t in ts: t.start()
                for t in ts: t.join()
            codes = []
            for i in range(30):
                pid = os.fork()
                if pid == 0:
                    r = libc.syscall(110)
                    os._exit(7 if r == -1 and ctypes.get_errno() == 1 else 1)
                codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
            print(denied, codes.count(7))
            """
        let p = try h.launch(python(code), trap: ["getppid"])
        XCTAssertEqual(h.finish(p, timeout: .seconds(60)), .exited(0), h.stderr())
        XCTAssertEqual(h.stdout(), "200 30\n")
        XCTAssertGreaterThanOrEqual(h.session.ruleHits()[1] ?? 0, 230, "python itself may call getppid too")
    }

    func testForkExecChainKeepsExitCodesAndFaults() throws {
        let listener = try Listener()
        let h = Harness()
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["connect"], action: .deny(errno: ECONNREFUSED))]])
        let script = h.directory + "/grandchild.py"
        try """
            import socket
            try:
                socket.create_connection(("127.0.0.1", \(listener.port)))
                print("connected")
            except OSError as e:
                print("grandchild:", e.strerror)
            """.write(toFile: script, atomically: true, encoding: .utf8)
        // sh -> sh -> python3: two fork+exec levels below the launched shell.
        let p = try h.launch(["sh", "-c", "sh -c '\(pythonPath) \(script); exit 42'; exit $?"], trap: ["connect"])
        XCTAssertEqual(h.finish(p), .exited(42), h.stderr())
        XCTAssertEqual(h.stdout(), "grandchild: Connection refused\n")
        let pids = Set(h.events.all.map(\.pid))
        XCTAssertEqual(pids.count, 1)
        XCTAssertNotEqual(pids.first, p.pid, "the fault fired in a grandchild, not the launched shell")
    }

    func testPosixSpawnAndVforkChildrenAreTraced() throws {
        let listener = try Listener()
        let h = Harness()
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["connect"], action: .deny(errno: ECONNREFUSED))]])
        let child = "import socket,sys\\ntry:\\n socket.create_connection(('127.0.0.1', \(listener.port)))\\nexcept OSError as e:\\n print('spawned:', e.strerror, flush=True); sys.exit(5)"
        let code = """
            import os, subprocess, sys
            pid = os.posix_spawn(sys.executable, [sys.executable, "-c", "\(child)"], os.environ)
            _, status = os.waitpid(pid, 0)
            print("posix_spawn exit", os.waitstatus_to_exitcode(status), flush=True)
            r = subprocess.run(["/bin/sh", "-c", "exit 9"])   # vfork/clone(CLONE_VFORK) path
            print("subprocess exit", r.returncode)
            """
        let p = try h.launch(python(code), trap: ["connect", "execve"])
        XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
        XCTAssertEqual(h.stdout(), "spawned: Connection refused\nposix_spawn exit 5\nsubprocess exit 9\n")
        XCTAssertFalse(h.stderr().contains("Function not implemented"), h.stderr())
    }

    func testSigstopAndSigcontKeepTheirMeaning() throws {
        let h = Harness()
        let code = """
            import time, os
            n = 0
            while True:
                n += 1
                os.write(1, b"x")
                time.sleep(0.01)
            """
        let p = try h.launch(python(code), trap: ["write"])
        XCTAssertTrue(waitUntil(timeout: 5) { h.stdout().count > 5 })
        kill(p.pid, SIGSTOP)
        usleep(100_000)  // let an in-flight write land
        let stopped = h.stdout().count
        usleep(400_000)
        XCTAssertEqual(h.stdout().count, stopped, "the program kept running after SIGSTOP")
        let state = (try? String(contentsOfFile: "/proc/\(p.pid)/stat", encoding: .utf8))?.split(separator: " ")[2]
        XCTAssertEqual(state, "t", "a traced, group-stopped process shows as t")
        kill(p.pid, SIGCONT)
        XCTAssertTrue(waitUntil(timeout: 5) { h.stdout().count > stopped + 5 }, "SIGCONT did not resume it")
        XCTAssertNil(p.exitStatus)
        kill(p.pid, SIGTERM)
        XCTAssertEqual(h.finish(p), .signaled(SIGTERM))
    }

    func testExecFromANonLeaderThread() throws {
        let h = Harness()
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["mkdir"], action: .deny(errno: EACCES))]])
        let code = """
            import os, threading, time
            import sys
            child = "import os\\ntry:\\n    os.mkdir('x')\\nexcept OSError:\\n    print('denied', flush=True)\\n    os._exit(3)"
            def go():
                os.execv(sys.executable, [sys.executable, "-c", child])
            threading.Thread(target=go).start()
            time.sleep(30)
            """
        let p = try h.launch(python(code), trap: ["mkdir", "execve"])
        XCTAssertEqual(h.finish(p), .exited(3), h.stderr())
        XCTAssertEqual(h.stdout(), "denied\n")
        XCTAssertEqual(h.events.all.last?.pid, p.pid)
        XCTAssertEqual(h.events.all.last?.tid, p.pid,
                       "after exec the thread has the leader's tid: \(h.events.all.map { "\($0.syscall) pid \($0.pid) tid \($0.tid)" })")
    }

    func testStaticGoHTTPServer() throws {
        let go = "/usr/bin/go"
        guard FileManager.default.isExecutableFile(atPath: go) else {
            throw cannotRun("go is missing", fix: "install golang-go (make deps)")
        }
        let binary = try GoProgram.build(name: "gohttp", source: GoProgram.httpServer)
        let denied = try Listener()
        let h = Harness()
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["connect"], action: .deny(errno: ECONNREFUSED),
                                         destination: "127.0.0.1:\(denied.port)")]])
        let portFile = h.directory + "/port"
        let p = try h.launch([binary, portFile], trap: ["connect", "openat", "write"])
        XCTAssertTrue(waitUntil(timeout: 10) { !h.read(portFile).isEmpty }, h.stderr())
        let port = h.read(portFile).trimmingCharacters(in: .whitespacesAndNewlines)
        let ok = try curlGet("http://127.0.0.1:\(port)/dial?addr=127.0.0.1:\(denied.port)")
        XCTAssertTrue(ok.contains("connection refused"), ok)
        let allowed = try Listener()
        let ok2 = try curlGet("http://127.0.0.1:\(port)/dial?addr=127.0.0.1:\(allowed.port)")
        XCTAssertEqual(ok2, "dialed")
        XCTAssertEqual(h.session.ruleHits()[1], 1)
        XCTAssertFalse(h.stderr().contains("function not implemented"), h.stderr())
        kill(p.pid, SIGTERM)
        XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
    }
}

/// Builds small static Go programs once per test run (CGO off: a static binary).
enum GoProgram {
    static func build(name: String, source: String) throws -> String {
        let dir = NSTemporaryDirectory() + "faultbox-go-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let binary = dir + "/" + name
        if FileManager.default.isExecutableFile(atPath: binary) { return binary }
        try source.write(toFile: dir + "/\(name).go", atomically: true, encoding: .utf8)
        let task = Process()
        task.executableURL = URL(fileURLWithPath: "/usr/bin/go")
        task.arguments = ["build", "-o", binary, dir + "/\(name).go"]
        var env = ProcessInfo.processInfo.environment
        env["CGO_ENABLED"] = "0"
        env["GOCACHE"] = env["GOCACHE"] ?? "/tmp/faultbox-gocache"
        env["HOME"] = env["HOME"] ?? "/tmp"
        task.environment = env
        try task.run()
        task.waitUntilExit()
        guard task.terminationStatus == 0 else { throw cannotRun("go build failed for \(name)", fix: "check the Go toolchain (golang-go, make deps) and GOCACHE") }
        return binary
    }

    static let httpServer = """
        package main

        import (
        	"fmt"
        	"net"
        	"net/http"
        	"os"
        	"os/signal"
        	"syscall"
        )

        func main() {
        	ln, err := net.Listen("tcp", "127.0.0.1:0")
        	if err != nil {
        		fmt.Fprintln(os.Stderr, err)
        		os.Exit(1)
        	}
        	http.HandleFunc("/dial", func(w http.ResponseWriter, r *http.Request) {
        		c, err := net.Dial("tcp", r.URL.Query().Get("addr"))
        		if err != nil {
        			fmt.Fprint(w, err.Error())
        			return
        		}
        		c.Close()
        		fmt.Fprint(w, "dialed")
        	})
        	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") })
        	os.WriteFile(os.Args[1], []byte(fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)), 0644)
        	sig := make(chan os.Signal, 1)
        	signal.Notify(sig, syscall.SIGTERM)
        	go http.Serve(ln, nil)
        	<-sig
        }
        """
}
