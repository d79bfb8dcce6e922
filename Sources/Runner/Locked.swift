import Foundation

/// A value shared between a cell's threads (VM thread, injector event callback, watchdog),
/// guarded by a lock. Small and explicit instead of a global: every cell owns its own.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock(); defer { lock.unlock() }
        return try body(&value)
    }
    var current: Value { withLock { $0 } }
}

/// Why a cell was stopped from outside: the per-test timeout or Ctrl-C.
public enum StopReason: Sendable, Equatable {
    case timeout(Duration)
    case interrupted
}

/// Cooperative cancellation of one cell. The watchdog (timeout) or the interrupt handler
/// calls `stop`, which records the reason once and runs the registered hooks (cancel the
/// VM, shut the injector session down so blocked I/O returns). Code on the cell's thread
/// polls `reason` between steps.
public final class CellCancellation: @unchecked Sendable {
    private let state = Locked<(reason: StopReason?, hooks: [@Sendable (StopReason) -> Void])>((nil, []))

    public init() {}

    public var reason: StopReason? { state.withLock { $0.reason } }

    /// Runs `hook` on stop (immediately if already stopped).
    public func onStop(_ hook: @escaping @Sendable (StopReason) -> Void) {
        let already: StopReason? = state.withLock { s in
            if s.reason == nil { s.hooks.append(hook) }
            return s.reason
        }
        if let already { hook(already) }
    }

    /// Drops the hooks once the cell is over, stopped or not: they hold the cell's injector
    /// session and context, which hold this object, and the ring would outlive the cell.
    public func forgetHooks() { state.withLock { $0.hooks = [] } }

    public func stop(_ reason: StopReason) {
        let hooks: [@Sendable (StopReason) -> Void] = state.withLock { s in
            if s.reason != nil { return [] }
            s.reason = reason
            defer { s.hooks = [] }
            return s.hooks
        }
        for hook in hooks { hook(reason) }
    }
}
