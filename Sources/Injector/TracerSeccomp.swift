import CInjector
#if canImport(Glibc)
import Glibc
#endif

/// The target of one trapped call, decoded at most once and only if needed.
struct LazyTarget {
    let tid: Int32
    let syscall: cinj_syscall
    let kind: TargetKind
    let proc: ProcDirectories
    private var pathDone = false, addressDone = false
    private var pathValue: String?, addressValue: SocketAddress?

    init(tid: Int32, syscall: cinj_syscall, proc: ProcDirectories) {
        self.tid = tid
        self.proc = proc
        self.syscall = syscall
        self.kind = SyscallTargets.kind(of: syscall.nr)
    }

    mutating func path() -> String? {
        if !pathDone { pathValue = TargetDecoder.path(tid: tid, syscall: syscall, kind: kind, proc: proc); pathDone = true }
        return pathValue
    }

    /// Whether anything was read from the caller (memory or /proc).
    var decoded: Bool { pathDone || addressDone }

    mutating func address() -> SocketAddress? {
        if !addressDone { addressValue = TargetDecoder.address(tid: tid, syscall: syscall, kind: kind); addressDone = true }
        return addressValue
    }
}

extension Tracer {
    /// One seccomp stop = one trapped call: decide, apply, resume (or hold), report.
    func handleSeccomp(tid: Int32, tracee: Tracee) {
        let start = cinj_now_ns()
        var call = cinj_syscall()
        guard cinj_seccomp_syscall(tid, &call) == 0 else { _ = cinj_cont(tid, 0); return }
        // Disarmed: allow, no event (monitors watch only the armed window).
        guard let snapshot = store.snapshot.withLock({ $0 }) else { _ = cinj_cont(tid, 0); return }
        var target = LazyTarget(tid: tid, syscall: call, proc: procDirectories)
        let (decision, event) = decider.decide(snapshot: snapshot, service: services[tracee.service].name,
                                               pid: { tracee.tgid }, tid: tid, target: &target)
        if case .delay(let nanoseconds) = decision, !terminating {
            let (deadline, overflow) = start.addingReportingOverflow(nanoseconds)
            holds.push(Hold(deadline: overflow ? UInt64.max : deadline, tid: tid, start: start, event: event))
            rearmTimer()
            return  // the event is emitted on release, with the time actually held
        }
        // Emitted before the tracee goes on: once it sees its result (and perhaps exits),
        // its event is already on its way, so a flush after the exit finds it.
        if var event {
            event.latencyNanoseconds = cinj_now_ns() &- start
            emit(event)
        }
        if case .deny(let errno) = decision { _ = cinj_deny(tid, errno) }
        _ = cinj_cont(tid, 0)
    }
}
