// The results of a run, as the runner hands them to the reports. These types are the contract
// between `Runner` and `Reports`; they hold plain data only (no VM values, no plan types), so
// every report (console, JSON, JUnit) is a pure function of a `RunReport`.
import FaultboxVersion
import Foundation
import Trace

/// What one service printed during a test (already captured by the runner; may hold any bytes
/// the service wrote, decoded leniently).
public struct ServiceOutput: Sendable, Equatable {
    public var service: String
    public var stdout: String
    public var stderr: String

    public init(service: String, stdout: String = "", stderr: String = "") {
        self.service = service
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// The outcome of one test or one matrix cell.
public struct TestOutcome: Sendable {
    /// `test_order_flow`, `test_matrix_order_flow_db_down`.
    public var name: String
    /// The spec file's path as given on the command line.
    public var specFile: String
    /// Set for `fault_scenario` tests and matrix cells.
    public var scenario: String?
    /// Set for `fault_scenario` tests and matrix cells (the fault assumption's name).
    public var fault: String?
    /// The `MatrixLayout.id` this cell belongs to, nil for tests outside a matrix.
    public var matrixID: Int?
    /// Counts for the exit status and `N passed, M failed`: true for `passed` and
    /// `fault_bypassed`. Setting `outcome` keeps it in step.
    public var passed: Bool
    public var durationMs: Double
    public var seed: UInt64
    /// Why the test failed (multi-line allowed), or why it was `fault_bypassed`; nil when it
    /// passed.
    public var reason: String?
    /// The syscall decisions that fired, e.g. `#12 api connect deny(ECONNREFUSED) [db_down]`.
    public var decisions: [String]
    /// The command that replays this test, e.g. `faultbox test spec.star --test NAME --seed 0`.
    public var replay: String
    /// Non-fatal remarks, e.g. `fault db_down never fired`.
    public var warnings: [String]
    /// Output of each service during the test, in start order.
    public var output: [ServiceOutput]
    /// What happened, in order: trapped syscalls, life-cycle steps, faults armed and removed,
    /// the spec's client calls, observed output lines (docs/trace.md). The runner hands over
    /// the test's compact store (`traceStore`, ~90 bytes an event) and the reports
    /// materialise events only while they write them; tests may set events directly.
    public var trace: [TraceEvent] {
        get { traceStore?.all() ?? storedTrace }
        set { storedTrace = newValue; traceStore = nil }
    }
    public var traceStore: TraceStore?
    private var storedTrace: [TraceEvent] = []
    /// Events left out of `trace` by its bounds.
    public var traceDropped = 0
    /// Trapped syscalls the test saw, and all events recorded (dropped ones included).
    public var traceSyscallCount = 0
    public var traceEventCount = 0
    /// For a failed test: `assertion`, `timeout`, `service_start` or `error`.
    public var failureType: String?
    /// The test's expectation as written (`expect_error_within(ms=500)`, an oracle
    /// function's name, `lambda`); nil when it has none.
    public var expectation: String?
    /// Warnings with a stable code (`FAULT_NOT_FIRED`, `TEST_NO_ASSERTIONS`), docs/diagnostics.md.
    public var diagnostics: [Diagnostic] = []
    private var storedOutcome: Outcome?

    /// passed / failed / expectation_violated / fault_bypassed / errored. Without an explicit
    /// value: `passed` or `failed` by `passed`.
    public var outcome: Outcome {
        get {
            if let o = storedOutcome, o.countsAsPassed == passed { return o }
            return passed ? .passed : .failed
        }
        set {
            storedOutcome = newValue
            passed = newValue.countsAsPassed
        }
    }

    public init(name: String, specFile: String, scenario: String? = nil, fault: String? = nil,
                matrixID: Int? = nil, passed: Bool, durationMs: Double, seed: UInt64 = 0,
                reason: String? = nil, decisions: [String] = [], replay: String = "",
                warnings: [String] = [], output: [ServiceOutput] = []) {
        self.name = name
        self.specFile = specFile
        self.scenario = scenario
        self.fault = fault
        self.matrixID = matrixID
        self.passed = passed
        self.durationMs = durationMs
        self.seed = seed
        self.reason = reason
        self.decisions = decisions
        self.replay = replay
        self.warnings = warnings
        self.output = output
    }
}

/// The shape of one `fault_matrix`: rows and columns in declaration order.
public struct MatrixLayout: Sendable {
    public var id: Int
    public var scenarios: [String]
    public var faults: [String]
    /// `"scenario|fault"` -> test name; excluded pairs are absent.
    public var cellTest: [String: String]

    public init(id: Int, scenarios: [String], faults: [String], cellTest: [String: String]) {
        self.id = id
        self.scenarios = scenarios
        self.faults = faults
        self.cellTest = cellTest
    }

    /// The key of `cellTest` for a pair.
    public static func key(scenario: String, fault: String) -> String { scenario + "|" + fault }
}

/// Everything one `faultbox test` invocation produced.
public struct RunReport: Sendable {
    public var specFiles: [String]
    /// In run order (declaration order per spec file).
    public var outcomes: [TestOutcome]
    public var matrices: [MatrixLayout]
    public var startedAt: Date
    /// True when the run was stopped (Ctrl-C, --duration): outcomes hold what finished.
    public var interrupted: Bool
    /// Interface port -> service, so that a traced connect can be matched to the service it
    /// reached (vector clocks of the JSON report).
    public var portOwners: [Int: String] = [:]
    /// Findings about the run as a whole (`NO_POSITIVE_CONTROL`).
    public var diagnostics: [Diagnostic] = []
    /// The invocation as typed (`faultbox test spec.star --html r.html`), so that a report
    /// opened later says how it was made; empty when unknown (unit tests).
    public var commandLine: [String] = []
    /// Why no test ran: a spec did not load or failed its checks (the message printed on
    /// stderr). Set only on the report written for such a run; `outcomes` is then empty.
    public var loadError: String?
    /// `--shard K/N` as "K/N": each shard's JUnit suites and hostnames then differ, so that
    /// dashboards merging the shards keep every suite.
    public var shard: String?
    /// The faultbox that wrote the report (JSON `faultbox_version`, JUnit property
    /// `faultbox.version`, the HTML summary). Golden tests pin it so a release bump does
    /// not re-record them.
    public var faultboxVersion = FaultboxVersion.current

    public init(specFiles: [String], outcomes: [TestOutcome], matrices: [MatrixLayout] = [],
                startedAt: Date = Date(), interrupted: Bool = false) {
        self.specFiles = specFiles
        self.outcomes = outcomes
        self.matrices = matrices
        self.startedAt = startedAt
        self.interrupted = interrupted
    }

    public var passedCount: Int { outcomes.reduce(0) { $0 + ($1.passed ? 1 : 0) } }
    public var failedCount: Int { outcomes.count - passedCount }
    /// Outcomes that are `errored` (JUnit `<error>`); the rest of the failed ones are `<failure>`.
    public var erroredCount: Int { outcomes.reduce(0) { $0 + ($1.outcome == .errored ? 1 : 0) } }
}

/// Errors writing a report file.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
