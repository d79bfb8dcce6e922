#if canImport(Glibc)
import Glibc
#endif

/// Writes to the console with write(2), never through `FileHandle.write(_:)`: Foundation's
/// version traps (`try!`) when the write fails, so `faultbox test > /dev/full` or a closed
/// terminal would end in a Swift crash in the middle of a run, with services still up.
/// A failed console write is dropped: the run goes on, its teardown happens, and the exit
/// status and the --junit/--output files still tell the result.
enum ConsoleWrite {
    static let stdout: Int32 = 1
    static let stderr: Int32 = 2

    /// Writes all of `text` unless the descriptor fails; returns whether everything went out.
    @discardableResult
    static func write(_ fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        return bytes.withUnsafeMutableBytes { buffer -> Bool in
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
    }
}
