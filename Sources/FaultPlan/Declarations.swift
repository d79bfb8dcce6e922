/// What a spec declared, before validation: plain values as the builtins recorded them
/// (errno names, duration texts, names of services). `PlanBuilder` validates these and
/// expands them into a `FaultPlan`. Every declaration keeps the position of its call, and
/// registrations carry a `sequence` number so tests come out in declaration order.
public struct SpecDeclarations: Sendable {
    public var specPath: String
    public var files: [String]
    public var services: [ServiceDecl] = []
    public var monitors: [MonitorDecl] = []
    public var assumptions: [AssumptionDecl] = []
    public var scenarios: [ScenarioDecl] = []
    public var faultScenarios: [FaultScenarioDecl] = []
    public var matrices: [MatrixDecl] = []
    public var testFunctions: [TestFunctionDecl] = []
    /// Static analysis of callables, by `CallableRef.id` (absent: nothing found).
    public var dynamicUse: [Int: DynamicFaultUse] = [:]
    /// Built-in expectations (`expect_success()`...) used as oracles, by `CallableRef.id`
    /// of their value.
    public var expectations: [Int: ExpectedOutcome] = [:]
    /// Errors the builtins found while recording (bad types are raised at once; these are
    /// the ones that can wait, e.g. a target that is not a service).
    public var recordedErrors: [PlanError] = []

    public init(specPath: String, files: [String]) {
        self.specPath = specPath
        self.files = files
    }
}

/// A name that refers to something declared elsewhere, with where it was written.
public struct NameRef: Sendable, Hashable {
    public var name: String
    public var position: SourcePosition
    public init(_ name: String, _ position: SourcePosition) {
        self.name = name
        self.position = position
    }
}

public struct InterfaceDecl: Sendable, Hashable {
    public var name: String
    public var proto: String
    public var port: Int64
    public var position: SourcePosition
    /// `tls = tls_cert(...)`, already checked at load (files readable, pairs complete).
    public var tls: TLSSettings?
    public init(name: String, proto: String, port: Int64, position: SourcePosition, tls: TLSSettings? = nil) {
        self.name = name
        self.proto = proto
        self.port = port
        self.position = position
        self.tls = tls
    }
}

public struct HealthCheckDecl: Sendable, Hashable {
    public var kind: HealthCheck.Kind
    /// `host:port` or `host:port/path` as written; the function's name for `.function`.
    public var target: String
    public var timeout: String
    public var position: SourcePosition
    /// tcp: the line to send, and what its reply line must equal or (regex) contain.
    public var send: String?
    public var expect: String?
    public var expectRegex: String?
    /// http: the status wanted (nil: 200-399) and text the body must contain.
    public var status: Int64?
    public var body: String?
    /// http: `tls = tls_cert(...)` on the check itself.
    public var tls: TLSSettings?
    /// `healthcheck = fn`: the function, called in the cell's VM until it returns True.
    public var function: CallableRef?
    /// Where each keyword was written (for plan errors); absent keywords fall back to `position`.
    public var keywordPositions: [String: SourcePosition] = [:]

    public init(kind: HealthCheck.Kind, target: String, timeout: String, position: SourcePosition) {
        self.kind = kind
        self.target = target
        self.timeout = timeout
        self.position = position
    }

    public func position(of keyword: String) -> SourcePosition { keywordPositions[keyword] ?? position }
}

public struct ServiceDecl: Sendable, Hashable {
    public var name: String
    public var binary: String
    public var args: [String]
    public var env: [EnvVar]
    public var interfaces: [InterfaceDecl]
    public var dependsOn: [NameRef]
    public var healthcheck: HealthCheckDecl?
    public var position: SourcePosition
    public var variable: String?
    public var definedIn: String
    /// `observe=[observe.stdout(...), ...]`: output streams recorded as trace events.
    public var observe: [ObservedStream] = []
    /// `ops = {...}`, in the order written.
    public var ops: [OpDecl]
    public init(name: String, binary: String, args: [String], env: [EnvVar], interfaces: [InterfaceDecl],
                dependsOn: [NameRef], healthcheck: HealthCheckDecl?, position: SourcePosition,
                variable: String?, definedIn: String, ops: [OpDecl] = []) {
        self.name = name
        self.binary = binary
        self.args = args
        self.env = env
        self.interfaces = interfaces
        self.dependsOn = dependsOn
        self.healthcheck = healthcheck
        self.position = position
        self.variable = variable
        self.definedIn = definedIn
        self.ops = ops
    }
}

