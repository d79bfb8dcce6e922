#if canImport(Glibc)
import Glibc
#endif
import FaultPlan

/// The machine's real syscall table, read from libseccomp through dlopen (this test target
/// may not import the injector), and the errno names of glibc's headers that specs use.
enum TestVocabulary {
    static let families: [String: [String]] = [
        "write": ["write", "writev", "pwrite64", "pwritev", "pwritev2"],
        "read": ["read", "readv", "pread64", "preadv", "preadv2"],
        "open": ["open", "openat", "openat2", "creat"],
        "fsync": ["fsync", "fdatasync"],
        "sendto": ["sendto", "sendmsg", "sendmmsg"],
        "recvfrom": ["recvfrom", "recvmsg", "recvmmsg"],
    ]

    typealias Resolve = @convention(c) (UnsafePointer<CChar>) -> Int32
    typealias ResolveNum = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

    /// Name -> number via `seccomp_syscall_resolve_name` (x86-64 native).
    static let syscallNumbers: [String: Int32] = {
        guard let lib = dlopen("libseccomp.so.2", RTLD_NOW),
              let sym = dlsym(lib, "seccomp_syscall_resolve_num_arch") else { return [:] }
        typealias ResolveNumArch = @convention(c) (UInt32, Int32) -> UnsafeMutablePointer<CChar>?
        let resolveNum = unsafeBitCast(sym, to: ResolveNumArch.self)
        var table: [String: Int32] = [:]
        for nr in Int32(0)..<Int32(512) {
            // arch 0 = SCMP_ARCH_NATIVE
            if let p = resolveNum(0, nr) { table[String(cString: p)] = nr; free(p) }
        }
        return table
    }()

    static let errnos: [(String, Int32)] = [
        ("EPERM", EPERM), ("ENOENT", ENOENT), ("EINTR", EINTR), ("EIO", EIO), ("EBADF", EBADF),
        ("EAGAIN", EAGAIN), ("ENOMEM", ENOMEM), ("EACCES", EACCES), ("EEXIST", EEXIST),
        ("ENOSPC", ENOSPC), ("EROFS", EROFS), ("EPIPE", EPIPE), ("ENOTCONN", ENOTCONN),
        ("ECONNREFUSED", ECONNREFUSED), ("ECONNRESET", ECONNRESET), ("ECONNABORTED", ECONNABORTED),
        ("ETIMEDOUT", ETIMEDOUT), ("EHOSTUNREACH", EHOSTUNREACH), ("ENETUNREACH", ENETUNREACH),
        ("EADDRINUSE", EADDRINUSE), ("EDQUOT", EDQUOT), ("EMFILE", EMFILE),
    ]

    static let vocabulary: SyscallVocabulary = {
        let numbers = syscallNumbers
        let errnoTable = Dictionary(uniqueKeysWithValues: errnos)
        return SyscallVocabulary(
            expand: { name in families[name] ?? (numbers[name] != nil ? [name] : nil) },
            errnoValue: { errnoTable[$0] },
            errnoNames: errnos.map(\.0).sorted(),
            syscallNames: numbers.keys.sorted())
    }()
}
