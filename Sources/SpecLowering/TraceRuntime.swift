import DidYouMean
import FaultPlan
import StarlarkVM
import Trace

/// What the trace builtins need from a running test (the runner's cell runtime conforms).
/// Kept apart from `SpecRuntime` so the trace can grow without touching the client and
/// fault calls.
public protocol TraceRuntime: AnyObject {
    /// Every event `filter` matches so far, in order, after draining what observed services
    /// have printed and what the injector has reported.
    func traceQuery(_ filter: EventFilter, limit: Int) -> [TraceEvent]
    /// The syscalls the injector traps in `service` for this test (fixed at launch).
    func tracedSyscalls(_ service: String) -> Set<String>
    /// The services of the spec, in start order.
    var serviceNames: [String] { get }
    /// Marks `syscalls` of `service` as traced from now on (they must already be trapped;
    /// returns the names that are not, so the caller can say why nothing will be seen).
    func traceStart(service: String, syscalls: [String], at position: SourcePosition) -> [String]
    func traceStop(service: String)
}

/// Where the builtins find the trace runtime: the thread's spec runtime, if it has one.
enum TraceRuntimeSlot {
    static func runtime(_ thread: StarThread, _ what: String) throws -> TraceRuntime {
        guard let r = SpecRuntimeSlot.runtime(thread) as? TraceRuntime else { throw onlyWhileTesting(what) }
        return r
    }
}

/// The filter of one trace assertion or query: string conditions (exact, or `*` globs at
/// either end) OR-ed over the concrete syscalls a family names (`syscall="write"` also
/// matches writev and pwrite64), plus an optional `where=` predicate.
struct TraceQuery {
    var filters: [EventFilter]
    var predicate: Value?
    /// `service=inventory syscall=write path=*.wal` as written.
    var text: String
    /// Exact service and concrete syscalls, when the filter names them (for the
    /// "was it traced" check and the nearest events of a failure).
    var service: String?
    var syscalls: [String]?
    var typeIsSyscall: Bool
    /// Filter names that are no field of any kind of event: keys of decoded output lines
    /// (`level="ERROR"`), or typos; `checkKeysSeen` tells them apart.
    var dataKeys: [String] = []

    /// The filters every message lists; any other field name (`status`, `method`, `line`,
    /// ...: `TraceEvent.fieldNames`) and any key of decoded output filters too, as in the
    /// reference tool.
    static let keys = ["service", "syscall", "path", "decision", "label", "type", "event_type", "addr", "op", "target"]

    /// From keyword values (strings, or a service for `service=`).
    static func make(_ fn: String, _ pairs: [(String, Value)], predicate: Value?, thread: StarThread) throws -> TraceQuery {
        var conditions: [(String, String)] = []
        var dataKeys: [String] = []
        for (name, v) in pairs {
            let k = TraceEvent.filterField(name)
            if !keys.contains(k), !TraceEvent.fieldNames.contains(k) { dataKeys.append(k) }
            switch v {
            case .string(let s): conditions.append((k, s.string))
            case .object(let o as ServiceValue) where k == "service" || k == "target": conditions.append((k, o.name))
            case .none: continue
            default:
                throw StarlarkError("\(fn): for parameter \(k) (a filter): got \(v.typeName), want string"
                                    + (k == "service" ? " or service" : ""))
            }
        }
        let text = conditions.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
        let service = conditions.first { $0.0 == "service" }.flatMap { GlobPattern($0.1).isExact ? $0.1 : nil }
        let type = conditions.first { $0.0 == "type" }?.1
        var syscalls: [String]?
        var filters: [EventFilter]
        if let sc = conditions.first(where: { $0.0 == "syscall" })?.1, GlobPattern(sc).isExact {
            let concrete = VocabularySlot.vocabulary(thread).expand(sc) ?? [sc]
            syscalls = concrete
            let rest = conditions.filter { $0.0 != "syscall" }
            filters = concrete.map { EventFilter(rest + [("syscall", $0)]) }
        } else {
            filters = [EventFilter(conditions)]
        }
        if predicate != nil, conditions.isEmpty { filters = [EventFilter([(String, String)]())] }
        return TraceQuery(filters: filters, predicate: predicate, text: text, service: service,
                          syscalls: syscalls, typeIsSyscall: type == nil || type == "syscall", dataKeys: dataKeys)
    }

    /// Refuses a filter on a name no event of this test has, as a field or a decoded key:
    /// a typo (`levle=`), or output that is not decoded. It could only pass vacuously
    /// (`assert_never`), fail for the wrong reason or select nothing.
    func checkKeysSeen(_ fn: String, _ runtime: TraceRuntime) throws {
        for k in dataKeys where runtime.traceQuery(EventFilter([(k, "*")]), limit: 1).isEmpty {
            let known = Self.keys + TraceEvent.fieldNames
            let hint = Spelling.suggest(k, among: known).map { " (did you mean \($0)?)" } ?? ""
            throw StarlarkError("\(fn): no event in this test has a field or decoded key \(k)\(hint), so the filter "
                                + "\(k)= could only match nothing; filters are " + Self.keys.joined(separator: ", ")
                                + ", where=, any other event field (status, method, line, ...), or a key of output "
                                + "decoded by observe.stdout/stderr(decoder=...)")
        }
    }

