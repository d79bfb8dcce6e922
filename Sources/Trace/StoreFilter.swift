// An EventFilter prepared for one query over the store's compact records. Each condition
// knows where its field lives, an exact pattern on an interned string becomes an id
// comparison, and a glob over an interned string is evaluated once per distinct string:
// paths and decisions repeat, so a scan of 100,000 writes for `path="*.wal"` evaluates the
// glob a handful of times instead of 100,000 (docs/trace.md, "Measurements").

struct StoreFilter {
    private enum Source {
        case service, eventType, seq
        case interned(SyscallField)
        case number(SyscallField)
        /// Decided for every compact record at once (`type`, or a field compact records
        /// never have).
        case constant(Bool)
    }

    private struct Condition {
        let source: Source
        let pattern: GlobPattern
        /// For an exact pattern: the id of its text, or nil if the store never saw it.
        let exactID: UInt32?
        /// Per interned id: 0 not yet evaluated, 1 matches, 2 does not.
        var verdicts: [UInt8] = []
    }

    let filter: EventFilter
    private var conditions: [Condition]

    init(_ filter: EventFilter, strings: StringInterner) {
        self.filter = filter
        conditions = filter.conditions.map { c in
            let source: Source
            switch c.key {
            case "service": source = .service
            case "type": source = .constant(c.pattern.matches(TraceEventKind.syscall.rawValue))
            case "event_type": source = .eventType
            case "seq": source = .seq
            default:
                if let f = SyscallField.byName[c.key] {
                    switch f {
                    case .pid, .tid, .size, .latencyNs: source = .number(f)
                    default: source = .interned(f)
                    }
                } else {
                    source = .constant(false)
                }
            }
            return Condition(source: source, pattern: c.pattern, exactID: c.pattern.isExact ? strings.id(of: c.pattern.core) : nil)
        }
    }

    /// Whether the compact record `r` matches (boxed records are asked through `filter`).
    mutating func matches(_ r: StoredRecord, _ strings: StringInterner, _ eventTypes: [UInt32: String]) -> Bool {
        for i in conditions.indices {
            let ok: Bool
            switch conditions[i].source {
            case .constant(let v): ok = v
            case .service: ok = verdict(i, r.service, strings)
            case .eventType: ok = eventTypes[r.syscall].map { conditions[i].pattern.matches($0) } ?? false
            case .seq: ok = conditions[i].pattern.matches(String(r.seq))
            case .number(let f):
                guard let text = r.compactField(f, strings) else { return false }
                ok = conditions[i].pattern.matches(text)
            case .interned(let f):
                guard r.has(f) else { return false }
                let id: UInt32
                switch f {
                case .syscall: id = r.syscall
                case .decision: id = r.decision
                case .label: id = r.label
                case .path: id = r.path
                default: id = r.addr
                }
                ok = verdict(i, id, strings)
            }
            if !ok { return false }
        }
        return true
    }

    private mutating func verdict(_ i: Int, _ id: UInt32, _ strings: StringInterner) -> Bool {
        if conditions[i].pattern.isExact { return conditions[i].exactID == id }
        if conditions[i].verdicts.isEmpty { conditions[i].verdicts = [UInt8](repeating: 0, count: strings.strings.count) }
        let known = conditions[i].verdicts[Int(id)]
        if known != 0 { return known == 1 }
        let ok = conditions[i].pattern.matches(strings[id])
        conditions[i].verdicts[Int(id)] = ok ? 1 : 2
        return ok
    }
}
