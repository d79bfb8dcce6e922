#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import FaultPlan
import Injector
import Runner
import SpecLowering
import StarlarkCompile
import StarlarkResolve
import StarlarkSyntax
import StarlarkVM

/// `faultbox compile SPEC [--format text|json] [--emit ast|bytecode|plan|cells] [--coverage]`:
/// prints the plan (or, with --coverage, the edge coverage) without starting anything.
/// Exit 0, or 1 with every error on stderr.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Print a spec's fault plan without starting anything.",
        discussion: """
            --emit plan (default): services in start order with env and healthcheck, fault \
            assumptions with their expanded syscalls, and every test or matrix cell with its \
            scenario, faults, oracle, monitors and per-service trap set. --emit cells: the tests \
            only. --emit ast / bytecode: the root file's syntax tree or disassembly. \
            --format json follows the schema in docs/plan-json-schema.md.
            """)

    @Option(name: .long, help: "text or json.")
    var format: String = "text"

    @Option(name: .long, help: "plan, cells, ast or bytecode.")
    var emit: String = "plan"

    @Flag(name: .long, help: "Instead of the plan: each depends_on edge with the fault tests that target it, and the edges none does.")
    var coverage = false

    @Option(name: .long, help: ArgumentHelp("Instead of the plan: the cells shard K of N runs (faultbox test --shard "
        + "K/N with the same specs).", valueName: "K/N"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp("With --shard: balance by the test times in FILE (a JSON report of an "
        + "earlier run).", valueName: "FILE"))
    var durations: String?

    @OptionGroup var limitFlags: LimitFlags

    @ArgumentParser.Argument(help: "The spec file.")
    var spec: String

    // Several specs are sharded together by faultbox test, so --shard takes them all.
    @ArgumentParser.Argument(help: ArgumentHelp("With --shard: the other spec files of the run.", valueName: "more-specs"))
    var moreSpecs: [String] = []

    func run() throws {
        guard ["text", "json"].contains(format) else {
            FileHandleStderr.write("faultbox compile: --format: unknown format \"\(format)\" (expected text or json)\n")
            throw ExitWith(ExitStatus.usage)
        }
        guard ["plan", "cells", "ast", "bytecode"].contains(emit) else {
            FileHandleStderr.write("faultbox compile: --emit: unknown value \"\(emit)\" (expected plan, cells, ast or bytecode)\n")
            throw ExitWith(ExitStatus.usage)
        }
        if (emit == "ast" || emit == "bytecode") && format == "json" {
            FileHandleStderr.write("faultbox compile: --emit \(emit) is text only; drop --format json\n")
            throw ExitWith(ExitStatus.usage)
        }
        if coverage && emit != "plan" {
            FileHandleStderr.write("faultbox compile: --coverage prints the coverage table instead of the plan; drop --emit \(emit)\n")
            throw ExitWith(ExitStatus.usage)
        }
        if shard == nil && (durations != nil || !moreSpecs.isEmpty) {
            FileHandleStderr.write("faultbox compile: \(durations != nil ? "--durations" : "several spec files") only "
                + "with --shard K/N; compile takes one spec otherwise\n")
            throw ExitWith(ExitStatus.usage)
        }
        let limits = try limitFlags.limits(command: "compile")
        if let shard {
            try runShard(shard, limits: limits)
            return
        }
        let output: String
        let rendered = coverage ? CompileOutput.coverage(specPath: spec, format: format, limits: limits)
                                : CompileOutput.render(specPath: spec, format: format, emit: emit, limits: limits)
        switch rendered {
        case .success(let text): output = text
        case .failure(let errors):
            FileHandleStderr.write(errors.description + "\n")
            if errors.starlark == nil && errors.plan.count > 1 {
                FileHandleStderr.write("faultbox compile: \(errors.plan.count) errors\n")
            }
            throw ExitWith(ExitStatus.usage)
        }
        print(output, terminator: "")
    }

    private func runShard(_ text: String, limits: ExecutionLimits) throws {
        let fail = { (message: String) -> ExitWith in
            FileHandleStderr.write("faultbox compile: \(message)\n")
            return ExitWith(ExitStatus.usage)
        }
        guard emit == "plan" || emit == "cells", !coverage else {
            throw fail("--shard lists a shard's cells; drop --emit \(emit)\(coverage ? " and --coverage" : "")")
        }
        let parsed: Shard
        switch Shard.parse(text) {
        case .success(let s): parsed = s
        case .failure(let error): throw fail(error.description)
        }
        var table: [String: Double] = [:]
        if let durations {
            switch Sharding.loadDurations(path: durations) {
            case .success(let t): table = t
            case .failure(let error): throw fail(error.description)
            }
        }
        switch CompileShard.render(specPaths: [spec] + moreSpecs, shard: parsed, durations: table, format: format, limits: limits) {
        case .success(let output): print(output, terminator: "")
        case .failure(let errors):
            FileHandleStderr.write(errors.description + "\n")
            throw ExitWith(ExitStatus.usage)
        }
    }
}

