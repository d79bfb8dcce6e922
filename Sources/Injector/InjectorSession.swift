import CInjector
import Foundation

/// One tracer per test cell: launches programs under ptrace + a seccomp filter that traps
/// only the cell's syscalls, applies the armed rules, reports events, and tears the whole
/// process tree down.
public final class InjectorSession: @unchecked Sendable {
    private let mailbox = TracerMailbox()
    private let store = RuleStore()
    private let pump: EventPump?
    private let tracer: Tracer
    private let supervisor: NotifySupervisor?
    /// Set when the requested backend cannot run here: every launch throws it.
    private let unavailable: InjectorError?
    /// The backend that decides trapped calls (`.notify` or `.ptrace`, never `.auto`).
    public let backend: InjectorBackend
    /// One line when `.auto` fell back to ptrace (for the CLI to print), else nil.
    public let backendNote: String?
    private let closed = NSLock()
    private var isShutDown = false

    /// - Parameters:
    ///   - seed: seeds the probability draws (deterministic per seed).
    ///   - events: which decisions become events (`.all` for monitors and traces).
    ///   - backend: `.auto` (FAULTBOX_INJECTOR, else notify where available, else ptrace).
    ///     A backend that cannot run here makes every `launch` throw the reason.
    ///   - onEvent: called on the session's delivery thread, never on the tracer.
    public init(seed: UInt64, events: EventSelection = .all, backend: InjectorBackend = .auto,
                onEvent: @escaping @Sendable (SyscallEvent) -> Void) {
        let pump = events == .none ? nil : EventPump(onEvent: onEvent)
        self.pump = pump
        var chosen = InjectorBackend.ptrace, note: String?, failure: InjectorError?
        do {
            (chosen, note) = try InjectorBackend.resolve(backend)
        } catch let error as InjectorError {
            failure = error
        } catch {
            failure = .tracingUnavailable(reason: "\(error)")
        }
        var supervisor: NotifySupervisor?
        if chosen == .notify && failure == nil {
            supervisor = NotifySupervisor(store: store, pump: pump, selection: events, seed: seed)
            if supervisor == nil { failure = .tracingUnavailable(reason: "eventfd for the notify supervisor: "
                + "\(String(cString: strerror(errno)))") }
        }
        self.supervisor = supervisor
        self.backend = chosen
        self.backendNote = note
        self.unavailable = failure
        tracer = Tracer(mailbox: mailbox, store: store, pump: pump, selection: events, seed: seed, supervisor: supervisor)
        tracer.start()
    }

    deinit {
        shutdown(grace: .zero)
    }

