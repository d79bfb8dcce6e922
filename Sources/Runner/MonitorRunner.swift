import FaultPlan
import Injector
import SpecLowering
import StarlarkVM
import Trace

/// Runs one cell's monitors over its trace, on the VM thread, between the test's own steps:
/// each call hands the monitors the events recorded since the previous call. Monitors judge
/// the window in which faults are armed (events after `armedAfter`).
///
/// Two forms: the seed's callback `monitor(fn, service=, syscall=)`, called with each
/// matching syscall event (it fails the test by raising or returning False), and the
/// stateful `monitor(name, on=, state_init=, update=, check=)`, whose state is fresh per
/// test and whose update/check run in the monitor sandbox.
final class MonitorRunner {
    enum Kind {
        case callback(fn: Value, service: String?, syscalls: Set<String>)
        case stateful(match: CompiledMatch, state: Value, update: Value?, check: Value?)
    }

    struct Watch {
        var name: String
        var position: SourcePosition
        var kind: Kind
    }

    private var watches: [Watch]
    private var cursor = 0
    /// The first failure: it decides the test's reason.
    private(set) var failure: String?

    init(_ watches: [Watch]) { self.watches = watches }

    var isEmpty: Bool { watches.isEmpty }

    func run(_ trace: CellTrace, armedAfter: Int, thread: StarThread) {
        guard !watches.isEmpty, failure == nil else { return }
        trace.drainOutputs()
        let events = trace.store.events(after: max(cursor, armedAfter))
        guard let last = events.last else { return }
        cursor = last.seq
        for event in events {
            for i in watches.indices {
                if let reason = judge(i, event, thread) {
                    failure = reason
                    trace.violation(monitor: watches[i].name, at: event.seq, message: reason)
                    return
                }
            }
        }
    }

    /// The failure reason, or nil when the monitor is content with `event`.
    private func judge(_ i: Int, _ event: TraceEvent, _ thread: StarThread) -> String? {
        let w = watches[i]
        switch w.kind {
        case .callback(let fn, let service, let syscalls):
            guard event.kind == .syscall, service == nil || service == event.service,
                  syscalls.isEmpty || syscalls.contains(event.field("syscall") ?? "") else { return nil }
            do {
                let verdict = try thread.call(fn, Arguments([.object(TraceEventValue(event))]))
                if case .bool(false) = verdict {
                    return "monitor \(w.name) (\(w.position)) returned False on event \(TraceText.describe(event))"
                }
            } catch {
                return "monitor \(w.name) (\(w.position)) failed on event \(TraceText.describe(event)):\n"
                    + CellRuntime.indent(CellBodies.describe(error))
            }
            return nil
        case .stateful(let match, let state, let update, let check):
            guard match.matches(event) else { return nil }
            let value = Value.object(TraceEventValue(event))
            do {
                return try MonitorSandbox.run(monitor: w.name, on: thread) { () throws -> String? in
                    let next = try update.map { try thread.call($0, Arguments([value, state])) } ?? state
                    watches[i].kind = .stateful(match: match, state: next, update: update, check: check)
                    guard let check else { return nil }
                    let verdict = try thread.call(check, Arguments([value, next]))
                    if verdict.truth { return nil }
                    return "monitor \(w.name) violated at event #\(event.seq): \(TraceText.describe(event))"
                        + " (check returned \(Ops.repr(verdict)); state \(CellBodies.repr(next)))"
                }
            } catch {
                return "monitor \(w.name) (\(w.position)) failed at event #\(event.seq) \(TraceText.describe(event)):\n"
                    + CellRuntime.indent(CellBodies.describe(error))
            }
        }
    }
}

/// A monitor's `on=` matcher, with `syscall=` families expanded to their members
/// (`syscall="write"` also matches writev and pwrite64).
indirect enum CompiledMatch {
    case anyOf([EventFilter])
    case any([CompiledMatch])
    case all([CompiledMatch])
    case never

    init(_ m: EventMatch) {
        switch m {
        case .event(let fields):
            let pairs = fields.map { ($0.key, $0.pattern) }
            if let sc = fields.first(where: { $0.key == "syscall" }), sc.isExact,
               let members = Syscalls.expand(sc.pattern), members.count > 1 {
                let rest = pairs.filter { $0.0 != "syscall" }
                self = .anyOf(members.map { EventFilter(rest + [("syscall", $0)]) })
            } else {
                self = .anyOf([EventFilter(pairs)])
            }
        case .any(let l): self = .any(l.map(CompiledMatch.init))
        case .all(let l): self = .all(l.map(CompiledMatch.init))
        case .never: self = .never
        }
    }

    func matches(_ e: TraceEvent) -> Bool {
        switch self {
        case .anyOf(let filters): return filters.contains { $0.matches(e) }
        case .any(let l): return l.contains { $0.matches(e) }
        case .all(let l): return l.allSatisfy { $0.matches(e) }
        case .never: return false
        }
    }
}

/// A fresh, mutable copy of a monitor's initial state for each test: module values are
/// frozen after loading, and one test's state must not leak into the next.
enum StateCopy {
    static func fresh(_ v: Value, depth: Int = 0) -> Value {
        guard depth < 100 else { return v }
        switch v {
        case .list(let l): return .list(StarList(l.elements.map { fresh($0, depth: depth + 1) }))
        case .tuple(let t): return .tuple(StarTuple(t.elements.map { fresh($0, depth: depth + 1) }))
        case .dict(let d):
            let copy = StarDict()
            for (k, x) in d.items { try? copy.set(k, fresh(x, depth: depth + 1)) }
            return .dict(copy)
        default: return v
        }
    }
}
