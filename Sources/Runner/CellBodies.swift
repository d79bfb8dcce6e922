import FaultPlan
import Foundation
import Reports
import SpecLowering
import StarlarkVM

/// The loaded spec, shared read-only by the cells (each cell gets its own Starlark thread;
/// module globals are frozen after loading, so calling the same functions from successive
/// cell threads shares no mutable state).
final class LoadedSpecBox: @unchecked Sendable {
    let spec: LoadedSpec
    init(_ spec: LoadedSpec) { self.spec = spec }
}

/// The VM part of a cell: call the scenario (or the `def test_*`), then the oracle, with the
/// cell's runtime installed and its monitors attached; returns the failure reason or nil.
enum CellBodies {
    static func make(_ box: LoadedSpecBox, _ test: PlanTest) -> @Sendable (CellContext) -> String? {
        { context in run(box, test, context) }
    }

    private static func run(_ box: LoadedSpecBox, _ test: PlanTest, _ context: CellContext) -> String? {
        let vm = CellVM.of(box, test, context)
        let (thread, runtime, monitors) = (vm.thread, vm.runtime, vm.monitors)
        runtime.starting = false
        let tally = AssertionCounter.install(on: thread)
        let judgement = context.judgement
        // A registered monitor is a check (like the reference tool's temporal properties).
        var judged = monitors.isEmpty ? 0 : 1
        defer {
            SpecRuntimeSlot.install(nil, on: thread)
            context.warnings.withLock { $0.append(contentsOf: runtime.warnings) }
            judgement.record(tally, extra: judged)
        }
        /// Ends the body with a reason and the outcome it stands for; a monitor failure
        /// (the first one, kept by the runtime) wins and is `failed`.
        func end(_ kind: Outcome, _ reason: String) -> String {
            if let m = finalMonitors(runtime, !monitors.isEmpty) {
                judgement.update { $0.kind = .failed }
                return m
            }
            judgement.update { $0.kind = kind }
            return reason
        }

        guard let body = box.spec.callable(test.body) else {
            return end(.errored, "internal error: no function for \(test.body.name) (\(test.body.position))")
        }
        let what = test.kind == .function ? "\(test.name)" : "scenario \(test.body.name)"
        let result: Value
        let began = ContinuousClock.now
        judgement.update { $0.scenarioRunning = true }
        do { result = try thread.call(body, Arguments()) } catch {
            judgement.update { $0.scenarioRunning = false }
            // An assertion that failed (assert_*, fail) is `failed`; any other error is
            // `errored` (also a cancellation: the timeout decides those).
            return end(tally.failures > 0 ? .failed : .errored, "\(what) raised an error:\n" + CellRuntime.indent(describe(error)))
        }
        judgement.update { $0.scenarioRunning = false }
        let elapsedMs = Double((ContinuousClock.now - began).milliseconds)
        if let oracle = test.oracle {
            judged += 1
            if let expectation = oracle.expectation {
                if let why = ExpectationJudge.violation(expectation, result: result, elapsedMs: elapsedMs, thread: thread) {
                    return end(.expectationViolated, "\(oracle.source.rawValue) \(expectation.text) (\(oracle.position)) not met: \(why)")
                }
            } else {
                guard let fn = box.spec.callable(oracle.callable) else {
                    return end(.errored, "internal error: no function for the oracle at \(oracle.position)")
                }
                let label = "\(oracle.source.rawValue) oracle \(oracle.callable.name) (\(oracle.position))"
                let failuresBefore = tally.failures
                do {
                    let verdict = try thread.call(fn, Arguments([result]))
                    if case .bool(false) = verdict {
                        return end(.expectationViolated, "\(label) returned False for \(repr(result))")
                    }
                } catch {
                    // An assertion in the oracle is the oracle disagreeing; a typo in it is
                    // an error of the spec, not a verdict.
                    return end(tally.failures > failuresBefore ? .expectationViolated : .errored,
                               "\(label) failed for \(repr(result)):\n" + CellRuntime.indent(describe(error)))
                }
            }
        }
        if let m = finalMonitors(runtime, !monitors.isEmpty) {
            judgement.update { $0.kind = .failed }
            return m
        }
        return nil
    }

    /// The runner's form of one plan monitor (its state fresh for this test).
    static func watch(_ m: Monitor, _ spec: LoadedSpec) -> MonitorRunner.Watch? {
        if let s = m.stateful {
            let state = s.stateInit.flatMap { spec.callable($0) }.map { StateCopy.fresh($0) } ?? Value.none
            return .init(name: s.name, position: m.position,
                         kind: .stateful(match: CompiledMatch(s.on), state: state,
                                         update: s.update.flatMap { spec.callable($0) },
                                         check: s.check.flatMap { spec.callable($0) }))
        }
        guard let fn = spec.callable(m.callable) else { return nil }
        return .init(name: m.callable.name, position: m.position,
                     kind: .callback(fn: fn, service: m.service, syscalls: Set(m.syscalls)))
    }

    /// Gives events still in flight (the injector delivers them asynchronously) a moment to
    /// arrive, then runs the monitors a last time.
    private static func finalMonitors(_ runtime: CellRuntime, _ any: Bool) -> String? {
        if any {
            Thread.sleep(forTimeInterval: 0.003)
            runtime.runMonitors()
        }
        return runtime.monitorFailure
    }

    static func describe(_ error: Error) -> String { StarlarkErrorText.describe(error) }

    /// A short repr of the scenario's result for messages.
    static func repr(_ v: Value) -> String {
        let text = Ops.repr(v)
        return text.count > 300 ? String(text.prefix(300)) + "..." : text
    }
}
