import FaultPlan
import Foundation
import Injector
import ServiceClients
import Trace

/// Why services could not be brought up; the message is what the user sees as the test's
/// failure reason.
struct StartFailure: Error, CustomStringConvertible {
    let description: String
}

/// Starts one cell's services in dependency order under the cell's injector session, waits
/// for each to be ready, and tears everything down. One supervisor per cell: nothing here is
/// shared between cells, so cells could later run side by side in separate namespaces.
///
/// `start` runs on the cell's VM thread; `stopAll` and the report run on the runner's
/// thread, possibly while an abandoned (timed-out) start is still going: the list of
/// started processes sits behind a lock.
final class Supervisor: @unchecked Sendable {
    let session: InjectorSession
    let logs: TestLogDirectory
    let cancellation: CellCancellation
    private let started = Locked<[(launch: ServiceLaunch, process: TracedProcess)]>([])
    var running: [(launch: ServiceLaunch, process: TracedProcess)] { started.current }
    /// Services whose `lifecycle.exited` is already in the trace.
    private let reportedExits = Locked<Set<String>>([])

    /// The environment every service inherits before its own variables are added.
    private let baseEnvironment: [String: String]
    /// `--debug`: start-up timings per service.
    var debugLog: ((String) -> Void)?
    /// The cell's trace: started, ready, exited and stopped events, and observed output.
    let trace: CellTrace
    /// The cell's HTTP session: the healthchecks' and the scenario's calls use it.
    let http: HTTPSession
    /// Calls a `healthcheck = fn` in the cell's VM (set by the cell program; nil in tools
    /// and tests without a spec, where such a check cannot pass).
    var functionProbe: ((CallableRef, Duration) -> HealthcheckAttempt)?

    init(session: InjectorSession, logs: TestLogDirectory, cancellation: CellCancellation,
         trace: CellTrace = CellTrace(startedAt: .now), http: HTTPSession = HTTPSession()) {
        self.session = session
        self.logs = logs
        self.cancellation = cancellation
        self.trace = trace
        self.http = http
        self.baseEnvironment = ProcessInfo.processInfo.environment
    }

    /// Refuses to start when another process already listens on a service's port: the
    /// services would fail to bind, or worse, the test would talk to the wrong process.
    func checkPortsFree(_ services: [ServiceLaunch]) throws(StartFailure) {
        let listening = PortCheck.listeners()
        for service in services {
            for (iface, port) in service.ports where listening[port] != nil {
                let who = PortCheck.owner(of: port).map { " by \($0)" } ?? " by another process"
                throw StartFailure(description:
                    "port \(port) (\(service.name).\(iface)) is already in use\(who); stop that process or change the "
                        + "interface's port in the spec")
            }
        }
    }

    /// Starts `services` (already in dependency order), each trapping `trapSets[name]`, and
    /// waits for each one's healthcheck before starting the next.
    func start(_ services: [ServiceLaunch], trapSets: [String: Set<String>]) throws(StartFailure) {
        for service in services {
            if cancellation.reason != nil { throw StartFailure(description: "stopped while starting \(service.name)") }
            var env = baseEnvironment
            do { env["TMPDIR"] = try logs.temporaryDirectory(service.name) } catch {
                throw StartFailure(description: "service \(service.name): cannot create its temporary directory under "
                    + "\(logs.path): \(error)")
            }
            for (k, v) in service.environment { env[k] = v } // a TMPDIR in the spec's env= wins
            let spec = LaunchSpec(
                service: service.name, executable: service.executable, arguments: service.arguments,
                environment: env, workingDirectory: nil,
                stdoutPath: logs.stdoutPath(service.name), stderrPath: logs.stderrPath(service.name),
                trapSyscalls: trapSets[service.name] ?? [])
            let process: TracedProcess
            let clock = ContinuousClock()
            let launchedAt = clock.now
            do {
                process = try session.launch(spec)
            } catch let error as InjectorError {
                // The injector's message names the service and the binary already.
                throw StartFailure(description: "\(error)")
            } catch {
                throw StartFailure(description: "service \(service.name): cannot start \(service.executable): \(error)")
            }
            started.withLock { $0.append((service, process)) }
            trace.lifecycle(service.name, "started", [("pid", String(process.pid))])
            for o in service.observe {
                trace.observe(service: service.name, kind: o.stream == .stdout ? .stdout : .stderr,
                              path: o.stream == .stdout ? logs.stdoutPath(service.name) : logs.stderrPath(service.name),
                              decoder: o.decoder.flatMap(Self.decoder))
            }
            let runningAt = clock.now
            try waitReady(service, process)
            trace.lifecycle(service.name, "ready")
            debugLog?("\(service.name): launched in \((runningAt - launchedAt).milliseconds) ms, ready "
                + "\((clock.now - runningAt).milliseconds) ms later")
        }
    }

