/// The validated, expanded, immutable fault plan of one spec.
public struct FaultPlan: Sendable {
    /// Absolute path of the spec the user named.
    public var specPath: String
    /// Every file evaluated (the root first, then loaded files in load order), absolute.
    public var files: [String]
    /// In declaration order.
    public var services: [Service]
    /// Service names in start order (dependencies first, ties in declaration order).
    public var startOrder: [String]
    /// In declaration order; `assumptions[i].id == i`.
    public var assumptions: [FaultAssumption]
    /// In declaration order; `monitors[i].id == i`.
    public var monitors: [Monitor]
    public var scenarios: [Scenario]
    public var faultScenarios: [FaultScenario]
    /// `matrices[i].id == i`.
    public var matrices: [FaultMatrix]
    public var testFunctions: [TestFunction]
    /// Every test with its final name, in declaration order.
    public var tests: [PlanTest]
    /// What "the whole faultable set" means on this machine (expanded, sorted).
    public var faultableSyscalls: [String]

    public init(specPath: String, files: [String], services: [Service], startOrder: [String],
                assumptions: [FaultAssumption], monitors: [Monitor], scenarios: [Scenario],
                faultScenarios: [FaultScenario], matrices: [FaultMatrix], testFunctions: [TestFunction],
                tests: [PlanTest], faultableSyscalls: [String]) {
        self.specPath = specPath
        self.files = files
        self.services = services
        self.startOrder = startOrder
        self.assumptions = assumptions
        self.monitors = monitors
        self.scenarios = scenarios
        self.faultScenarios = faultScenarios
        self.matrices = matrices
        self.testFunctions = testFunctions
        self.tests = tests
        self.faultableSyscalls = faultableSyscalls
    }

    public func service(named name: String) -> Service? { services.first { $0.name == name } }
    /// Services in start order.
    public var servicesInStartOrder: [Service] { startOrder.compactMap { service(named: $0) } }
    public func test(named name: String) -> PlanTest? { tests.first { $0.name == name } }
    /// Number of matrix cells over all matrices.
    public var cellCount: Int { matrices.reduce(0) { $0 + $1.cells.count } }
}

/// One validation error: where, what, and how to fix it.
public struct PlanError: Error, Sendable, Hashable, CustomStringConvertible {
    public var position: SourcePosition
    public var message: String
    /// A concrete suggestion ("did you mean ECONNREFUSED?", "remove the pair ...").
    public var fix: String
    public init(_ position: SourcePosition, _ message: String, fix: String) {
        self.position = position
        self.message = message
        self.fix = fix
    }
    /// `file:line:col: message` and, on the next line, the fix.
    public var description: String {
        fix.isEmpty ? "\(position): \(message)" : "\(position): \(message)\n    fix: \(fix)"
    }
}

/// Every error found, sorted by position (lowering never stops at the first).
public struct PlanErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [PlanError]
    public init(_ errors: [PlanError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// The machine's syscall and errno tables. FaultPlan cannot import the injector; the
/// command layer passes `Injector.Syscalls` / `Injector.Errno` through this.
public struct SyscallVocabulary: Sendable {
    /// A family (`write`) or syscall name -> concrete names; nil when unknown.
    public var expand: @Sendable (String) -> [String]?
    /// Errno name -> value; nil when unknown.
    public var errnoValue: @Sendable (String) -> Int32?
    /// Every valid errno name (for messages and did-you-mean).
    public var errnoNames: [String]
    /// Every syscall name of the machine (for did-you-mean); may be empty.
    public var syscallNames: [String]

    public init(expand: @escaping @Sendable (String) -> [String]?,
                errnoValue: @escaping @Sendable (String) -> Int32?,
                errnoNames: [String], syscallNames: [String]) {
        self.expand = expand
        self.errnoValue = errnoValue
        self.errnoNames = errnoNames
        self.syscallNames = syscallNames
    }
}
