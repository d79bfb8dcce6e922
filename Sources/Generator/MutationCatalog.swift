/// The failure modes the generator proposes, and their names.
public enum FaultCategory: String, Sendable, Equatable, CaseIterable {
    case network
    case disk
}

/// A syscall fault as it is printed: `connect = deny("ECONNREFUSED")`.
public struct SyscallFault: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case deny(errno: String)
        case delay(duration: String)
    }
    public var syscall: String
    public var action: Action
}

/// One generated `fault_assumption`.
public struct GeneratedAssumption: Sendable, Equatable {
    /// Both the Starlark variable and the assumption's name (`db_down`).
    public var name: String
    public var category: FaultCategory
    /// Index of the service the fault is armed on.
    public var target: Int
    public var fault: SyscallFault
}

/// One generated partition test between a consumer and its dependency.
public struct GeneratedPartition: Sendable, Equatable {
    /// Name without the scenario: the test is `test_<scenario>_<suffix>_partition`.
    public var suffix: String
    public var consumer: Int
    public var dependency: Int
}

/// Everything the topology offers, before any `--service`/`--category` filter.
public struct MutationSet: Sendable, Equatable {
    /// Network faults (edge order), then disk faults (dependency order).
    public var assumptions: [GeneratedAssumption]
    /// One per edge, in edge order.
    public var partitions: [GeneratedPartition]
}

public enum MutationCatalog {
    /// The seed's seven mutations per edge: three network faults armed on the consumer,
    /// a partition, and three disk faults armed on the dependency (once per dependency,
    /// however many consumers it has).
    ///
    /// Names are those of the seed when they are unambiguous (`db_down`, `disk_full`) and
    /// grow a prefix only when needed: the consumer for a dependency with several
    /// consumers (`web_db_down`), the dependency for disk faults when there are several
    /// dependencies (`db_disk_full`). Names never depend on filters, so `--service` and
    /// `--category` select from one stable vocabulary. `reserved` holds the symbols the
    /// generated file loads, which a generated name must not shadow.
    public static func mutations(input: GeneratorInput, edges: [DependencyEdge],
                                 reserved: Set<String>) -> MutationSet {
        let v = { (i: Int) -> String in input.services[i].variable ?? input.services[i].name }
        var consumerCount: [Int: Int] = [:]
        var dependencies: [Int] = []
        for e in edges {
            if consumerCount[e.dependency] == nil { dependencies.append(e.dependency) }
            consumerCount[e.dependency, default: 0] += 1
        }
        var namer = UniqueNamer(reserved: reserved)
        var assumptions: [GeneratedAssumption] = []
        var partitions: [GeneratedPartition] = []

        for e in edges {
            let base = consumerCount[e.dependency, default: 0] > 1
                ? "\(v(e.consumer))_\(v(e.dependency))" : v(e.dependency)
            for (suffix, fault) in networkFaults {
                assumptions.append(GeneratedAssumption(
                    name: namer.claim("\(base)_\(suffix)"), category: .network,
                    target: e.consumer, fault: fault))
            }
        }
        for d in dependencies {
            let prefix = dependencies.count > 1 ? "\(v(d))_" : ""
            for (suffix, fault) in diskFaults {
                assumptions.append(GeneratedAssumption(
                    name: namer.claim(prefix + suffix), category: .disk, target: d, fault: fault))
            }
        }
        var partitionNamer = UniqueNamer(reserved: [])
        for e in edges {
            let base = consumerCount[e.dependency, default: 0] > 1
                ? "\(v(e.consumer))_\(v(e.dependency))" : v(e.dependency)
            partitions.append(GeneratedPartition(
                suffix: partitionNamer.claim(base), consumer: e.consumer, dependency: e.dependency))
        }
        return MutationSet(assumptions: assumptions, partitions: partitions)
    }

    static let networkFaults: [(String, SyscallFault)] = [
        ("down", SyscallFault(syscall: "connect", action: .deny(errno: "ECONNREFUSED"))),
        ("slow", SyscallFault(syscall: "connect", action: .delay(duration: "5s"))),
        ("connection_reset", SyscallFault(syscall: "read", action: .deny(errno: "ECONNRESET"))),
    ]

    static let diskFaults: [(String, SyscallFault)] = [
        ("disk_io_error", SyscallFault(syscall: "write", action: .deny(errno: "EIO"))),
        ("disk_full", SyscallFault(syscall: "write", action: .deny(errno: "ENOSPC"))),
        ("fsync_failure", SyscallFault(syscall: "fsync", action: .deny(errno: "EIO"))),
    ]
}

/// Hands out names in order, adding `_2`, `_3`... to a name already taken, so that odd
/// variable names (`a_b` + `c` against `a` + `b_c`) still give distinct definitions.
struct UniqueNamer {
    private var taken: Set<String>

    init(reserved: Set<String>) { taken = reserved }

    mutating func claim(_ wanted: String) -> String {
        var name = wanted
        var n = 2
        while taken.contains(name) {
            name = "\(wanted)_\(n)"
            n += 1
        }
        taken.insert(name)
        return name
    }
}
