import StarlarkSyntax

/// `faultbox generate`'s engine: topology -> proposed faults -> Starlark files.
/// Pure (no file system access); `GeneratedFileWriter` puts the files on disk.
public enum FaultGenerator {
    /// The faults proposed for each selected scenario.
    public static func proposals(for input: GeneratorInput,
                                 selection: Selection = Selection()) throws(GenerateError) -> [ScenarioFaults] {
        let spec = PathUtil.baseName(input.specPath)
        guard !input.scenarios.isEmpty else {
            throw GenerateError(
                "\(spec) registers no scenario, so there is nothing to generate faults for",
                fix: "write the happy path as a function and register it with scenario(), e.g.\n"
                    + "      def order_flow():\n"
                    + "          return api.get(path=\"/\")\n"
                    + "      scenario(order_flow)")
        }
        let edges = try DependencyAnalysis.edges(of: input)
        guard !edges.isEmpty else {
            throw GenerateError(
                "\(spec): no service depends on another, so there are no failure modes to propose",
                fix: "declare the dependency with depends_on = [db] or pass its address in env "
                    + "(\"DB_ADDR\": db.main.addr)")
        }
        let reserved = Set(input.services.compactMap(\.variable) + input.scenarios.map(\.function))
        let all = MutationCatalog.mutations(input: input, edges: edges, reserved: reserved)
        let selected = try selection.apply(to: all, input: input)
        if selected.allSatisfy(\.isEmpty) {
            var flags: [String] = []
            if let s = selection.service { flags.append("--service \(s)") }
            if let c = selection.category { flags.append("--category \(c.rawValue)") }
            throw GenerateError(
                "\(flags.joined(separator: " ")) selects none of the \(all.assumptions.count + all.partitions.count) "
                    + "proposed faults",
                fix: "network faults are armed on the consumer of a dependency, disk faults on the "
                    + "dependency; run with --dry-run and no filter to see them per service")
        }
        return selected
    }

    /// The `--dry-run` report: mutations per scenario and target service, then the total.
    /// A partition counts with its consumer, where its connects are refused.
    public static func dryRunSummary(_ proposals: [ScenarioFaults], input: GeneratorInput) -> String {
        var lines: [String] = []
        var total = 0
        for p in proposals {
            var order: [Int] = []
            var counts: [Int: Int] = [:]
            let targets = p.assumptions.map(\.target) + p.partitions.map(\.consumer)
            for t in targets {
                if counts[t] == nil { order.append(t) }
                counts[t, default: 0] += 1
            }
            for t in order {
                let n = counts[t, default: 0]
                lines.append("\(p.scenario.function) × \(input.services[t].name): \(n) mutation\(n == 1 ? "" : "s")")
                total += n
            }
        }
        lines.append("Total: \(total) mutation\(total == 1 ? "" : "s")")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One file per proposal, to be written in `outputDirectory` (absolute, symlinks
    /// resolved, so that the relative `load()` paths are right).
    public static func files(for proposals: [ScenarioFaults], input: GeneratorInput,
                             outputDirectory: String) throws(GenerateError) -> [GeneratedFile] {
        var files: [GeneratedFile] = []
        for p in proposals {
            let model = try model(for: p, input: input, outputDirectory: outputDirectory)
            files.append(GeneratedFile(
                fileName: model.fileName, path: PathUtil.join(outputDirectory, model.fileName),
                scenario: p.scenario.function, text: GeneratedHeader.render(model), model: model))
        }
        return files
    }

    static func model(for p: ScenarioFaults, input: GeneratorInput,
                      outputDirectory: String) throws(GenerateError) -> FileModel {
        let scenario = p.scenario.function
        var used: [Int] = []
        func variable(_ i: Int) throws(GenerateError) -> String {
            let s = input.services[i]
            guard let v = s.variable else {
                throw GenerateError(
                    "\(s.location): service \"\(s.name)\" is not bound to a top-level variable, "
                        + "so the generated file cannot load it",
                    fix: "assign it at the top level of its file, e.g. \(identifierLike(s.name)) = service(\"\(s.name)\", ...)")
            }
            if !used.contains(i) { used.append(i) }
            return v
        }
        var network: [FileModel.Definition] = []
        var disk: [FileModel.Definition] = []
        for a in p.assumptions {
            let d = StarlarkPrinter.assumption(a, targetVariable: try variable(a.target))
            if a.category == .network { network.append(d) } else { disk.append(d) }
        }
        var partitions: [FileModel.Definition] = []
        for part in p.partitions {
            partitions.append(StarlarkPrinter.partition(
                scenario: scenario, testName: "test_\(scenario)_\(part.suffix)_partition",
                consumer: try variable(part.consumer), dependency: try variable(part.dependency)))
        }
        // Each symbol is loaded from the file whose top level defines it (load() bindings
        // are file-local in Starlark, so a re-export through the spec would not work).
        var symbolsByFile: [String: Set<String>] = [p.scenario.definedIn: [scenario]]
        for i in used {
            if let v = input.services[i].variable { symbolsByFile[input.services[i].definedIn, default: []].insert(v) }
        }
        let loads = symbolsByFile.keys.sorted().map { file in
            FileModel.Load(
                module: PathUtil.relative(from: outputDirectory, to: file),
                items: (symbolsByFile[file] ?? []).sorted().map { StarlarkQuote.quoted($0) })
        }
        return FileModel(
            fileName: "\(scenario).faults.star",
            specDisplayName: PathUtil.relative(from: outputDirectory, to: input.specPath),
            loads: loads, networkAssumptions: network, diskAssumptions: disk,
            matrixScenarios: [scenario],
            matrixFaults: (network + disk).map(\.name), partitions: partitions)
    }

    private static func identifierLike(_ name: String) -> String {
        let mapped = name.unicodeScalars.map { c -> Character in
            (c.properties.isAlphabetic && c.isASCII) || ("0"..."9").contains(c) ? Character(c) : "_"
        }
        let s = String(mapped)
        return s.first.map { $0.isNumber } == true ? "_" + s : (s.isEmpty ? "svc" : s)
    }
}
