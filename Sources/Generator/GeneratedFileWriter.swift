#if canImport(Glibc)
import Glibc
#endif

/// Puts generated files on disk without ever silently destroying a person's work: a file
/// that is byte for byte what the generator last wrote is replaced; any other file (edited
/// since, or never generated) is left alone unless `force`, in which case its curated
/// parts are carried into the new file and the old one is kept as `<file>.bak`.
public enum GeneratedFileWriter {
    public enum Outcome: Sendable, Equatable {
        /// New file, or a regenerated one that nobody had edited.
        case wrote(path: String)
        /// `--force` over an edited file: what was carried over, and where the old file is.
        case carriedOver(path: String, backup: String, notes: [String])
    }

    /// Checks every file first and writes only if none is refused, so a refusal leaves
    /// the directory as it was.
    public static func write(_ files: [GeneratedFile], force: Bool) throws(GenerateError) -> [Outcome] {
        var plans: [(GeneratedFile, String?)] = []
        var refused: [String] = []
        for f in files {
            guard let existing = try readIfExists(f.path) else { plans.append((f, nil)); continue }
            if GeneratedHeader.parse(existing)?.unedited == true {
                plans.append((f, nil))
            } else if force {
                plans.append((f, existing))
            } else {
                refused.append(f.path)
            }
        }
        if !refused.isEmpty {
            let many = refused.count > 1
            throw GenerateError(
                refused.joined(separator: ", ") + (many ? " were" : " was")
                    + " edited since faultbox generate wrote \(many ? "them" : "it") (or not written by it); "
                    + "regenerating would overwrite those changes, so nothing was written",
                fix: "commit or review your changes, then re-run with --force: it carries fault_matrix "
                    + "overrides, exclude and default_expect and your own definitions into the new file "
                    + "and keeps the old one as <file>.bak")
        }
        var outcomes: [Outcome] = []
        for (file, existing) in plans {
            if let old = existing {
                let merged = CarryOver.merge(old: old, into: file.model)
                let backup = file.path + ".bak"
                try writeAtomically(old, to: backup)
                try writeAtomically(GeneratedHeader.render(merged.model), to: file.path)
                outcomes.append(.carriedOver(path: file.path, backup: backup, notes: merged.notes))
            } else {
                try writeAtomically(file.text, to: file.path)
                outcomes.append(.wrote(path: file.path))
            }
        }
        return outcomes
    }

    static func readIfExists(_ path: String) throws(GenerateError) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw GenerateError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw GenerateError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes to a temporary file in the same directory, then renames it over the target,
    /// so an interrupted run never leaves half a file.
    static func writeAtomically(_ text: String, to path: String) throws(GenerateError) {
        let temp = path + ".tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw GenerateError("cannot write \(path): \(String(cString: strerror(errno)))",
                                fix: "check that the directory exists and is writable, or pass --output-dir")
        }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temp)
                throw GenerateError("cannot write \(path): \(reason)")
            }
            offset += n
        }
        close(fd)
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw GenerateError("cannot write \(path): \(reason)")
        }
    }
}
