#if canImport(Glibc)
import Glibc
#endif
import StarlarkCompile
import StarlarkResolve
import StarlarkSyntax
import StarlarkVM

/// Evaluates spec files: `load()` paths are relative to the loading file's directory,
/// each file runs once (its result or its error is cached), and a load cycle is an error
/// that names the cycle. Keeps every file's syntax tree for positions and static analysis.
final class SpecLoader {
    let predeclared: [String: Value]
    let options: DialectOptions
    let files: SpecFiles
    /// Relative paths are read from here (names in messages stay as written).
    let baseDirectory: String
    /// Called after each module has run (the recorder learns variable names).
    var onModule: ((StarModule, String) -> Void)?
    private var cache: [String: Result<StarModule, Error>] = [:]
    /// Files being evaluated, outermost first.
    private var inProgress: [String] = []

    init(predeclared: [String: Value], options: DialectOptions, files: SpecFiles, baseDirectory: String) {
        self.predeclared = predeclared; self.options = options; self.files = files
        self.baseDirectory = baseDirectory
    }

    func install(on thread: StarThread) {
        thread.load = { [unowned self] thread, module in try self.load(thread, module) }
    }

    func load(_ thread: StarThread, _ module: String) throws -> StarModule {
        if let refused = ReferenceOnly.stdlibMessage(module) { throw StarlarkError(refused) }
        let dir = inProgress.last.map(Self.directory) ?? "."
        let path = Self.normalize(module.hasPrefix("/") ? module : Self.join(dir, module))
        if let cached = cache[path] { return try cached.get() }
        if let start = inProgress.firstIndex(of: path) {
            let cycle = (inProgress[start...] + [path]).joined(separator: " -> ")
            throw StarlarkError("load cycle: \(cycle); move the shared declarations into a file both can load")
        }
        let result = Result<StarModule, Error> { try run(thread, path) }
        cache[path] = result
        return try result.get()
    }

    /// Parses, resolves, compiles and runs one file.
    func run(_ thread: StarThread, _ path: String) throws -> StarModule {
        let onDisk = path.hasPrefix("/") ? path : Self.join(baseDirectory, path)
        guard let bytes = Self.readFile(onDisk) else {
            let why = String(cString: strerror(errno))
            let fix = inProgress.isEmpty
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
        inProgress.append(path)
        defer { inProgress.removeLast() }
        let module = try execProgram(thread: thread, program: program, predeclared: predeclared, options: options)
        entry.module = module
        onModule?(module, path)
        return module
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    static func join(_ dir: String, _ rel: String) -> String {
        dir == "." ? rel : (dir.hasSuffix("/") ? dir + rel : dir + "/" + rel)
    }

    /// Removes `.` components and folds `dir/..` so one file has one cache key.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(c)
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    static func readFile(_ path: String) -> [UInt8]? { SourceFileReader.read(path) }
}
