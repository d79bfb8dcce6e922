import Foundation

/// One test's trace. Producers on any thread append (the injector's event thread, the
/// runner's output readers, the VM thread for client calls); `seq` is assigned here, under
/// the lock, so the trace order is the order events reached the store (docs/trace.md,
/// "Ordering"). Queries run on the VM thread and see the events appended before them.
///
/// Indexed by service, by (service, syscall), by syscall and by non-syscall type, so that
/// `assert_eventually(service=, syscall=)` over a large trace looks only at the events it
/// can match. Syscall events are kept compactly (StoredRecord) and long traces are bounded
/// (TraceLimits); both are invisible to queries except through `dropped`.
public final class TraceStore: @unchecked Sendable {
    private let lock = NSLock()
    private let clockStart: ContinuousClock.Instant
    public let limits: TraceLimits

    /// Stored events in seq order; records marked dropped stay until the next compaction.
    private var records: [StoredRecord] = []
    /// Events kept whole (non-syscall events, unusual syscall events), by `StoredRecord.boxed`.
    private var boxed: [TraceEvent] = []
    private var strings = StringInterner()
    /// `syscall.<name>` per syscall-name id, so materialising does not build it each time.
    private var eventTypes: [UInt32: String] = [:]

    /// Positions in `records`.
    private var byService: [UInt32: [Int32]] = [:]
    private var byServiceSyscall: [UInt64: [Int32]] = [:]
    private var bySyscall: [UInt32: [Int32]] = [:]
    private var byKind: [TraceEventKind: [Int32]] = [:]

    private var recorded = 0
    private var droppedCount = 0
    private var droppedInRecords = 0
    /// The bounding rule has been applied to every seq up to this one.
    private var sweptThrough = 0

    public init(startedAt: ContinuousClock.Instant = ContinuousClock.now, limits: TraceLimits = .default) {
        clockStart = startedAt
        self.limits = limits
        sweptThrough = limits.keepFirst
    }

    /// Nanoseconds since the trace started.
    public func now() -> UInt64 {
        let d = ContinuousClock.now - clockStart
        let (s, atto) = d.components
        return UInt64(max(0, s)) &* 1_000_000_000 &+ UInt64(max(0, atto) / 1_000_000_000)
    }

    // MARK: - Appending

    /// Appends `event` (its `seq` is replaced; a zero time is replaced by now) and returns it.
    @discardableResult
    public func append(_ event: TraceEvent) -> TraceEvent {
        var e = event
        if e.timeNanos == 0 { e.timeNanos = now() }
        lock.lock(); defer { lock.unlock() }
        recorded += 1
        e.seq = recorded
        if var r = StoredRecord.compact(e, interner: &strings) {
            if r.decision == allowID { r.flags |= StoredRecord.droppable }
            store(r, kind: .syscall)
        } else {
            var r = StoredRecord(seq: e.seq, timeNanos: e.timeNanos, service: strings.intern(e.service))
            // Indexed by whatever `field("syscall")` answers (a decoded line's "syscall"
            // key included), so that an indexed query finds exactly what a scan would.
            if let name = e.field("syscall") {
                r.syscall = strings.intern(name)
                r.flags |= StoredRecord.hasSyscall
            }
            if e.kind == .syscall, e.field("decision") == "allow" { r.flags |= StoredRecord.droppable }
            r.boxed = Int32(boxed.count)
            boxed.append(e)
            store(r, kind: e.kind)
        }
        return e
    }

