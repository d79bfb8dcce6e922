import CInjector
import Foundation
import Synchronization

/// One traced thread.
struct Tracee {
    var tgid: Int32
    var service: Int
}

struct ServiceRecord {
    let name: String
    let process: TracedProcess
}

/// The tracer: one dedicated OS thread owns every ptrace call and every wait. Its state is
/// confined to that thread; other threads talk to it through the mailbox and the rule store.
final class Tracer: @unchecked Sendable {
    let mailbox: TracerMailbox
    let store: RuleStore
    let pump: EventPump?
    let selection: EventSelection
    let seed: UInt64
    /// The notify backend's decision thread; nil = ptrace decides trapped calls here.
    let supervisor: NotifySupervisor?

    var services: [ServiceRecord] = []
    var tracees: [Int32: Tracee] = [:]
    /// Process (tgid) -> service, to place threads and children whose stop arrives before
    /// the clone/fork event that announces them.
    var processes: [Int32: Int] = [:]
    /// Stopped tids we could not place yet; resumed when announced.
    var unannounced: Set<Int32> = []
    /// Launched programs: children of this thread, reaped by its own wait (other traced
    /// processes are children of tracees, or of this process's main thread once orphaned).
    var directChildren: Set<Int32> = []
    /// Traced processes that died but whose zombie belongs to this process (subreaper).
    var zombieCandidates: Set<Int32> = []
    var holds = TimerHeap()
    var decider: Decider
    var timer: Int?
    let procDirectories = ProcDirectories()

    // Teardown state.
    var terminating = false
    var killDeadline: UInt64?
    var killed = false
    var shutdownCompleted = false

    init(mailbox: TracerMailbox, store: RuleStore, pump: EventPump?, selection: EventSelection, seed: UInt64,
         supervisor: NotifySupervisor?) {
        self.supervisor = supervisor
        self.mailbox = mailbox
        self.store = store
        self.pump = pump
        self.selection = selection
        self.seed = seed
        self.decider = Decider(store: store, selection: selection, seed: seed)
    }

    /// Starts the tracer thread (a plain OS thread, never a Swift concurrency executor).
    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "faultbox-tracer"
        thread.stackSize = 1 << 20
        thread.start()
        mailbox.condition.lock()
        while mailbox.tracerTid == 0 { mailbox.condition.wait() }
        mailbox.condition.unlock()
    }

    private func run() {
        cinj_prepare_tracer_thread()
        _ = cinj_set_child_subreaper()
        let tid = cinj_gettid()
        // Every trapped call waits for this thread: let it run first when the machine is
        // busy (works when privileged; otherwise the default priority stays).
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(tid), -10)
        var t = 0
        if cinj_timer_create(tid, &t) == 0 { timer = t }
        mailbox.condition.lock()
        mailbox.tracerTid = tid
        mailbox.condition.broadcast()
        mailbox.condition.unlock()

        while !shutdownCompleted {
            drainCommands()
            releaseDueHolds()
            checkKillDeadline()
            if tracees.isEmpty && unannounced.isEmpty {
                if terminating { finishShutdown(); break }
                sleepUntilCommand()
                continue
            }
            var result = cinj_wait_result()
            if cinj_wait_any(&result) != 0 {
                if errno == ECHILD { forgetAllTracees() }
                continue
            }
            handle(result)
        }
        if let timer { cinj_timer_delete(timer) }
    }

    private func sleepUntilCommand() {
        mailbox.condition.lock()
        while mailbox.commands.isEmpty { mailbox.condition.wait() }
        mailbox.condition.unlock()
    }

    private func drainCommands() {
        mailbox.condition.lock()
        let commands = mailbox.commands
        mailbox.commands.removeAll()
        mailbox.condition.unlock()
        for command in commands {
            switch command {
            case .launch(let launch): performLaunch(launch)
            case .shutdown(let grace): beginShutdown(graceNanoseconds: grace)
            }
        }
    }

    private func performLaunch(_ launch: PreparedLaunch) {
        let result: Result<Int32, InjectorError>
        if terminating {
            result = .failure(.sessionClosed)
        } else {
            var errBuf = [CChar](repeating: 0, count: 512)
            var listener: Int32 = -1
            let pid: pid_t = launch.path.withCString { path in
                launch.argv.withUnsafeBufferPointer { argv in
                    launch.envp.withUnsafeBufferPointer { envp in
                        withOptionalCString(launch.spec.workingDirectory) { cwd in
                            withOptionalCString(launch.spec.stdoutPath) { out in
                                withOptionalCString(launch.spec.stderrPath) { err in
                                    withUnsafePointer(to: &launch.filter) { filter in
                                        var request = cinj_spawn_request(
                                            path: path, argv: argv.baseAddress, envp: envp.baseAddress,
                                            cwd: cwd, stdout_path: out, stderr_path: err,
                                            new_process_group: launch.spec.newProcessGroup ? 1 : 0,
                                            set_no_new_privs: cinj_is_root() != 0 ? 0 : 1,
                                            filter: filter, notify: supervisor == nil ? 0 : 1)
                                        return cinj_spawn_traced(&request, &listener, &errBuf, errBuf.count)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if pid > 0 {
                let process = TracedProcess(service: launch.spec.service, pid: pid)
                services.append(ServiceRecord(name: launch.spec.service, process: process))
                tracees[pid] = Tracee(tgid: pid, service: services.count - 1)
                processes[pid] = services.count - 1
                directChildren.insert(pid)
                if listener >= 0 { supervisor?.add(listener: listener, service: launch.spec.service) }
                launch.process = process
                result = .success(pid)
            } else {
                let reason = String(decoding: errBuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                result = .failure(.launchFailed(service: launch.spec.service, reason: reason))
            }
        }
        mailbox.condition.lock()
        launch.result = result
        mailbox.condition.broadcast()
        mailbox.condition.unlock()
    }

    /// Emits an event unless the selection excludes it.
    func emit(_ event: SyscallEvent) {
        pump?.post(event)
    }

    /// Arms the wake timer for the earliest hold or the kill deadline. It repeats every
    /// millisecond after expiry so that a tick landing just before waitpid is not lost.
    func rearmTimer() {
        guard let timer else { return }
        let next = [holds.earliest, killDeadline].compactMap { $0 }.min()
        _ = cinj_timer_arm(timer, next ?? 0, next == nil ? 0 : 1_000_000)
    }

    private func releaseDueHolds() {
        guard !holds.isEmpty else { return }
        let now = cinj_now_ns()
        var released = false
        while let hold = holds.popDue(now: now) {
            released = true
            // Emitted before the tracee goes on, as for an undelayed call.
            if var event = hold.event {
                event.latencyNanoseconds = now &- hold.start
                emit(event)
            }
            if tracees[hold.tid] != nil { _ = cinj_cont(hold.tid, 0) }
        }
        if released { rearmTimer() }
    }

    private func forgetAllTracees() {
        // waitpid says nothing is left to wait for: the table is stale (should not happen).
        for tid in Array(tracees.keys) { recordExit(tid: tid, exit: .signaled(SIGKILL)) }
        unannounced.removeAll()
        holds = TimerHeap()
    }
}

private func withOptionalCString<R>(_ s: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let s else { return body(nil) }
    return s.withCString { body($0) }
}

