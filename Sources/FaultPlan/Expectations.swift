/// The built-in expectations `expect_success()`, `expect_error_within(ms=N)` and
/// `expect_hang()`: outcome predicates that stand where an oracle function can stand
/// (`fault_scenario(expect=)`, `fault_matrix(default_expect=, overrides=)`). The runner
/// judges them (docs/runner.md, "Expectations"); the plan only carries which one.
public enum ExpectedOutcome: Sendable, Hashable {
    /// The scenario returned a value that is not an error shape (a response: no transport
    /// error and status below 500).
    case success
    /// The scenario returned an error shape (transport error, or status 500 or more) that
    /// took at most `ms` milliseconds.
    case errorWithin(ms: Int64)
    /// The scenario did not return before the test's timeout.
    case hang

    /// As written in a spec: `expect_success()`, `expect_error_within(ms=500)`, `expect_hang()`.
    public var text: String {
        switch self {
        case .success: return "expect_success()"
        case .errorWithin(let ms): return "expect_error_within(ms=\(ms))"
        case .hang: return "expect_hang()"
        }
    }
}

/// `fault_scenario(timeout="2s")` as written, before validation.
public struct TimeoutDecl: Sendable, Hashable {
    public var text: String
    /// Where the `timeout=` keyword was written.
    public var position: SourcePosition
    public init(text: String, position: SourcePosition) {
        self.text = text
        self.position = position
    }
}

/// A test's own timeout (`fault_scenario(timeout=)`), which replaces `--timeout` for it.
public struct TestTimeout: Sendable, Hashable {
    public var duration: PlanDuration
    /// Where `timeout=` was written (messages about a timed-out test point here).
    public var position: SourcePosition
    public init(duration: PlanDuration, position: SourcePosition) {
        self.duration = duration
        self.position = position
    }
}
