// The life cycle both demo services share: signals set up before any thread exists, one
// waiter thread that stops the process on SIGTERM/SIGINT, and the accept loop.
import Glibc

/// Blocks SIGTERM and SIGINT in every thread (they are taken by `stopOnSignal`'s waiter,
/// so no async-signal-unsafe handler ever runs) and ignores SIGPIPE (a client that goes
/// away must not kill the service). Call first, before any thread is started.
public func blockStopSignals() -> sigset_t {
    var blocked = sigset_t()
    sigemptyset(&blocked)
    sigaddset(&blocked, SIGTERM)
    sigaddset(&blocked, SIGINT)
    pthread_sigmask(SIG_BLOCK, &blocked, nil)
    signal(SIGPIPE, SIG_IGN)
    return blocked
}

/// Starts the waiter thread: on the first blocked signal it runs `cleanup`, logs the stop
/// and exits 0.
public func stopOnSignal(_ blocked: sigset_t, programName: String, cleanup: @escaping () -> Void = {}) {
    _ = spawnThread {
        var set = blocked
        var received: Int32 = 0
        sigwait(&set, &received)
        cleanup()
        writeLine(1, "\(programName): stopping on signal \(received)")
        exit(0)
    }
}

/// Accepts clients forever, one thread per connection. Transient accept errors are retried;
/// anything else ends the service with status 1.
public func serveForever(_ listener: Int32, programName: String, handle: @escaping (Int32) -> Void) -> Never {
    while true {
        let client = acceptClient(listener)
        if client < 0 {
            if errno == EINTR || errno == ECONNABORTED { continue }
            if errno == EMFILE || errno == ENFILE { usleep(10_000); continue }
            writeLine(2, "\(programName): accept: \(errnoText(errno))")
            exit(1)
        }
        if !spawnThread({ handle(client) }) {
            writeLine(2, "\(programName): cannot start a thread for a connection")
            close(client)
        }
    }
}
