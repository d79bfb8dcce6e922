import CInjector

/// Syscall names of this machine (resolved by libseccomp) and the families faultbox accepts.
public enum Syscalls {
    /// Family name -> members, in the order ARCHITECTURE §3 lists them.
    public static let families: [String: [String]] = [
        "write": ["write", "writev", "pwrite64", "pwritev", "pwritev2"],
        "read": ["read", "readv", "pread64", "preadv", "preadv2"],
        "open": ["open", "openat", "openat2", "creat"],
        "fsync": ["fsync", "fdatasync"],
        "sendto": ["sendto", "sendmsg", "sendmmsg"],
        "recvfrom": ["recvfrom", "recvmsg", "recvmmsg"],
    ]

    /// A family name expands to its members; any other known name to itself; nil if unknown.
    public static func expand(_ name: String) -> [String]? {
        if let members = families[name] { return members }
        return number(of: name) == nil ? nil : [name]
    }

    public static func isKnown(_ name: String) -> Bool { expand(name) != nil }

    /// Every syscall name of this machine, sorted.
    public static var allNames: [String] { table.names.compactMap { $0 }.sorted() }

    /// The native syscall number, or nil (also for libseccomp's negative pseudo numbers).
    public static func number(of name: String) -> Int32? {
        guard !name.isEmpty, name.utf8.count < 64 else { return nil }
        let nr = cinj_syscall_number(name)
        return nr >= 0 ? nr : nil
    }

    /// The native name of syscall `nr` (a table lookup; used on the tracer's hot path).
    public static func name(of nr: Int64) -> String {
        if nr >= 0, nr < table.names.count, let name = table.names[Int(nr)] { return name }
        return "syscall_\(nr)"
    }

    /// Built once: number -> name for every number libseccomp knows.
    private static let table = NameTable()

    private struct NameTable: Sendable {
        let names: [String?]
        init() {
            var names = [String?](repeating: nil, count: 1024)
            var buffer = [CChar](repeating: 0, count: 64)
            for nr in 0..<names.count where cinj_syscall_name(Int32(nr), &buffer, buffer.count) == 0 {
                names[nr] = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            self.names = names
        }
    }
}
