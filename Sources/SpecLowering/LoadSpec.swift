#if canImport(Glibc)
import Glibc
#endif
import FaultPlan
import StarlarkResolve
import StarlarkSyntax
import StarlarkVM

/// How to load a spec.
public struct SpecOptions: Sendable {
    /// The machine's syscall and errno tables (the command layer passes the injector's).
    public var vocabulary: SyscallVocabulary
    /// Relative binary paths and the spec path resolve against this directory.
    public var workingDirectory: String
    /// `PATH` for bare binary names.
    public var searchPath: String
    /// Where `print()` at the top level of a spec goes (default: standard error, so that
    /// `--format json` output stays clean).
    public var print: @Sendable (String) -> Void
    /// Budgets of steps, call depth and memory for evaluating the spec (and, as the spec's
    /// `limits()` left them, for each test cell), so that a runaway spec ends with an error
    /// instead of hanging compile or exhausting memory (`--max-steps`, `--max-depth`, `--max-memory`).
    public var limits: ExecutionLimits

    public init(vocabulary: SyscallVocabulary, workingDirectory: String? = nil, searchPath: String? = nil,
                limits: ExecutionLimits = .standard,
                print: @escaping @Sendable (String) -> Void = SpecOptions.printToStderr) {
        self.vocabulary = vocabulary
        self.limits = limits
        self.workingDirectory = workingDirectory ?? SpecOptions.currentDirectory()
        self.searchPath = searchPath ?? (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin")
        self.print = print
    }

    public static func currentDirectory() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return "." }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Sendable public static func printToStderr(_ s: String) {
        let line = Array((s + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// Why a spec could not be loaded: a Starlark error (syntax, resolution, evaluation; the
/// text as the VM formats it) or the plan's validation errors (all of them).
public struct SpecErrors: Error, Sendable, CustomStringConvertible {
    /// Set when evaluation stopped on a Starlark error: the text as the VM formats it.
    public var starlark: String?
    /// The same error(s) as position + message (resolution may report several).
    public var starlarkDiagnostics: [PlanError] = []
    public var plan: [PlanError]
    public init(starlark: String?, plan: [PlanError]) {
        self.starlark = starlark
        self.plan = plan
    }

    init(starlark error: Error) {
        starlark = StarlarkErrorText.describe(error)
        plan = []
        func pos(_ l: SourceLocation) -> SourcePosition { SourcePosition(file: l.file, line: l.line, column: l.column) }
        switch error {
        case let e as EvalError:
            starlarkDiagnostics = [PlanError(e.location.map(pos) ?? SourcePosition(file: "?", line: 0, column: 0), e.message, fix: "")]
        case let e as SyntaxError:
            starlarkDiagnostics = [PlanError(pos(e.location), e.message, fix: "")]
        case let e as ResolveErrors:
            starlarkDiagnostics = e.errors.map { PlanError(pos($0.location), $0.message, fix: "") }
        default:
            starlarkDiagnostics = [PlanError(SourcePosition(file: "?", line: 0, column: 0), "\(error)", fix: "")]
        }
    }

    /// Every error as position + message, Starlark or validation.
    public var all: [PlanError] { starlarkDiagnostics + plan }
    public var description: String {
        if let s = starlark { return s }
        return plan.map(\.description).joined(separator: "\n")
    }
    /// Number of errors (for "N errors" summaries).
    public var count: Int { starlark == nil ? plan.count : 1 }
}

/// A loaded spec: the plan plus what the runner needs to call back into Starlark.
/// Module values are frozen once loaded, so the callables may be called from a fresh
/// thread per cell; run one thread at a time per `LoadedSpec` value.
public final class LoadedSpec: @unchecked Sendable {
    public let plan: FaultPlan
    let callables: [Value]
    let vocabulary: SyscallVocabulary
    let printHook: @Sendable (String) -> Void
    /// Syntax trees of the evaluated files, root first (for `--emit ast`).
    public let syntaxTrees: [FileNode]
    /// Where relative spec paths were read from (data files of `load_file` in tests too).
    var workingDirectory = SpecOptions.currentDirectory()
    /// The budgets of each cell's thread: the command's, as the spec's `limits()` left them.
    public internal(set) var limits = ExecutionLimits.standard

    init(plan: FaultPlan, callables: [Value], vocabulary: SyscallVocabulary,
         print: @escaping @Sendable (String) -> Void, syntaxTrees: [FileNode]) {
        self.plan = plan
        self.callables = callables
        self.vocabulary = vocabulary
        self.printHook = print
        self.syntaxTrees = syntaxTrees
    }

    /// The Starlark value behind a handle of the plan.
    public func callable(_ ref: CallableRef) -> Value? {
        ref.id >= 0 && ref.id < callables.count ? callables[ref.id] : nil
    }

    /// A fresh thread for one cell: it validates `fault()` rules against the spec's
    /// vocabulary; install the cell's `SpecRuntime` with `SpecRuntimeSlot.install`.
    public func makeThread(name: String) -> StarThread {
        let t = StarThread(name: name)
        t.limits = limits
        t.print = printHook
        VocabularySlot.install(vocabulary, on: t)
        SpecDirectorySlot.install(workingDirectory, on: t)
        return t
    }
}

/// Evaluates the spec at `path` (and the files it loads), lowers what it declared and
/// validates it into a `FaultPlan`.
public func loadSpec(path: String, options: SpecOptions) throws(SpecErrors) -> LoadedSpec {
    let files = SpecFiles()
    let absolute = ModuleLoader.path(of: path, from: options.workingDirectory)
    let recorder = SpecRecorder(specPath: absolute, files: files)
    let predeclared = SpecBuiltins.all()
    let thread = StarThread(name: "spec")
    thread.print = options.print
    thread.limits = options.limits
    thread.local[SpecRecorder.key] = recorder
    VocabularySlot.install(options.vocabulary, on: thread)
    SpecDirectorySlot.install(options.workingDirectory, on: thread)
    let loader = SpecLoader(predeclared: predeclared, options: .all, files: files,
                            baseDirectory: options.workingDirectory)
    loader.install(on: thread)
    loader.onModule = { module, file in recorder.noteGlobals(of: module, file: file) }

    let root: StarModule
    do {
        root = try loader.load(thread, path)
    } catch {
        throw SpecErrors(starlark: error)
    }

    // Tests: every global `def test_*` of the root file.
    var testFunctions: [(CallableRef, Int, Int)] = []
    for (name, value) in root.globals where name.hasPrefix("test_") {
        guard case .function(let f) = value else { continue }
        let pos = SpecFiles.parseLocation(f.location) ?? SourcePosition(file: path, line: 0, column: 0)
        testFunctions.append((recorder.callable(value, at: pos), pos.line, pos.column))
    }
    recorder.finishOrder(testFunctions: testFunctions)

    var decls = recorder.declarations
    let toAbsolute = { (p: String) in ModuleLoader.path(of: p, from: options.workingDirectory) }
    decls.files = files.entries.map { toAbsolute($0.path) }
    for i in decls.services.indices { decls.services[i].definedIn = toAbsolute(decls.services[i].definedIn) }

    decls.recordedErrors += ArityCheck(files: files, callables: recorder.callables).check(decls)

    // What each test body and oracle may arm at run time.
    let analysis = StaticFaultAnalysis(files: files, predeclared: predeclared)
    var roots: [CallableRef] = decls.scenarios.map(\.callable) + decls.testFunctions.map(\.callable)
    for s in decls.faultScenarios { roots.append(s.scenario); if let e = s.expect { roots.append(e) } }
    for m in decls.matrices {
        roots += m.scenarios + m.overrideOracles
        if let d = m.defaultExpect { roots.append(d) }
    }
    var analysed = Set<Int>()
    for ref in roots where analysed.insert(ref.id).inserted {
        let use = analysis.analyze(recorder.callables[ref.id])
        if !use.isEmpty { decls.dynamicUse[ref.id] = use }
    }
    // A stateful monitor's update/check only observe: calls that act are refused at load
    // where they can be seen (the sandbox refuses the rest when they run).
    for m in decls.monitors {
        guard let stateful = m.stateful else { continue }
        for ref in [stateful.update, stateful.check].compactMap({ $0 }) {
            for (name, pos) in analysis.calls(in: recorder.callables[ref.id], among: MonitorSandbox.forbidden) {
                decls.recordedErrors.append(PlanError(pos, "monitor \(stateful.name): \(ref.name) calls \(name)(), "
                    + "which a monitor's update/check may not call (they only observe events)",
                    fix: "keep update/check pure: compute the new state and return True/False; "
                        + "assert in the test body or with fault_scenario(expect=) instead"))
            }
        }
    }

    let plan: FaultPlan
    do {
        plan = try PlanBuilder.build(decls, vocabulary: options.vocabulary,
                                     options: .init(workingDirectory: options.workingDirectory, searchPath: options.searchPath))
    } catch {
        throw SpecErrors(starlark: nil, plan: error.errors)
    }
    let loaded = LoadedSpec(plan: plan, callables: recorder.callables, vocabulary: options.vocabulary,
                            print: options.print, syntaxTrees: files.entries.map(\.ast))
    loaded.workingDirectory = options.workingDirectory
    loaded.limits = thread.limits
    return loaded
}

/// Every faultbox builtin a spec sees (the universe's `fail`, `struct`, `json`... come on top).
public enum SpecBuiltins {
    public static let names: [String] = all().keys.sorted()
    static func all() -> [String: Value] {
        var d = TopologyBuiltins.all()
        d.merge(FaultBuiltins.all()) { a, _ in a }
        d.merge(TestBuiltins.all()) { a, _ in a }
        d.merge(TraceBuiltins.all()) { a, _ in a }
        d.merge(ObserveBuiltins.all()) { a, _ in a }
        d.merge(FileBuiltins.all()) { a, _ in a }
        d.merge(TimeBuiltins.all()) { a, _ in a }
        d["limits"] = LimitsBuiltin.value
        // Last: stubs that refuse the reference tool's names not supported here (a real
        // builtin of the same name, merged above, wins).
        d.merge(ReferenceOnly.all()) { a, _ in a }
        return d
    }
}
