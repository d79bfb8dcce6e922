import StarlarkVM

/// What one test evaluated, kept on its Starlark thread (`StarThread.local`) by the runner:
/// how many assertions ran, how many of them failed, and which interfaces answered a step
/// successfully. The runner turns it into the outcome (`failed` vs `errored`) and the
/// `TEST_NO_ASSERTIONS` / `NO_POSITIVE_CONTROL` diagnostics (docs/diagnostics.md).
/// Used on the test's VM thread only.
public final class AssertionTally {
    /// Assertions evaluated so far (passing or failing).
    public private(set) var evaluated = 0
    /// Assertions that failed (each raised; the first one ends the scenario).
    public private(set) var failures = 0
    /// `service.interface` of every interface a step (HTTP request, TCP send) went to.
    public private(set) var stepped: Set<String> = []
    /// `service.interface` of every interface that answered a step successfully (HTTP:
    /// a response with status 200-399; TCP: a reply line).
    public private(set) var succeeded: Set<String> = []

    public init() {}

    func note() { evaluated += 1 }
    func noteFailure() { failures += 1 }
    func noteStep(_ interface: String, succeeded ok: Bool) {
        stepped.insert(interface)
        if ok { succeeded.insert(interface) }
    }
}

/// The one place that counts assertions. Every builtin that checks something calls
/// `note` when it evaluates (pass or fail) and throws what `failure` returns when the
/// check fails, so the runner can tell an assertion failure (`failed`) from any other
/// error (`errored`) and a test that checked nothing (`TEST_NO_ASSERTIONS`).
///
///     AssertionCounter.note(thread)
///     if !ok { throw AssertionCounter.failure(thread, StarlarkError("assert_x: ...")) }
///
/// Without an installed tally (spec loading, `faultbox eval`) both are no-ops.
public enum AssertionCounter {
    static let key = "faultbox.assertions"

    /// Installs a fresh tally on a test's thread and returns it.
    @discardableResult
    public static func install(on thread: StarThread) -> AssertionTally {
        let tally = AssertionTally()
        thread.local[key] = tally
        return tally
    }

    public static func tally(_ thread: StarThread) -> AssertionTally? {
        thread.local[key] as? AssertionTally
    }

    /// An assertion (or oracle, expectation, monitor check) was evaluated.
    public static func note(_ thread: StarThread) {
        tally(thread)?.note()
    }

    /// Records that an assertion failed and returns `error` for the caller to throw.
    public static func failure(_ thread: StarThread, _ error: StarlarkError) -> StarlarkError {
        tally(thread)?.noteFailure()
        return error
    }

    /// A step (client call) to `service.interface` finished; `succeeded` as defined above.
    public static func noteStep(_ thread: StarThread, service: String, interface: String, succeeded: Bool) {
        tally(thread)?.noteStep(service + "." + interface, succeeded: succeeded)
    }
}
