#if canImport(Glibc)
import Glibc
#endif
import StarlarkCompile
import StarlarkResolve
import StarlarkSyntax
import StarlarkVM

/// Evaluates spec files through the one `load()` resolver (`ModuleLoader`: paths relative
/// to the loading file, one run per file, cycles named); what is the spec's own: stdlib
/// modules of the reference tool are refused, files are read relative to the spec folder,
/// the reference-only names are checked, and every file's syntax tree is kept for positions
/// and static analysis.
final class SpecLoader {
    let predeclared: [String: Value]
    let options: DialectOptions
    let files: SpecFiles
    /// Relative paths are read from here (names in messages stay as written).
    let baseDirectory: String
    /// Called after each module has run (the recorder learns variable names).
    var onModule: ((StarModule, String) -> Void)?
    private var modules: ModuleLoader!

    init(predeclared: [String: Value], options: DialectOptions, files: SpecFiles, baseDirectory: String) {
        self.predeclared = predeclared
        self.options = options
        self.files = files
        self.baseDirectory = baseDirectory
        modules = ModuleLoader(rootFile: nil) { [unowned self] thread, path in try self.run(thread, path) }
    }

    func install(on thread: StarThread) {
        thread.load = { [unowned self] thread, module in try self.load(thread, module) }
    }

    func load(_ thread: StarThread, _ module: String) throws -> StarModule {
        if let refused = ReferenceOnly.stdlibMessage(module) { throw StarlarkError(refused) }
        return try modules.load(thread, module)
    }

    /// Parses, resolves, compiles and runs one file.
    private func run(_ thread: StarThread, _ path: String) throws -> StarModule {
        let onDisk = path.hasPrefix("/") ? path : ModuleLoader.join(baseDirectory, path)
        guard let bytes = SourceFileReader.read(onDisk) else {
            let why = String(cString: strerror(errno))
            let fix = modules.inProgress.count == 1
                ? "check the name, or run faultbox from the folder that holds the spec"
                : "load() paths are relative to the folder of the file that loads them"
            throw StarlarkError("cannot read spec file \(path): \(why)\n    fix: \(fix)")
        }
        let source = SourceFile(name: path, bytes: bytes)
        let ast = try parse(source)
        let entry = SpecFiles.Entry(path: path, source: source, ast: ast)
        files.add(entry)
        let universe = Universe.builtins
        let resolved = resolve(ast, options: options, isPredeclared: { self.predeclared[$0] != nil },
                               isUniversal: { universe[$0] != nil })
        if !resolved.errors.isEmpty { throw ResolveErrors(resolved.errors) }
        let refused = ReferenceUseCheck.errors(resolved, predeclared: predeclared)
        if !refused.isEmpty { throw ResolveErrors(refused) }
        let program = compile(resolved)
        let module = try execProgram(thread: thread, program: program, predeclared: predeclared, options: options)
        entry.module = module
        onModule?(module, path)
        return module
    }
}
