import FaultPlan
import Foundation
import Injector
import SpecLowering
import StarlarkVM

/// What spec code reaches while one cell runs (`api.get`, `db.main.send`, `fault`,
/// `partition`), installed on the cell's Starlark thread. It also runs the cell's monitors
/// on the events the injector reported since the last call, on this (the VM) thread.
final class CellRuntime: SpecRuntime {
    struct WatchingMonitor {
        var name: String
        var position: SourcePosition
        var callable: Value
        var service: String?
        var syscalls: Set<String>
    }

    let context: CellContext
    private let thread: StarThread
    private let monitors: [WatchingMonitor]
    /// Interface ports per service, for partitions.
    private let ports: [String: [Int]]
    /// Per service, what the injector traps (a runtime fault on anything else cannot fire).
    let trapSets: [String: Set<String>]
    /// The first monitor failure: it decides the test's reason.
    private(set) var monitorFailure: String?
    /// Remarks for the report (e.g. a runtime fault on a syscall that is not trapped).
    var warnings: [String] = []

    static let requestTimeout: Duration = .seconds(30)

    init(context: CellContext, thread: StarThread, monitors: [WatchingMonitor],
         ports: [String: [Int]], trapSets: [String: Set<String>]) {
        self.context = context; self.thread = thread; self.monitors = monitors
        self.ports = ports; self.trapSets = trapSets
    }

    // MARK: clients

    func http(service: String, interface: String, address: String, method: String, path: String,
              body: [UInt8]?, headers: [(String, String)]) -> SpecHTTPResult {
        let (host, port) = Self.split(address)
        let r = Clients.http(context.http, method: method, host: host, port: port, path: path, body: body,
                             headers: headers, timeout: Self.requestTimeout)
        runMonitors()
        return SpecHTTPResult(status: r.status, body: r.body, headers: r.headers,
                              durationMilliseconds: r.durationMs, error: r.error)
    }

    func tcpSend(service: String, interface: String, address: String, data: [UInt8]) throws -> [UInt8] {
        let (host, port) = Self.split(address)
        let r = Clients.tcpSendLine(host: host, port: port, data: data, timeout: Self.requestTimeout)
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
                warnings.append("\(r.position): \(origin) \(r.keyword): \(untrapped.joined(separator: ", ")) not trapped in \(r.target) for this test, so it cannot fire")
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

    /// Hands each pending event to the monitors that watch it. A monitor that raises or
    /// calls `fail` fails the test; the first failure is kept with its event.
    func runMonitors() {
        let events = context.events.takeForMonitors()
        guard !events.isEmpty, monitorFailure == nil else { return }
        for event in events {
            for m in monitors where (m.service == nil || m.service == event.service)
                && (m.syscalls.isEmpty || m.syscalls.contains(event.syscall)) {
                let value = Value.object(EventValue(event))
                do {
                    let verdict = try thread.call(m.callable, Arguments([value]))
                    if case .bool(false) = verdict {
                        monitorFailure = "monitor \(m.name) (\(m.position)) returned False on event \(EventLog.describe(event))"
                    }
                } catch {
                    monitorFailure = "monitor \(m.name) (\(m.position)) failed on event \(EventLog.describe(event)):\n"
                        + Self.indent(CellBodies.describe(error))
                }
                if monitorFailure != nil { return }
            }
        }
    }

    func runMonitorsOrThrow() throws {
        runMonitors()
        if let failure = monitorFailure { throw StarlarkError(failure) }
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
