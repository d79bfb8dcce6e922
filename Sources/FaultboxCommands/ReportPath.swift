#if canImport(Glibc)
import Glibc
#endif

/// Checks a report destination (`--junit FILE`, `--output FILE`) before anything runs: a
/// matrix can take minutes, and finding out only at the end that the folder does not
/// exist would throw the results away.
enum ReportPath {
    /// Why `path` cannot be written, or nil if it can (as far as can be told up front).
    static func problem(_ path: String, example: String) -> String? {
        if path.isEmpty { return "empty file name; give a file name such as \(example)" }
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            return "is a directory; give a file name inside it, e.g. \(path.hasSuffix("/") ? path : path + "/")\(example)"
        }
        let folder: String
        if let slash = path.lastIndex(of: "/") {
            folder = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            folder = "."
        }
        guard stat(folder, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            return "folder \(folder) does not exist; create it first (mkdir -p \(folder))"
        }
        if access(folder, W_OK) != 0 {
            return "folder \(folder) is not writable (\(String(cString: strerror(errno)))); choose another place"
        }
        return nil
    }
}
