import Foundation

/// One test's trace. Producers on any thread append (the injector's event thread, the
/// runner's output readers, the VM thread for client calls); `seq` is assigned here, under
/// the lock, so the trace order is the order events reached the store (docs/trace.md says
/// why that order is right). Queries run on the VM thread and see a snapshot.
///
/// Indexed by service and by (service, syscall) so that `assert_eventually(service=,
/// syscall=)` over a large trace looks only at the events it can match.
public final class TraceStore: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [TraceEvent] = []
    /// Positions in `events` per service, and per "service\u{0}syscall".
    private var byService: [String: [Int]] = [:]
    private var bySyscall: [String: [Int]] = [:]
    private let clockStart: ContinuousClock.Instant

    public init(startedAt: ContinuousClock.Instant = ContinuousClock.now) {
        clockStart = startedAt
    }

    /// Nanoseconds since the trace started.
    public func now() -> UInt64 {
        let d = ContinuousClock.now - clockStart
        let (s, atto) = d.components
        return UInt64(max(0, s)) &* 1_000_000_000 &+ UInt64(max(0, atto) / 1_000_000_000)
    }

    /// Appends `event` (its `seq` is replaced; a zero time is replaced by now) and returns it.
    @discardableResult
    public func append(_ event: TraceEvent) -> TraceEvent {
        var e = event
        if e.timeNanos == 0 { e.timeNanos = now() }
        lock.lock(); defer { lock.unlock() }
        e.seq = events.count + 1
        let index = events.count
        events.append(e)
        byService[e.service, default: []].append(index)
        if e.kind == .syscall, let sc = e.fields.first(where: { $0.key == "syscall" })?.value {
            bySyscall[e.service + "\u{0}" + sc, default: []].append(index)
        }
        return e
    }

    public var count: Int { lock.lock(); defer { lock.unlock() }; return events.count }

    /// Every event, in order.
    public func all() -> [TraceEvent] { lock.lock(); defer { lock.unlock() }; return events }

    /// Events with `seq > after`, in order (monitors take what is new since they last ran).
    public func events(after seq: Int) -> [TraceEvent] {
        lock.lock(); defer { lock.unlock() }
        guard seq < events.count else { return [] }
        return Array(events[max(0, seq)...])
    }

    /// The events `filter` matches, in order, looking only at the indexed candidates when
    /// the filter names an exact service (and syscall).
    public func query(_ filter: EventFilter, limit: Int = .max) -> [TraceEvent] {
        lock.lock(); defer { lock.unlock() }
        var out: [TraceEvent] = []
        func scan<S: Sequence>(_ positions: S) where S.Element == Int {
            for i in positions where filter.matches(events[i]) {
                out.append(events[i])
                if out.count >= limit { return }
            }
        }
        if let svc = filter.pattern("service"), svc.isExact {
            if let sc = filter.pattern("syscall"), sc.isExact {
                scan(bySyscall[svc.core + "\u{0}" + sc.core] ?? [])
            } else {
                scan(byService[svc.core] ?? [])
            }
        } else {
            scan(events.indices)
        }
        return out
    }

    public func first(_ filter: EventFilter) -> TraceEvent? { query(filter, limit: 1).first }
}
