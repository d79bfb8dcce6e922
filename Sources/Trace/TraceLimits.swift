/// How much of a long test's trace the store keeps (issue 17): up to `threshold` events
/// everything; past it the first `keepFirst` and the last `keepLast` events, plus every
/// event that is not an allowed syscall (denied or delayed syscalls, lifecycle, faults,
/// client calls, output lines, violations). What is left out is counted
/// (`TraceStore.dropped`) and said in the report.
public struct TraceLimits: Sendable, Equatable {
    public var threshold: Int
    public var keepFirst: Int
    public var keepLast: Int

    public init(threshold: Int = 100_000, keepFirst: Int = 10_000, keepLast: Int = 10_000) {
        precondition(threshold >= 0 && keepFirst >= 0 && keepLast >= 0)
        self.threshold = threshold
        self.keepFirst = keepFirst
        self.keepLast = keepLast
    }

    public static let `default` = TraceLimits()
    /// Keeps everything (tests and measurements).
    public static let unbounded = TraceLimits(threshold: .max, keepFirst: 0, keepLast: 0)
}