    /// Matching events in trace order; with `limit`, at most that many (the first ones).
    /// Without a predicate the store stops at the limit: `assert_eventually` over a large
    /// trace then costs one indexed lookup, not a copy of every match.
    func run(_ runtime: TraceRuntime, thread: StarThread, limit: Int = .max) throws -> [TraceEvent] {
        let storeLimit = predicate == nil ? limit : .max
        var found: [TraceEvent]
        if filters.count == 1 {
            found = runtime.traceQuery(filters[0], limit: storeLimit)
        } else {
            var bySeq: [Int: TraceEvent] = [:]
            for f in filters { for e in runtime.traceQuery(f, limit: storeLimit) { bySeq[e.seq] = e } }
            found = bySeq.keys.sorted().prefix(limit).compactMap { bySeq[$0] }
        }
        guard let predicate else { return found }
        var matched: [TraceEvent] = []
        for e in found where try test(predicate, e, thread) {
            matched.append(e)
            if matched.count >= limit { break }
        }
        return matched
    }

    func matches(_ e: TraceEvent, thread: StarThread) throws -> Bool {
        guard filters.contains(where: { $0.matches(e) }) else { return false }
        guard let predicate else { return true }
        return try test(predicate, e, thread)
    }

    private func test(_ predicate: Value, _ e: TraceEvent, _ thread: StarThread) throws -> Bool {
        try thread.call(predicate, Arguments([.object(TraceEventValue(e))])).truth
    }

    /// Refuses a filter over a syscall that nothing traces in this test: it could only
    /// pass vacuously (`assert_never`) or fail for the wrong reason (`assert_eventually`).
    func checkTraced(_ fn: String, _ runtime: TraceRuntime) throws {
        try checkKeysSeen(fn, runtime)
        guard typeIsSyscall, let syscalls else { return }
        let names = runtime.serviceNames
        if let service, !names.contains(service) {
            let hint = Spelling.suggest(service, among: names).map { "did you mean \"\($0)\"? " } ?? ""
            throw StarlarkError("\(fn): no service named \"\(service)\"; \(hint)services: " + names.joined(separator: ", "))
        }
        let candidates = service.map { [$0] } ?? names
        let traced = candidates.contains { s in !runtime.tracedSyscalls(s).isDisjoint(with: syscalls) }
        if traced { return }
        let target = service ?? "any service"
        let call = service.map { "trace_start(\($0), syscalls=[\"\(syscalls[0])\"])" } ?? "trace_start(SERVICE, syscalls=[...])"
        throw StarlarkError("\(fn): \(syscalls.joined(separator: "/")) is not traced in \(target) during this test, "
                            + "so this assertion could not see it (it would pass or fail vacuously); "
                            + "write the filter with literal service= and syscall= strings so faultbox traces it, "
                            + "or call \(call) first (faultbox compile shows what each test traces)")
    }

    /// For a failure message: the events closest to what was asked (same service and
    /// syscall, other conditions dropped), at most `limit`, with a count.
    func nearest(_ runtime: TraceRuntime, limit: Int = 5) -> String {
        var near: [(String, String)] = []
        if let service { near.append(("service", service)) }
        var pool: [TraceEvent] = []
        if let syscalls {
            for s in syscalls { pool += runtime.traceQuery(EventFilter(near + [("syscall", s)]), limit: .max) }
            pool.sort { $0.seq < $1.seq }
        } else if !near.isEmpty {
            pool = runtime.traceQuery(EventFilter(near), limit: .max)
        }
        let what = [service, syscalls?.first].compactMap { $0 }.joined(separator: " ")
        guard !pool.isEmpty else {
            let total = runtime.traceQuery(EventFilter([(String, String)]()), limit: .max).count
            return what.isEmpty ? "\(total) events in this test" : "no \(what) events in this test (\(total) events in all)"
        }
        var shown = pool.count <= limit ? pool : Array(pool.prefix(limit - 1)) + [pool[pool.count - 1]]
        shown.sort { $0.seq < $1.seq }
        let lines = shown.map { "    " + TraceText.describe($0) }
        let elided = pool.count > shown.count ? ["    ... \(pool.count - shown.count) more"] : []
        let head = "\(pool.count) \(what) event\(pool.count == 1 ? "" : "s") in this test:"
        return ([head] + (pool.count > limit ? Array(lines.dropLast()) + elided + [lines[lines.count - 1]] : lines))
            .joined(separator: "\n")
    }
}
