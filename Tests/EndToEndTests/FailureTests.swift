import Foundation
import TestSupport
import XCTest

/// What a user sees when things go wrong: a failing oracle, a monitor, a missing binary, a
/// healthcheck that never passes, a taken port, a hung test, Ctrl-C. Ports 2xxxx keep these
/// specs apart from the seed's 5432/8080.
final class FailureTests: TopologyTestCase {
    override class var topology: String { topologyText }

    static let topologyText = """
        db = service("db", "bin/mock-db",
            interface("main", "tcp", 25432),
            env = {"PORT": "25432"},
            healthcheck = tcp("localhost:25432"),
        )
        api = service("api", "bin/mock-api",
            interface("public", "http", 28080),
            env = {"PORT": "28080", "DB_ADDR": db.main.addr},
            depends_on = [db],
            healthcheck = http("localhost:28080/health"),
        )
        def order_flow():
            api.post(path="/data/k", body="v")
            return api.get(path="/data/k")

        """

    func testFailingOracleShowsReasonDecisionsAndReplay() throws {
        try harness.write("oracle.star", """
            load("topology.star", "api", "db", "order_flow")
            disk_full = fault_assumption("disk_full", target = db, write = deny("ENOSPC"))
            fault_scenario("stored_despite_full_disk",
                scenario = order_flow,
                faults = disk_full,
                expect = lambda r: assert_eq(r.status, 200, "the value should be readable"),
            )
            fault_scenario("returns_false",
                scenario = order_flow,
                faults = disk_full,
                expect = lambda r: r.status == 200,
            )

            """)
        let r = try harness.run(["test", "oracle.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_stored_despite_full_disk ("), r.all)
        XCTAssertTrue(r.stdout.contains("the value should be readable"), r.all)
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_returns_false ("), r.all)
        XCTAssertTrue(r.stdout.contains("returned False"), r.all)
        XCTAssertTrue(r.stdout.contains("deny(ENOSPC) [disk_full]"), r.all)
        XCTAssertTrue(r.stdout.contains("faultbox test oracle.star --test test_stored_despite_full_disk --seed 0"), r.all)
        XCTAssertEqual(r.stdout.split(separator: "\n").last.map(String.init), "0 passed, 2 failed", r.all)
    }

    func testMonitorThatCallsFail() throws {
        try harness.write("monitor.star", """
            load("topology.star", "api", "db", "order_flow")
            def check_no_db_traffic(event):
                fail("traffic reached DB despite being down")
            no_db_traffic = monitor(check_no_db_traffic, service="db", syscall="read")
            disk_io_error = fault_assumption("disk_io_error",
                target = db,
                write = deny("EIO"),
                monitors = [no_db_traffic],
            )
            fault_scenario("watched", scenario = order_flow, faults = disk_io_error)

            """)
        let r = try harness.run(["test", "monitor.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("--- FAIL: test_watched ("), r.all)
        XCTAssertTrue(r.stdout.contains("traffic reached DB despite being down"), r.all)
        XCTAssertTrue(r.stdout.contains("db read allow"), "the event is in the reason: \(r.all)")
    }

    func testMissingBinary() throws {
        try harness.write("missing.star", """
            db = service("db", "bin/no-such-db", interface("main", "tcp", 25433), healthcheck = tcp("localhost:25433"))
            def probe():
                return db.main.send(data="PING")
            scenario(probe)

            """)
        // Checked once before any test: every test would fail the same way.
        let r = try harness.run(["test", "missing.star"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertEqual(r.stdout, "", "no test ran")
        XCTAssertTrue(r.stderr.hasPrefix("missing.star:1:6: service db: binary \"bin/no-such-db\" does not exist (looked at "), r.all)
        XCTAssertTrue(r.stderr.contains("fix: build it, or fix the path"), r.all)
    }

    func testHealthcheckThatNeverPasses() throws {
        try harness.write("unhealthy.star", """
            db = service("db", "bin/mock-db",
                interface("main", "tcp", 25434),
                env = {"PORT": "25434"},
                healthcheck = tcp("localhost:25999", timeout = "700ms"),
            )
            def probe():
                return db.main.send(data="PING")
            scenario(probe)

            """)
        let r = try harness.run(["test", "unhealthy.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("service db not ready: healthcheck tcp(\"localhost:25999\") did not pass within 700ms"), r.all)
        // The spec's 700ms, not the default 10 s: the default alone would take 10 s, so any
        // run shorter than that used the spec's value (9 s of margin for a loaded machine).
        XCTAssertGreaterThanOrEqual(r.durationMs, 700, r.all)
        XCTAssertLessThan(r.durationMs, 10_000, "waited out the default healthcheck timeout, not the spec's 700ms: \(r.all)")
    }

    func testServiceThatExitsBeforeReady() throws {
        try harness.write("exits.star", """
            bad = service("bad", "/bin/sh", interface("main", "tcp", 25435),
                args = ["-c", "echo 'cannot open config' >&2; exit 3"],
                healthcheck = tcp("localhost:25435", timeout = "2m"),
            )
            def probe():
                return bad.main.send(data="PING")
            scenario(probe)

            """)
        let r = try harness.run(["test", "exits.star"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("service bad exited before it was ready (exit status 3)"), r.all)
        XCTAssertTrue(r.stdout.contains("cannot open config"), r.all)
        // Fails when the service exits, not when the healthcheck's 2 minutes are over.
        XCTAssertLessThan(r.durationMs, 60_000, "waited for the healthcheck after the exit")
    }

    func testPortAlreadyTaken() throws {
        // The test process holds the port, so faultbox must share its network; the ports
        // come from the kernel so that a suite running beside this one cannot hold them.
        let listener = try TCPListener(port: 0)
        defer { listener.close() }
        let apiPort = kernelFreePort()
        try harness.write("topology.star", Self.topologyText.replacingOccurrences(of: "25432", with: "\(listener.port)")
            .replacingOccurrences(of: "28080", with: "\(apiPort)"))
        try harness.write("ok.star", """
            load("topology.star", "api", "db", "order_flow")
            scenario(order_flow)

            """)
        // Checked once before any test (each cell checks again for ports taken later).
        let r = try harness.run(["test", "ok.star"], sharedNetwork: true)
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertEqual(r.stdout, "", "no test ran")
        XCTAssertTrue(r.stderr.hasPrefix("topology.star:2:5: port \(listener.port) (db.main) is already in use by pid \(getpid())"), r.all)
        XCTAssertTrue(r.stderr.contains("fix: stop that process, or change the interface's port in the spec"), r.all)
    }

    func testTimeoutStopsAHungTest() throws {
        try harness.write("slow.star", """
            load("topology.star", "api", "db", "order_flow")
            db_slow = fault_assumption("db_slow", target = api, connect = delay("1h"))
            fault_scenario("hangs", scenario = order_flow, faults = db_slow)

            """)
        let r = try harness.run(["test", "slow.star", "--timeout", "2s"])
        XCTAssertEqual(r.status, 2, r.all)
        XCTAssertTrue(r.stdout.contains("timed out after 2s"), r.all)
        // Stopped by --timeout, not by the spec's 30 s call timeout or the hour-long delay.
        XCTAssertGreaterThanOrEqual(r.durationMs, 2000, r.all)
        XCTAssertLessThan(r.durationMs, 30_000, "the test was not stopped at its 2 s timeout: \(r.all)")
    }

    func testWarningWhenAFaultNeverFiresAndRunsWithSeeds() throws {
        try harness.write("quiet.star", """
            load("topology.star", "api", "db")
            def health():
                return api.get(path="/health")
            never = fault_assumption("never", target = db, fsync = deny("EIO"))
            fault_scenario("quiet", scenario = health, faults = never)

            """)
        let r = try harness.run(["test", "quiet.star", "--test", "quiet", "--runs", "2", "--seed", "5"])
        XCTAssertEqual(r.status, 0, r.all)
        // Every run passed: one line for the test, with the seeds it ran with.
        XCTAssertTrue(r.stdout.contains("--- PASS: test_quiet (2/2 runs, seeds 5-6) ---"), r.all)
        XCTAssertTrue(r.stdout.contains("warning: [FAULT_NOT_FIRED] fault never never fired"), r.all)
        XCTAssertEqual(r.stdout.split(separator: "\n").last.map(String.init), "2 passed, 0 failed", r.all)
    }

    func testUnknownTestPatternListsTests() throws {
        try harness.write("ok.star", """
            load("topology.star", "api", "db", "order_flow")
            scenario(order_flow)

            """)
        let r = try harness.run(["test", "ok.star", "--test", "nope"])
        XCTAssertEqual(r.status, 1, r.all)
        XCTAssertTrue(r.stderr.contains("--test nope: no test matches"), r.all)
        XCTAssertTrue(r.stderr.contains("  test_order_flow"), r.all)
        let bad = try harness.run(["test", "ok.star", "--timeout", "soon"])
        XCTAssertEqual(bad.status, 1, bad.all)
        XCTAssertTrue(bad.stderr.contains("--timeout soon"), bad.all)
    }

    func testCtrlCTearsDownAndWritesJUnit() throws {
        try harness.write("slow.star", """
            load("topology.star", "api", "db", "order_flow")
            scenario(order_flow)
            db_slow = fault_assumption("db_slow", target = api, connect = delay("1h"))
            fault_scenario("hangs", scenario = order_flow, faults = db_slow)

            """)
        let junit = harness.path("interrupted.xml")
        let (process, out, _) = try harness.start(["test", "slow.star", "--junit", junit])
        // Wait until the second (hanging) test has its services up, then interrupt.
        let deadline = Date().addingTimeInterval(20)
        var sawServices = false
        while Date() < deadline {
            let runs = (try? FileManager.default.subpathsOfDirectory(atPath: harness.path("runs"))) ?? []
            if runs.contains(where: { $0.hasSuffix("002-test_hangs") }),
               processes(startedFrom: harness.workDirectory).count == 2 {
                sawServices = true
                Thread.sleep(forTimeInterval: 0.5)
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(sawServices, "services never came up")
        let interruptedAt = ContinuousClock.now
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 130, stdout)
        // Prompt: the hung test's call would hold for its 30 s timeout, the delay for an hour.
        XCTAssertLessThan(ContinuousClock.now - interruptedAt, .seconds(20), "teardown waited for the hung test")
        XCTAssertTrue(FileManager.default.fileExists(atPath: junit), "JUnit written when interrupted")
        try XMLSchema.validate(junit)
        let xml = (try? String(contentsOfFile: junit, encoding: .utf8)) ?? ""
        XCTAssertTrue(xml.contains("test_order_flow"), xml)
        XCTAssertFalse(xml.contains("test_hangs"), "the interrupted test did not finish: \(xml)")
    }
}

/// A plain listening socket, to occupy a port.
final class TCPListener {
    private var fd: Int32
    let port: Int
    /// Listens on 127.0.0.1:`port`; port 0 lets the kernel choose (read it from `port`).
    init(port: UInt16) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(sock, $0, length) == 0 && listen(sock, 8) == 0 && getsockname(sock, $0, &length) == 0
            }
        }
        guard bound else { Glibc.close(sock); throw HarnessError("cannot listen on \(port)") }
        fd = sock
        self.port = Int(UInt16(bigEndian: addr.sin_port))
    }
    func close() { if fd >= 0 { Glibc.close(fd); fd = -1 } }
}
