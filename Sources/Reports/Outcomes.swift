// The five outcomes of a test and the coded warnings (docs/diagnostics.md, docs/reports.md).

/// How a test ended, refining pass/fail (the reference tool's taxonomy).
public enum Outcome: String, Sendable, CaseIterable {
    /// The scenario (or `def test_*`) returned, its expectation (if any) accepted the result,
    /// and under `require_faults_fire` every armed fault fired.
    case passed
    /// An assertion (`assert_true`, `assert_eq`, `fail`, a monitor) failed in the scenario or
    /// the test body, before any expectation was judged.
    case failed
    /// The scenario ran cleanly but its expectation (oracle function or `expect_*()`)
    /// disagreed with the result.
    case expectationViolated = "expectation_violated"
    /// Passed, but an armed fault never fired and the matrix asked for
    /// `require_faults_fire=True`: the cell tested nothing. Counts as passed for the exit
    /// status (a refinement of passed, as in the reference tool).
    case faultBypassed = "fault_bypassed"
    /// The test could not be judged: a service did not start, the test timed out, a runtime
    /// error that is not an assertion (a typo, a bad type), an internal error.
    case errored

    /// Whether the exit status and `N passed` count it as passed.
    public var countsAsPassed: Bool { self == .passed || self == .faultBypassed }

    /// The word in the matrix table, readable without colour.
    public var cellWord: String {
        switch self {
        case .passed: return "PASS"
        case .failed: return "FAIL"
        case .expectationViolated: return "EXPECT"
        case .faultBypassed: return "BYPASS"
        case .errored: return "ERROR"
        }
    }
}

/// A warning with a stable code. Codes are an API (tools branch on them): add, never rename.
public struct Diagnostic: Sendable, Equatable {
    public var code: String
    public var message: String
    /// What to do about it (console: the line under the warning; JSON: `fix`).
    public var fix: String

    public init(code: String, message: String, fix: String = "") {
        self.code = code
        self.message = message
        self.fix = fix
    }

    /// `[CODE] message`, the form of the console's `warning:` line and of JSON `warnings`.
    public var text: String { "[\(code)] \(message)" }
}

/// The codes faultbox emits (docs/diagnostics.md).
public enum DiagnosticCode {
    /// An armed fault (assumption or `fault()` layer) matched no syscall in the test.
    public static let faultNotFired = "FAULT_NOT_FIRED"
    /// A test passed without evaluating any assertion, oracle, expectation or monitor.
    public static let testNoAssertions = "TEST_NO_ASSERTIONS"
    /// An interface was stepped, but no passing test with an assertion saw a step on it succeed.
    public static let noPositiveControl = "NO_POSITIVE_CONTROL"

    /// Every code, in the order docs/diagnostics.md lists them (a test holds the two equal).
    public static let all = [faultNotFired, testNoAssertions, noPositiveControl]
}
