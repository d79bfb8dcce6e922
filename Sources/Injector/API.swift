// The injector's own vocabulary: rules, launch specs, events, exits, errors.
// It imports nothing of Starlark or FaultPlan; the runner maps the plan onto these types.
import CInjector
import Foundation

/// What a matching rule does to a trapped system call.
public enum FaultAction: Sendable, Equatable {
    /// The call is skipped and returns `-errno`.
    case deny(errno: Int32)
    /// The calling thread is held this long, then the call runs normally.
    case delay(nanoseconds: UInt64)
    /// The call runs normally (also the decision when no rule matched). As a rule's action
    /// (an explicit allow), it wins over the service's deny/delay rules for the calls it
    /// matches: see `RuleSnapshot`.
    case allow
}

/// One fault rule for one service.
public struct FaultRule: Sendable, Equatable {
    /// The caller's id, reported in hits and events.
    public var id: Int
    /// Concrete syscall names (families already expanded with `Syscalls.expand`).
    public var syscalls: [String]
    public var action: FaultAction
    /// 0...1; drawn from a generator seeded by the session seed (deterministic per seed).
    public var probability: Double
    public var label: String
    /// Shell-style glob (`*`, `?`, `[...]`) on the path of path syscalls and on the file
    /// behind the descriptor of fd syscalls (resolved through /proc).
    public var pathGlob: String?
    /// `"127.0.0.1:5432"`, `"[::1]:80"`, `"5432"` (any loopback address), or a unix socket path.
    public var destination: String?
    /// The named operation the rule stands for (`persist`); carried into its events so that
    /// decisions read `persist(write) deny(EIO)`. Not a condition.
    public var op: String?

    public init(id: Int, syscalls: [String], action: FaultAction, probability: Double = 1,
                label: String = "", pathGlob: String? = nil, destination: String? = nil, op: String? = nil) {
        self.id = id
        self.syscalls = syscalls
        self.action = action
        self.probability = probability
        self.label = label
        self.pathGlob = pathGlob
        self.destination = destination
        self.op = op
    }
}

/// How to start one traced program.
public struct LaunchSpec: Sendable {
    public var service: String
    /// A path, or a bare name searched in `PATH`.
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String?
    /// Files (created/truncated); nil = inherit the caller's descriptor.
    public var stdoutPath: String?
    public var stderrPath: String?
    /// Concrete syscall names trapped for this process tree; fixed at launch.
    public var trapSyscalls: Set<String>
    /// Put the program in a new process group (services); `faultbox run` keeps the
    /// terminal's group so that Ctrl-C and job control reach the program.
    public var newProcessGroup: Bool

    public init(service: String, executable: String, arguments: [String] = [],
                environment: [String: String] = [:], workingDirectory: String? = nil,
                stdoutPath: String? = nil, stderrPath: String? = nil,
                trapSyscalls: Set<String> = [], newProcessGroup: Bool = true) {
        self.service = service
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.trapSyscalls = trapSyscalls
        self.newProcessGroup = newProcessGroup
    }
}

/// One decision on one trapped system call.
public struct SyscallEvent: Sendable {
    public var seq: Int
    public var service: String
    public var pid: Int32
    public var tid: Int32
    public var syscall: String
    /// The path argument, or the file behind the descriptor (`socket:[123]`, `pipe:[4]` for
    /// other descriptor kinds).
    public var path: String?
    /// The destination of connect/sendto/sendmsg (`127.0.0.1:5432`, `[::1]:80`, a unix path).
    public var address: String?
    public var decision: FaultAction
    public var ruleID: Int?
    public var label: String
    /// Time the thread was held by the tracer (the delay for delayed calls).
    public var latencyNanoseconds: UInt64
    /// The deciding rule's named operation (`persist`), nil for plain syscall rules.
    public var op: String?
    /// The byte count the call asked for (read, write, pread64, pwrite64, sendto, recvfrom),
    /// nil for other calls.
    public var size: Int64?

    public init(seq: Int, service: String, pid: Int32, tid: Int32, syscall: String,
                path: String?, address: String?, decision: FaultAction, ruleID: Int?,
                label: String, latencyNanoseconds: UInt64, op: String? = nil) {
        self.seq = seq
        self.service = service
        self.pid = pid
        self.tid = tid
        self.syscall = syscall
        self.path = path
        self.address = address
        self.decision = decision
        self.ruleID = ruleID
        self.label = label
        self.latencyNanoseconds = latencyNanoseconds
        self.op = op
    }
}

/// How a traced program ended.
public enum ProcessExit: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)
}

/// Errors of the injector, each with a reason a user can act on.
public enum InjectorError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The program could not be started (binary missing, not executable, bad directory...).
    case launchFailed(service: String, reason: String)
    /// A syscall name libseccomp does not know on this machine.
    case unknownSyscall(service: String, name: String)
    /// The kernel refused ptrace or seccomp (e.g. in a locked-down container).
    case tracingUnavailable(reason: String)
    /// The session was shut down.
    case sessionClosed

    public var description: String {
        switch self {
        case .launchFailed(let service, let reason):
            return "cannot start service '\(service)': \(reason)"
        case .unknownSyscall(let service, let name):
            return "service '\(service)': unknown syscall '\(name)' on this machine; "
                + "use a name from `ausyscall --dump` or a family (write, read, open, fsync, sendto, recvfrom)"
        case .tracingUnavailable(let reason):
            return "syscall tracing is unavailable: \(reason)"
        case .sessionClosed:
            return "the injector session was already shut down"
        }
    }
}

/// Which mechanism decides trapped calls (`--injector`). Both give the same rules, events
/// and process-tree handling; they differ in cost per trapped call (docs/injector.md).
public enum InjectorBackend: String, Sendable, CaseIterable {
    /// `FAULTBOX_INJECTOR` when set, else notify where the kernel offers it, else ptrace.
    case auto
    /// seccomp user notification (SECCOMP_RET_USER_NOTIF) answered by a supervisor thread.
    case notify
    /// ptrace seccomp stops (SECCOMP_RET_TRACE) decided by the tracer thread.
    case ptrace

    /// The concrete backend for `requested`, and a note to print when auto fell back.
    /// Throws `tracingUnavailable` when notify is asked for where it cannot work.
    public static func resolve(_ requested: InjectorBackend) throws -> (backend: InjectorBackend, note: String?) {
        var wanted = requested
        if wanted == .auto, let value = ProcessInfo.processInfo.environment["FAULTBOX_INJECTOR"], !value.isEmpty {
            guard let fromEnvironment = InjectorBackend(rawValue: value) else {
                throw InjectorError.tracingUnavailable(reason: "FAULTBOX_INJECTOR=\(value): expected auto, notify or ptrace")
            }
            wanted = fromEnvironment
        }
        if wanted == .ptrace { return (.ptrace, nil) }
        var errBuf = [CChar](repeating: 0, count: 512)
        // Both: the action query says whether the kernel knows USER_NOTIF; only installing a
        // listener shows whether this process may have one (see cinj_notify_install_probe).
        if cinj_notify_available(&errBuf, errBuf.count) == 1 && cinj_notify_install_probe(&errBuf, errBuf.count) == 1 {
            return (.notify, nil)
        }
        let reason = String(decoding: errBuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if wanted == .notify {
            throw InjectorError.tracingUnavailable(
                reason: "--injector notify: \(reason); use --injector ptrace (or FAULTBOX_INJECTOR=ptrace)")
        }
        return (.ptrace, "faultbox: using the ptrace injector, seccomp user notification is unavailable: \(reason)")
    }
}
