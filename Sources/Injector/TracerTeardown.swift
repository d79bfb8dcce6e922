import CInjector
#if canImport(Glibc)
import Glibc
#endif

// Teardown: SIGTERM, grace, SIGKILL of every traced process, reap until none is left.
extension Tracer {
    func beginShutdown(graceNanoseconds: UInt64) {
        if terminating {
            // A second request may shorten the grace period, never lengthen it.
            let (deadline, overflow) = cinj_now_ns().addingReportingOverflow(graceNanoseconds)
            if !overflow, let current = killDeadline, deadline < current { killDeadline = deadline; rearmTimer() }
            return
        }
        terminating = true
        supervisor?.beginTermination()
        // Held threads are released so they can act on SIGTERM.
        while let hold = holds.popFirst() { if tracees[hold.tid] != nil { _ = cinj_cont(hold.tid, 0) } }
        for pid in liveProcesses() {
            _ = kill(pid, SIGTERM)
            _ = kill(pid, SIGCONT)  // a group-stopped process must run to handle SIGTERM
        }
        let (deadline, overflow) = cinj_now_ns().addingReportingOverflow(graceNanoseconds)
        killDeadline = overflow ? UInt64.max : deadline
        rearmTimer()
        checkKillDeadline()
    }

    func checkKillDeadline() {
        guard terminating, !killed, let deadline = killDeadline, cinj_now_ns() >= deadline else { return }
        killed = true
        killDeadline = nil
        rearmTimer()
        for pid in liveProcesses() { _ = kill(pid, SIGKILL) }
        for tid in unannounced { _ = kill(tid, SIGKILL) }
    }

    /// Every traced process (thread group), including daemons that left the process group
    /// or the session: they are still our tracees.
    func liveProcesses() -> Set<Int32> {
        Set(tracees.values.map(\.tgid))
    }

    func finishShutdown() {
        // Zombies reparented to us may need a moment to appear; give them up to a second.
        var attempts = 0
        reapZombies()
        while !zombieCandidates.isEmpty && attempts < 100 {
            usleep(10_000)
            reapZombies()
            attempts += 1
        }
        for record in services where record.process.exitStatus == nil {
            record.process.record(.signaled(SIGKILL))
        }
        shutdownCompleted = true
        mailbox.condition.lock()
        mailbox.finished = true
        mailbox.condition.broadcast()
        mailbox.condition.unlock()
    }
}
