import Durations

/// Expansion of registrations into tests: scenarios, fault scenarios, matrix cells and
/// `def test_*`, merged in declaration order, names checked for collisions, traps computed.
struct TestExpansion {
    let declarations: SpecDeclarations
    let assumptions: [FaultAssumption]
    let monitors: [Monitor]
    let startOrder: [String]
    let faultable: [String]
    let vocabulary: SyscallVocabulary
    /// Named operations per service (only services that declare some).
    var serviceOps: [String: [NamedOp]] = [:]

    var scenarios: [Scenario] = []
    var faultScenarios: [FaultScenario] = []
    var matrices: [FaultMatrix] = []
    var tests: [PlanTest] = []
    var errors: [PlanError] = []

    init(declarations: SpecDeclarations, assumptions: [FaultAssumption], monitors: [Monitor],
         startOrder: [String], faultable: [String], vocabulary: SyscallVocabulary) {
        self.declarations = declarations
        self.assumptions = assumptions
        self.monitors = monitors
        self.startOrder = startOrder
        self.faultable = faultable
        self.vocabulary = vocabulary
    }

    /// A test before its traps are computed.
    struct Pending {
        var sequence: Int
        var subOrder: Int
        var test: PlanTest
    }

    mutating func run() {
        var pending: [Pending] = []
        let noDynamic = DynamicFaultUse()
        func make(_ name: String, _ kind: TestKind, body: CallableRef, assumptions: [Int],
                  oracle: Oracle?, position: SourcePosition) -> PlanTest {
            PlanTest(name: name, kind: kind, body: body, assumptions: assumptions, oracle: oracle,
                     monitors: [], traps: [], dynamic: noDynamic, position: position)
        }
        for d in declarations.scenarios {
            scenarios.append(Scenario(name: d.callable.name, callable: d.callable, position: d.position))
            pending.append(Pending(sequence: d.sequence, subOrder: 0,
                                   test: make("test_" + d.callable.name, .scenario, body: d.callable,
                                              assumptions: [], oracle: nil, position: d.position)))
        }
        for d in declarations.faultScenarios {
            let faults = d.faults.filter { $0 >= 0 && $0 < assumptions.count }
            faultScenarios.append(FaultScenario(name: d.name, scenario: d.scenario, faults: faults,
                                                expect: d.expect, position: d.position))
            let oracle = d.expect.map { oracleFor($0, .expect, d.position) }
            var test = make("test_" + d.name, .faultScenario, body: d.scenario,
                            assumptions: faults, oracle: oracle, position: d.position)
            test.timeout = d.timeout.flatMap { validTimeout($0, test: test.name) }
            test.monitors = d.monitors.filter { monitors.indices.contains($0) }
            pending.append(Pending(sequence: d.sequence, subOrder: 0, test: test))
        }
        for d in declarations.matrices {
            let id = matrices.count
            let cells = expandMatrix(d, id: id)
            for (i, cell) in cells.enumerated() {
                var cell = cell
                cell.monitors = d.monitors.filter { monitors.indices.contains($0) }
                pending.append(Pending(sequence: d.sequence, subOrder: i, test: cell))
            }
        }
        for d in declarations.testFunctions {
            pending.append(Pending(sequence: d.sequence, subOrder: 0,
                                   test: make(d.callable.name, .function, body: d.callable,
                                              assumptions: [], oracle: nil, position: d.callable.position)))
        }
        pending.sort { ($0.sequence, $0.subOrder) < ($1.sequence, $1.subOrder) }
        var firstByName: [String: SourcePosition] = [:]
        for p in pending {
            if let first = firstByName[p.test.name] {
                errors.append(PlanError(p.test.position,
                    "test name \(p.test.name) collides with another test declared at \(first)",
                    fix: "rename the fault_scenario, the scenario function or the def so every test name is unique"))
                continue
            }
            firstByName[p.test.name] = p.test.position
            var test = p.test
            finish(&test)
            tests.append(test)
        }
    }

