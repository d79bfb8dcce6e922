import CInjector
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The notify backend's decision thread: one per session. It polls every launch's seccomp
/// listener (one per launched program; its whole process tree shares it, so the listener
/// names the service) and answers each trapped call: allow = FLAG_CONTINUE, deny = -errno,
/// delay = the answer waits in a timer heap while other notifications are answered. No
/// ptrace here: the session's Tracer keeps following the process tree (clone/exec/exit,
/// teardown), which is why it reports exited tids to `exited`.
final class NotifySupervisor: @unchecked Sendable {
    struct Listener {
        let fd: Int32
        let service: String
    }

    private enum Command {
        case add(Listener)
        case terminate
        case stop
    }

    private let store: RuleStore
    private let pump: EventPump?
    private let wake: Int32
    private let commands = Mutex<[Command]>([])
    /// Tids the tracer saw exit or exec: their cached tgid and /proc fd directory go stale.
    private let exited = Mutex<[Int32]>([])
    private let done = NSCondition()
    private var finished = false

    // Supervisor-thread state.
    private var decider: Decider
    private var listeners: [Listener] = []
    private var holds = TimerHeap()
    private var tgids: [Int32: Int32] = [:]
    private let procDirectories = ProcDirectories()
    private var terminating = false

    /// nil when the eventfd cannot be created (then the session reports it at launch).
    init?(store: RuleStore, pump: EventPump?, selection: EventSelection, seed: UInt64) {
        let fd = cinj_eventfd()
        guard fd >= 0 else { return nil }
        wake = fd
        self.store = store
        self.pump = pump
        decider = Decider(store: store, selection: selection, seed: seed)
        let thread = Thread { [self] in self.run() }
        thread.name = "faultbox-notify"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Takes ownership of a launch's listener.
    func add(listener fd: Int32, service: String) { post(.add(Listener(fd: fd, service: service))) }
    /// Teardown began: release held calls, answer later delays at once.
    func beginTermination() { post(.terminate) }
    func forget(tid: Int32) { exited.withLock { $0.append(tid) } }

    /// Answers what is pending, closes every listener, ends the thread; idempotent.
    func stop() {
        done.lock()
        let already = finished
        done.unlock()
        if already { return }  // the eventfd is closed once the thread ended
        post(.stop)
        done.lock()
        while !finished { done.wait() }
        done.unlock()
    }

    private func post(_ command: Command) {
        commands.withLock { $0.append(command) }
        cinj_eventfd_signal(wake)
    }

    private func run() {
        // Every trapped call waits for this thread, as for the ptrace tracer.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(cinj_gettid()), -10)
        var polls: [pollfd] = []
        var running = true
        while running {
            polls.removeAll(keepingCapacity: true)
            polls.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0))
            for listener in listeners { polls.append(pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)) }
            var timeout: Int64 = -1
            if let earliest = holds.earliest {
                let now = cinj_now_ns()
                timeout = earliest <= now ? 0 : Int64(clamping: earliest - now)
            }
            let ready = polls.withUnsafeMutableBufferPointer { cinj_poll($0.baseAddress, Int32($0.count), timeout) }
            if ready > 0 && polls[0].revents != 0 {
                cinj_eventfd_drain(wake)
                running = drainCommands()
            }
            forgetExited()
            if ready > 0 {
                var closed: [Int32] = []
                for (index, p) in polls.enumerated().dropFirst() where p.revents != 0 {
                    let listener = listeners[index - 1]
                    if p.revents & Int16(POLLIN) != 0 {
                        answer(listener)
                    } else {
                        closed.append(listener.fd)  // POLLHUP: every task of this filter is gone
                    }
                }
                for fd in closed { drop(listener: fd) }
            }
            releaseDueHolds(all: terminating)
        }
        releaseDueHolds(all: true)
        for listener in listeners { Glibc.close(listener.fd) }
        listeners.removeAll()
        Glibc.close(wake)
        done.lock()
        finished = true
        done.broadcast()
        done.unlock()
    }

    /// Returns false on `.stop`.
    private func drainCommands() -> Bool {
        let pending = commands.withLock { list in defer { list.removeAll() }; return list }
        var keepRunning = true
        for command in pending {
            switch command {
            case .add(let listener): listeners.append(listener)
            case .terminate: terminating = true
            case .stop: keepRunning = false
            }
        }
        return keepRunning
    }

    private func forgetExited() {
        let tids = exited.withLock { list in defer { list.removeAll() }; return list }
        for tid in tids {
            tgids.removeValue(forKey: tid)
            procDirectories.forget(tid: tid)
        }
    }

    private func drop(listener fd: Int32) {
        holds.remove(listener: fd)  // their callers are gone with the filter's last task
        listeners.removeAll { $0.fd == fd }
        Glibc.close(fd)
    }

    /// One notification: receive, decide, answer or hold.
    private func answer(_ listener: Listener) {
        let start = cinj_now_ns()
        var note = cinj_notification()
        // ENOENT: the caller was killed or interrupted between poll and receive.
        guard cinj_notify_recv(listener.fd, &note) == 0 else { return }
        guard let snapshot = store.snapshot.withLock({ $0 }) else {
            _ = cinj_notify_respond(listener.fd, note.id, 0)  // disarmed: allow, no event
            return
        }
        var target = LazyTarget(tid: note.tid, syscall: note.call, proc: procDirectories)
        let (decision, event) = decider.decide(snapshot: snapshot, service: listener.service,
                                               pid: tgid(of: note.tid), tid: note.tid, target: &target)
        // The target's memory and descriptors were read by tid: if the caller died (or its
        // thread exec'd) meanwhile, the tid may name another task and the values are not
        // its own. The man page's rule: check the id after reading, drop it if stale.
        if target.decoded && cinj_notify_id_valid(listener.fd, note.id) == 0 { return }
        if case .delay(let nanoseconds) = decision, !terminating {
            let (deadline, overflow) = start.addingReportingOverflow(nanoseconds)
            holds.push(Hold(deadline: overflow ? UInt64.max : deadline, tid: note.tid, start: start,
                            event: event, listener: listener.fd, notification: note.id))
            return  // answered and reported on release, with the time actually held
        }
        // Reported before it is answered: once the caller sees its result (and perhaps
        // exits), its event is already on its way, so a flush after the exit finds it.
        if var event {
            event.latencyNanoseconds = cinj_now_ns() &- start
            pump?.post(event)
        }
        if case .deny(let errno) = decision {
            _ = cinj_notify_respond(listener.fd, note.id, errno)
        } else {
            _ = cinj_notify_respond(listener.fd, note.id, 0)
        }
    }

    private func releaseDueHolds(all: Bool) {
        let now = cinj_now_ns()
        while let hold = all ? holds.popFirst() : holds.popDue(now: now) {
            // Reported first, as in answer(); ENOENT: the held caller died meanwhile.
            if var event = hold.event {
                event.latencyNanoseconds = cinj_now_ns() &- hold.start
                pump?.post(event)
            }
            _ = cinj_notify_respond(hold.listener, hold.notification, 0)
        }
    }

    /// The thread group of `tid`, cached until the tracer reports the tid gone.
    private func tgid(of tid: Int32) -> Int32 {
        if let known = tgids[tid] { return known }
        let value = ProcStatus(tid: tid)?.tgid ?? tid
        tgids[tid] = value
        return value
    }
}
