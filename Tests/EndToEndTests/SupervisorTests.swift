import Foundation
import Injector
@testable import Runner
import ServiceClients
import TestSupport
import XCTest

/// The supervisor alone, on real processes under the real injector: dependency order,
/// healthchecks, early exits, teardown until the ports are free.
final class SupervisorTests: XCTestCase {
    var logs: TestLogDirectory!
    var runDir: RunDirectory!

    override func setUpWithError() throws {
        runDir = try RunDirectory.create(base: NSTemporaryDirectory() + "faultbox-sup")
        logs = try runDir.testDirectory(index: 1, name: "sup", run: 1)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: runDir.path) }

    private func python(_ port: Int) -> ServiceLaunch {
        ServiceLaunch(name: "web\(port)", executable: "python3",
                      arguments: ["-m", "http.server", String(port), "--bind", "127.0.0.1"],
                      ports: [("main", port)],
                      healthcheck: .http(host: "localhost", port: port, path: "/", timeout: .seconds(10)))
    }

    func testStartsInOrderWaitsForHealthAndTearsDown() throws {
        let session = InjectorSession(seed: 0, onEvent: { _ in })
        let supervisor = Supervisor(session: session, logs: logs, cancellation: CellCancellation())
        let (first, second) = (kernelFreePort(), kernelFreePort())
        let services = [python(first), python(second)]
        try supervisor.checkPortsFree(services)
        let began = ContinuousClock.now
        try supervisor.start(services, trapSets: [:])
        let startup = ContinuousClock.now - began
        XCTAssertEqual(supervisor.running.map(\.launch.name), ["web\(first)", "web\(second)"])
        XCTAssertNil(TCPClient.connectFailure(host: "127.0.0.1", port: first, timeout: .seconds(1)))
        XCTAssertEqual(HTTPSession.once(method: "GET", url: "127.0.0.1:\(second)/", body: nil, headers: [],
                                        timeout: .seconds(1)).status, 200)
        XCTAssertNil(supervisor.stopAll(grace: .seconds(2)))
        XCTAssertFalse(PortCheck.isListening(port: first))
        XCTAssertFalse(PortCheck.isListening(port: second))
        XCTAssertTrue(supervisor.running.allSatisfy { $0.process.exitStatus != nil })
        print("two python http.servers ready in \(startup.milliseconds) ms")
    }

    /// Each service gets a TMPDIR of its own inside the test's log directory, unless the
    /// spec's env= names one.
    func testServicesGetATemporaryDirectoryOfTheirOwn() throws {
        let session = InjectorSession(seed: 0, onEvent: { _ in })
        let supervisor = Supervisor(session: session, logs: logs, cancellation: CellCancellation())
        let script = "python3 -c 'import tempfile; print(tempfile.mkdtemp())'; exec python3 -m http.server $1 --bind 127.0.0.1"
        func service(_ name: String, _ port: Int, env: [String: String] = [:]) -> ServiceLaunch {
            ServiceLaunch(name: name, executable: "/bin/sh", arguments: ["-c", script, "sh", String(port)], environment: env,
                          ports: [("main", port)], healthcheck: .tcp(host: "localhost", port: port, timeout: .seconds(10)))
        }
        let own = NSTemporaryDirectory() + "faultbox-own-tmp-\(getpid())"
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: own) }
        try supervisor.start([service("a", kernelFreePort()), service("b", kernelFreePort(), env: ["TMPDIR": own])], trapSets: [:])
        XCTAssertNil(supervisor.stopAll(grace: .seconds(2)))
        let made = try String(contentsOfFile: logs.stdoutPath("a"), encoding: .utf8).split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertTrue(made.hasPrefix(logs.path + "/a.tmp/tmp"), made)
        XCTAssertTrue(FileManager.default.fileExists(atPath: made), "left with the logs: \(made)")
        let given = try String(contentsOfFile: logs.stdoutPath("b"), encoding: .utf8)
        XCTAssertTrue(given.hasPrefix(own + "/tmp"), given)
    }

    func testExitBeforeReadyAndHealthTimeout() throws {
        let session = InjectorSession(seed: 0, onEvent: { _ in })
        let supervisor = Supervisor(session: session, logs: logs, cancellation: CellCancellation())
        // A minute of healthcheck: giving up only at its end would show as a wait of 60 s.
        let diesPort = kernelFreePort()
        let dies = ServiceLaunch(name: "dies", executable: "/bin/sh", arguments: ["-c", "echo boom >&2; exit 7"],
                                 ports: [("main", diesPort)],
                                 healthcheck: .tcp(host: "localhost", port: diesPort, timeout: .seconds(60)))
        let began = ContinuousClock.now
        XCTAssertThrowsError(try supervisor.start([dies], trapSets: [:])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("service dies exited before it was ready (exit status 7)"), text)
            XCTAssertTrue(text.contains("boom"), text)
        }
        // Came back long before the healthcheck's minute: the exit was noticed, not waited out.
        XCTAssertLessThan(ContinuousClock.now - began, .seconds(30), "waited for the healthcheck after the exit")
        _ = supervisor.stopAll()

        let session2 = InjectorSession(seed: 0, onEvent: { _ in })
        let supervisor2 = Supervisor(session: session2, logs: logs, cancellation: CellCancellation())
        let silentPort = kernelFreePort()
        let silent = ServiceLaunch(name: "silent", executable: "/bin/sleep", arguments: ["30"],
                                   ports: [("main", silentPort)],
                                   healthcheck: .tcp(host: "localhost", port: silentPort, timeout: .milliseconds(300)))
        XCTAssertThrowsError(try supervisor2.start([silent], trapSets: [:])) { error in
            XCTAssertTrue("\(error)".contains("service silent not ready: healthcheck tcp(\"localhost:\(silentPort)\") did not pass within 300ms"), "\(error)")
        }
        _ = supervisor2.stopAll(grace: .milliseconds(200))
        XCTAssertTrue(supervisor2.running.allSatisfy { $0.process.exitStatus != nil }, "sleep was killed")
    }
}