    /// The injector's fast path: a syscall event without building a `TraceEvent` (fields
    /// left nil are absent). Returns the event's seq.
    @discardableResult
    public func appendSyscall(service: String, syscall: String, pid: Int32?, tid: Int32?, decision: String,
                              label: String? = nil, path: String? = nil, addr: String? = nil,
                              size: Int64? = nil, latencyNanos: Int64? = nil, timeNanos: UInt64 = 0) -> Int {
        let time = timeNanos == 0 ? now() : timeNanos
        lock.lock(); defer { lock.unlock() }
        recorded += 1
        var r = StoredRecord(seq: recorded, timeNanos: time, service: strings.intern(service))
        r.syscall = strings.intern(syscall); r.present = SyscallField.syscall.bit
        if let pid { r.pid = pid; r.present |= SyscallField.pid.bit }
        if let tid { r.tid = tid; r.present |= SyscallField.tid.bit }
        r.decision = strings.intern(decision); r.present |= SyscallField.decision.bit
        if let label { r.label = strings.intern(label); r.present |= SyscallField.label.bit }
        if let path { r.path = strings.intern(path); r.present |= SyscallField.path.bit }
        if let addr { r.addr = strings.intern(addr); r.present |= SyscallField.addr.bit }
        if let size { r.size = size; r.present |= SyscallField.size.bit }
        if let latencyNanos { r.latencyNanos = latencyNanos; r.present |= SyscallField.latencyNs.bit }
        r.flags = StoredRecord.hasSyscall
        if r.decision == allowID { r.flags |= StoredRecord.droppable }
        store(r, kind: .syscall)
        return recorded
    }

    /// The interned id of "allow", created on first use.
    private var allowID: UInt32 {
        if let id = cachedAllowID { return id }
        let id = strings.intern("allow")
        cachedAllowID = id
        return id
    }
    private var cachedAllowID: UInt32?

    /// Adds `r` (seq `recorded`) to the records and indexes, then applies the bounds.
    private func store(_ r: StoredRecord, kind: TraceEventKind) {
        let position = Int32(records.count)
        records.append(r)
        index(r, kind: kind, at: position)
        if recorded > limits.threshold { applyBounds() }
    }

    private func index(_ r: StoredRecord, kind: TraceEventKind, at position: Int32) {
        byService[r.service, default: []].append(position)
        if r.flags & StoredRecord.hasSyscall != 0 {
            if kind == .syscall, r.boxed < 0, eventTypes[r.syscall] == nil {
                eventTypes[r.syscall] = "syscall." + strings[r.syscall]
            }
            byServiceSyscall[UInt64(r.service) << 32 | UInt64(r.syscall), default: []].append(position)
            bySyscall[r.syscall, default: []].append(position)
        }
        if kind != .syscall { byKind[kind, default: []].append(position) }
    }

    // MARK: - Bounds

    /// Once the trace is past the threshold, every droppable event older than the last
    /// `keepLast` (and not among the first `keepFirst`) is left out. The store therefore
    /// always holds what the rule says for the events so far, whatever is appended next.
    private func applyBounds() {
        let boundary = recorded - limits.keepLast
        if boundary > sweptThrough {
            // Every seq above `sweptThrough` is still stored, at the end of `records`.
            let last = records.count - 1
            for seq in (sweptThrough + 1)...boundary {
                let p = last - (recorded - seq)
                if records[p].isDroppable {
                    records[p].flags |= StoredRecord.dropped
                    droppedCount += 1
                    droppedInRecords += 1
                }
            }
            sweptThrough = boundary
        }
        // Compact when the dead records are many, and at least half the live ones, so the
        // cost per append stays constant.
        if droppedInRecords >= max(4096, (records.count - droppedInRecords) / 2) { compact() }
    }

    /// Removes dropped records and rebuilds the boxed events and the indexes.
    private func compact() {
        var kept: [StoredRecord] = []
        kept.reserveCapacity(records.count - droppedInRecords)
        var keptBoxed: [TraceEvent] = []
        for var r in records where !r.isDropped {
            if r.boxed >= 0 {
                keptBoxed.append(boxed[Int(r.boxed)])
                r.boxed = Int32(keptBoxed.count - 1)
            }
            kept.append(r)
        }
        records = kept
        boxed = keptBoxed
        droppedInRecords = 0
        byService = [:]; byServiceSyscall = [:]; bySyscall = [:]; byKind = [:]
        for (p, r) in records.enumerated() {
            index(r, kind: r.boxed >= 0 ? boxed[Int(r.boxed)].kind : .syscall, at: Int32(p))
        }
    }

