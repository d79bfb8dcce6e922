import Injector

/// Receives one cell's injector events. The injector calls `record` from its own thread and
/// must never wait, so this only appends under a lock: every event goes into the cell's
/// trace (the one event path, `CellTrace`), and the decisions that fired are kept apart for
/// the report.
final class EventLog: @unchecked Sendable {
    private let trace: CellTrace
    private let debugSink: (@Sendable (SyscallEvent) -> Void)?
    private let state = Locked<State>(State())

    private struct State {
        var fired: [SyscallEvent] = []
        var firedDropped = 0
        var total = 0
    }

    /// Bounds memory for a test that hammers a trapped syscall for minutes.
    static let maxFired = 10_000

    init(trace: CellTrace, debugSink: (@Sendable (SyscallEvent) -> Void)? = nil) {
        self.trace = trace
        self.debugSink = debugSink
    }

    func record(_ event: SyscallEvent) {
        trace.record(event)
        state.withLock { s in
            s.total += 1
            // Denies, delays, and the calls an explicit allow() rule decided.
            if event.decision != .allow || event.ruleID != nil {
                if s.fired.count < Self.maxFired { s.fired.append(event) } else { s.firedDropped += 1 }
            }
        }
        debugSink?(event)
    }

    /// Every trapped call reported so far, allowed ones included.
    var total: Int { state.withLock { $0.total } }

    /// "#12 api connect deny(ECONNREFUSED) [db_down]" lines, in sequence order.
    func firedDecisions() -> [String] {
        let (fired, dropped) = state.withLock { ($0.fired, $0.firedDropped) }
        var lines = fired.sorted { $0.seq < $1.seq }.map(Self.describe)
        if dropped > 0 { lines.append("... and \(dropped) more") }
        return lines
    }

    /// A rule on a named operation prints as `persist(write)`.
    static func describe(_ e: SyscallEvent) -> String {
        let call = e.op.map { "\($0)(\(e.syscall))" } ?? e.syscall
        var line = "#\(e.seq) \(e.service) \(call) \(describe(e.decision))"
        if !e.label.isEmpty { line += " [\(e.label)]" }
        if let target = e.address ?? e.path { line += " \(target)" }
        return line
    }

    static func describe(_ action: FaultAction) -> String {
        switch action {
        case .allow: return "allow"
        case .deny(let errno): return "deny(\(errnoName(errno)))"
        case .delay(let ns): return "delay(\(formatNanos(ns)))"
        }
    }

    static func errnoName(_ value: Int32) -> String {
        Errno.allNames.first { Errno.value(named: $0) == value } ?? String(value)
    }

    static func formatNanos(_ ns: UInt64) -> String {
        if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
        if ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
        return "\(ns / 1000)us"
    }
}
