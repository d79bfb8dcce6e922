import FaultPlan
import Foundation
import Reports
import SpecLowering
import StarlarkVM

/// How a cell is judged beyond "did the body raise": its own timeout, its expectation,
/// `require_faults_fire`. Part of `CellDefinition`, built from the plan by `PlanAdapter`.
struct CellJudging: Sendable {
    /// `fault_scenario(timeout=)`: replaces `--timeout` for this test.
    var timeout: Duration?
    /// Names the timeout in messages: `timeout="2s" (spec.star:9:5)`; nil: `--timeout`.
    var timeoutSource: String?
    /// The expectation as the reports show it (`expect_success()`, an oracle's name).
    var expectation: String?
    /// `expect_hang()`: the test passes when its timeout stops the running scenario.
    var expectsHang = false
    /// `fault_matrix(require_faults_fire=True)`.
    var requireFaultsFire = false

    static func make(_ test: PlanTest) -> CellJudging {
        var j = CellJudging()
        if let t = test.timeout {
            j.timeout = PlanAdapter.duration(t.duration)
            j.timeoutSource = "timeout=\"\(t.duration.text)\" at \(t.position)"
        }
        j.expectation = test.oracle?.label
        j.expectsHang = test.oracle?.expectation == .hang
        j.requireFaultsFire = test.requireFaultsFire
        return j
    }
}

/// What the VM thread learned while the cell ran, read by `CellProgram` after it (also
/// after a timeout, hence the lock).
final class CellJudgement: @unchecked Sendable {
    struct State {
        /// Between the scenario's call and its return (or raise).
        var scenarioRunning = false
        /// The outcome the body decided when it returned a reason (nil: not decided, which
        /// `CellProgram` reads as errored).
        var kind: Outcome?
        /// Assertions evaluated (assert_*, fail, oracle, expectation, monitors).
        var assertions = 0
        var stepped: Set<String> = []
        var succeeded: Set<String> = []
    }
    private let state = Locked(State())

    var current: State { state.current }
    func update(_ body: (inout State) -> Void) { state.withLock { body(&$0) } }

    /// Copies what the tally counted (at the end of the body, on the VM thread).
    func record(_ tally: AssertionTally, extra: Int) {
        update { s in
            s.assertions = tally.evaluated + extra
            s.stepped = tally.stepped
            s.succeeded = tally.succeeded
        }
    }
}

/// Judges `expect_success()` / `expect_error_within(ms=)` on the scenario's return value
/// (`expect_hang()` is judged by `CellProgram`, which sees the timeout). The rules are in
/// docs/runner.md, "Expectations".
enum ExpectationJudge {
    /// Why the result violates the expectation, or nil when it meets it.
    static func violation(_ e: ExpectedOutcome, result: Value, elapsedMs: Double, thread: StarThread) -> String? {
        let shape = ResultShape(result, thread: thread)
        switch e {
        case .success:
            if case .none = result {
                return "the scenario returned None, so there is nothing to judge; return the response (return api.get(...))"
            }
            if let why = shape.errorDescription { return "\(why) (want a status below 500 and no transport error)" }
            return nil
        case .errorWithin(let ms):
            if case .none = result {
                return "the scenario returned None, so there is no error to judge; return the response "
                    + "(a scenario that never returns is expect_hang())"
            }
            guard shape.errorDescription != nil else {
                return "the scenario succeeded (\(shape.summary)), but an error (status 500 or more, or a transport error) was expected"
            }
            let took = shape.durationMs ?? elapsedMs
            let source = shape.durationMs != nil ? "duration_ms" : "the scenario's run time"
            if took > Double(ms) {
                return "the error came after \(Int(took.rounded())) ms (\(source)), over the budget of \(ms) ms"
            }
            return nil
        case .hang:
            return "the scenario returned \(CellBodies.repr(result)) after \(Int(elapsedMs.rounded())) ms; "
                + "it was expected not to return before the test's timeout"
        }
    }

    /// The parts of a result the expectations read: a response (`status`, `error`,
    /// `duration_ms` attributes) or a dict with those keys (`status_code` too).
    struct ResultShape {
        var status: Int64?
        var error: String?
        var durationMs: Double?

