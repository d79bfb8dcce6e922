import CInjector
#if canImport(Glibc)
import Glibc
#endif

/// Reads a stopped tracee's syscall target: path strings and socket addresses with
/// process_vm_readv, descriptors through /proc. Runs on the thread that decides (the
/// tracer, or the notify supervisor; each has its own ProcDirectories).
enum TargetDecoder {
    /// The path argument (made absolute against the directory descriptor or the cwd), or
    /// the file behind the descriptor (`/var/x`, `socket:[123]`, `pipe:[9]`).
    static func path(tid: Int32, syscall: cinj_syscall, kind: TargetKind, proc: ProcDirectories) -> String? {
        switch kind {
        case .path(let arg, let dirfdArg):
            guard let path = readCString(pid: tid, address: argument(syscall, arg)) else { return nil }
            if path.hasPrefix("/") { return path.contains("/.") || path.contains("//") ? normalize(path) : path }
            var base: String?
            if let dirfdArg {
                let dirfd = Int32(truncatingIfNeeded: argument(syscall, dirfdArg))
                base = dirfd == AT_FDCWD ? readLink("/proc/\(tid)/cwd") : proc.descriptorTarget(tid: tid, fd: dirfd)
            } else {
                base = readLink("/proc/\(tid)/cwd")
            }
            guard let base else { return path }
            return normalize(base + "/" + path)
        case .fd(let arg), .sockaddr(let arg, _, _), .msghdr(let arg, _):
            return proc.descriptorTarget(tid: tid, fd: Int32(truncatingIfNeeded: argument(syscall, arg)))
        case .none:
            return nil
        }
    }

    /// The destination of connect/sendto/sendmsg; nil when the call names none (a
    /// connected socket) or the memory cannot be read.
    static func address(tid: Int32, syscall: cinj_syscall, kind: TargetKind) -> SocketAddress? {
        switch kind {
        case .sockaddr(_, let addrArg, let lengthArg):
            let address = argument(syscall, addrArg)
            let length = argument(syscall, lengthArg)
            return readSockaddr(tid: tid, address: address, length: length)
        case .msghdr(_, let messageArg):
            // struct msghdr { void *msg_name; socklen_t msg_namelen; ... }
            var header = [UInt8](repeating: 0, count: 12)
            guard read(pid: tid, address: argument(syscall, messageArg), into: &header) else { return nil }
            let name = header[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let length = header[8..<12].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            return readSockaddr(tid: tid, address: name, length: length)
        default:
            return nil
        }
    }

    private static func readSockaddr(tid: Int32, address: UInt64, length: UInt64) -> SocketAddress? {
        guard address != 0, length >= 2 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(min(length, 128)))
        guard read(pid: tid, address: address, into: &bytes) else { return nil }
        return SocketAddress(bytes: bytes)
    }

    /// Calls whose third argument is a byte count.
    static let countedCalls: Set<String> = ["read", "write", "pread64", "pwrite64", "sendto", "recvfrom"]

    /// The byte count a read/write-like call asked for.
    static func size(syscall: cinj_syscall, name: String) -> Int64? {
        guard countedCalls.contains(name) else { return nil }
        return Int64(clamping: argument(syscall, 2))
    }

    private static func argument(_ syscall: cinj_syscall, _ index: Int) -> UInt64 {
        withUnsafeBytes(of: syscall.args) { raw in raw.load(fromByteOffset: index * 8, as: UInt64.self) }
    }

    private static func read(pid: Int32, address: UInt64, into buffer: inout [UInt8]) -> Bool {
        let count = buffer.count
        let got = buffer.withUnsafeMutableBytes { cinj_read_memory(pid, address, $0.baseAddress, count) }
        return got == count
    }

    /// Reads a NUL-terminated string page by page (a read across an unmapped page fails).
    static func readCString(pid: Int32, address: UInt64, limit: Int = 4096) -> String? {
        guard address != 0 else { return nil }
        var result: [UInt8] = []
        var cursor = address
        while result.count < limit {
            let toPageEnd = 4096 - Int(cursor % 4096)
            var chunk = [UInt8](repeating: 0, count: min(toPageEnd, limit - result.count))
            let got = chunk.withUnsafeMutableBytes { cinj_read_memory(pid, cursor, $0.baseAddress, $0.count) }
            if got <= 0 { return result.isEmpty ? nil : String(decoding: result, as: UTF8.self) }
            if let end = chunk[0..<got].firstIndex(of: 0) {
                result.append(contentsOf: chunk[0..<end])
                return String(decoding: result, as: UTF8.self)
            }
            result.append(contentsOf: chunk[0..<got])
            cursor &+= UInt64(got)
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Lexical clean-up of an absolute path: `//`, `.` and `..` removed (symlinks are not
    /// followed: the program named this path, and globs match what it named).
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