    // MARK: - Reading

    /// Stored events (`all().count`).
    public var count: Int { lock.lock(); defer { lock.unlock() }; return records.count - droppedInRecords }

    /// Events appended in this test, stored or not (the last seq).
    public var recordedCount: Int { lock.lock(); defer { lock.unlock() }; return recorded }

    /// Events the bounds left out.
    public var dropped: Int { lock.lock(); defer { lock.unlock() }; return droppedCount }

    /// Every stored event, in order.
    public func all() -> [TraceEvent] {
        lock.lock(); defer { lock.unlock() }
        return events(records[...])
    }

    /// Stored events with `seq > after`, in order (monitors take what is new since they
    /// last ran).
    public func events(after seq: Int) -> [TraceEvent] {
        lock.lock(); defer { lock.unlock() }
        var lo = 0, hi = records.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if records[mid].seq <= seq { lo = mid + 1 } else { hi = mid }
        }
        return events(records[lo...])
    }

    /// The events `filter` matches, in order, looking only at the indexed candidates when
    /// the filter names an exact service, syscall or type.
    public func query(_ filter: EventFilter, limit: Int = .max) -> [TraceEvent] {
        lock.lock(); defer { lock.unlock() }
        var out: [TraceEvent] = []
        guard limit > 0 else { return out }
        // Locals, so the loop does not retain and release the class's arrays per record
        // (that was three quarters of a scan's time).
        let records = self.records, boxed = self.boxed, strings = self.strings, eventTypes = self.eventTypes
        var prepared = StoreFilter(filter, strings: strings)
        func consider(_ p: Int) -> Bool {
            let r = records[p]
            guard !r.isDropped else { return true }
            let ok = r.boxed >= 0 ? filter.matches(boxed[Int(r.boxed)]) : prepared.matches(r, strings, eventTypes)
            guard ok else { return true }
            out.append(r.boxed >= 0 ? boxed[Int(r.boxed)] : r.materialise(strings, eventType: eventTypes[r.syscall] ?? ""))
            return out.count < limit
        }
        if let candidates = candidates(filter) {
            for p in candidates where !consider(Int(p)) { break }
        } else {
            for p in records.indices where !consider(p) { break }
        }
        return out
    }

    public func first(_ filter: EventFilter) -> TraceEvent? { query(filter, limit: 1).first }

    /// The shortest index list that holds every event `filter` can match, or nil to scan.
    private func candidates(_ filter: EventFilter) -> [Int32]? {
        func exact(_ key: String) -> String? {
            guard let p = filter.pattern(key), p.isExact else { return nil }
            return p.core
        }
        var lists: [[Int32]] = []
        let none: [Int32] = []
        var service: UInt32?
        if let s = exact("service") {
            guard let id = strings.id(of: s) else { return none }
            service = id
            lists.append(byService[id] ?? none)
        }
        if let t = exact("type") {
            guard let k = TraceEventKind(rawValue: t) else { return none }
            if k != .syscall { lists.append(byKind[k] ?? none) }
        }
        if let name = exact("syscall") {
            // Every event with a `syscall` field is in these lists, whatever its type.
            guard let id = strings.id(of: name) else { return none }
            if let service {
                lists.append(byServiceSyscall[UInt64(service) << 32 | UInt64(id)] ?? none)
            } else {
                lists.append(bySyscall[id] ?? none)
            }
        }
        return lists.min { $0.count < $1.count }
    }

    /// The stored events among `slice`, materialised (locals again keep reference
    /// counting out of the loop).
    private func events(_ slice: ArraySlice<StoredRecord>) -> [TraceEvent] {
        let boxed = self.boxed, strings = self.strings, eventTypes = self.eventTypes
        var out: [TraceEvent] = []
        out.reserveCapacity(slice.count)
        for r in slice where !r.isDropped {
            out.append(r.boxed >= 0 ? boxed[Int(r.boxed)] : r.materialise(strings, eventType: eventTypes[r.syscall] ?? ""))
        }
        return out
    }
}
