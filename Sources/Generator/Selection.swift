import DidYouMean

/// Which mutations the user asked for (`--scenario`, `--service`, `--category`).
public struct Selection: Sendable, Equatable {
    public var scenario: String?
    public var service: String?
    /// Nil means all categories.
    public var category: FaultCategory?

    public init(scenario: String? = nil, service: String? = nil, category: FaultCategory? = nil) {
        self.scenario = scenario
        self.service = service
        self.category = category
    }
}

/// The faults proposed for one scenario: the content of one `<scenario>.faults.star`.
public struct ScenarioFaults: Sendable, Equatable {
    public var scenario: ScenarioInfo
    public var assumptions: [GeneratedAssumption]
    public var partitions: [GeneratedPartition]

    public var isEmpty: Bool { assumptions.isEmpty && partitions.isEmpty }
}

extension Selection {
    /// Applies the selection. A `--scenario` or `--service` that names nothing is an
    /// error listing what exists, so that a typo is not mistaken for "no faults".
    func apply(to set: MutationSet, input: GeneratorInput) throws(GenerateError) -> [ScenarioFaults] {
        var scenarios = input.scenarios
        if let wanted = scenario {
            scenarios = scenarios.filter { $0.function == wanted }
            if scenarios.isEmpty {
                let known = input.scenarios.map(\.function)
                throw GenerateError(
                    "--scenario \(wanted): no scenario of that name is registered"
                        + Spelling.hint(wanted, among: known),
                    fix: "use one of: " + known.joined(separator: ", "))
            }
        }
        var serviceIndex: Int?
        if let wanted = service {
            serviceIndex = input.services.firstIndex { $0.name == wanted }
                ?? input.services.firstIndex { $0.variable == wanted }
            if serviceIndex == nil {
                let known = input.services.map(\.name)
                throw GenerateError(
                    "--service \(wanted): the spec declares no service of that name"
                        + Spelling.hint(wanted, among: known),
                    fix: "use one of: " + known.joined(separator: ", "))
            }
        }
        let assumptions = set.assumptions.filter { a in
            (category == nil || a.category == category) && (serviceIndex == nil || a.target == serviceIndex)
        }
        // A partition is a network fault and counts with its consumer, as in the seed.
        let partitions = set.partitions.filter { p in
            (category == nil || category == .network) && (serviceIndex == nil || p.consumer == serviceIndex)
        }
        return scenarios.map { ScenarioFaults(scenario: $0, assumptions: assumptions, partitions: partitions) }
    }
}
