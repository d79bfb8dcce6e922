import Dispatch
import Foundation

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP (the terminal closed) during `faultbox test`: the
/// first one stops the running
/// cell (VM cancelled, services torn down) and the run finishes by writing the reports for
/// what completed, exiting 130. A second one exits at once (the kernel still kills every
/// traced service: the injector uses PTRACE_O_EXITKILL).
///
/// A closed stdout/stderr reader (`faultbox test | head`) stops the run the same way but
/// exits 141 (128 + SIGPIPE), as a pipeline expects: SIGPIPE is ignored and the EPIPE of a
/// console write, or the kernel's POLLERR on the pipe, is the trigger (`ConsoleWrite`,
/// `watchConsoleReaders`). A broken pipe never counts as the
/// "second" interrupt: the teardown's own messages hit the same closed pipe.
///
/// Signals are process-wide, so exactly one watcher should exist per run; the command owns
/// it (no global state), and `Runner` asks it for the current stop request.
public final class InterruptWatcher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "faultbox.interrupts")
    private var sources: [DispatchSourceSignal] = []
    private let state = Locked<(count: Int, brokenPipe: Bool, listeners: [@Sendable () -> Void])>((0, false, []))

    public init() {}

    /// Starts listening; until then signals keep their default action.
    public func install() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [weak self] in self?.received() }
            source.resume()
            sources.append(source)
        }
        // SIG_IGN survives execve, but the injector's child resets every disposition and its
        // mask before exec (spawn.c), so services see SIGPIPE exactly as they would outside.
        signal(SIGPIPE, SIG_IGN)
        ConsoleWrite.brokenPipeListener.withLock {
            // Asynchronously: the failing write may be the stderr message of received().
            // Held strongly: one watcher per process, alive for the whole run anyway.
            $0 = { [self, queue] in queue.async { self.brokenPipe() } }
        }
        watchConsoleReaders()
    }

    /// A write only fails when there is something to write, and a slow cell (a 5 s delayed
    /// connect) may print nothing for seconds: `faultbox test | head -1` would keep the
    /// services running all that time. So a thread waits in poll(2) on stdout and stderr
    /// when they are pipes or sockets; the kernel reports POLLERR on a pipe's write end once
    /// its last reader is gone (POLLHUP on a socket), and the run stops at once.
    private func watchConsoleReaders() {
        var watched: [Int32] = []
        for fd in [ConsoleWrite.stdout, ConsoleWrite.stderr] {
            var info = stat()
            guard fstat(fd, &info) == 0 else { continue }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFIFO || kind == S_IFSOCK { watched.append(fd) }
        }
        guard !watched.isEmpty else { return }
        let thread = Thread { [self, queue, watched] in
            var fds = watched.map { pollfd(fd: $0, events: 0, revents: 0) }
            while true {
                let n = poll(&fds, nfds_t(fds.count), -1)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return }
                if fds.contains(where: { $0.revents & Int16(POLLERR | POLLHUP) != 0 }) {
                    queue.async { self.brokenPipe() }
                    return
                }
            }
        }
        thread.name = "faultbox.console-readers"
        thread.stackSize = 64 << 10
        thread.start()
    }

    public var interrupted: Bool { state.withLock { $0.count > 0 } }

    /// The status for a stopped run: 141 when the console reader went away, else 130.
    public var stopStatus: Int32 { state.withLock { $0.brokenPipe ? 128 + SIGPIPE : 130 } }

    private func brokenPipe() {
        let listeners: [@Sendable () -> Void]? = state.withLock { s in
            if s.count > 0 { return nil }
            s.count = 1
            s.brokenPipe = true
            defer { s.listeners = [] }
            return s.listeners
        }
        guard let listeners else { return }
        ConsoleWrite.write(ConsoleWrite.stderr, "faultbox: output closed (broken pipe); tearing down\n")
        for l in listeners { l() }
    }

    /// Called once on the first signal (immediately if it already came).
    public func onInterrupt(_ listener: @escaping @Sendable () -> Void) {
        let already = state.withLock { s -> Bool in
            if s.count == 0 { s.listeners.append(listener) }
            return s.count > 0
        }
        if already { listener() }
    }

    private func received() {
        let listeners: [@Sendable () -> Void]? = state.withLock { s in
            s.count += 1
            if s.count > 1 { return nil }
            defer { s.listeners = [] }
            return s.listeners
        }
        guard let listeners else {
            ConsoleWrite.write(ConsoleWrite.stderr, "faultbox: interrupted again; exiting now\n")
            exit(130)
        }
        ConsoleWrite.write(ConsoleWrite.stderr, "\nfaultbox: interrupted; tearing down (Ctrl-C again to exit at once)\n")
        for l in listeners { l() }
    }
}

/// A body running on a dedicated OS thread with a large stack. The VM runs here, never on
/// a Swift concurrency executor: a spec may block in I/O for seconds (a delayed connect)
/// and may recurse deeply. The waiter can give up (timeout, Ctrl-C) without the thread's
/// cooperation; an abandoned thread finishes on its own once its I/O fails.
final class DedicatedThread<T: Sendable>: @unchecked Sendable {
    private let result = Locked<T?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(name: String, stackSize: Int = 64 << 20, _ body: @escaping @Sendable () -> T) {
        let thread = Thread { [result, done] in
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
    }

    /// The result, or nil if the body has not finished within `timeout`.
    /// The deadline is kept on ContinuousClock, the clock the reports' durations use:
    /// Dispatch's own clock may be coarse and wake a few milliseconds early, so an early
    /// wake-up waits out the rest instead of calling a 2 s timeout after 1.993 s.
    func wait(timeout: Duration) -> T? {
        let clock = ContinuousClock()
        let deadline = clock.now + min(max(timeout, .zero), .seconds(1_000_000))
        while true {
            let nanos = max((deadline - clock.now).secondsDouble, 0) * 1e9
            if done.wait(timeout: .now() + .nanoseconds(Int(nanos))) == .success { break }
            if clock.now >= deadline { return nil }
        }
        done.signal()  // keep it signalled for later waiters
        return result.current
    }
}
