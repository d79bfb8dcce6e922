/// Path arithmetic on absolute, already-resolved POSIX paths (the command resolves
/// symlinks with realpath first, so `..` counting here matches the file system).
enum PathUtil {
    static func components(_ path: String) -> [String] {
        var out: [String] = []
        for c in path.split(separator: "/") where c != "." && !c.isEmpty {
            if c == ".." { if !out.isEmpty { out.removeLast() } } else { out.append(String(c)) }
        }
        return out
    }

    static func baseName(_ path: String) -> String { components(path).last ?? path }

    static func directory(_ path: String) -> String {
        "/" + components(path).dropLast().joined(separator: "/")
    }

    static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// `file` as a path relative to `directory` (what `load()` in a file there needs).
    static func relative(from directory: String, to file: String) -> String {
        let from = components(directory)
        let to = components(file)
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        return (ups + to[common...]).joined(separator: "/")
    }
}
