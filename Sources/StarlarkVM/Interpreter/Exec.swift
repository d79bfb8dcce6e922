#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StarlarkSyntax
import StarlarkResolve
import StarlarkCompile

/// Parses, resolves, compiles and runs a file; returns its (frozen) globals.
/// Throws `SyntaxError` (parse), `ResolveErrors` (resolve) or `EvalError` (run).
public func execFile(thread: StarThread, source: SourceFile, predeclared: [String: Value],
                     options: DialectOptions) throws -> StarModule {
    let program = try compileFile(source: source, predeclared: predeclared, options: options)
    return try execProgram(thread: thread, program: program, predeclared: predeclared, options: options)
}

/// Parses, resolves and compiles a file without running it.
public func compileFile(source: SourceFile, predeclared: [String: Value],
                        options: DialectOptions) throws -> Program {
    let file = try parse(source)
    let universe = Universe.builtins
    let resolved = resolve(file, options: options,
                           isPredeclared: { predeclared[$0] != nil },
                           isUniversal: { universe[$0] != nil })
    if !resolved.errors.isEmpty { throw ResolveErrors(resolved.errors) }
    return compile(resolved)
}

/// Runs a compiled program's top level on `thread`; module globals are frozen afterwards.
public func execProgram(thread: StarThread, program: Program, predeclared: [String: Value],
                        options: DialectOptions) throws -> StarModule {
    let universe = Universe.builtins
    let module = ModuleState(program: program, predeclared: { predeclared[$0] ?? universe[$0] },
                             options: ModuleOptions(allowRecursion: options.recursion))
    let top = StarFunction(buffer: module.buffers[0], module: module, defaults: [], freeVars: [])
    _ = try thread.callFunction(top, Arguments())
    var globals: [(String, Value)] = []
    for (i, name) in program.globalNames.enumerated() {
        let v = module.globals[i]
        if case .object(let o) = v, o === module.unbound { continue }
        globals.append((name, v))
    }
    for (_, v) in globals {
        if case .function(let f) = v { f.freeze() } else { v.freeze() }
    }
    return StarModule(name: program.source.name, globals: globals)
}

/// The one `load()` resolver, for `faultbox eval` and for specs alike: a path is relative
/// to the folder of the file that loads it (the root file's folder at the top), `.` and
/// `dir/..` are folded so one file has one cache key, each file runs once (its result, or
/// its error, is cached) and a cycle is an error that names it. What running a file means
/// is the embedder's (`run`): plain evaluation here, the spec checks in SpecLowering.
public final class ModuleLoader {
    /// Runs the file at a resolved path and returns its module.
    public typealias Run = (_ thread: StarThread, _ path: String) throws -> StarModule
    /// Modules supplied by the embedder instead of a file (e.g. "json.star" in tests).
    public var builtinModules: [String: StarModule] = [:]
    /// Resolved paths of the files being loaded, outermost first.
    public private(set) var inProgress: [String] = []
    private let rootDirectory: String
    private let run: Run
    private var cache: [String: Result<StarModule, Error>] = [:]

    /// `rootFile`: the file the embedder runs itself (relative loads at the top start from
    /// its folder); nil when the root is loaded through `load` too.
    public init(rootFile: String?, run: @escaping Run) {
        rootDirectory = rootFile.map(ModuleLoader.directory) ?? "."
        self.run = run
    }

    /// Plain evaluation of each loaded file with `predeclared` (`faultbox eval`).
    public convenience init(rootFile: String, predeclared: [String: Value], options: DialectOptions) {
        self.init(rootFile: rootFile) { thread, path in
            guard let bytes = SourceFileReader.read(path) else {
                throw StarlarkError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            return try execFile(thread: thread, source: SourceFile(name: path, bytes: bytes),
                                predeclared: predeclared, options: options)
        }
    }

    /// Makes `thread.load` use this loader.
    public func install(on thread: StarThread) {
        thread.load = { [unowned self] thread, module in try self.load(thread, module) }
    }

    public func load(_ thread: StarThread, _ module: String) throws -> StarModule {
        if let m = builtinModules[module] { return m }
        let path = resolve(module)
        if let cached = cache[path] { return try cached.get() }
        if let start = inProgress.firstIndex(of: path) {
            let cycle = (inProgress[start...] + [path]).joined(separator: " -> ")
            throw StarlarkError("cycle in load graph: \(cycle); move the shared declarations into a file both can load")
        }
        inProgress.append(path)
        defer { inProgress.removeLast() }
        let result = Result<StarModule, Error> { try run(thread, path) }
        cache[path] = result
        return try result.get()
    }

    /// The path `module` names when loaded from the file now being loaded.
    public func resolve(_ module: String) -> String {
        ModuleLoader.path(of: module, from: inProgress.last.map(ModuleLoader.directory) ?? rootDirectory)
    }

    /// The rule for every path a spec names (loads, data files): absolute as it is, else
    /// relative to `directory`; normalised either way.
    public static func path(of written: String, from directory: String) -> String {
        normalize(written.hasPrefix("/") ? written : join(directory, written))
    }

    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    public static func join(_ dir: String, _ rel: String) -> String {
        dir == "." ? rel : (dir.hasSuffix("/") ? dir + rel : dir + "/" + rel)
    }

    /// Removes `.` components and folds `dir/..`.
    public static func normalize(_ path: String) -> String {
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
}

/// Reads a source file whole. Regular files and pipes (`faultbox eval <(...)`) only:
/// fopen() succeeds on a directory and fread() then returns nothing, which would run an
/// "empty file" with status 0, and a device such as /dev/zero never ends. On failure
/// returns nil with errno set (EISDIR for a directory) for the caller's message.
public enum SourceFileReader {
    public static func read(_ path: String) -> [UInt8]? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFIFO else {
            errno = (st.st_mode & S_IFMT) == S_IFDIR ? EISDIR : EINVAL
            return nil
        }
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n > 0 { out.append(contentsOf: buf[0..<n]) }
            if n < buf.count { break }
        }
        return out
    }
}
