import CInjector
import Foundation

// The ptrace state machine: one handler per kind of stop.
extension Tracer {
    func handle(_ r: cinj_wait_result) {
        let tid = r.tid
        switch r.kind {
        case Int32(CINJ_EXITED):
            recordExit(tid: tid, exit: .exited(r.code))
        case Int32(CINJ_SIGNALED):
            recordExit(tid: tid, exit: .signaled(r.code))
        default:
            guard let tracee = tracees[tid] ?? placeUnannounced(tid) else {
                unannounced.insert(tid)  // left stopped until its parent's event names it
                if killed { _ = kill(tid, SIGKILL) }
                return
            }
            handleStop(tid: tid, tracee: tracee, signal: r.code, event: r.event)
        }
    }

    private func handleStop(tid: Int32, tracee: Tracee, signal: Int32, event: Int32) {
        switch event {
        case PtraceEvent.seccomp:
            handleSeccomp(tid: tid, tracee: tracee)
        case PtraceEvent.clone, PtraceEvent.fork, PtraceEvent.vfork:
            var message: UInt = 0
            if cinj_event_message(tid, &message) == 0, message > 0, message <= UInt(Int32.max) {
                announce(child: Int32(message), parent: tracee, isThread: event == PtraceEvent.clone)
            }
            _ = cinj_cont(tid, 0)
        case PtraceEvent.exec:
            // A non-leader thread that execs takes over the leader's tid; its old tid is gone
            // without an exit report.
            var message: UInt = 0
            if cinj_event_message(tid, &message) == 0, message <= UInt(Int32.max) {
                let former = Int32(message)
                if former != tid {
                    tracees.removeValue(forKey: former)
                    holds.remove(tid: former)
                    procDirectories.forget(tid: former)
                    supervisor?.forget(tid: former)
                }
                // Reopen /proc/<tid>/fd on next use: the task behind the tid changed.
                procDirectories.forget(tid: tid)
                supervisor?.forget(tid: tid)
            }
            _ = cinj_cont(tid, 0)
        case PtraceEvent.stop:
            // Group-stop (a stop signal): PTRACE_LISTEN keeps the tracee stopped until
            // SIGCONT, so job control keeps its meaning. Anything else (a new tracee's
            // first stop, the re-trap after SIGCONT) resumes.
            if isStopSignal(signal) && !terminating {
                _ = cinj_listen(tid)
            } else {
                _ = cinj_cont(tid, 0)
            }
        default:
            // Signal-delivery stop: pass the signal on.
            _ = cinj_cont(tid, signal)
        }
    }

    private func isStopSignal(_ s: Int32) -> Bool {
        s == SIGSTOP || s == SIGTSTP || s == SIGTTIN || s == SIGTTOU
    }

    /// Registers a thread or process named by a clone/fork/vfork event.
    private func announce(child: Int32, parent: Tracee, isThread: Bool) {
        var tgid = isThread ? parent.tgid : child
        if isThread, let status = ProcStatus(tid: child), status.tgid != parent.tgid {
            tgid = status.tgid  // clone() without CLONE_THREAD reports as a clone event too
        }
        if tracees[child] == nil { tracees[child] = Tracee(tgid: tgid, service: parent.service) }
        if tgid == child { processes[child] = parent.service }
        if killed { _ = kill(child, SIGKILL) }
        if unannounced.remove(child) != nil {
            // Its first stop came before this event and was left pending: resume it now.
            _ = cinj_cont(child, 0)
        }
    }

    /// A stop from a tid no event announced yet: place it through /proc (its thread group,
    /// or for a new process its parent). nil when neither is known.
    private func placeUnannounced(_ tid: Int32) -> Tracee? {
        guard let status = ProcStatus(tid: tid) else { return nil }
        let service = processes[status.tgid] ?? (status.tgid == tid ? processes[status.ppid] : nil)
        guard let service else { return nil }
        let tracee = Tracee(tgid: status.tgid, service: service)
        tracees[tid] = tracee
        if status.tgid == tid { processes[tid] = service }
        if killed { _ = kill(tid, SIGKILL) }
        return tracee
    }

    func recordExit(tid: Int32, exit: ProcessExit) {
        let tracee = tracees.removeValue(forKey: tid)
        procDirectories.forget(tid: tid)
        supervisor?.forget(tid: tid)
        unannounced.remove(tid)
        holds.remove(tid: tid)
        guard let tracee, tracee.tgid == tid else { return }
        // The whole thread group is gone (a leader's exit is reported last).
        processes.removeValue(forKey: tid)
        let record = services[tracee.service]
        if record.process.pid == tid { record.process.record(exit) }
        if directChildren.remove(tid) == nil { zombieCandidates.insert(tid) }
        reapZombies()
    }

    /// Reaps zombies of traced processes that were reparented to us (child subreaper):
    /// only pids we traced, only when /proc says they are our zombies.
    func reapZombies() {
        let me = getpid()
        for pid in zombieCandidates {
            guard let status = ProcStatus(tid: pid) else { zombieCandidates.remove(pid); continue }
            if status.state == "Z" && status.ppid == me {
                if cinj_reap_zombie(pid) == pid { zombieCandidates.remove(pid) }
            } else if status.state != "Z" {
                zombieCandidates.remove(pid)  // reaped by its own parent, pid reused
            }
        }
    }
}

/// PTRACE_EVENT_* (the kernel's values; glibc declares them in an enum Swift sees only
/// partly, and PTRACE_EVENT_STOP as a macro).
enum PtraceEvent {
    static let fork: Int32 = 1
    static let vfork: Int32 = 2
    static let clone: Int32 = 3
    static let exec: Int32 = 4
    static let seccomp: Int32 = 7
    static let stop: Int32 = 128
}

/// The few fields of /proc/<tid>/status the tracer needs.
struct ProcStatus {
    var tgid: Int32 = 0
    var ppid: Int32 = 0
    var state: Character = "?"

    init?(tid: Int32) {
        let fd = open("/proc/\(tid)/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 2048)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Tgid:") { tgid = Int32(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) ?? 0 }
            else if line.hasPrefix("PPid:") { ppid = Int32(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) ?? 0 }
            else if line.hasPrefix("State:") { state = line.dropFirst(6).trimmingCharacters(in: .whitespaces).first ?? "?" }
        }
        guard tgid > 0 else { return nil }
    }
}
