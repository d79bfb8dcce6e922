import CInjector
import Foundation
import Synchronization

/// A launch prepared on the caller's thread: C strings and the exported filter. The tracer
/// thread only forks; everything that allocates happens before.
final class PreparedLaunch: @unchecked Sendable {
    let spec: LaunchSpec
    let path: String
    var cStrings: [UnsafeMutablePointer<CChar>] = []
    var argv: [UnsafeMutablePointer<CChar>?] = []
    var envp: [UnsafeMutablePointer<CChar>?] = []
    var filter = cinj_filter()
    var result: Result<Int32, InjectorError>?
    var process: TracedProcess?

    init(spec: LaunchSpec, path: String) {
        self.spec = spec
        self.path = path
    }

    /// A C copy of `s`, freed with this object. Strings with NUL bytes cannot pass through
    /// execve: the caller rejects them first.
    func keep(_ s: String) throws -> UnsafeMutablePointer<CChar> {
        guard let p = strdup(s) else {
            throw InjectorError.launchFailed(service: spec.service, reason: "out of memory preparing arguments")
        }
        cStrings.append(p)
        return p
    }

    deinit {
        for p in cStrings { free(p) }
        cinj_free_filter(&filter)
    }
}

/// What other threads ask of the tracer thread.
enum TracerCommand {
    case launch(PreparedLaunch)
    case shutdown(graceNanoseconds: UInt64)
}

/// State shared between the session's callers and the tracer thread, under one condition.
final class TracerMailbox: @unchecked Sendable {
    let condition = NSCondition()
    var commands: [TracerCommand] = []
    var tracerTid: Int32 = 0
    var launchesDone = 0
    var finished = false

    /// Posts a command and wakes the tracer, whether it sleeps on the condition (no
    /// tracees) or in waitpid (signal without SA_RESTART -> EINTR).
    func post(_ command: TracerCommand) {
        condition.lock()
        commands.append(command)
        condition.broadcast()
        let tid = tracerTid
        condition.unlock()
        if tid > 0 { _ = cinj_wake_thread(tid) }
    }

    /// Waits until `done()` holds, re-sending the wake signal every 2 ms: a signal that lands
    /// between the tracer's last check and its waitpid is otherwise lost.
    func wait(until done: () -> Bool) {
        condition.lock()
        while !done() {
            let tid = tracerTid
            if !condition.wait(until: Date(timeIntervalSinceNow: 0.002)) && tid > 0 {
                _ = cinj_wake_thread(tid)
            }
        }
        condition.unlock()
    }
}

/// Shared with the session: the armed snapshot and the hit counters.
final class RuleStore: Sendable {
    let snapshot = Mutex<RuleSnapshot?>(nil)
    let hits = Mutex<[Int: Int]>([:])
}
