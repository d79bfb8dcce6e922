// The key-value store: a dictionary in memory, made durable by appending each SET to a data
// file with write() and fsync() before it is acknowledged. A failed write or fsync leaves the
// memory unchanged and is reported to the client as `ERR <syscall>: <reason>`.
import DemoNet
import Glibc

final class Store: @unchecked Sendable {
    // Guarded by `lock`; the store is shared by every connection thread.
    private var values: [String: String] = [:]
    private var lock = pthread_mutex_t()
    private let fd: Int32
    let path: String

    init(directory: String) throws(StoreError) {
        path = directory + "/mock-db.data"
        fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError("cannot open \(path): \(errnoText(errno))") }
        pthread_mutex_init(&lock, nil)
        loadExisting()
    }

    /// Replays the data file so a restarted db keeps what it acknowledged before.
    private func loadExisting() {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        lseek(fd, 0, SEEK_SET)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(bytes.count)) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        for line in bytes.split(separator: 10) {
            guard let space = line.firstIndex(of: 32) else { continue }
            let key = String(decoding: line[line.startIndex..<space], as: UTF8.self)
            values[key] = String(decoding: line[(space + 1)...], as: UTF8.self)
        }
    }

    func get(_ key: String) -> String? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return values[key]
    }

    /// Appends `key value` to the data file, fsyncs it, then updates memory.
    /// Returns nil on success or the reason of the failed syscall.
    func set(_ key: String, _ value: String) -> String? {
        var record = Array(key.utf8)
        record.append(32)
        record.append(contentsOf: value.utf8)
        record.append(10)
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let written = record.withUnsafeBytes { raw -> Int32 in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else {
                    return n == 0 ? EIO : errno
                }
            }
            return 0
        }
        if written != 0 { return "write: \(errnoText(written))" }
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            return "fsync: \(errnoText(errno))"
        }
        values[key] = value
        return nil
    }
}

struct StoreError: Error { let message: String; init(_ message: String) { self.message = message } }