    /// Cells in declaration order (rows = scenarios, columns = faults); oracle precedence
    /// override > default_expect > none.
    mutating func expandMatrix(_ d: MatrixDecl, id: Int) -> [PlanTest] {
        let assumptions = self.assumptions
        if d.scenarios.isEmpty {
            errors.append(PlanError(d.position, "fault_matrix has no scenarios",
                                    fix: "pass at least one scenario function: scenarios = [order_flow]"))
        }
        let faultIDs = d.faults.filter { $0 >= 0 && $0 < assumptions.count }
        if faultIDs.isEmpty {
            errors.append(PlanError(d.position, "fault_matrix has no faults",
                                    fix: "pass at least one fault_assumption: faults = [db_down]"))
        }
        let scenarioIDs = Set(d.scenarios.map(\.id))
        var pairErrors: [PlanError] = []
        func pairName(_ p: PairDecl) -> String {
            let fault = p.fault >= 0 && p.fault < assumptions.count ? assumptions[p.fault].name : "?"
            return "(\(p.scenario.name), \(fault))"
        }
        func check(_ p: PairDecl, _ what: String) -> Bool {
            let rowOK = scenarioIDs.contains(p.scenario.id)
            let colOK = faultIDs.contains(p.fault)
            if rowOK && colOK { return true }
            let faultName = p.fault >= 0 && p.fault < assumptions.count ? assumptions[p.fault].name : "?"
            let missing = !rowOK ? "scenario \(p.scenario.name) is not in scenarios=" : "fault \(faultName) is not in faults="
            pairErrors.append(PlanError(p.position, "\(what) names the pair \(pairName(p)), which is not in the matrix: \(missing)",
                                    fix: "remove the entry, or add the missing \(rowOK ? "fault" : "scenario") to the matrix"))
            return false
        }
        var overrides: [MatrixOverride] = []
        var overrideByKey: [String: (CallableRef, SourcePosition)] = [:]
        for (pair, oracle) in d.overrides where check(pair, "overrides") {
            let key = "\(pair.scenario.id)/\(pair.fault)"
            let mp = MatrixPair(scenario: pair.scenario.name, fault: assumptions[pair.fault].name)
            if overrideByKey[key] != nil { continue }
            overrideByKey[key] = (oracle, pair.position)
            overrides.append(MatrixOverride(pair: mp, oracle: oracle, position: pair.position))
        }
        var excluded = Set<String>()
        var excludedPairs: [MatrixPair] = []
        for pair in d.exclude where check(pair, "exclude") {
            if excluded.insert("\(pair.scenario.id)/\(pair.fault)").inserted {
                excludedPairs.append(MatrixPair(scenario: pair.scenario.name, fault: assumptions[pair.fault].name))
            }
        }
        errors += pairErrors
        var cells: [PlanTest] = []
        var columnsUsed = Set<Int>()
        for s in d.scenarios {
            for f in faultIDs where !excluded.contains("\(s.id)/\(f)") {
                columnsUsed.insert(f)
                let pair = MatrixPair(scenario: s.name, fault: assumptions[f].name)
                var oracle: Oracle?
                if let (fn, pos) = overrideByKey["\(s.id)/\(f)"] {
                    oracle = oracleFor(fn, .override, pos)
                } else if let fn = d.defaultExpect {
                    oracle = oracleFor(fn, .defaultExpect, d.position)
                }
                var cell = PlanTest(name: "test_matrix_\(s.name)_\(pair.fault)", kind: .matrixCell(matrix: id, pair: pair),
                                    body: s, assumptions: [f], oracle: oracle, monitors: [], traps: [],
                                    dynamic: DynamicFaultUse(), position: d.position)
                cell.requireFaultsFire = d.requireFaultsFire
                cells.append(cell)
            }
        }
        matrices.append(FaultMatrix(id: id, scenarios: d.scenarios,
                                    faults: faultIDs.filter { columnsUsed.contains($0) },
                                    defaultExpect: d.defaultExpect, overrides: overrides,
                                    excluded: excludedPairs, cells: cells.map(\.name), position: d.position))
        return cells
    }

    /// An oracle for a callable handle; a built-in expectation's handle carries it along.
    /// An expectation is attached where it is written (its handle's position: the keyword or
    /// the override entry), which is where messages about it point.
    func oracleFor(_ ref: CallableRef, _ source: OracleSource, _ position: SourcePosition) -> Oracle {
        guard let expectation = declarations.expectations[ref.id] else {
            return Oracle(callable: ref, source: source, position: position)
        }
        return Oracle(callable: ref, source: source, position: ref.position, expectation: expectation)
    }

    /// `fault_scenario(timeout=)`: a Go duration of at least 1ms (as `--timeout`).
    mutating func validTimeout(_ d: TimeoutDecl, test: String) -> TestTimeout? {
        let fix = "write a Go duration such as timeout = \"2s\", \"500ms\" or \"1m30s\""
        switch GoDuration.parse(d.text) {
        case .success(let ns) where ns >= 1_000_000:
            return TestTimeout(duration: PlanDuration(nanoseconds: ns, text: d.text), position: d.position)
        case .success:
            errors.append(PlanError(d.position, "timeout \"\(d.text)\" of \(test) is shorter than 1ms; nothing could run in it", fix: fix))
        case .failure(let e):
            errors.append(PlanError(d.position, "malformed duration \"\(d.text)\" for timeout of \(test): \(e.reason)", fix: fix))
        }
        return nil
    }
}
