import Foundation
import Injector
import Trace

/// The producers' side of one cell's trace: the one event path. The injector's decisions,
/// the supervisor's life-cycle steps, armed and removed faults, the spec's client calls and
/// the lines observed services print all enter the cell's `TraceStore` through here, so
/// every consumer (assertions, `events()`, monitors, the reports) reads one ordered list.
///
/// Ordering (docs/trace.md): an event takes its `seq` when it reaches the store. Injector
/// events are appended on the tracer's event thread as the decisions are taken; output
/// lines are read from the services' log files by `drainOutputs()`, which every query runs
/// first on the VM thread, and which the client calls run before they record the answer.
final class CellTrace: @unchecked Sendable {
    let store: TraceStore
    /// Readers of the observed streams (`observe=`), one per service stream.
    private let outputs = Locked<[ObservedOutput]>([])
    /// Waits for the injector's pending events (set by the cell once its session exists).
    var flushInjector: (@Sendable () -> Void)?
    /// Records the services that died on their own so far (set by the cell: the supervisor's).
    var recordExits: (@Sendable () -> Void)?

    init(startedAt: ContinuousClock.Instant) {
        store = TraceStore(startedAt: startedAt)
    }

    // MARK: producers

    /// One injector decision (on the injector's event thread).
    func record(_ e: SyscallEvent) {
        var fields: [(key: String, value: String)] = [("syscall", e.syscall), ("pid", String(e.pid)),
                                                      ("tid", String(e.tid)),
                                                      ("decision", EventLog.describe(e.decision))]
        if !e.label.isEmpty { fields.append(("label", e.label)) }
        if let op = e.op { fields.append(("op", op)) }
        if let path = e.path { fields.append(("path", path)) }
        if let addr = e.address { fields.append(("addr", addr)) }
        if let size = e.size { fields.append(("size", String(size))) }
        if e.latencyNanoseconds > 0 { fields.append(("latency_ns", String(e.latencyNanoseconds))) }
        store.append(TraceEvent(timeNanos: 0, kind: .syscall, eventType: "syscall." + e.syscall,
                                service: e.service, fields: fields))
    }

    /// `lifecycle.started`, `lifecycle.ready`, `lifecycle.exited`, `lifecycle.stopped`.
    func lifecycle(_ service: String, _ phase: String, _ fields: [(key: String, value: String)] = []) {
        store.append(TraceEvent(timeNanos: 0, kind: .lifecycle, eventType: "lifecycle." + phase,
                                service: service, fields: [("phase", phase)] + fields))
    }

    /// Rules armed on (or removed from) `service`; `rules` are their printed forms.
    func faults(applied: Bool, service: String, origin: String, rules: [String]) {
        store.append(TraceEvent(timeNanos: 0, kind: applied ? .faultApplied : .faultRemoved,
                                eventType: applied ? "fault_applied" : "fault_removed", service: service,
                                fields: [("origin", origin), ("rules", rules.joined(separator: "; "))]))
    }

    /// A client call leaving the spec (`step_send.<service>`), on the spec's own lane.
    func stepSend(service: String, interface: String, _ fields: [(key: String, value: String)]) {
        store.append(TraceEvent(timeNanos: 0, kind: .stepSend, eventType: "step_send." + service, service: "test",
                                fields: [("target", service), ("interface", interface)] + fields))
    }

    /// Its answer (`step_recv.<service>`). Output the services printed before answering is
    /// drained first, so it precedes the answer in the trace.
    func stepRecv(service: String, interface: String, _ fields: [(key: String, value: String)]) {
        drainOutputs()
        store.append(TraceEvent(timeNanos: 0, kind: .stepRecv, eventType: "step_recv." + service, service: "test",
                                fields: [("target", service), ("interface", interface)] + fields))
    }

    /// A monitor's verdict that failed the test.
    func violation(monitor: String, at seq: Int, message: String) {
        store.append(TraceEvent(timeNanos: 0, kind: .violation, eventType: "violation." + monitor, service: "test",
                                fields: [("monitor", monitor), ("event_seq", String(seq)), ("message", message)]))
    }

    // MARK: observed output

    /// Starts reading `path` (a service's stdout or stderr log) as events of `kind`.
    func observe(service: String, kind: TraceEventKind, path: String, decoder: TraceDecoder?) {
        outputs.withLock { $0.append(ObservedOutput(service: service, kind: kind, decoder: decoder,
                                                    reader: OutputLineReader(path: path))) }
    }

    /// Delivers the injector's pending decisions and the exits of services that died, then
    /// appends every complete line the observed services have written so far. With
    /// `final`, a last line without a newline counts too (the service has stopped). A log
    /// file that cannot be read is noted once as a trace event of the service, not raised:
    /// the test itself is not at fault.
    func drainOutputs(final: Bool = false) {
        flushInjector?()
        recordExits?()
        outputs.withLock { list in
            for i in list.indices where !list[i].failed {
                let o = list[i]
                do {
                    let lines = final ? try o.reader.finish() : try o.reader.drain()
                    for line in lines {
                        store.append(OutputEvents.event(service: o.service, stream: o.kind, line: line, decoder: o.decoder))
                    }
                } catch {
                    list[i].failed = true
                    store.append(TraceEvent(timeNanos: 0, kind: o.kind, eventType: o.kind.rawValue, service: o.service,
                                            fields: [("line", ""), ("error", "\(error)")]))
                }
            }
        }
    }
}

/// One observed stream of one service.
struct ObservedOutput {
    let service: String
    let kind: TraceEventKind
    let decoder: TraceDecoder?
    let reader: OutputLineReader
    var failed = false
}
