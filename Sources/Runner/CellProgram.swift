import FaultPlan
import Foundation
import Injector
import Reports
import ServiceClients

/// One test or matrix cell, ready to run: what to start, what to trap, what to arm, and
/// the body that runs the scenario and the oracle in the VM. Built from the plan by
/// `PlanAdapter`; everything in it belongs to this cell alone.
struct CellDefinition: Sendable {
    var name: String
    var scenario: String?
    var fault: String?
    var matrixID: Int?
    var matrixRow: String?
    /// In dependency order.
    var services: [ServiceLaunch]
    /// Per service, the concrete syscalls the injector traps (fixed at launch).
    var trapSets: [String: Set<String>]
    /// The cell's fault assumptions, armed once every service is ready: per service, the
    /// rules without ids, with the assumption's name.
    var assumptionRules: [(origin: String, service: String, rule: FaultRule)]
    /// Runs the scenario and the oracle on the cell's VM thread. Returns nil when the test
    /// passed, else the reason.
    var body: @Sendable (CellContext) -> String?
    /// Calls a `healthcheck = fn` on the cell's VM thread (nil: no spec behind the cell).
    var healthFunction: (@Sendable (CellContext, CallableRef, Duration) -> HealthcheckAttempt)?
    /// Timeout, expectation and fault-firing rules of the outcome (CellJudgement.swift).
    var judging = CellJudging()
}

/// What the cell's body can use while it runs (on the VM thread only).
final class CellContext: @unchecked Sendable {
    let rules: ArmedRules
    let events: EventLog
    let trace: CellTrace
    /// The trace's last `seq` before faults were armed: monitors judge what comes after.
    let armedAfterSeq = Locked(0)
    let cancellation: CellCancellation
    let supervisor: Supervisor
    let seed: UInt64
    /// The cell's HTTP connections (the supervisor's: healthchecks use them too); shut
    /// down when the cell stops or ends.
    let http: HTTPSession
    /// The cell's Starlark thread and runtime, made on the VM thread at first use (a
    /// function healthcheck, else the body) and used only there.
    var vm: CellVM?
    /// What the spec printed and remarks for the report, filled on the VM thread.
    let printed = Locked<[String]>([])
    let warnings = Locked<[String]>([])
    /// What the body found out for the outcome (assertions, steps, its verdict).
    let judgement = CellJudgement()
    init(rules: ArmedRules, events: EventLog, trace: CellTrace, cancellation: CellCancellation,
         supervisor: Supervisor, seed: UInt64) {
        self.rules = rules
        self.events = events
        self.trace = trace
        self.cancellation = cancellation
        self.supervisor = supervisor
        self.seed = seed
        self.http = supervisor.http
    }
}

/// The life of a cell: start -> ready -> arm -> scenario + oracle (VM thread) -> disarm ->
/// stop -> ports free. Teardown happens every time, whatever failed.
struct CellProgram {
    let options: RunOptions
    let runDirectory: RunDirectory
    /// Set while the cell runs so that Ctrl-C can stop it.
    let current: Locked<CellCancellation?>
    /// Run-wide `NO_POSITIVE_CONTROL` bookkeeping; each finished cell reports to it.
    var vacuity: VacuityTracker?

