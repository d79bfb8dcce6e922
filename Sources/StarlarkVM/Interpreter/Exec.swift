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

/// Loads modules from files for `load()`: a path is relative to the directory of the
/// file that loads it; each file runs once (its result, or its error, is cached); a
/// load cycle is an error.
public final class ModuleLoader {
    public let predeclared: [String: Value]
    public let options: DialectOptions
    /// Modules supplied by the embedder instead of a file (e.g. "json.star" in tests).
    public var builtinModules: [String: StarModule] = [:]
    private var cache: [String: Result<StarModule, Error>] = [:]
    private var inProgress: Set<String> = []
    /// Directories of the files being executed, innermost last.
    private var directories: [String]

    public init(rootFile: String, predeclared: [String: Value], options: DialectOptions) {
        self.predeclared = predeclared; self.options = options
        directories = [ModuleLoader.directory(of: rootFile)]
    }

    /// Makes `thread.load` use this loader.
    public func install(on thread: StarThread) {
        thread.load = { [unowned self] thread, module in try self.load(thread, module) }
    }

    public func load(_ thread: StarThread, _ module: String) throws -> StarModule {
        if let m = builtinModules[module] { return m }
        let dir = directories.last ?? "."
        let path = module.hasPrefix("/") ? module : (dir == "." ? module : dir + "/" + module)
        if let cached = cache[path] { return try cached.get() }
        if inProgress.contains(path) { throw StarlarkError("cycle in load graph") }
        guard let bytes = SourceFileReader.read(path) else {
            throw StarlarkError("cannot read \(path): no such file or readable")
        }
        inProgress.insert(path)
        directories.append(ModuleLoader.directory(of: path))
        defer { inProgress.remove(path); directories.removeLast() }
        let result = Result<StarModule, Error> {
            try execFile(thread: thread, source: SourceFile(name: path, bytes: bytes),
                         predeclared: predeclared, options: options)
        }
        cache[path] = result
        return try result.get()
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
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
