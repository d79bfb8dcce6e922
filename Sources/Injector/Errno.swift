#if canImport(Glibc)
import Glibc
#endif

/// Errno names accepted in rules, with this machine's values.
public enum Errno {
    public static func value(named name: String) -> Int32? { byName[name] }

    public static var allNames: [String] { table.map(\.0) }

    /// The first name for `value` (EAGAIN rather than EWOULDBLOCK), or `errno N`.
    public static func name(of value: Int32) -> String {
        table.first { $0.1 == value }?.0 ?? "errno \(value)"
    }

    private static let byName: [String: Int32] = Dictionary(table, uniquingKeysWith: { first, _ in first })

    private static let table: [(String, Int32)] = [
        ("EPERM", EPERM), ("ENOENT", ENOENT), ("ESRCH", ESRCH), ("EINTR", EINTR), ("EIO", EIO),
        ("ENXIO", ENXIO), ("E2BIG", E2BIG), ("ENOEXEC", ENOEXEC), ("EBADF", EBADF),
        ("ECHILD", ECHILD), ("EAGAIN", EAGAIN), ("EWOULDBLOCK", EWOULDBLOCK), ("ENOMEM", ENOMEM),
        ("EACCES", EACCES), ("EFAULT", EFAULT), ("EBUSY", EBUSY), ("EEXIST", EEXIST),
        ("EXDEV", EXDEV), ("ENODEV", ENODEV), ("ENOTDIR", ENOTDIR), ("EISDIR", EISDIR),
        ("EINVAL", EINVAL), ("ENFILE", ENFILE), ("EMFILE", EMFILE), ("ENOTTY", ENOTTY),
        ("ETXTBSY", ETXTBSY), ("EFBIG", EFBIG), ("ENOSPC", ENOSPC), ("ESPIPE", ESPIPE),
        ("EROFS", EROFS), ("EMLINK", EMLINK), ("EPIPE", EPIPE), ("EDOM", EDOM), ("ERANGE", ERANGE),
        ("EDEADLK", EDEADLK), ("ENAMETOOLONG", ENAMETOOLONG), ("ENOLCK", ENOLCK),
        ("ENOSYS", ENOSYS), ("ENOTEMPTY", ENOTEMPTY), ("ELOOP", ELOOP), ("ENOMSG", ENOMSG),
        ("EIDRM", EIDRM), ("ENODATA", ENODATA), ("ETIME", ETIME), ("ENOLINK", ENOLINK),
        ("EPROTO", EPROTO), ("EOVERFLOW", EOVERFLOW), ("EILSEQ", EILSEQ), ("ENOTSOCK", ENOTSOCK),
        ("EDESTADDRREQ", EDESTADDRREQ), ("EMSGSIZE", EMSGSIZE), ("EPROTOTYPE", EPROTOTYPE),
        ("ENOPROTOOPT", ENOPROTOOPT), ("EPROTONOSUPPORT", EPROTONOSUPPORT),
        ("EOPNOTSUPP", EOPNOTSUPP), ("ENOTSUP", ENOTSUP), ("EAFNOSUPPORT", EAFNOSUPPORT),
        ("EADDRINUSE", EADDRINUSE), ("EADDRNOTAVAIL", EADDRNOTAVAIL), ("ENETDOWN", ENETDOWN),
        ("ENETUNREACH", ENETUNREACH), ("ENETRESET", ENETRESET), ("ECONNABORTED", ECONNABORTED),
        ("ECONNRESET", ECONNRESET), ("ENOBUFS", ENOBUFS), ("EISCONN", EISCONN),
        ("ENOTCONN", ENOTCONN), ("ESHUTDOWN", ESHUTDOWN), ("ETIMEDOUT", ETIMEDOUT),
        ("ECONNREFUSED", ECONNREFUSED), ("EHOSTDOWN", EHOSTDOWN), ("EHOSTUNREACH", EHOSTUNREACH),
        ("EALREADY", EALREADY), ("EINPROGRESS", EINPROGRESS), ("ESTALE", ESTALE),
        ("EDQUOT", EDQUOT), ("ECANCELED", ECANCELED),
    ]
}
