import ArgumentParser
import Foundation
import Generator
import SpecLowering

/// `faultbox generate`: proposes every failure mode of the spec's topology as one
/// reviewable `<scenario>.faults.star` per registered scenario. Flag checking and output
/// only; the analysis and the printing are the Generator target's.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate fault assumptions and a fault matrix for each registered scenario.",
        discussion: "Writes <scenario>.faults.star next to SPEC (or in --output-dir). A file edited since "
            + "it was generated is not overwritten unless --force, which carries its overrides, exclude, "
            + "default_expect and your own definitions over and keeps the old file as .bak. "
            + "Exit status: 0 written, 1 spec or usage error (nothing written).")

    @Argument(help: "The spec file that declares the services and registers scenario() probes.")
    var spec: String

    @Flag(name: .customLong("dry-run"), help: "Print the number of mutations per scenario and service; write nothing.")
    var dryRun = false

    @Option(help: ArgumentHelp("Generate only for this scenario (function name).", valueName: "NAME"))
    var scenario: String?

    @Option(help: ArgumentHelp("Only faults armed on this service (name or variable).", valueName: "NAME"))
    var service: String?

    @Option(help: ArgumentHelp("Which faults: network (with partitions), disk, or all.", valueName: "network|disk|all"))
    var category: String = "all"

    @Option(name: .customLong("output-dir"), help: ArgumentHelp("Write the files here instead of next to SPEC.", valueName: "DIR"))
    var outputDir: String?

    @Flag(help: "Regenerate over files edited since they were generated (carrying curated parts over).")
    var force = false

    func run() throws {
        do {
            try generate()
        } catch let e as GenerateError {
            FileHandleStderr.write("faultbox generate: \(e.description)\n")
            throw ExitWith(ExitStatus.usage)
        }
    }

    private func generate() throws {
        let selection = Selection(scenario: scenario, service: service, category: try parseCategory())
        let specPath = try resolveExisting(spec, what: "SPEC")
        let input = try GeneratorSpecLoader.load(specPath: specPath)
        let proposals = try FaultGenerator.proposals(for: input, selection: selection)
        if dryRun {
            print(FaultGenerator.dryRunSummary(proposals, input: input), terminator: "")
            return
        }
        let directory = try outputDirectory(specPath: specPath)
        let files = try FaultGenerator.files(for: proposals, input: input, outputDirectory: directory)
        for outcome in try GeneratedFileWriter.write(files, force: force, display: display) {
            switch outcome {
            case .wrote(let path):
                print("wrote \(display(path))")
            case .carriedOver(let path, let backup, let notes):
                let kept = backup.map { "; the previous version is \(display($0))" } ?? ""
                print("wrote \(display(path)) (carried your changes over\(kept))")
                for note in notes { print("  \(note)") }
            }
        }
    }

    private func parseCategory() throws(GenerateError) -> FaultCategory? {
        if category == "all" { return nil }
        guard let c = FaultCategory(rawValue: category) else {
            throw GenerateError("--category \(category): expected network, disk or all")
        }
        return c
    }

    /// Absolute and symlink-free, so relative load() paths are computed on real paths.
    private func resolveExisting(_ path: String, what: String) throws(GenerateError) -> String {
        guard let real = realpath(path, nil) else {
            throw GenerateError("\(what) \(path): \(String(cString: strerror(errno)))",
                                fix: "pass the path of an existing spec file, e.g. faultbox generate scenario-test.star")
        }
        defer { free(real) }
        return String(cString: real)
    }

    private func outputDirectory(specPath: String) throws(GenerateError) -> String {
        guard let dir = outputDir else { return (specPath as NSString).deletingLastPathComponent }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw GenerateError("--output-dir \(dir): cannot create it (\(error.localizedDescription))")
        }
        return try resolveExisting(dir, what: "--output-dir")
    }

    /// Paths as the user would type them: relative to the current directory when inside it.
    private func display(_ path: String) -> String {
        let cwd = (try? resolveExisting(FileManager.default.currentDirectoryPath, what: "cwd")) ?? ""
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
    }
}

/// Evaluates the spec and maps its plan onto the generator's input.
enum GeneratorSpecLoader {
    static func load(specPath: String) throws -> GeneratorInput {
        let options = SpecOptions(vocabulary: MachineVocabulary.make())
        let loaded: LoadedSpec
        do {
            loaded = try loadSpec(path: specPath, options: options)
        } catch {
            // Spec errors print as the VM and the plan format them, then exit 1.
            let summary = error.count > 1 ? "\n\(error.count) errors in \(specPath)" : ""
            FileHandleStderr.write(error.description + summary + "\n")
            throw ExitWith(ExitStatus.usage)
        }
        let input = try GeneratorInput(plan: loaded.plan) { path in
            let absolute = path.hasPrefix("/") ? path : options.workingDirectory + "/" + path
            guard let real = realpath(absolute, nil) else { return absolute }
            defer { free(real) }
            return String(cString: real)
        }
        try checkScenariosAreLoadable(input)
        return input
    }

    /// A generated file loads each probe by name from its file, which works only for a
    /// function defined with `def` at that file's top level.
    private static func checkScenariosAreLoadable(_ input: GeneratorInput) throws(GenerateError) {
        for s in input.scenarios {
            guard let text = try? String(contentsOfFile: s.definedIn, encoding: .utf8) else { continue }
            if !SourceBindings.definesTopLevelFunction(s.function, in: text) {
                throw GenerateError(
                    "\(s.location): scenario \(s.function) is not defined at the top level of "
                        + "\((s.definedIn as NSString).lastPathComponent), so a generated file cannot load it",
                    fix: "define it with def at the top level of the file and register it there: "
                        + "scenario(\(s.function))")
            }
        }
    }
}
