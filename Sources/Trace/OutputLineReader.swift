import Foundation

/// Reads the lines an observed service appends to its stdout or stderr log file. The runner
/// calls `drain()` before each assertion, `events()` or monitor run, so that a line printed
/// before the service answered is in the trace when the spec looks; `finish()` when the
/// service is gone, which also hands over a last line without a newline.
///
/// Memory is bounded whatever the service writes: reads go through one 64 KiB buffer, a
/// line is kept up to `maxLineBytes` and the rest of a longer line is only counted until
/// its newline, and `drain(_:)` hands lines over one at a time.
public final class OutputLineReader: @unchecked Sendable {
    public let path: String
    public let maxLineBytes: Int
    private let lock = NSLock()
    private var fd: Int32 = -1
    private var offset: UInt64
    /// The start of an unfinished line (at most `maxLineBytes`) and its length so far.
    private var partial: [UInt8] = []
    private var partialLength = 0
    private var partialEndsInCR = false
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Reading starts at `offset` (0: the whole file).
    public init(path: String, maxLineBytes: Int = OutputEvents.defaultMaxLineBytes, offset: UInt64 = 0) {
        precondition(maxLineBytes > 0)
        self.path = path
        self.maxLineBytes = maxLineBytes
        self.offset = offset
    }

    deinit { if fd >= 0 { _ = Foundation.close(fd) } }

    /// Bytes of the file consumed so far (complete lines and the pending partial one).
    public var bytesRead: UInt64 { lock.lock(); defer { lock.unlock() }; return offset }

    /// Complete lines appended since the last call, in order. A file that does not exist yet
    /// has no lines.
    public func drain() throws -> [OutputLine] {
        var lines: [OutputLine] = []
        try drain { lines.append($0) }
        return lines
    }

    /// As `drain()`, handing each line to `body` as it is split off.
    public func drain(_ body: (OutputLine) -> Void) throws {
        lock.lock(); defer { lock.unlock() }
        try readAvailable(body)
    }

    /// Drains, then hands over the unfinished last line, if any, and closes the file.
    public func finish() throws -> [OutputLine] {
        lock.lock(); defer { lock.unlock() }
        var lines: [OutputLine] = []
        try readAvailable { lines.append($0) }
        if partialLength > 0 { lines.append(takeLine()) }
        if fd >= 0 { _ = Foundation.close(fd); fd = -1 }
        return lines
    }

    private func readAvailable(_ body: (OutputLine) -> Void) throws {
        if fd < 0 {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                if errno == ENOENT { return }
                throw OutputReaderError(path: path, operation: "open", code: errno)
            }
        }
        // A file cut shorter than what was read (truncated or replaced) is read again from
        // its start; log files are only appended to, so this is a safety net.
        var st = stat()
        if fstat(fd, &st) == 0, UInt64(st.st_size) < offset {
            offset = 0; partial = []; partialLength = 0; partialEndsInCR = false
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputReaderError(path: path, operation: "read", code: errno)
            }
            if n == 0 { return }
            offset += UInt64(n)
            split(count: n, body)
        }
    }

    /// Splits the first `count` bytes of the buffer at newlines.
    private func split(count: Int, _ body: (OutputLine) -> Void) {
        var start = 0
        while start < count {
            let newline = buffer.withUnsafeBytes { raw -> Int? in
                guard let p = memchr(raw.baseAddress! + start, 0x0A, count - start) else { return nil }
                return raw.baseAddress!.distance(to: UnsafeRawPointer(p))
            }
            let end = newline ?? count
            if end > start {
                let room = maxLineBytes - partial.count
                if room > 0 { partial.append(contentsOf: buffer[start..<min(end, start + room)]) }
                partialLength += end - start
                partialEndsInCR = buffer[end - 1] == 0x0D
            }
            guard let nl = newline else { return }
            body(takeLine())
            start = nl + 1
        }
    }

    /// The pending line, without a trailing `\r` (CRLF output), cut at a character boundary
    /// when it was longer than the cap.
    private func takeLine() -> OutputLine {
        var bytes = partial, length = partialLength
        if partialEndsInCR {
            length -= 1
            if bytes.count > length { bytes.removeLast() }
        }
        if length > bytes.count { bytes = OutputEvents.trimmingIncompleteUTF8(bytes) }
        partial = []; partial.reserveCapacity(0)
        partialLength = 0; partialEndsInCR = false
        return OutputLine(bytes: bytes, length: length)
    }
}

public struct OutputReaderError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let code: Int32
    public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}
