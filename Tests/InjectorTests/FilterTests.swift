import Foundation
import Injector
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The seccomp program itself: with a large trap set the filter dispatches through a
/// binary tree (libseccomp's optimize level 2). Every trapped number must still reach the
/// tracer, whatever its place in the tree, and nothing outside the set may.
final class FilterTests: XCTestCase {
    /// Harmless syscalls spread over the number range (low, middle, high), so the tree has
    /// several levels and the denied calls sit in different branches.
    static let trapSet: Set<String> = [
        "sched_yield", "getpid", "getuid", "getgid", "geteuid", "getegid", "getppid", "getpgrp",
        "setsid", "getgroups", "getresuid", "getresgid", "getpgid", "getsid", "capget",
        "sched_getparam", "sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min",
        "gettid", "time", "sched_getaffinity", "set_tid_address", "clock_getres", "getcpu",
        "ioprio_get", "sysinfo", "times", "umask", "getrusage", "personality", "getitimer",
        "alarm", "pause", "getpriority", "sync", "syncfs", "membarrier", "uname", "getcwd",
    ]

    func testLargeTrapSetDeniesInEveryBranchAndTrapsNothingElse() throws {
        let h = Harness()
        h.session.arm(["svc": [
            FaultRule(id: 1, syscalls: ["sched_yield"], action: .deny(errno: EPERM)),  // 24: low
            FaultRule(id: 2, syscalls: ["getppid"], action: .deny(errno: EACCES)),     // 110: middle
            FaultRule(id: 3, syscalls: ["getcpu"], action: .deny(errno: EIO)),         // 309: high
        ]])
        // libc's wrappers of getppid/sched_yield cannot fail: call the raw numbers through
        // ctypes and print (result, errno). gettid (186) is trapped without a rule (allowed,
        // returns a tid); kill(0, 0) (62) is not in the trap set at all.
        let code = """
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            buf = ctypes.create_string_buffer(64)
            for nr, args in ((24, ()), (110, ()), (309, (buf, buf, None)), (186, ()), (62, (0, 0))):
                ctypes.set_errno(0)
                r = libc.syscall(nr, *args)
                print(nr, (r > 0) if nr == 186 else r, ctypes.get_errno())
            """
        let p = try h.launch(python(code), trap: Self.trapSet)
        XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
        let lines = h.stdout().split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, [
            "24 -1 \(EPERM)",
            "110 -1 \(EACCES)",
            "309 -1 \(EIO)",
            "186 True 0",
            "62 0 0",
        ])
        // Python makes some of these calls on its own (ctypes start-up): at least ours.
        for rule in 1...3 { XCTAssertGreaterThanOrEqual(h.session.ruleHits()[rule] ?? 0, 1, "rule \(rule)") }
        let seen = Set(h.events.all.map(\.syscall))
        XCTAssertTrue(seen.isSubset(of: Self.trapSet), "untrapped calls reached the tracer: \(seen.subtracting(Self.trapSet).sorted())")
        XCTAssertTrue(seen.isSuperset(of: ["sched_yield", "getppid", "getcpu", "gettid"]), "trapped calls missing: \(seen.sorted())")
        XCTAssertFalse(seen.contains("kill"))
    }

    /// A Go server's runtime lives on futex, epoll and nanosleep: under a connect rule none
    /// of them may reach the decision thread (every trapped call yields an event while
    /// armed, so the events name every call the filter trapped).
    func testGoServerUnderAConnectRuleTrapsOnlyConnect() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/go") else {
            throw XCTSkip("go is missing; `make deps` installs golang-go")
        }
        let binary = try GoProgram.build(name: "gohttp", source: GoProgram.httpServer)
        let target = try Listener()
        let h = Harness()
        h.session.arm(["svc": [FaultRule(id: 1, syscalls: ["connect"], action: .deny(errno: ECONNREFUSED),
                                         destination: "127.0.0.1:1")]])
        let portFile = h.directory + "/port"
        let p = try h.launch([binary, portFile], trap: ["connect"])
        XCTAssertTrue(waitUntil(timeout: 10) { !h.read(portFile).isEmpty }, h.stderr())
        let port = h.read(portFile).trimmingCharacters(in: .whitespacesAndNewlines)
        for _ in 0..<5 {
            let reply = try curlGet("http://127.0.0.1:\(port)/dial?addr=127.0.0.1:\(target.port)")
            XCTAssertEqual(reply, "dialed")
        }
        kill(p.pid, SIGTERM)
        XCTAssertEqual(h.finish(p), .exited(0), h.stderr())
        let calls = h.events.all.map(\.syscall)
        XCTAssertEqual(Set(calls), ["connect"], "trapped beyond the rule's syscall: \(Set(calls).sorted())")
        XCTAssertGreaterThanOrEqual(calls.count, 5, "each dial connects once")
    }
}
