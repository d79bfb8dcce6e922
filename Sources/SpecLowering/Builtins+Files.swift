#if canImport(Glibc)
import Glibc
#endif
import StarlarkVM

/// `load_file(path)`, `load_json(path)`, `load_yaml(path)`: data files read while the spec
/// runs (at its top level or inside a test). Paths are relative to the folder of the spec
/// file whose code makes the call (as `load()` is); URLs are refused; a file may not exceed
/// 50 MB unless `FAULTBOX_LOAD_FILE_MAX_BYTES` says otherwise. Every error names the path as
/// written and as resolved, and says how to fix it; decoding errors also give the line and
/// column in the data file.
enum FileBuiltins {
    static let defaultMaxBytes: UInt64 = 50 << 20
    static let maxBytesVariable = "FAULTBOX_LOAD_FILE_MAX_BYTES"

    static func all() -> [String: Value] {
        [
            "load_file": .builtin(Builtin(name: "load_file", impl: loadFile)),
            "load_json": .builtin(Builtin(name: "load_json", impl: loadJSON)),
            "load_yaml": .builtin(Builtin(name: "load_yaml", impl: loadYAML)),
        ]
    }

    static func loadFile(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let file = try read("load_file", thread, args)
        return .string(StarString(file.bytes))
    }

    static func loadJSON(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let file = try read("load_json", thread, args)
        return try DataDecoding.json(file.bytes, name: file.written, thread: thread)
    }

    static func loadYAML(_ thread: StarThread, _ recv: Value?, _ args: Arguments) throws -> Value {
        let file = try read("load_yaml", thread, args)
        return try DataDecoding.yaml(file.bytes, name: file.written, thread: thread)
    }

    /// A file that was read: its path as the spec wrote it and its bytes.
    struct File {
        let written: String
        let bytes: [UInt8]
    }

    /// Checks the argument, resolves it against the caller's folder and reads it.
    static func read(_ fn: String, _ thread: StarThread, _ args: Arguments) throws -> File {
        let a = try BoundArgs(args, fn: fn, params: ["path"])
        let path = try a.requiredString("path")
        if path.isEmpty {
            throw failure(fn, "the path is empty", fix: "pass the data file's path, e.g. \(fn)(\"data/users.\(ext(fn))\")")
        }
        if let scheme = urlScheme(path) {
            throw failure(fn, "\"\(path)\" is a \(scheme):// URL; \(fn) reads local files only (a spec that fetches "
                          + "data over the network at load time would not run the same way twice)",
                          fix: "download the file next to the spec and pass its relative path")
        }
        let folder = SpecDirectorySlot.callerFolder(thread)
        let resolved = ModuleLoader.path(of: path, from: folder.absolute)
        let limit = try maxBytes(fn)
        let shown = resolved == path ? "\"\(path)\"" : "\"\(path)\" (resolved to \(resolved))"
        let relativeHint = path.hasPrefix("/")
            ? "check the path"
            : "relative paths start at the folder of the spec file that calls \(fn) (\(folder.absolute)); check the name"

        let fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let code = errno
            let fix = code == EACCES ? "make the file readable (chmod +r) or run faultbox as a user who may read it" : relativeHint
            throw failure(fn, "cannot read \(shown): \(describe(code))", fix: fix)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure(fn, "cannot read \(shown): \(describe(errno))", fix: relativeHint) }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFDIR {
            throw failure(fn, "\(shown) is a directory, not a file", fix: "name a file inside it")
        }
        guard kind == S_IFREG else {
            throw failure(fn, "\(shown) is not a regular file (a device, pipe or socket)", fix: "copy the data into a "
                + "file and pass that file")
        }
        if UInt64(st.st_size) > limit {
            throw tooLarge(fn, shown, size: UInt64(st.st_size), limit: limit)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(st.st_size))
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(fn, "cannot read \(shown): \(describe(errno))", fix: relativeHint)
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            // The file may grow while it is read.
            if UInt64(bytes.count) > limit { throw tooLarge(fn, shown, size: UInt64(bytes.count), limit: limit) }
        }
        return File(written: path, bytes: bytes)
    }

    /// The size limit: 50 MB, or `FAULTBOX_LOAD_FILE_MAX_BYTES` (decimal bytes).
    static func maxBytes(_ fn: String) throws -> UInt64 {
        guard let raw = getenv(maxBytesVariable) else { return defaultMaxBytes }
        let text = String(cString: raw)
        guard let value = UInt64(text), value > 0 else {
            throw failure(fn, "\(maxBytesVariable)=\"\(text)\" is not a number of bytes",
                          fix: "set \(maxBytesVariable) to a whole number of bytes greater than 0 "
                          + "(e.g. 104857600 for 100 MB), or unset it for the default of \(defaultMaxBytes) bytes (50 MB)")
        }
        return value
    }

    static func tooLarge(_ fn: String, _ shown: String, size: UInt64, limit: UInt64) -> StarlarkError {
        failure(fn, "\(shown) is \(size) bytes (\(megabytes(size))), over the limit of \(limit) bytes "
                + "(\(megabytes(limit))) for files read while a spec loads",
                fix: "load a smaller file, or raise the limit: \(maxBytesVariable)=\(size) faultbox ...")
    }

    static func megabytes(_ n: UInt64) -> String {
        let tenths = (n * 10 + (1 << 19)) >> 20
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    /// `scheme` of `scheme://...` (RFC 3986 scheme characters), or nil.
    static func urlScheme(_ path: String) -> String? {
        guard let r = path.range(of: "://") else { return nil }
        let scheme = Array(path[..<r.lowerBound].utf8)
        func letter(_ c: UInt8) -> Bool { (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") }
        func digit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        guard let first = scheme.first, letter(first),
              scheme.allSatisfy({ letter($0) || digit($0) || Array("+-.".utf8).contains($0) })
        else { return nil }
        return String(decoding: scheme, as: UTF8.self)
    }

    static func ext(_ fn: String) -> String {
        switch fn {
        case "load_json": return "json"
        case "load_yaml": return "yaml"
        default: return "txt"
        }
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// `fn: what` plus a fix line, as the loader's own file errors read.
    static func failure(_ fn: String, _ what: String, fix: String) -> StarlarkError {
        StarlarkError("\(fn): \(what)\n    fix: \(fix)")
    }
}
