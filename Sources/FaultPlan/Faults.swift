/// Syscall rules, fault assumptions, monitors and partitions.

/// A duration in Go syntax (`"500ms"`, `"1m30s"`), kept with its text for dumps.
public struct PlanDuration: Sendable, Hashable, CustomStringConvertible {
    public var nanoseconds: UInt64
    /// As written by the user.
    public var text: String
    public init(nanoseconds: UInt64, text: String) {
        self.nanoseconds = nanoseconds
        self.text = text
    }
    public var description: String { text }
    public var milliseconds: Double { Double(nanoseconds) / 1_000_000 }
}

/// What a rule does to a matching syscall.
public enum RuleAction: Sendable, Hashable {
    /// Fail the call with this errno (`name` as written, e.g. `ECONNREFUSED`; `value` from
    /// the machine's errno table).
    case deny(errno: String, value: Int32)
    case delay(PlanDuration)
    /// `allow()`: the call runs normally. An allow rule wins over every deny/delay rule of
    /// the same service for the calls it matches (docs/faults.md, "Precedence").
    case allow
}

/// One `keyword = deny(...)` / `keyword = delay(...)` of an assumption or `fault()` call.
public struct SyscallRule: Sendable, Hashable {
    /// The service whose syscalls the rule matches.
    public var target: String
    /// The keyword as written (`write`, `connect`): a family or one syscall.
    public var keyword: String
    /// Concrete syscall names after family expansion, in the family's order.
    public var syscalls: [String]
    public var action: RuleAction
    /// In [0, 1].
    public var probability: Double
    public var label: String
    /// `deny(..., path="/data/*")`: a glob on the path / file behind the descriptor.
    public var pathGlob: String?
    /// Restrict to one destination (`"127.0.0.1:5432"`, `"5432"`); partitions use it.
    public var destination: String?
    public var position: SourcePosition
    /// The named operation the keyword refers to (`persist`), nil for a syscall or family.
    /// `pathGlob` then comes from the op's `path=`.
    public var op: String?

    public init(target: String, keyword: String, syscalls: [String], action: RuleAction,
                probability: Double, label: String, pathGlob: String?, destination: String?,
                position: SourcePosition, op: String? = nil) {
        self.target = target
        self.keyword = keyword
        self.syscalls = syscalls
        self.action = action
        self.probability = probability
        self.label = label
        self.pathGlob = pathGlob
        self.destination = destination
        self.position = position
        self.op = op
    }
}

/// `monitor(fn, service=, syscall=)`.
public struct Monitor: Sendable, Hashable {
    /// Unique in the plan; assumptions refer to monitors by id.
    public var id: Int
    public var callable: CallableRef
    /// The watched service; nil watches every service.
    public var service: String?
    /// The keyword as written (nil: every trapped syscall of the service).
    public var keyword: String?
    /// Expanded syscall names (empty when `keyword` is nil).
    public var syscalls: [String]
    public var position: SourcePosition
    /// Set for `monitor(name, on=, ...)`; `callable` is then its `check` (or `on`'s handle).
    public var stateful: StatefulMonitor?
    /// Not passed to any `monitors=`: it watches every test of the spec.
    public var specWide: Bool

    public init(id: Int, callable: CallableRef, service: String?, keyword: String?,
                syscalls: [String], position: SourcePosition, stateful: StatefulMonitor? = nil, specWide: Bool = false) {
        self.id = id
        self.callable = callable
        self.service = service
        self.keyword = keyword
        self.syscalls = syscalls
        self.position = position
        self.stateful = stateful
        self.specWide = specWide
    }

    /// What the user calls it in messages.
    public var name: String { stateful?.name ?? callable.name }
}

/// `fault_assumption(name, target=, monitors=[], **syscall_faults)`.
public struct FaultAssumption: Sendable, Hashable {
    /// Index in `FaultPlan.assumptions`.
    public var id: Int
    public var name: String
    public var target: String
    public var rules: [SyscallRule]
    /// Ids into `FaultPlan.monitors`, in the order written.
    public var monitors: [Int]
    public var position: SourcePosition
    /// The top-level variable bound to the assumption (`db_down`), if any.
    public var variable: String?

    public init(id: Int, name: String, target: String, rules: [SyscallRule], monitors: [Int],
                position: SourcePosition, variable: String?) {
        self.id = id
        self.name = name
        self.target = target
        self.rules = rules
        self.monitors = monitors
        self.position = position
        self.variable = variable
    }
}

/// A `fault(target, run=fn, **kw)`, `fault_start(target, **kw)` or
/// `fault_all([targets], run=fn, **kw)` call found statically in a function body
/// (`fault_all` gives one site per listed service).
public struct FaultCallSite: Sendable, Hashable {
    /// The target service, or nil when the target expression is not a known service.
    public var target: String?
    /// The syscall (or op) keywords, or nil when they are built at run time (`**kw`).
    public var keywords: [String]?
    public var position: SourcePosition
    /// The builtin called: `fault`, `fault_start` or `fault_all` (for `compile`'s reasons).
    public var builtin: String
    public init(target: String?, keywords: [String]?, position: SourcePosition, builtin: String = "fault") {
        self.target = target
        self.keywords = keywords
        self.position = position
        self.builtin = builtin
    }
}

/// A `partition(a, b, run=fn)` call found statically in a function body: while `fn` runs,
/// `connect` from a to b (and b to a) is refused.
public struct PartitionSite: Sendable, Hashable {
    /// Nil when the expression is not statically a known service.
    public var a: String?
    public var b: String?
    public var position: SourcePosition
    public init(a: String?, b: String?, position: SourcePosition) {
        self.a = a
        self.b = b
        self.position = position
    }
}

/// What static analysis found in the functions reachable from one callable.
public struct DynamicFaultUse: Sendable, Hashable {
    public var faults: [FaultCallSite]
    public var partitions: [PartitionSite]
    /// Why the analysis could not see everything (a call through a value it cannot
    /// resolve that may reach `fault`, keywords from `**kw` ...); empty when exact.
    public var unknowns: [String]
    /// `trace()` calls and trace assertions with the syscalls they need traced.
    public var traces: [TraceSite]
    public init(faults: [FaultCallSite] = [], partitions: [PartitionSite] = [], unknowns: [String] = [],
                traces: [TraceSite] = []) {
        self.faults = faults
        self.partitions = partitions
        self.unknowns = unknowns
        self.traces = traces
    }
    public var isEmpty: Bool { faults.isEmpty && partitions.isEmpty && unknowns.isEmpty && traces.isEmpty }
}