    /// Polls the healthcheck with a quick backoff (0.5 ms doubling to 2 ms, 20 ms after 200 ms):
    /// the demo services listen within a few milliseconds, and a fixed 100 ms poll would
    /// dominate a cell's run time. Between polls, a service that exited fails at once.
    private func waitReady(_ service: ServiceLaunch, _ process: TracedProcess) throws(StartFailure) {
        let check = service.healthcheck ?? service.ports.first.map {
            Healthcheck.tcp(host: "127.0.0.1", port: $0.port, timeout: .seconds(10))
        }
        guard let check else { return try ensureAlive(service, process) }
        let prober = HealthProber(http: http, function: functionProbe)
        let clock = ContinuousClock()
        let deadline = clock.now + check.timeout
        var pause = Duration.microseconds(500)
        var last: HealthcheckAttempt?
        while true {
            try ensureAlive(service, process)
            if cancellation.reason != nil { throw StartFailure(description: "stopped while waiting for \(service.name)") }
            let remaining = deadline - clock.now
            // A function may make several calls: give it what is left; a probe at most 1 s,
            // so that an exit or a stop is noticed between attempts.
            let cap: Duration = { if case .function = check.probe { return .seconds(3600) } else { return .seconds(1) } }()
            let result = prober.attempt(check, timeout: min(max(remaining, .milliseconds(50)), cap))
            if result.ready { return }
            last = result
            if clock.now >= deadline {
                try ensureAlive(service, process)
                if cancellation.reason != nil { throw StartFailure(description: "stopped while waiting for \(service.name)") }
                throw StartFailure(description:
                    "service \(service.name) not ready: healthcheck \(check) did not pass within \(DurationFlag.format(check.timeout))"
                    + "\n  waited for: \(HealthProber.wanted(check))"
                    + "\n  last seen: \(last.map(\.seen) ?? "nothing (no attempt finished)")"
                    + stderrTail(service.name, label: "stderr"))
            }
            Thread.sleep(forTimeInterval: pause.secondsDouble)
            // Most services listen within tens of milliseconds: keep the poll fine (2 ms)
            // for the first 200 ms so readiness is seen promptly, then back off to 20 ms.
            let waited = check.timeout - (deadline - clock.now)
            pause = min(pause * 2, waited < .milliseconds(200) ? .milliseconds(2) : .milliseconds(20))
        }
    }

    private func ensureAlive(_ service: ServiceLaunch, _ process: TracedProcess) throws(StartFailure) {
        guard let exit = process.exitStatus else { return }
        throw StartFailure(description:
            "service \(service.name) exited before it was ready (\(Self.describe(exit)))" + stderrTail(service.name, label: "stderr"))
    }

    /// Services that died while the test ran, for the failure reason.
    func unexpectedExits() -> [String] {
        running.compactMap { entry in
            entry.process.exitStatus.map { "service \(entry.launch.name) exited during the test (\(Self.describe($0)))" }
        }
    }

    /// Records `lifecycle.exited` (with its status or signal) for every service that has
    /// died on its own since the last call. The trace runs this before each query, so a test
    /// that saw a service die can assert on it, not only the report after the teardown.
    func recordExits() {
        for entry in running {
            guard let exit = entry.process.exitStatus else { continue }
            let isNew = reportedExits.withLock { $0.insert(entry.launch.name).inserted }
            if isNew { trace.lifecycle(entry.launch.name, "exited", Self.fields(exit)) }
        }
    }

    /// Stops every process of the cell (SIGTERM, grace, SIGKILL; the injector reaps the
    /// whole tree) and waits until the cell's ports are free for the next cell. Returns a
    /// warning when a port stays taken.
    func stopAll(grace: Duration = .seconds(2)) -> String? {
        // A service that died on its own is `exited` (with its status); the others are
        // `stopped` by the teardown.
        let before = running
        recordExits()
        // From here on an exit is the teardown's doing: later drains must not call it `exited`.
        let exited = reportedExits.withLock { reported -> Set<String> in
            defer { reported.formUnion(before.map(\.launch.name)) }
            return reported
        }
        session.shutdown(grace: grace)
        for entry in before where !exited.contains(entry.launch.name) {
            trace.lifecycle(entry.launch.name, "stopped")
        }
        let ports = running.flatMap { $0.launch.ports.map(\.port) }
        let busy = PortCheck.waitUntilFree(ports, timeout: .seconds(5))
        if busy.isEmpty { return nil }
        return "port\(busy.count == 1 ? "" : "s") \(busy.map(String.init).joined(separator: ", ")) still in use after teardown"
    }

    private func stderrTail(_ service: String, label: String) -> String {
        let tail = TestLogDirectory.tail(of: logs.stderrPath(service), maxLines: 10)
        if tail.isEmpty { return "" }
        return "\n  last lines of \(service) \(label):\n" + tail.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    " + $0 }.joined(separator: "\n")
    }

    static func fields(_ exit: ProcessExit) -> [(key: String, value: String)] {
        switch exit {
        case .exited(let code): return [("status", String(code))]
        case .signaled(let sig): return [("signal", String(sig))]
        }
    }

    static func decoder(_ d: ObservedStream.Decoder) -> TraceDecoder? {
        switch d {
        case .json: return .json
        case .logfmt: return .logfmt
        case .regex(let pattern): return try? .regex(pattern)
        }
    }

    static func describe(_ exit: ProcessExit) -> String {
        switch exit {
        case .exited(let code): return "exit status \(code)"
        case .signaled(let sig): return "killed by signal \(sig)\(signalName(sig).map { " (\($0))" } ?? "")"
        }
    }

    private static func signalName(_ sig: Int32) -> String? {
        let names: [Int32: String] = [SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT",
                                      SIGINT: "SIGINT", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGPIPE: "SIGPIPE", SIGTRAP: "SIGTRAP"]
        return names[sig]
    }
}
