import CInjector
import Glibc

/// `faultbox test --jobs N`: worker processes in their own network and PID namespaces
/// (cellns.c). As root: CLONE_NEWNET|CLONE_NEWPID; otherwise a user namespace too, with
/// the caller mapped to root inside (`unshare -Urn` semantics), so no privilege is needed
/// where the kernel allows unprivileged user namespaces.
public enum CellNamespaces {
    public enum Mode: Sendable, Equatable {
        case root, userNamespace
        var flag: Int32 { self == .userNamespace ? 1 : 0 }
        public var description: String { self == .root ? "network + PID + mount namespaces" : "user + network + PID + mount namespaces" }
    }

    /// The modes to try, in order: as root the plain namespaces first.
    public static var modesToTry: [Mode] { geteuid() == 0 ? [.root, .userNamespace] : [.userNamespace] }

    /// The mode that works here, or why none does (`--measure-namespaces`; a run's first
    /// worker is its probe).
    public static func probe() -> Result<Mode, NamespaceError> {
        var err = [CChar](repeating: 0, count: 256)
        var reasons: [String] = []
        for mode in modesToTry {
            let code = cinj_probe_cell_namespaces(mode.flag, &err, err.count)
            if code == 0 { return .success(mode) }
            // ENOSPC is how the kernel says user.max_user_namespaces is 0 (or used up).
            let hint = code == ENOSPC ? ", user.max_user_namespaces is 0 or used up" : code == EPERM ? ", not permitted" : ""
            reasons.append((mode == .root ? "as root: " : "user namespace: ") + String(cString: err) + hint)
        }
        return .failure(NamespaceError(reasons.joined(separator: "; ")))
    }

    /// Starts `path argv` as the namespaces' first process with the given stdin/stdout. Returns
    /// once the clone is done, without waiting for the exec: `started` is the pipe that
    /// `waitStarted` reads to learn whether the set-up and the exec succeeded, so that the
    /// caller can go on (load the spec) while the worker starts.
    public static func spawnWorker(path: String, arguments: [String], environment: [String: String],
                                   stdin: Int32, stdout: Int32, mode: Mode) -> Result<(pid: pid_t, started: Int32), NamespaceError> {
        var cArgs = arguments.map { strdup($0) } + [nil]
        var cEnv = environment.map { strdup($0.key + "=" + $0.value) } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var err = [CChar](repeating: 0, count: 256)
        var started: Int32 = -1
        let pid = cinj_spawn_cell_worker(path, &cArgs, &cEnv, stdin, stdout, mode.flag, &started, &err, err.count)
        if pid < 0 { return .failure(NamespaceError(String(cString: err))) }
        return .success((pid, started))
    }

    /// Blocks until the worker `pid` has exec'd (nil) or says why it could not (then it is reaped).
    public static func waitStarted(pid: pid_t, started: Int32) -> NamespaceError? {
        var err = [CChar](repeating: 0, count: 256)
        return cinj_cell_worker_started(pid, started, &err, err.count) == 0 ? nil : NamespaceError(String(cString: err))
    }

    /// A close-on-exec pipe (read end, write end), or nil.
    public static func pipe() -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [0, 0]
        return cinj_pipe_cloexec(&fds) == 0 ? (fds[0], fds[1]) : nil
    }

    /// In a worker, PID 1 of its namespace, between two tests: kills and reaps every other
    /// process of the namespace (nothing, anywhere else). How many were reaped, or nil.
    @discardableResult
    public static func sweep() -> Int? {
        let reaped = cinj_sweep_cell_namespace()
        return reaped < 0 ? nil : Int(reaped)
    }

    /// Milliseconds per namespace set-up and per plain fork, over `count` of each.
    public static func measure(mode: Mode, count: Int) -> (namespace: Double, fork: Double)? {
        var withNS: UInt64 = 0, plain: UInt64 = 0
        guard cinj_measure_cell_namespaces(mode.flag, Int32(count), &withNS, &plain) == 0 else { return nil }
        return (Double(withNS) / 1e6 / Double(count), Double(plain) / 1e6 / Double(count))
    }
}

public struct NamespaceError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
