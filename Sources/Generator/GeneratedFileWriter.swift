#if canImport(Glibc)
import Glibc
#endif

/// Puts generated files on disk without ever silently destroying a person's work: a file
/// that is byte for byte what the generator last wrote is replaced; any other file (edited
/// since, or never generated) is left alone unless `force`, in which case its curated
/// parts are carried into the new file and the old one is kept as `<file>.bak`.
public enum GeneratedFileWriter {
    public enum Outcome: Sendable, Equatable {
        /// A new file, or a regenerated one with nothing of the user's in it.
        case wrote(path: String)
        /// Regenerated with the user's curated parts carried over: after `--force` over an
        /// edited file (`backup` is where the old file was kept), or over a file that an
        /// earlier `--force` had already merged (nothing to back up, nothing lost).
        case carriedOver(path: String, backup: String?, notes: [String])
    }

    /// Checks every file first and writes only if none is refused, so a refusal leaves
    /// the directory as it was.
    /// `display` shortens paths in messages (the command shows them relative to the
    /// current directory).
    public static func write(_ files: [GeneratedFile], force: Bool,
                             display: (String) -> String = { $0 }) throws(GenerateError) -> [Outcome] {
        var plans: [(file: GeneratedFile, existing: String?, edited: Bool)] = []
        var refused: [String] = []
        for f in files {
            guard let existing = try readIfExists(f.path) else { plans.append((f, nil, false)); continue }
            if GeneratedHeader.parse(existing)?.unedited == true {
                // Ours, byte for byte; it may still hold work an earlier --force carried
                // over, so it goes through the same merge (which is the identity on a
                // plain generated file).
                plans.append((f, existing, false))
            } else if force {
                plans.append((f, existing, true))
            } else {
                refused.append(f.path)
            }
        }
        if !refused.isEmpty {
            let many = refused.count > 1
            throw GenerateError(
                refused.map(display).joined(separator: ", ") + (many ? " were" : " was")
                    + " edited since faultbox generate wrote \(many ? "them" : "it") (or not written by it); "
                    + "regenerating would overwrite those changes, so nothing was written",
                fix: "commit or review your changes, then re-run with --force: it carries fault_matrix "
                    + "overrides, exclude and default_expect and your own definitions into the new file "
                    + "and keeps the old one as <file>.bak")
        }
        var outcomes: [Outcome] = []
        for (file, existing, edited) in plans {
            guard let old = existing else {
                try writeAtomically(file.text, to: file.path)
                outcomes.append(.wrote(path: file.path))
                continue
            }
            let merged = try CarryOver.merge(old: old, path: file.path, into: file.model)
            var backup: String?
            if edited {
                backup = file.path + ".bak"
                try writeAtomically(old, to: file.path + ".bak")
            }
            try writeAtomically(GeneratedHeader.render(merged.model), to: file.path)
            if merged.model == file.model && backup == nil {
                outcomes.append(.wrote(path: file.path))
            } else {
                outcomes.append(.carriedOver(path: file.path, backup: backup, notes: merged.notes))
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
