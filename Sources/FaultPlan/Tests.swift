/// Scenarios, oracles, compositions and the expanded tests (cells).

/// `scenario(fn)`: a probe and the test `test_<fn>`.
public struct Scenario: Sendable, Hashable {
    public var name: String
    public var callable: CallableRef
    /// Where `scenario(...)` was called.
    public var position: SourcePosition
    public init(name: String, callable: CallableRef, position: SourcePosition) {
        self.name = name
        self.callable = callable
        self.position = position
    }
}

/// How an oracle was chosen for a test.
public enum OracleSource: String, Sendable, Hashable {
    /// `fault_scenario(expect=)`.
    case expect
    /// `fault_matrix(overrides={(s, f): fn})`.
    case override
    /// `fault_matrix(default_expect=)`.
    case defaultExpect = "default_expect"
}

/// A callable that judges the scenario's return value: it fails the test if it raises,
/// calls `fail`, or returns `False`.
public struct Oracle: Sendable, Hashable {
    /// The function, or for a built-in expectation the handle of its value.
    public var callable: CallableRef
    public var source: OracleSource
    /// Where the oracle was attached (the `expect=` / override entry / `default_expect=`).
    public var position: SourcePosition
    /// Set when the oracle is `expect_success()`, `expect_error_within(ms=)` or
    /// `expect_hang()` rather than a function.
    public var expectation: ExpectedOutcome?
    public init(callable: CallableRef, source: OracleSource, position: SourcePosition, expectation: ExpectedOutcome? = nil) {
        self.callable = callable
        self.source = source
        self.position = position
        self.expectation = expectation
    }

    /// What the reports call it: the expectation's text, else the function's name
    /// (`lambda` for a lambda).
    public var label: String { expectation?.text ?? callable.name }
}

/// `fault_scenario(name, scenario=, faults=, expect=)`.
public struct FaultScenario: Sendable, Hashable {
    public var name: String
    public var scenario: CallableRef
    /// Assumption ids.
    public var faults: [Int]
    public var expect: CallableRef?
    public var position: SourcePosition
    public init(name: String, scenario: CallableRef, faults: [Int], expect: CallableRef?, position: SourcePosition) {
        self.name = name
        self.scenario = scenario
        self.faults = faults
        self.expect = expect
        self.position = position
    }
}

/// A (scenario, fault) pair of a matrix.
public struct MatrixPair: Sendable, Hashable {
    /// The scenario function's name.
    public var scenario: String
    /// The assumption's name.
    public var fault: String
    public init(scenario: String, fault: String) {
        self.scenario = scenario
        self.fault = fault
    }
}

/// `fault_matrix(scenarios=, faults=, default_expect=, overrides=, exclude=)`.
public struct FaultMatrix: Sendable, Hashable {
    /// Index in `FaultPlan.matrices`.
    public var id: Int
    /// Rows, in the order written.
    public var scenarios: [CallableRef]
    /// Columns (assumption ids), in the order written, without columns that every row excludes.
    public var faults: [Int]
    public var defaultExpect: CallableRef?
    public var overrides: [MatrixOverride]
    public var excluded: [MatrixPair]
    /// Names of the cells, row-major, excluded pairs left out.
    public var cells: [String]
    public var position: SourcePosition
    public init(id: Int, scenarios: [CallableRef], faults: [Int], defaultExpect: CallableRef?,
                overrides: [MatrixOverride], excluded: [MatrixPair], cells: [String], position: SourcePosition) {
        self.id = id
        self.scenarios = scenarios
        self.faults = faults
        self.defaultExpect = defaultExpect
        self.overrides = overrides
        self.excluded = excluded
        self.cells = cells
        self.position = position
    }
}

public struct MatrixOverride: Sendable, Hashable {
    public var pair: MatrixPair
    public var oracle: CallableRef
    public var position: SourcePosition
    public init(pair: MatrixPair, oracle: CallableRef, position: SourcePosition) {
        self.pair = pair
        self.oracle = oracle
        self.position = position
    }
}

/// A global `def test_*` of the root file.
public struct TestFunction: Sendable, Hashable {
    public var callable: CallableRef
    public init(callable: CallableRef) { self.callable = callable }
}

/// Where a test comes from.
public enum TestKind: Sendable, Hashable {
    /// `scenario(fn)` -> `test_<fn>`.
    case scenario
    /// `fault_scenario(name, ...)` -> `test_<name>`.
    case faultScenario
    /// `fault_matrix(...)` -> `test_matrix_<scenario>_<fault>`.
    case matrixCell(matrix: Int, pair: MatrixPair)
    /// `def test_*` as written.
    case function
}

/// The syscalls the injector traps in one service for one test. Everything else runs
/// at native speed.
public struct ServiceTraps: Sendable, Hashable {
    public var service: String
    /// Concrete syscall names, sorted.
    public var syscalls: [String]
    /// True when static analysis could not bound what the test arms at run time, so the
    /// service's whole faultable set is trapped.
    public var wholeFaultableSet: Bool
    /// Why each part of the set is there (`db_down: connect`, `monitor check_x: read`...),
    /// for `faultbox compile`.
    public var reasons: [String]
    public init(service: String, syscalls: [String], wholeFaultableSet: Bool, reasons: [String]) {
        self.service = service
        self.syscalls = syscalls
        self.wholeFaultableSet = wholeFaultableSet
        self.reasons = reasons
    }
}

/// One runnable test after expansion (a matrix cell is one test).
public struct PlanTest: Sendable, Hashable {
    /// The final name (`test_order_flow`, `test_matrix_order_flow_db_down`).
    public var name: String
    public var kind: TestKind
    /// The function the runner calls: the scenario probe, or the `def test_*` itself.
    public var body: CallableRef
    /// Assumption ids armed for the whole test (after every service is healthy).
    public var assumptions: [Int]
    /// Nil: the test passes unless the body raises.
    public var oracle: Oracle?
    /// Monitor ids (from the assumptions), deduplicated, in order.
    public var monitors: [Int]
    /// Per service, in start order.
    public var traps: [ServiceTraps]
    /// What static analysis found in the body and oracle (fault()/partition() calls).
    public var dynamic: DynamicFaultUse
    /// Where the test was declared (the registration, or the `def`).
    public var position: SourcePosition
    /// `fault_scenario(timeout=)`: replaces `--timeout` for this test.
    public var timeout: TestTimeout?
    /// `fault_matrix(require_faults_fire=True)`: a cell whose armed assumption never fired
    /// is reported as `fault_bypassed`.
    public var requireFaultsFire = false

    public init(name: String, kind: TestKind, body: CallableRef, assumptions: [Int], oracle: Oracle?,
                monitors: [Int], traps: [ServiceTraps], dynamic: DynamicFaultUse, position: SourcePosition) {
        self.name = name
        self.kind = kind
        self.body = body
        self.assumptions = assumptions
        self.oracle = oracle
        self.monitors = monitors
        self.traps = traps
        self.dynamic = dynamic
        self.position = position
    }

    public func traps(for service: String) -> ServiceTraps? { traps.first { $0.service == service } }
}
