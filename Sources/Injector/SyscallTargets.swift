/// Where a syscall's target lives in its arguments: a path (with an optional directory
/// descriptor), a file descriptor, or a socket address. Used to decode events and to
/// match `pathGlob` / `destination` conditions.
enum TargetKind: Sendable, Equatable {
    case path(arg: Int, dirfdArg: Int?)
    case fd(arg: Int)
    /// connect/sendto: the sockaddr pointer and length arguments (and the fd for display).
    case sockaddr(fdArg: Int, addrArg: Int, lengthArg: Int)
    /// sendmsg: a struct msghdr whose msg_name holds the destination.
    case msghdr(fdArg: Int, messageArg: Int)
    case none
}

enum SyscallTargets {
    /// Number -> kind for every syscall in the tables below (built once).
    static func kind(of nr: Int64) -> TargetKind {
        guard nr >= 0, nr < table.count else { return .none }
        return table[Int(nr)]
    }

    private static let table: [TargetKind] = {
        var kinds = [TargetKind](repeating: .none, count: 1024)
        func set(_ names: [String], _ kind: TargetKind) {
            for name in names {
                if let nr = Syscalls.number(of: name), nr < kinds.count { kinds[Int(nr)] = kind }
            }
        }
        set(["open", "creat", "stat", "lstat", "access", "unlink", "mkdir", "rmdir", "rename",
             "truncate", "chmod", "chown", "lchown", "link", "readlink", "execve", "chdir",
             "mknod", "utime", "utimes", "statfs", "setxattr", "lsetxattr", "getxattr",
             "lgetxattr", "listxattr", "removexattr", "chroot", "swapon", "mount"],
            .path(arg: 0, dirfdArg: nil))
        set(["openat", "openat2", "newfstatat", "statx", "faccessat", "faccessat2", "unlinkat",
             "mkdirat", "renameat", "renameat2", "fchmodat", "fchownat", "linkat", "readlinkat",
             "execveat", "mknodat", "utimensat", "futimesat", "name_to_handle_at"],
            .path(arg: 1, dirfdArg: 0))
        set(["symlink"], .path(arg: 1, dirfdArg: nil))
        set(["symlinkat"], .path(arg: 2, dirfdArg: 1))
        set(["read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
             "preadv2", "pwritev2", "fsync", "fdatasync", "ftruncate", "fallocate", "close",
             "lseek", "fstat", "fstatfs", "flock", "fchmod", "fchown", "getdents64", "getdents",
             "ioctl", "sync_file_range", "syncfs", "fadvise64", "readahead", "fchdir",
             "recvfrom", "recvmsg", "recvmmsg", "sendmmsg", "bind", "listen", "accept",
             "accept4", "shutdown", "getsockopt", "setsockopt", "sendfile", "splice"],
            .fd(arg: 0))
        set(["connect"], .sockaddr(fdArg: 0, addrArg: 1, lengthArg: 2))
        set(["sendto"], .sockaddr(fdArg: 0, addrArg: 4, lengthArg: 5))
        set(["sendmsg"], .msghdr(fdArg: 0, messageArg: 1))
        return kinds
    }()

    /// Syscalls whose faults mean "file or network faults are planned": their presence in a
    /// trap set makes the filter deny io_uring_setup (ENOSYS), so io_uring cannot bypass them.
    static let ioSyscalls: Set<String> = {
        var names: Set<String> = ["connect", "accept", "accept4", "bind", "listen", "shutdown",
                                  "close", "ftruncate", "fallocate", "sendfile", "splice",
                                  "creat", "truncate", "unlink", "unlinkat", "rename", "renameat",
                                  "renameat2", "mkdir", "mkdirat", "sync_file_range"]
        for members in Syscalls.families.values { names.formUnion(members) }
        return names
    }()
}
