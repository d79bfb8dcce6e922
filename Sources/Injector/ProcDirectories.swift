import CInjector
#if canImport(Glibc)
import Glibc
#endif

/// Open `/proc/<tid>/fd` directories, one per traced thread, so that resolving a
/// descriptor is one readlinkat instead of a full /proc path walk (the largest cost of a
/// trapped call with a path condition). Tracer thread only; closed when the thread exits.
final class ProcDirectories {
    private var fdDirectories: [Int32: Int32] = [:]
    private let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 4097)
    private var name = [CChar](repeating: 0, count: 16)

    deinit {
        for fd in fdDirectories.values { close(fd) }
        buffer.deallocate()
    }

    /// The file behind descriptor `fd` of thread `tid` (`/var/x`, `socket:[123]`, ...).
    func descriptorTarget(tid: Int32, fd: Int32) -> String? {
        guard fd >= 0 else { return nil }
        var dir = fdDirectories[tid] ?? -1
        if dir < 0 {
            dir = open("/proc/\(tid)/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard dir >= 0 else { return nil }
            fdDirectories[tid] = dir
        }
        // The descriptor number as a C string, without allocating.
        var value = fd, length = 0
        var digits: (CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat { raw[length] = UInt8(48 + value % 10); value /= 10; length += 1 } while value > 0
        }
        return name.withUnsafeMutableBufferPointer { out -> String? in
            withUnsafeBytes(of: &digits) { raw in
                for i in 0..<length { out[i] = CChar(bitPattern: raw[length - 1 - i]) }
            }
            out[length] = 0
            let n = readlinkat(dir, out.baseAddress!, buffer, 4096)
            guard n > 0 else { return nil }
            return String(decoding: UnsafeRawBufferPointer(start: buffer, count: n), as: UTF8.self)
        }
    }

    func forget(tid: Int32) {
        if let fd = fdDirectories.removeValue(forKey: tid) { close(fd) }
    }
}
