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
        let serviceName = services[tracee.service].name
        var target = LazyTarget(tid: tid, syscall: call, proc: procDirectories)
        var decision = FaultAction.allow
        var fired: CompiledRule?
        for rule in snapshot.rules(service: serviceName, syscall: call.nr) where !rule.unmatchable {
            if let glob = rule.pathGlob {
                guard let path = target.path(), Glob.matches(glob, path) else { continue }
            }
            if let destination = rule.destination {
                guard let address = target.address(), destination.matches(address) else { continue }
            }
            if rule.probability < 1 {
                let n = ruleCounters[rule.id, default: 0]
                ruleCounters[rule.id] = n &+ 1
                guard SeededDraw.unit(seed: seed, ruleID: rule.id, counter: n) < rule.probability else { continue }
            }
            fired = rule
            decision = rule.action
            break
        }
        if let fired { store.hits.withLock { $0[fired.id, default: 0] += 1 } }

        let wantEvent: Bool
        switch selection {
        case .all: wantEvent = true
        case .faultsOnly: wantEvent = decision != .allow
        case .none: wantEvent = false
        }
        var event: SyscallEvent?
        if wantEvent {
            let name = Syscalls.name(of: call.nr)
            event = SyscallEvent(
                seq: nextSeq(), service: serviceName, pid: tracee.tgid, tid: tid,
                syscall: name, path: target.path(),
                address: target.address()?.display, decision: decision, ruleID: fired?.id,
                label: fired?.label ?? "", latencyNanoseconds: 0, op: fired?.op)
            event?.size = TargetDecoder.size(syscall: call, name: name)
        }

        switch decision {
        case .allow:
            _ = cinj_cont(tid, 0)
        case .deny(let errno):
            _ = cinj_deny(tid, errno)
            _ = cinj_cont(tid, 0)
        case .delay(let nanoseconds):
            if terminating {
                _ = cinj_cont(tid, 0)
            } else {
                let (deadline, overflow) = start.addingReportingOverflow(nanoseconds)
                holds.push(Hold(deadline: overflow ? UInt64.max : deadline, tid: tid, start: start, event: event))
                rearmTimer()
                return  // the event is emitted on release, with the time actually held
            }
        }
        if var event {
            event.latencyNanoseconds = cinj_now_ns() &- start
            emit(event)
        }
    }
}