/// `deny(errno, ...)`, `delay(duration, ...)` or `allow(...)` bound to a syscall (or op) keyword.
public struct RuleDecl: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        case deny(errno: String)
        case delay(duration: String)
        case allow
    }
    public var keyword: String
    public var action: Action
    public var probability: Double
    public var label: String
    public var path: String?
    /// Where the keyword was written (errors about the syscall name point here).
    public var keywordPosition: SourcePosition
    /// Where `deny(...)`/`delay(...)` was called (errors about errno/duration point here).
    public var actionPosition: SourcePosition
    public init(keyword: String, action: Action, probability: Double, label: String, path: String?,
                keywordPosition: SourcePosition, actionPosition: SourcePosition) {
        self.keyword = keyword
        self.action = action
        self.probability = probability
        self.label = label
        self.path = path
        self.keywordPosition = keywordPosition
        self.actionPosition = actionPosition
    }
}

public struct MonitorDecl: Sendable, Hashable {
    public var callable: CallableRef
    public var service: NameRef?
    public var syscall: String?
    public var position: SourcePosition
    /// Set for the stateful form `monitor(name, on=, state_init=, update=, check=)`.
    public var stateful: StatefulMonitor?
    /// Passed to some `monitors=` (an assumption, fault_scenario or fault_matrix): it then
    /// watches only there, not every test.
    public var claimed: Bool = false
    public init(callable: CallableRef, service: NameRef?, syscall: String?, position: SourcePosition,
                stateful: StatefulMonitor? = nil) {
        self.callable = callable
        self.service = service
        self.syscall = syscall
        self.position = position
        self.stateful = stateful
    }
}

public struct AssumptionDecl: Sendable, Hashable {
    public var name: String
    /// The target service's name (the builtin checked it is a service value).
    public var target: NameRef
    public var rules: [RuleDecl]
    /// Indexes into `SpecDeclarations.monitors`.
    public var monitors: [Int]
    public var position: SourcePosition
    public var variable: String?
    public init(name: String, target: NameRef, rules: [RuleDecl], monitors: [Int],
                position: SourcePosition, variable: String?) {
        self.name = name
        self.target = target
        self.rules = rules
        self.monitors = monitors
        self.position = position
        self.variable = variable
    }
}

public struct ScenarioDecl: Sendable, Hashable {
    public var callable: CallableRef
    public var position: SourcePosition
    public var sequence: Int
    public init(callable: CallableRef, position: SourcePosition, sequence: Int) {
        self.callable = callable
        self.position = position
        self.sequence = sequence
    }
}

public struct FaultScenarioDecl: Sendable, Hashable {
    public var name: String
    public var scenario: CallableRef
    /// Indexes into `SpecDeclarations.assumptions`.
    public var faults: [Int]
    public var expect: CallableRef?
    public var position: SourcePosition
    public var sequence: Int
    /// Monitor ids passed as `monitors=` (they watch only this test or matrix).
    public var monitors: [Int] = []
    /// `timeout=` as written (validated by the builder).
    public var timeout: TimeoutDecl?
    public init(name: String, scenario: CallableRef, faults: [Int], expect: CallableRef?,
                position: SourcePosition, sequence: Int) {
        self.name = name
        self.scenario = scenario
        self.faults = faults
        self.expect = expect
        self.position = position
        self.sequence = sequence
    }
}

/// A pair written in `overrides` or `exclude`: (scenario callable, assumption index).
public struct PairDecl: Sendable, Hashable {
    public var scenario: CallableRef
    public var fault: Int
    public var position: SourcePosition
    public init(scenario: CallableRef, fault: Int, position: SourcePosition) {
        self.scenario = scenario
        self.fault = fault
        self.position = position
    }
}

public struct MatrixDecl: Sendable, Hashable {
    public var scenarios: [CallableRef]
    /// Indexes into `SpecDeclarations.assumptions`.
    public var faults: [Int]
    public var defaultExpect: CallableRef?
    public var overrides: [(pair: PairDecl, oracle: CallableRef)] {
        get { zip(overridePairs, overrideOracles).map { ($0, $1) } }
        set { overridePairs = newValue.map(\.pair); overrideOracles = newValue.map(\.oracle) }
    }
    public var overridePairs: [PairDecl] = []
    public var overrideOracles: [CallableRef] = []
    public var exclude: [PairDecl]
    public var position: SourcePosition
    public var sequence: Int
    /// Monitor ids passed as `monitors=` (they watch only this test or matrix).
    public var monitors: [Int] = []
    /// `require_faults_fire=True`.
    public var requireFaultsFire = false
    public init(scenarios: [CallableRef], faults: [Int], defaultExpect: CallableRef?,
                overrides: [(pair: PairDecl, oracle: CallableRef)], exclude: [PairDecl],
                position: SourcePosition, sequence: Int) {
        self.scenarios = scenarios
        self.faults = faults
        self.defaultExpect = defaultExpect
        self.exclude = exclude
        self.position = position
        self.sequence = sequence
        self.overrides = overrides
    }
}

public struct TestFunctionDecl: Sendable, Hashable {
    public var callable: CallableRef
    public var sequence: Int
    public init(callable: CallableRef, sequence: Int) {
        self.callable = callable
        self.sequence = sequence
    }
}
