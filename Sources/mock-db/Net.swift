// Socket plumbing for mock-db, on plain Glibc calls so that syscall-level faults reach it.
// Requests are read with read(2): the chapter's monitors watch the db's `read` syscall to
// see whether traffic reached it. Replies go out with send() (the sendto syscall) and the
// data file uses write()/fsync(): a `write=deny(...)` fault on the db then hits its disk,
// not its replies, and the api reports the disk error it was given.
import DemoNet
import Glibc

/// Reads newline-terminated lines from a socket with read(), keeping leftovers between calls.
struct LineReader {
    let fd: Int32
    let maxLine: Int
    private var buffer: [UInt8] = []
    private var start = 0

    init(fd: Int32, maxLine: Int = 1 << 20) {
        self.fd = fd
        self.maxLine = maxLine
    }

    enum Next { case line(String), closed, tooLong, failed(Int32) }

    /// The next line without its "\n" (and without a "\r" before it).
    mutating func next() -> Next {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                var end = nl
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = nl + 1
                if start > 65536 { buffer.removeFirst(start); start = 0 }
                return .line(line)
            }
            if buffer.count - start > maxLine { return .tooLong }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n == 0 { return .closed }
            if n < 0 {
                if errno == EINTR { continue }
                return .failed(errno)
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}
