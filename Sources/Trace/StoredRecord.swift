// How the store keeps an event. Syscall events are nearly all of a long trace and have a
// fixed vocabulary, so they are kept as one plain struct of ids and integers (72 bytes,
// no reference counting) and only become `TraceEvent`s when a query returns them. Every
// other event, and a syscall event with fields outside that vocabulary, is kept whole
// ("boxed") beside the records.

/// The fields a compact syscall record can hold, in the order a materialised event lists
/// them (the order producers use, docs/trace.md).
enum SyscallField: Int, CaseIterable {
    case syscall, pid, tid, decision, label, path, addr, size, latencyNs

    var name: String {
        switch self {
        case .syscall: return "syscall"
        case .pid: return "pid"
        case .tid: return "tid"
        case .decision: return "decision"
        case .label: return "label"
        case .path: return "path"
        case .addr: return "addr"
        case .size: return "size"
        case .latencyNs: return "latency_ns"
        }
    }

    static let byName: [String: SyscallField] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })
    var bit: UInt16 { 1 << UInt16(rawValue) }
}

struct StoredRecord {
    var seq: Int
    var timeNanos: UInt64
    var size: Int64 = 0
    var latencyNanos: Int64 = 0
    var service: UInt32
    /// The id of the `syscall` field of any event that has one, boxed or not (the index
    /// needs it); see `hasSyscall`.
    var syscall: UInt32 = 0
    var decision: UInt32 = 0
    var label: UInt32 = 0
    var path: UInt32 = 0
    var addr: UInt32 = 0
    var pid: Int32 = 0
    var tid: Int32 = 0
    /// Position in the store's boxed events, or -1 for a compact syscall record.
    var boxed: Int32 = -1
    /// Which `SyscallField`s a compact record has.
    var present: UInt16 = 0
    var flags: UInt8 = 0

    static let droppable: UInt8 = 1  // an allowed syscall: the bounding may leave it out
    static let dropped: UInt8 = 2    // left out; removed at the next compaction
    static let hasSyscall: UInt8 = 4 // `syscall` is the id of the event's `syscall` field

    var isDropped: Bool { flags & StoredRecord.dropped != 0 }
    var isDroppable: Bool { flags & StoredRecord.droppable != 0 }
    func has(_ f: SyscallField) -> Bool { present & f.bit != 0 }
}

extension StoredRecord {
    /// A compact record for `e` when its fields fit the syscall vocabulary exactly (known
    /// names, in the canonical order, numbers that print back as written); nil otherwise.
    static func compact(_ e: TraceEvent, interner: inout StringInterner) -> StoredRecord? {
        guard e.kind == .syscall, e.data == nil, !e.fields.isEmpty else { return nil }
        var r = StoredRecord(seq: e.seq, timeNanos: e.timeNanos, service: 0)
        var last = -1
        for (key, value) in e.fields {
            guard let f = SyscallField.byName[key], f.rawValue > last else { return nil }
            last = f.rawValue
            switch f {
            case .pid, .tid:
                guard let v = Int32(value), String(v) == value else { return nil }
                if f == .pid { r.pid = v } else { r.tid = v }
            case .size, .latencyNs:
                guard let v = Int64(value), String(v) == value else { return nil }
                if f == .size { r.size = v } else { r.latencyNanos = v }
            case .syscall, .decision, .label, .path, .addr:
                break
            }
            r.present |= f.bit
        }
        guard r.has(.syscall), let name = e.field("syscall"), e.eventType == "syscall." + name else { return nil }
        // Interned only once the event is known to fit, so a rejected event adds nothing.
        for (key, value) in e.fields {
            switch SyscallField.byName[key]! {
            case .syscall: r.syscall = interner.intern(value)
            case .decision: r.decision = interner.intern(value)
            case .label: r.label = interner.intern(value)
            case .path: r.path = interner.intern(value)
            case .addr: r.addr = interner.intern(value)
            default: break
            }
        }
        r.service = interner.intern(e.service)
        r.flags = StoredRecord.hasSyscall
        return r
    }

    /// A compact record's field as text, without building the event.
    func compactField(_ f: SyscallField, _ strings: StringInterner) -> String? {
        guard has(f) else { return nil }
        switch f {
        case .syscall: return strings[syscall]
        case .pid: return String(pid)
        case .tid: return String(tid)
        case .decision: return strings[decision]
        case .label: return strings[label]
        case .path: return strings[path]
        case .addr: return strings[addr]
        case .size: return String(size)
        case .latencyNs: return String(latencyNanos)
        }
    }

    /// A compact record as the event it stands for.
    func materialise(_ strings: StringInterner, eventType: String) -> TraceEvent {
        var fields: [(key: String, value: String)] = []
        fields.reserveCapacity(present.nonzeroBitCount)
        for f in SyscallField.allCases {
            if let v = compactField(f, strings) { fields.append((f.name, v)) }
        }
        return TraceEvent(seq: seq, timeNanos: timeNanos, kind: .syscall, eventType: eventType,
                          service: strings[service], fields: fields)
    }
}
