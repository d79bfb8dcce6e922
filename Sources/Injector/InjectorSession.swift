/// One tracer per test cell: launches programs under ptrace+seccomp, applies the armed
/// rules, reports events, and tears the whole process tree down.
public final class InjectorSession: @unchecked Sendable {
    public init(seed: UInt64, onEvent: @escaping @Sendable (SyscallEvent) -> Void) {
    }

    public func launch(_ spec: LaunchSpec) throws -> TracedProcess {
        throw InjectorError.tracingUnavailable(reason: "not implemented yet")
    }

    /// Service name -> rules; replaces the armed snapshot atomically.
    public func arm(_ rules: [String: [FaultRule]]) {}

    public func disarm() {}

    /// Rule id -> times it fired.
    public func ruleHits() -> [Int: Int] { [:] }

    /// SIGTERM all, wait `grace`, SIGKILL, reap all. Idempotent.
    public func shutdown(grace: Duration) {}
}

/// A program started by a session.
public final class TracedProcess: @unchecked Sendable {
    public let service: String
    public let pid: Int32

    init(service: String, pid: Int32) {
        self.service = service
        self.pid = pid
    }

    /// nil while running.
    public var exitStatus: ProcessExit? { nil }

    public func waitForExit(timeout: Duration) -> ProcessExit? { nil }
}
