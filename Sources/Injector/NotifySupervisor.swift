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
    /// Pending commands, tickets handed out and tickets the thread has taken in.
    private let commands = Mutex<(list: [Command], posted: UInt64, taken: UInt64)>(([], 0, 0))
    /// Tids the tracer saw exit or exec: their cached tgid and /proc fd directory go stale.
    private let exited = Mutex<[Int32]>([])
    private let done = NSCondition()
    private var finished = false
    /// The thread's tid once it runs (for the wake signal), under `done`.
    private var threadID: Int32 = 0

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

    /// Queues `command` and returns once the thread has taken it in. While it blocks in
    /// NOTIF_RECV (one listener, nothing held) only a signal reaches it, and a signal that
    /// lands just before the ioctl is lost: hence the acknowledgement and the re-send.
    private func post(_ command: Command) {
        let ticket = commands.withLock { state -> UInt64 in
            state.list.append(command)
            state.posted += 1
            return state.posted
        }
        cinj_eventfd_signal(wake)
        done.lock()
        defer { done.unlock() }
        while !finished && commands.withLock({ $0.taken }) < ticket {
            if threadID > 0 { _ = cinj_wake_thread(threadID) }
            _ = done.wait(until: Date(timeIntervalSinceNow: 0.001))
        }
    }

    private func run() {
        // Every trapped call waits for this thread, as for the ptrace tracer.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(cinj_gettid()), -10)
        cinj_prepare_tracer_thread()  // the wake signal interrupts a blocking NOTIF_RECV
        done.lock()
        threadID = cinj_gettid()
        done.unlock()
        var polls: [pollfd] = []
        var running = true
        while running {
            if commands.withLock({ $0.taken < $0.posted }) {
                cinj_eventfd_drain(wake)
                running = drainCommands()
                releaseDueHolds(all: terminating)  // teardown answers held calls at once
                continue
            }
            forgetExited()
            // One listener and nothing held: block in NOTIF_RECV itself. ppoll over the
            // eventfd and the listener costs a system call and two wait-queue entries more per
            // trapped call; it is needed only to watch several listeners or a hold's deadline.
            if listeners.count == 1 && holds.isEmpty {
                receiveBlocking(listeners[0])
                continue
            }
            polls.removeAll(keepingCapacity: true)
            polls.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0))
            for listener in listeners { polls.append(pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)) }
            var timeout: Int64 = -1
            if let earliest = holds.earliest {
                let now = cinj_now_ns()
                timeout = earliest <= now ? 0 : Int64(clamping: earliest - now)
            }
            let ready = polls.withUnsafeMutableBufferPointer { cinj_poll($0.baseAddress, Int32($0.count), timeout) }
            if ready > 0 {
                // Readable without a pending command: a poster's signal raced the drain above.
                if polls[0].revents != 0 { cinj_eventfd_drain(wake) }
                var closed: [Int32] = []
                for (index, p) in polls.enumerated().dropFirst() where p.revents != 0 {
                    let listener = listeners[index - 1]
                    if p.revents & Int16(POLLIN) != 0 {
                        var note = cinj_notification()
                        // ENOENT: the caller was killed or interrupted between poll and receive.
                        if cinj_notify_recv(listener.fd, &note, 0) == 0 { answer(note, on: listener) }
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

    /// One blocking receive on the only listener. EINTR = a command was posted; ENOENT = the
    /// caller went away, or every task of the filter is gone (then poll says POLLHUP).
    private func receiveBlocking(_ listener: Listener) {
        var note = cinj_notification()
        if cinj_notify_recv(listener.fd, &note, 1) == 0 {
            answer(note, on: listener)
            return
        }
        let failure = errno
        guard failure != EINTR else { return }
        guard failure == ENOENT else {
            drop(listener: listener.fd)  // unusable (never seen): its callers get ENOSYS
            return
        }
        var p = pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)
        if cinj_poll(&p, 1, 0) > 0 && p.revents & Int16(POLLIN) == 0 { drop(listener: listener.fd) }
    }

    /// Returns false on `.stop`.
    private func drainCommands() -> Bool {
        let pending = commands.withLock { state in
            defer { state.list.removeAll(); state.taken = state.posted }
            return state.list
        }
        done.lock()
        done.broadcast()  // posters wait for `taken`
        done.unlock()
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

    /// One received notification: decide, answer or hold.
    private func answer(_ note: cinj_notification, on listener: Listener) {
        let start = cinj_now_ns()
        guard let snapshot = store.snapshot.withLock({ $0 }) else {
            _ = cinj_notify_respond(listener.fd, note.id, 0)  // disarmed: allow, no event
            return
        }
        var target = LazyTarget(tid: note.tid, syscall: note.call, proc: procDirectories)
        let (decision, event) = decider.decide(snapshot: snapshot, service: listener.service,
                                               pid: { tgid(of: note.tid) }, tid: note.tid, target: &target)
        let answer: Int32
        switch decision {
        case .allow:
            answer = 0
        case .deny(let errno):
            answer = errno
        case .delay(let nanoseconds) where !terminating:
            // Checked now, as for an event below: the hold's event is built from this read.
            if event != nil && target.decoded && cinj_notify_id_valid(listener.fd, note.id) == 0 { return }
            let (deadline, overflow) = start.addingReportingOverflow(nanoseconds)
            holds.push(Hold(deadline: overflow ? UInt64.max : deadline, tid: note.tid, start: start,
                            event: event, listener: listener.fd, notification: note.id))
            return  // answered and reported on release, with the time actually held
        case .delay:
            answer = 0
        }
        // The event goes out before the answer: once answered, the caller may run on and
        // exit before this thread is scheduled again, and whoever reads the events after
        // that exit must find this one.
        if var event {
            // The target's memory and descriptors were read by tid: if the caller died (or
            // its thread exec'd) meanwhile, the tid may name another task and the values are
            // not its own (the man page's rule: check the id after reading). Only an event
            // carries them beyond this call: without one, no check is needed, an answer to a
            // caller that went away is refused by the kernel (ENOENT) and harms nothing.
            if target.decoded && cinj_notify_id_valid(listener.fd, note.id) == 0 { return }
            event.latencyNanoseconds = cinj_now_ns() &- start
            pump?.post(event)
        }
        _ = cinj_notify_respond(listener.fd, note.id, answer)
    }

    private func releaseDueHolds(all: Bool) {
        let now = cinj_now_ns()
        while let hold = all ? holds.popFirst() : holds.popDue(now: now) {
            if var event = hold.event {  // before the answer, as in `answer`
                event.latencyNanoseconds = cinj_now_ns() &- hold.start
                pump?.post(event)
            }
            // ENOENT: the held caller died meanwhile (nothing to answer).
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
