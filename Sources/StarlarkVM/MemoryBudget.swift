#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory budget of one `StarThread`: how far the process's resident set may grow above
/// what it was when the thread's outermost call began (docs/vm.md, "Budgets").
///
/// Why resident memory and not a count of bytes per value: it is what an OOM killer looks
/// at, it sees every allocation (dict growth, many small lists) without instrumenting each,
/// and its growth is what a runaway spec causes. It is read (one pread of /proc/self/statm)
/// before each large allocation (`reserve`), so `"x" * (1 << 29)` fails before allocating,
/// and every 16th step-budget poll, so many small allocations are caught too. The per-value
/// caps (2^30 bytes, 2^27 elements) stay as the hard bound of one value.
final class MemoryBudget {
    /// Bytes of growth allowed; Int.max: unlimited.
    var limit = ExecutionLimits.standard.maxMemoryBytes
    /// Resident bytes when the outermost call began.
    var baseline = 0
    /// Bytes reserved since the last reading: small allocations are summed and read once
    /// they pass `readEvery`.
    private var unread = 0
    static let readEvery = 8 << 20

    /// Records the starting point (at the thread's outermost call).
    func start() {
        baseline = MemoryBudget.residentBytes() ?? 0
        unread = 0
    }

    /// Before allocating `bytes`: fails when the growth with them would pass the limit.
    @inline(__always)
    func reserve(_ bytes: Int) throws {
        if limit == Int.max { return }
        unread &+= bytes
        if unread >= MemoryBudget.readEvery || bytes >= MemoryBudget.readEvery { try check(adding: bytes) }
    }

    /// Compares the current growth (plus `adding` bytes about to be allocated) with the limit.
    @inline(never)
    func check(adding: Int = 0) throws {
        unread = 0
        guard limit != Int.max, let now = MemoryBudget.residentBytes() else { return }
        let growth = now - baseline
        let (total, overflow) = growth.addingReportingOverflow(adding)
        if overflow || total > limit {
            let mib = { (n: Int) in n >= (1 << 50) ? "\(n >> 30) GiB" : "\(max(n, 0) >> 20) MiB" }
            let what = adding > 0 ? "allocating \(mib(adding)) more would grow memory by \(mib(total))"
                                  : "memory grew by \(mib(growth))"
            throw StarlarkError("memory budget exceeded: \(what), over the limit of \(mib(limit)); "
                                + "raise it with --max-memory SIZE or limits(max_memory = \"SIZE\") in the spec")
        }
    }

    /// The process's resident set in bytes (nil where /proc is unavailable).
    static func residentBytes() -> Int? {
        #if os(Linux)
        var buf = [UInt8](repeating: 0, count: 128)
        let n = buf.withUnsafeMutableBytes { pread(statm, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        // "size resident shared text lib data dt", in pages.
        let fields = buf[0..<n].split(separator: 0x20)
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * pageSize
        #else
        return nil
        #endif
    }

    private static let statm: Int32 = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    // MARK: - The budget of the computation running on this OS thread

    /// Allocation sites in `Ops` have no thread at hand: the outermost call publishes its
    /// thread's budget in a thread-specific slot.
    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    /// The budget of the Starlark computation running on the calling OS thread, if any.
    static var current: MemoryBudget? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<MemoryBudget>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Publishes this budget for the calling OS thread; returns what was there (to restore).
    func publish() -> UnsafeMutableRawPointer? {
        let previous = pthread_getspecific(MemoryBudget.key)
        pthread_setspecific(MemoryBudget.key, Unmanaged.passUnretained(self).toOpaque())
        return previous
    }

    static func restore(_ previous: UnsafeMutableRawPointer?) {
        pthread_setspecific(key, previous)
    }

    /// `reserve` on the running computation's budget (none outside Starlark calls).
    @inline(__always)
    static func reserve(_ bytes: Int) throws {
        if let budget = current { try budget.reserve(bytes) }
    }
}