/// The machine's syscall and errno tables, from the injector (libseccomp).
public enum MachineVocabulary {
    public static func make() -> SyscallVocabulary {
        SyscallVocabulary(expand: { Syscalls.expand($0) }, errnoValue: { Errno.value(named: $0) },
                          errnoNames: Errno.allNames, syscallNames: Syscalls.allNames)
    }
}

/// What `faultbox compile` prints, as a function for tests and `faultbox test --dry-run`.
public enum CompileOutput {
    public static func render(specPath: String, format: String, emit: String,
                              limits: ExecutionLimits = .standard) -> Result<String, SpecErrors> {
        if emit == "ast" || emit == "bytecode" { return syntaxDump(specPath: specPath, emit: emit) }
        let options = SpecOptions(vocabulary: MachineVocabulary.make(), limits: limits)
        let loaded: LoadedSpec
        do { loaded = try loadSpec(path: specPath, options: options) } catch { return .failure(error) }
        let paths = PathDisplay(relativeTo: options.workingDirectory)
        if format == "json" {
            let json = emit == "cells" ? PlanJSON.cells(loaded.plan, paths: paths) : PlanJSON.plan(loaded.plan, paths: paths)
            return .success(json.render())
        }
        return .success(emit == "cells" ? PlanText.cells(loaded.plan) : PlanText.plan(loaded.plan, paths: paths))
    }

    /// `--coverage`: the depends_on edges and the fault tests that target them.
    public static func coverage(specPath: String, format: String,
                                limits: ExecutionLimits = .standard) -> Result<String, SpecErrors> {
        let vocabulary = MachineVocabulary.make()
        let options = SpecOptions(vocabulary: vocabulary, limits: limits)
        let loaded: LoadedSpec
        do { loaded = try loadSpec(path: specPath, options: options) } catch { return .failure(error) }
        let result = EdgeCoverage.analyze(loaded.plan, vocabulary: vocabulary)
        if format == "json" {
            let paths = PathDisplay(relativeTo: options.workingDirectory)
            return .success(CoverageDump.json(result, specPath: paths.show(loaded.plan.specPath)).render())
        }
        return .success(CoverageDump.text(result))
    }

    /// `--emit ast|bytecode`: the root file only, without running it.
    static func syntaxDump(specPath: String, emit: String) -> Result<String, SpecErrors> {
        guard let bytes = SourceFileReader.read(specPath) else {
            return .failure(SpecErrors(starlark: "faultbox compile: cannot read \(specPath): "
                + "\(String(cString: strerror(errno)))", plan: []))
        }
        let source = SourceFile(name: specPath, bytes: bytes)
        do {
            let file = try parse(source)
            if emit == "ast" { return .success(dumpAST(file) + "\n") }
            var predeclared: [String: Value] = [:]
            for name in SpecBuiltins.names { predeclared[name] = Value.none }
            let program = try compileFile(source: source, predeclared: predeclared, options: .all)
            return .success(disassemble(program))
        } catch {
            return .failure(SpecErrors(starlark: "\(error)", plan: []))
        }
    }
}