    func run(_ cell: CellDefinition, index: Int, runNumber: Int, seed: UInt64) -> TestOutcome {
        let clock = ContinuousClock()
        let began = clock.now
        var outcome = TestOutcome(name: cell.name, specFile: options.specPath, scenario: cell.scenario,
                                  fault: cell.fault, matrixID: cell.matrixID, passed: false,
                                  durationMs: 0, seed: seed, replay: replayCommand(cell.name, seed: seed))
        let logs: TestLogDirectory
        do { logs = try runDirectory.testDirectory(index: index, name: cell.name, run: runNumber) } catch {
            outcome.reason = "cannot create the log directory under \(runDirectory.path): \(error)"
            return outcome
        }
        let debug = options.debug
        var debugSink: (@Sendable (SyscallEvent) -> Void)?
        if debug {
            debugSink = { event in CellProgram.debugLine("event \(EventLog.describe(event))") }
        }
        let trace = CellTrace(startedAt: began)
        let events = EventLog(trace: trace, debugSink: debugSink)
        let session = InjectorSession(seed: seed, backend: options.injector, onEvent: { events.record($0) })
        trace.flushInjector = { session.flushEvents() }
        // Which backend this cell's session uses and in which process: with --jobs the cell
        // runs in a worker, PID 1 of its namespaces, and this is how one sees the choice arrive.
        if debug { Self.debugLine("\(cell.name): \(session.backend.rawValue) injector, in process \(getpid())") }
        let cancellation = CellCancellation()
        let supervisor = Supervisor(session: session, logs: logs, cancellation: cancellation, trace: trace)
        if debug { supervisor.debugLog = { CellProgram.debugLine($0) } }
        trace.recordExits = { [weak supervisor] in supervisor?.recordExits() }
        let healthFunction = cell.healthFunction
        // Stopping kills the services, so that a scenario blocked in I/O returns at once.
        cancellation.onStop { _ in session.shutdown(grace: .milliseconds(100)) }
        current.withLock { $0 = cancellation }
        defer { current.withLock { $0 = nil } }
        // The cell's objects hold each other through closures: the stop hooks hold the
        // session and the context, the context holds the cancellation; the trace's flush
        // holds the session, whose event callback holds the trace. Break both rings when
        // the cell ends, or each cell's trace, session and context stay for the whole run
        // (bench/leaks.sh: +33 KB of RSS per cell before this).
        defer { cancellation.forgetHooks(); trace.flushInjector = nil; trace.recordExits = nil }

        let rules = ArmedRules(session: session, trace: trace)
        let context = CellContext(rules: rules, events: events, trace: trace, cancellation: cancellation,
                                  supervisor: supervisor, seed: seed)
        if let healthFunction {
            supervisor.functionProbe = { [weak context] ref, timeout in
                guard let context else { return HealthcheckAttempt(ready: false, seen: "the cell has ended") }
                return healthFunction(context, ref, timeout)
            }
        }
        // Stopping also fails the scenario's HTTP calls, even one still waiting for a
        // connection (the killed services alone do not end those).
        cancellation.onStop { _ in context.http.shutdown() }
        defer { context.http.shutdown() }
        // What the cell was doing, for the timeout message.
        let phase = Locked("starting the services")
        let startFailed = Locked(false)
        let worker = DedicatedThread<String?>(name: "faultbox-cell") {
            if debug { Self.debugLine("cell thread running after \(Self.ms(clock.now - began)) ms") }
            do {
                try supervisor.checkPortsFree(cell.services)
                if debug { Self.debugLine("ports checked after \(Self.ms(clock.now - began)) ms") }
                try supervisor.start(cell.services, trapSets: cell.trapSets)
            } catch {
                startFailed.withLock { $0 = true }
                context.vm = nil   // a function healthcheck's VM (it holds the context)
                return "\(error)"
            }
            if debug { Self.debugLine("services ready after \(Self.ms(clock.now - began)) ms") }
            var base: [String: [FaultRule]] = [:]
            for entry in cell.assumptionRules {
                var rule = entry.rule
                rule.id = rules.newRuleID(origin: .init(name: "fault " + entry.origin, warnIfUnused: true))
                base[entry.service, default: []].append(rule)
            }
            context.armedAfterSeq.withLock { $0 = trace.store.recordedCount }
            rules.push(base)
            rules.armWindow()
            let armedAt = clock.now
            phase.withLock { $0 = "running the scenario (services ready, faults armed)" }
            let reason = cell.body(context)
            context.vm = nil
            rules.disarmAll()
            if debug { Self.debugLine("scenario and oracle took \(Self.ms(clock.now - armedAt)) ms") }
            return reason
        }
        var reason: String?
        let limit = cell.judging.timeout ?? options.timeout
        var hung = false
        if let finished = worker.wait(timeout: limit) {
            reason = finished
        } else {
            hung = context.judgement.current.scenarioRunning
            cancellation.stop(.timeout(limit))
            _ = worker.wait(timeout: Duration.seconds(5))
        }
        switch cancellation.reason {
        case .timeout(let d)? where hung && cell.judging.expectsHang:
            // expect_hang(): the timeout stopping the scenario is the expected outcome.
            reason = nil
            if debug { Self.debugLine("the scenario hung until the timeout (\(DurationFlag.format(d))), as expect_hang() wants") }
        case .timeout(let d)?:
            reason = "timed out after \(DurationFlag.format(d)) (\(cell.judging.timeoutSource ?? "--timeout")) while \(phase.current); "
                + "the test was stopped and its services torn down"
        case .interrupted?:
            reason = "interrupted (Ctrl-C)"
        case nil: break
        }
        if reason != nil && cancellation.reason == nil {
            // A service that failed to start already has its exit in the reason.
            let said = reason ?? ""
            let exits = supervisor.unexpectedExits().filter { line in
                guard let name = line.split(separator: " ").dropFirst().first else { return true }
                return !said.contains("service \(name) exited")
            }
            if !exits.isEmpty { reason = (reason ?? "") + "\n" + exits.joined(separator: "\n") }
        }
        let hits = session.ruleHits()
        let stoppingAt = clock.now
        if let busy = supervisor.stopAll(grace: options.grace) { outcome.warnings.append(busy) }
        trace.drainOutputs(final: true)
        outcome.traceStore = trace.store
        outcome.traceDropped = trace.store.dropped
        outcome.traceEventCount = trace.store.recordedCount
        outcome.traceSyscallCount = events.total
        if debug { Self.debugLine("teardown took \(Self.ms(clock.now - stoppingAt)) ms") }

        outcome.durationMs = Double((clock.now - began).milliseconds)
        outcome.passed = reason == nil
        outcome.reason = reason.map { $0 + "\nlogs: \(logs.path)" }
        outcome.decisions = events.firedDecisions()
        let unused = rules.unusedOrigins(hits: hits)
        outcome.diagnostics = unused.map { name, probabilistic in
            // With a probability below 1, matching calls may all have drawn "no fault".
            Diagnostic(code: DiagnosticCode.faultNotFired, message: probabilistic
                ? "\(name) never fired: no matching call, or every draw with its probability (seed \(seed)) said no; "
                    + "try other seeds with --runs"
                : "\(name) never fired: the scenario made no call it matches",
                fix: "run the test with --debug to see the calls the scenario made; match the syscall family "
                    + "(write, not pwrite64) and check that a path= glob matches")
        }
        outcome.warnings.append(contentsOf: context.warnings.current)
        Self.judge(&outcome, cell: cell, facts: context.judgement.current, stopped: cancellation.reason,
                   hung: hung, unused: unused.map(\.name))
        vacuity?.endTest(context.judgement.current, passed: outcome.passed)
        outcome.failureType = Self.failureType(outcome, stopped: cancellation.reason, startFailed: startFailed.current)
        outcome.output = supervisor.running.map { entry in
            ServiceOutput(service: entry.launch.name,
                          stdout: TestLogDirectory.contents(of: logs.stdoutPath(entry.launch.name)),
                          stderr: TestLogDirectory.contents(of: logs.stderrPath(entry.launch.name)))
        }
        // The output is in the outcome now; a passed test's files are not worth keeping
        // (--debug keeps them), a failed test's stay for inspection.
        if outcome.passed && !debug { try? FileManager.default.removeItem(atPath: logs.path) }
        let printed = context.printed.current
        if !printed.isEmpty {
            outcome.output.insert(ServiceOutput(service: "spec (print)", stdout: printed.joined(separator: "\n")), at: 0)
        }
        return outcome
    }

    /// The reference tool's `failure_type` for tools: assertion, timeout, service_start, error.
    static func failureType(_ o: TestOutcome, stopped: StopReason?, startFailed: Bool) -> String? {
        if o.passed { return nil }
        if case .timeout? = stopped { return "timeout" }
        if startFailed { return "service_start" }
        switch o.outcome {
        case .failed, .expectationViolated: return "assertion"
        default: return "error"
        }
    }

    private func replayCommand(_ name: String, seed: UInt64) -> String {
        "faultbox test \(ShellQuote.quote(options.specPath)) --test \(name) --seed \(seed)"
    }

    static func ms(_ d: Duration) -> Int64 { d.milliseconds }

    static func debugLine(_ s: String) {
        ConsoleWrite.write(ConsoleWrite.stderr, "  [debug] \(s)\n")
    }
}

enum ShellQuote {
    static func quote(_ s: String) -> String {
        let safe = s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@+,".contains($0) }
        return safe && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
