import FaultPlan
import Foundation
import Injector
import SpecLowering
import StarlarkVM
import Trace

/// What spec code reaches while one cell runs (`api.get`, `db.main.send`, `fault`,
/// `partition`, the trace queries), installed on the cell's Starlark thread. It also runs
/// the cell's monitors on the events recorded since the last call, on this (the VM) thread.
final class CellRuntime: SpecRuntime, TraceRuntime {
    let context: CellContext
    private let thread: StarThread
    private let monitors: MonitorRunner
    let serviceNames: [String]
    /// Interface ports per service, for partitions.
    private let ports: [String: [Int]]
    /// Per service, what the injector traps (a runtime fault on anything else cannot fire).
    let trapSets: [String: Set<String>]
    /// The first monitor failure: it decides the test's reason.
    var monitorFailure: String? { monitors.failure }
    /// Services with a `trace_start` in force, and where it was called (for the warning
    /// when a test leaves one running).
    private var tracing: [String: SourcePosition] = [:]
    /// Remarks for the report (e.g. a runtime fault on a syscall that is not trapped).
    var warnings: [String] = []

    static let requestTimeout: Duration = .seconds(30)
    /// Each HTTP/TCP call's bound; a function healthcheck sets what is left of its timeout.
    var callTimeout: Duration = CellRuntime.requestTimeout
    /// True while a function healthcheck runs: calls are neither trace steps nor shown to
    /// monitors (the window opens once every service is ready).
    var starting = false

    init(context: CellContext, thread: StarThread, monitors: MonitorRunner, serviceNames: [String],
         ports: [String: [Int]], trapSets: [String: Set<String>]) {
        self.context = context
        self.thread = thread
        self.monitors = monitors
        self.serviceNames = serviceNames
        self.ports = ports
        self.trapSets = trapSets
    }

    // MARK: clients

    func http(service: String, interface: String, address: String, method: String, path: String,
              body: [UInt8]?, headers: [(String, String)], tls: TLSSettings?) -> SpecHTTPResult {
        let (host, port) = Self.split(address)
        if starting {
            return Clients.http(context.http, method: method, host: host, port: port, path: path, body: body,
                                headers: headers, timeout: callTimeout, tls: tls)
        }
        context.trace.stepSend(service: service, interface: interface, [("method", method), ("path", path)])
        let r = Clients.http(context.http, method: method, host: host, port: port, path: path, body: body,
                             headers: headers, timeout: callTimeout, tls: tls)
        var fields: [(key: String, value: String)] = [("method", method), ("path", path), ("status", String(r.status)),
                                                      ("duration_ms", Self.ms(r.durationMilliseconds)),
                                                      ("success", r.error == nil && r.status < 400 ? "true" : "false")]
        if let error = r.error { fields.append(("error", error)) }
        if r.error == nil, !(200..<300).contains(r.status) {
            // Why a 4xx/5xx happened, readable from the trace (2xx bodies stay out: size).
            fields.append(("body", String(decoding: r.body.prefix(2048), as: UTF8.self)))
        }
        context.trace.stepRecv(service: service, interface: interface, fields)
        runMonitors()
        return r
    }

    func tcpSend(service: String, interface: String, address: String, data: [UInt8]) throws -> [UInt8] {
        let (host, port) = Self.split(address)
        if starting {
            let r = Clients.tcpSendLine(host: host, port: port, data: data, timeout: callTimeout)
            if let error = r.error { throw StarlarkError("\(service).\(interface).send: \(error)") }
            return r.reply ?? []
        }
        let command = String(decoding: data.prefix(256), as: UTF8.self)
        context.trace.stepSend(service: service, interface: interface, [("command", command)])
        let began = ContinuousClock.now
        let r = Clients.tcpSendLine(host: host, port: port, data: data, timeout: callTimeout)
        var fields: [(key: String, value: String)] = [("command", command),
                                                      ("duration_ms", Self.ms((ContinuousClock.now - began).secondsDouble * 1000)),
                                                      ("success", r.error == nil ? "true" : "false")]
        if let error = r.error { fields.append(("error", error)) }
        if let reply = r.reply { fields.append(("reply", String(decoding: reply.prefix(2048), as: UTF8.self))) }
        context.trace.stepRecv(service: service, interface: interface, fields)
        try runMonitorsOrThrow()
        if let error = r.error { throw StarlarkError("\(service).\(interface).send: \(error)") }
        return r.reply ?? []
    }

