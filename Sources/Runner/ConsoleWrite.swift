#if canImport(Glibc)
import Glibc
#endif

/// Writes to the console with write(2), never through `FileHandle.write(_:)`: Foundation's
/// version traps (`try!`) when the write fails, so `faultbox test > /dev/full` or a closed
/// terminal would end in a Swift crash in the middle of a run, with services still up.
/// A failed console write is dropped: the run goes on, its teardown happens, and the exit
/// status and the --junit/--output files still tell the result.
///
/// A closed reader (`faultbox test | head`) is different: it is how the user says "stop".
/// SIGPIPE is ignored while a run is on (see `InterruptWatcher`), so the write fails with
/// EPIPE and is reported here to whoever listens; the run then stops like an interrupt.
/// The signal itself cannot be caught by a dispatch source: write(2) raises it on the
/// writing thread only, and an ignored signal is dropped before any signalfd sees it.
enum ConsoleWrite {
    static let stdout: Int32 = 1
    static let stderr: Int32 = 2

    /// Told (once per failing write) that stdout or stderr has no reader any more. The
    /// console descriptors are process-wide, so their listener is too; a `let` box, not state.
    static let brokenPipeListener = Locked<(@Sendable () -> Void)?>(nil)

    /// Writes all of `text` unless the descriptor fails; returns whether everything went out.
    @discardableResult
    static func write(_ fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        var failure: Int32 = 0
        let written = bytes.withUnsafeMutableBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            while offset < buffer.count {
                let n = Glibc.write(fd, base + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : 0; return false }
                offset += n
            }
            return true
        }
        if !written && failure == EPIPE, let listener = brokenPipeListener.current { listener() }
        return written
    }
}