    /// Starts `spec` under the tracer. Returns once the program has exec'd; a program that
    /// cannot start throws `launchFailed` with the reason (missing, not executable...).
    public func launch(_ spec: LaunchSpec) throws -> TracedProcess {
        if let unavailable { throw unavailable }
        let path = try ExecutableLookup.resolve(spec)
        var trapNumbers: [Int32] = []
        for name in spec.trapSyscalls.sorted() {
            guard let nr = Syscalls.number(of: name) else {
                throw InjectorError.unknownSyscall(service: spec.service, name: name)
            }
            trapNumbers.append(nr)
        }
        let prepared = PreparedLaunch(spec: spec, path: path)
        for (index, argument) in spec.arguments.enumerated() where argument.utf8.contains(0) {
            throw InjectorError.launchFailed(service: spec.service, reason: "argument \(index + 1) contains a NUL "
                + "byte, which execve cannot pass")
        }
        for (key, value) in spec.environment where key.utf8.contains(0) || value.utf8.contains(0) || key.contains("=") || key.isEmpty {
            throw InjectorError.launchFailed(service: spec.service, reason: "environment variable '\(key)' has an "
                + "empty name, '=' in its name, or a NUL byte")
        }
        prepared.argv = try ([spec.executable] + spec.arguments).map { try prepared.keep($0) } + [nil]
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in spec.environment { environment[key] = value }
        prepared.envp = try environment.sorted { $0.key < $1.key }.map { try prepared.keep("\($0.key)=\($0.value)") } + [nil]
        // The filter is built here, in the parent, before the tracer thread forks.
        let denyIOUring = !spec.trapSyscalls.isDisjoint(with: SyscallTargets.ioSyscalls)
        var errBuf = [CChar](repeating: 0, count: 256)
        if !trapNumbers.isEmpty || denyIOUring {
            let rc = trapNumbers.withUnsafeBufferPointer {
                cinj_build_filter($0.baseAddress, Int32($0.count), denyIOUring ? 1 : 0, supervisor == nil ? 0 : 1,
                                  &prepared.filter, &errBuf, errBuf.count)
            }
            if rc != 0 {
                let reason = String(decoding: errBuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw InjectorError.launchFailed(service: spec.service, reason: reason)
            }
        }
        closed.lock()
        let shut = isShutDown
        closed.unlock()
        if shut { throw InjectorError.sessionClosed }
        mailbox.post(.launch(prepared))
        mailbox.wait { prepared.result != nil || mailbox.finished }
        switch prepared.result {
        case .success?:
            guard let process = prepared.process else { throw InjectorError.sessionClosed }
            return process
        case .failure(let error)?:
            throw error
        case nil:
            throw InjectorError.sessionClosed
        }
    }

    /// Service name -> rules; replaces the armed snapshot atomically. Rules apply to the
    /// syscalls trapped at launch; a rule on an untrapped syscall never fires. While armed,
    /// every trapped call yields an event, so `arm([:])` (or a service with no rules)
    /// turns on events for monitors without any fault.
    public func arm(_ rules: [String: [FaultRule]]) {
        let snapshot = RuleSnapshot(rules)
        store.snapshot.withLock { $0 = snapshot }
    }

    /// Trapped calls are allowed and produce no events until the next `arm`.
    public func disarm() {
        store.snapshot.withLock { $0 = nil }
    }

    /// Waits until every event the tracer has produced so far reached `onEvent`.
    public func flushEvents() { pump?.flush() }

    /// Rule id -> times it fired (decided a call).
    public func ruleHits() -> [Int: Int] {
        store.hits.withLock { $0 }
    }

    /// SIGTERM to every traced process, wait up to `grace`, SIGKILL what is left, reap all.
    /// Idempotent; returns when no traced process is left and every event was delivered.
    public func shutdown(grace: Duration) {
        closed.lock()
        let first = !isShutDown
        isShutDown = true
        closed.unlock()
        let (seconds, attoseconds) = grace.components
        let nanos = seconds <= 0 && attoseconds <= 0 ? 0
            : UInt64(clamping: seconds).multipliedReportingOverflow(by: 1_000_000_000).partialValue
                &+ UInt64(clamping: attoseconds / 1_000_000_000)
        if first { mailbox.post(.shutdown(graceNanoseconds: seconds > 1_000_000 ? UInt64.max : nanos)) }
        mailbox.wait { mailbox.finished }
        // Every traced process is gone: the supervisor has nothing left to answer.
        if first {
            supervisor?.stop()
            pump?.drainAndStop()
        }
    }
}

/// A program started by a session.
public final class TracedProcess: @unchecked Sendable {
    public let service: String
    public let pid: Int32
    private let condition = NSCondition()
    private var exit: ProcessExit?

    init(service: String, pid: Int32) {
        self.service = service
        self.pid = pid
    }

    /// nil while running.
    public var exitStatus: ProcessExit? {
        condition.lock()
        defer { condition.unlock() }
        return exit
    }

    /// Waits up to `timeout` for the program to end; nil if it is still running.
    public func waitForExit(timeout: Duration) -> ProcessExit? {
        let (seconds, attoseconds) = timeout.components
        let interval = Double(seconds) + Double(attoseconds) / 1e18
        let deadline = Date(timeIntervalSinceNow: max(0, min(interval, 1e9)))
        condition.lock()
        defer { condition.unlock() }
        while exit == nil {
            if !condition.wait(until: deadline) { break }
        }
        return exit
    }

    /// Called by the tracer thread; the first exit wins.
    func record(_ exit: ProcessExit) {
        condition.lock()
        if self.exit == nil { self.exit = exit }
        condition.broadcast()
        condition.unlock()
    }
}