    // MARK: faults

    func withFaults(target: String, rules: [SyscallRule], body: () throws -> Value) throws -> Value {
        let origin = "fault(\(target))"
        var layer: [String: [FaultRule]] = [:]
        for r in rules {
            let id = context.rules.newRuleID(origin: .init(name: origin, warnIfUnused: true))
            layer[r.target, default: []].append(PlanAdapter.rule(r, id: id, defaultLabel: ""))
            let untrapped = r.syscalls.filter { !(trapSets[r.target]?.contains($0) ?? false) }
            if !untrapped.isEmpty {
                warnings.append("\(r.position): \(origin) \(r.keyword): \(untrapped.joined(separator: ", ")) not "
                    + "trapped in \(r.target) for this test, so it cannot fire")
            }
        }
        return try withLayer(layer, body)
    }

    func partition(a: String, b: String, body: () throws -> Value) throws -> Value {
        let refused = Errno.value(named: "ECONNREFUSED") ?? 111
        var layer: [String: [FaultRule]] = [:]
        for (from, to) in [(a, b), (b, a)] {
            for port in ports[to] ?? [] {
                let id = context.rules.newRuleID(origin: .init(name: "partition(\(a), \(b))", warnIfUnused: false))
                layer[from, default: []].append(FaultRule(
                    id: id, syscalls: ["connect"], action: .deny(errno: refused),
                    label: "partition \(a)|\(b)", destination: String(port)))
            }
        }
        return try withLayer(layer, body)
    }

    func withLayer(_ layer: [String: [FaultRule]], _ body: () throws -> Value) throws -> Value {
        try runMonitorsOrThrow()
        let token = context.rules.push(layer)
        let result: Value
        do { result = try body() } catch {
            context.rules.pop(token)
            throw error
        }
        context.rules.pop(token)
        try runMonitorsOrThrow()
        return result
    }

    // MARK: monitors

    /// Hands the events recorded since the last call to the monitors. A monitor that
    /// raises, calls `fail` or returns False fails the test; the first failure is kept.
    func runMonitors() {
        if starting { return }
        monitors.run(context.trace, armedAfter: context.armedAfterSeq.current, thread: thread)
    }

    func runMonitorsOrThrow() throws {
        runMonitors()
        if let failure = monitorFailure { throw StarlarkError(failure) }
    }

    // MARK: trace

    func traceQuery(_ filter: EventFilter, limit: Int) -> [TraceEvent] {
        context.trace.drainOutputs()
        return context.trace.store.query(filter, limit: limit)
    }

    func tracedSyscalls(_ service: String) -> Set<String> { trapSets[service] ?? [] }

    func traceStart(service: String, syscalls: [String], at position: SourcePosition) -> [String] {
        tracing[service] = position
        let missing = syscalls.filter { !(trapSets[service]?.contains($0) ?? false) }
        if !missing.isEmpty {
            warnings.append("\(position): trace_start(\(service)): \(missing.joined(separator: ", ")) not traced in \(service) "
                            + "for this test (the syscalls were not known when the services started; write them as a "
                            + "literal list so faultbox can trace them)")
        }
        return missing
    }

    func traceStop(service: String) { tracing[service] = nil }

    /// `trace_start` calls the test left running, for a warning.
    var openTraces: [(service: String, position: SourcePosition)] {
        tracing.map { ($0.key, $0.value) }.sorted { $0.service < $1.service }
    }

    static func ms(_ x: Double) -> String {
        x.isFinite ? String(format: "%.1f", x) : "0"
    }

    static func split(_ address: String) -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            return (address, 0)
        }
        return (String(address[..<colon]), port)
    }

    static func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}