        init(_ v: Value, thread: StarThread) {
            func field(_ name: String) -> Value? {
                switch v {
                case .object(let o): return try? o.attr(name, thread: thread)
                case .dict(let d): return (try? d.get(.str(name))) ?? nil
                default: return nil
                }
            }
            for name in ["status", "status_code"] {
                if case .int(let i)? = field(name) { status = i; break }
            }
            if case .string(let s)? = field("error"), !s.bytes.isEmpty { error = s.string }
            switch field("duration_ms") {
            case .int(let i)?: durationMs = Double(i)
            case .float(let f)? where f.isFinite: durationMs = f
            default: break
            }
        }

        /// Set when the result is an error shape.
        var errorDescription: String? {
            if let error { return "transport error: \(error)" }
            if let status, status >= 500 { return "status \(status)" }
            return nil
        }

        var summary: String { status.map { "status \($0)" } ?? "no status" }
    }
}

/// `NO_POSITIVE_CONTROL` bookkeeping across the run (docs/diagnostics.md): every stepped
/// interface, and those that some passing test with at least one assertion saw succeed.
final class VacuityTracker: @unchecked Sendable {
    private let state = Locked<(stepped: [String], confirmed: Set<String>)>(([], []))

    func endTest(_ facts: CellJudgement.State, passed: Bool) {
        state.withLock { s in
            for i in facts.stepped.sorted() where !s.stepped.contains(i) { s.stepped.append(i) }
            if passed && facts.assertions > 0 { s.confirmed.formUnion(facts.succeeded) }
        }
    }

    /// What a `--jobs` worker sends back, and the parent adds in declaration order, so the
    /// diagnostics are those of a serial run.
    func snapshot() -> (stepped: [String], confirmed: [String]) {
        let s = state.current
        return (s.stepped, s.confirmed.sorted())
    }

    func merge(stepped: [String], confirmed: [String]) {
        state.withLock { s in
            for i in stepped where !s.stepped.contains(i) { s.stepped.append(i) }
            s.confirmed.formUnion(confirmed)
        }
    }

    /// One diagnostic per stepped interface without a positive control, in first-use order.
    func diagnostics() -> [Diagnostic] {
        let s = state.current
        return s.stepped.filter { !s.confirmed.contains($0) }.map { i in
            Diagnostic(code: DiagnosticCode.noPositiveControl,
                       message: "no test asserts that a step on \(i) succeeds: no passing test with an assertion "
                           + "saw a call to it succeed, so the run would also pass if \(i) could not be reached at all",
                       fix: "add a test that calls \(i) with no fault armed and asserts the success, "
                           + "e.g. assert_true(r.ok) or expect = expect_success()")
        }
    }
}

extension CellProgram {
    /// Turns what happened into the outcome: errored for a stop (timeout, Ctrl-C) or a body
    /// that could not judge; the body's verdict otherwise; for a pass, `fault_bypassed`
    /// under `require_faults_fire` and `TEST_NO_ASSERTIONS` when nothing was checked.
    static func judge(_ outcome: inout TestOutcome, cell: CellDefinition, facts: CellJudgement.State,
                      stopped: StopReason?, hung: Bool, unused: [String]) {
        outcome.expectation = cell.judging.expectation
        guard outcome.passed else {
            outcome.outcome = stopped != nil ? .errored : (facts.kind ?? .errored)
            return
        }
        if cell.judging.requireFaultsFire && !unused.isEmpty {
            outcome.outcome = .faultBypassed
            outcome.reason = "require_faults_fire=True, but \(unused.joined(separator: ", ")) never fired: "
                + "the test passed without meeting the fault it was written for"
        } else {
            outcome.outcome = .passed
        }
        // expect_hang() met by the timeout was judged here, not in the body.
        let assertions = facts.assertions + (hung && cell.judging.expectsHang ? 1 : 0)
        if assertions == 0 {
            outcome.diagnostics.append(Diagnostic(
                code: DiagnosticCode.testNoAssertions,
                message: "passed without evaluating any assertion, oracle or expectation, so it cannot fail on a wrong result",
                fix: "assert on what the scenario returns (assert_eq(r.status, 200)), give it expect = expect_success() "
                    + "or an oracle, or attach a monitor"))
        }
    }
}
